#!/usr/bin/env bash
# Install what is missing, build, and run every test through CTest.
#
#   scripts/test.sh [ctest options...]          e.g. scripts/test.sh -R Config
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${CE_LSLM_BUILD_DIR:-build}
start=$(date +%s)
scripts/build.sh
ctest --test-dir "$build_dir" --output-on-failure --parallel "${CE_LSLM_JOBS:-$(nproc)}" "$@"
echo "test.sh: build and tests passed in $(( $(date +%s) - start )) s."
