#!/usr/bin/env bash
# The reference experiment: runs the sweeps of examples/sweeps/ and ce-lslm-kv-eval, draws the
# figures into doc/figures/results/ and writes doc/results.md (our numbers beside the papers'
# claims, with the scenarios that produced them). At most 30 minutes on 2 cores from a fresh
# clone (build included).
#
#   scripts/reproduce.sh                 everything; resumes: finished runs are kept
#
# Environment: CE_LSLM_RESULTS (default traces/reference) holds the sweeps' runs and results;
# CE_LSLM_JOBS (default: the number of cores) local worker processes; CE_LSLM_KV_EVAL_LIMIT
# (default 150) requests of the workload for the quality-vs-compression figure (0: all, ~6 min).
# All sweeps share one answer store (CE_LSLM_RESULTS/kernel-store): the real transformer's answer
# to a request is computed once for the whole experiment; results are identical without it.
set -euo pipefail
cd "$(dirname "$0")/.."

results=${CE_LSLM_RESULTS:-traces/reference}
jobs=${CE_LSLM_JOBS:-$(nproc)}
limit=${CE_LSLM_KV_EVAL_LIMIT:-150}
bin=${CE_LSLM_BUILD_DIR:-build}/bin
start=$(date +%s)

# Only the two programs the experiment runs (the tests are scripts/test.sh's business).
CE_LSLM_BUILD_TYPE=Release CE_LSLM_TARGETS="ce-lslm-sim ce-lslm-kv-eval" scripts/build.sh
mkdir -p "$results"

# Cheapest first, so a first look at the figures comes early; load is the largest.
for sweep in ce-collm links backhaul blockage load; do
  echo "reproduce.sh: sweep $sweep ($(( $(date +%s) - start )) s so far)"
  /usr/bin/python3 scripts/sweep.py run "examples/sweeps/$sweep.json" --out "$results/$sweep" \
    --jobs "$jobs" --kernel-store "$results/kernel-store"
done

if [ ! -s "$results/kv-eval.csv" ]; then
  echo "reproduce.sh: ce-lslm-kv-eval on the first $limit requests"
  "$bin/ce-lslm-kv-eval" --limit "$limit" --threads "$jobs" --csv "$results/kv-eval.csv.partial" \
    --json "$results/kv-eval.json" > "$results/kv-eval.txt"
  mv "$results/kv-eval.csv.partial" "$results/kv-eval.csv"
fi

/usr/bin/python3 scripts/plot.py reference "$results" --kv "$results/kv-eval.csv" \
  --out doc/figures/results
/usr/bin/python3 scripts/report.py "$results" --figures doc/figures/results --out doc/results.md \
  --wall-s "$(( $(date +%s) - start ))"
echo "reproduce.sh: done in $(( $(date +%s) - start )) s: doc/results.md, doc/figures/results/"
