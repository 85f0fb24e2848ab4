#!/usr/bin/env bash
# Build with AddressSanitizer and UndefinedBehaviorSanitizer (CE_LSLM_SANITIZE=ON) into
# build-asan/ and run every test there except the long soak (CTest label "soak"). Any memory
# error, leak or undefined behaviour fails the test that triggered it.
#
#   scripts/test-sanitized.sh [ctest options...]          e.g. scripts/test-sanitized.sh -R Fault
set -euo pipefail
cd "$(dirname "$0")/.."

export CE_LSLM_BUILD_DIR=${CE_LSLM_BUILD_DIR:-build-asan}
export CE_LSLM_BUILD_TYPE=${CE_LSLM_BUILD_TYPE:-RelWithDebInfo}
start=$(date +%s)
scripts/build.sh -DCE_LSLM_SANITIZE=ON
ctest --test-dir "$CE_LSLM_BUILD_DIR" --output-on-failure --parallel "${CE_LSLM_JOBS:-$(nproc)}" \
  --label-exclude soak "$@"
echo "test-sanitized.sh: sanitized build and tests passed in $(( $(date +%s) - start )) s."
