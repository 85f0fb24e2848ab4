#!/usr/bin/env bash
# Configure and build ce-lslm into build/ (binaries in build/bin/).
#
#   scripts/build.sh [extra cmake -D options...]
#
# Environment: CE_LSLM_BUILD_DIR (default build), CE_LSLM_BUILD_TYPE (default Release),
# CE_LSLM_JOBS (default: number of cores), CE_LSLM_TARGETS (default: every target).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${CE_LSLM_BUILD_DIR:-build}
build_type=${CE_LSLM_BUILD_TYPE:-Release}
jobs=${CE_LSLM_JOBS:-$(nproc)}

scripts/setup.sh
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
# CE_LSLM_TARGETS: build only these targets (space-separated), e.g. "ce-lslm-sim"; default all.
targets=()
for target in ${CE_LSLM_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build "$build_dir" --parallel "$jobs" "${targets[@]}"
