#!/usr/bin/env bash
# Configure and build ce-lslm into build/ (binaries in build/bin/).
#
#   scripts/build.sh [extra cmake -D options...]
#
# Environment: CE_LSLM_BUILD_DIR (default build), CE_LSLM_BUILD_TYPE (default Release),
# CE_LSLM_JOBS (default: number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${CE_LSLM_BUILD_DIR:-build}
build_type=${CE_LSLM_BUILD_TYPE:-Release}
jobs=${CE_LSLM_JOBS:-$(nproc)}

scripts/setup.sh
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
cmake --build "$build_dir" --parallel "$jobs"
