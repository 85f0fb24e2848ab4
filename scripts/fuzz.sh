#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each on a copy of its corpus.
#
#   scripts/fuzz.sh [--merge] [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 60; TARGET is a name of test/fuzz/<name>-fuzz.cc (default every
# one). Findings (crash-*, leak-*, timeout-*, oom-* inputs) land in $CE_LSLM_FUZZ_DIR/findings/
# <name>/; reproduce one with $CE_LSLM_FUZZ_DIR/bin/<name>-fuzz FILE. With --merge, the inputs that
# add coverage are merged back into test/fuzz/corpus/<name>/ (libFuzzer -merge=1; review and
# commit them, the corpus stays small). Environment: CE_LSLM_FUZZ_DIR (default /tmp/build-fuzz),
# CE_LSLM_JOBS (build jobs, default number of cores). See doc/fuzzing.rst.
set -euo pipefail
cd "$(dirname "$0")/.."

merge=0
if [ "${1:-}" = "--merge" ]; then
  merge=1
  shift
fi
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in test/fuzz/*-fuzz.cc; do
    name=$(basename "$source" .cc)
    targets+=("${name%-fuzz}")
  done
fi

build_dir=${CE_LSLM_FUZZ_DIR:-/tmp/build-fuzz}
scripts/setup.sh --fuzz
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCE_LSLM_FUZZ=ON >/dev/null
build_targets=()
for name in "${targets[@]}"; do build_targets+=(--target "$name-fuzz"); done
cmake --build "$build_dir" --parallel "${CE_LSLM_JOBS:-$(nproc)}" "${build_targets[@]}"

# A leak in a refused input is a finding too, but ns-3's singletons are still alive at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rows=()
for name in "${targets[@]}"; do
  corpus=$build_dir/corpus/$name
  findings=$build_dir/findings/$name
  rm -rf "$corpus"
  mkdir -p "$corpus" "$findings"
  cp test/fuzz/corpus/"$name"/* "$corpus"/
  options=(-max_total_time="$seconds" -artifact_prefix="$findings/" -print_final_stats=1
           -timeout=10 -rss_limit_mb=2048 -max_len=65536)
  [ -f test/fuzz/dict/"$name".dict ] && options+=(-dict=test/fuzz/dict/"$name".dict)
  log=$build_dir/findings/$name.log
  echo "fuzz.sh: $name for $seconds s (log $log)"
  # -fork=1 keeps fuzzing after a finding (one process at a time, the machine is shared).
  "$build_dir/bin/$name-fuzz" "${options[@]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
    -ignore_ooms=1 "$corpus" >"$log" 2>&1 || true
  # The last status line ("#98122: cov: ...") counts the executions of every job.
  runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  found=$(find "$findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  rows+=("$name ${runs:-?} $(find "$corpus" -type f | wc -l) $found")
  if [ "$merge" = 1 ]; then
    "$build_dir/bin/$name-fuzz" -merge=1 -max_len=65536 test/fuzz/corpus/"$name" "$corpus" \
      >>"$log" 2>&1
  fi
done

printf '\n%-18s %12s %8s %9s\n' target executions corpus findings
for row in "${rows[@]}"; do
  # shellcheck disable=SC2086
  printf '%-18s %12s %8s %9s\n' $row
done
echo "fuzz.sh: findings in $build_dir/findings/<target>/"
