#!/usr/bin/env bash
# Quick start: install what is missing, build (Release), run the default scenario, print its
# summary and write the outputs under traces/latest/.
#
#   scripts/run.sh [ce-lslm-sim options...]     e.g. scripts/run.sh --set topology.terminals=8
set -euo pipefail
cd "$(dirname "$0")/.."

CE_LSLM_BUILD_TYPE=Release scripts/build.sh
# The default scenario writes to traces/latest (output.dir); --out or a config file may change it.
exec "${CE_LSLM_BUILD_DIR:-build}/bin/ce-lslm-sim" "$@"
