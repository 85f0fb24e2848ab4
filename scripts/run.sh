#!/usr/bin/env bash
# Quick start: install what is missing, build (Release), run the default scenario in the
# cloud-only, edge-only, ce-lslm and ce-collm modes on the 6G radio, and print them side by side; outputs go to
# traces/latest/<mode>/.
#
#   scripts/run.sh [ce-lslm-sim options...]     e.g. scripts/run.sh --set topology.terminals=8
#
# Options are passed to ce-lslm-sim; give --modes yourself to choose other modes.
set -euo pipefail
cd "$(dirname "$0")/.."

CE_LSLM_BUILD_TYPE=Release scripts/build.sh
modes=(--modes cloud-only,edge-only,ce-lslm,ce-collm)
for argument in "$@"; do
  case "$argument" in
    --modes|--modes=*|--print-config|--config-reference|--help|-h) modes=() ;;
  esac
done
# The default scenario writes to traces/latest (output.dir); --out or a config file may change it.
exec "${CE_LSLM_BUILD_DIR:-build}/bin/ce-lslm-sim" "${modes[@]}" "$@"
