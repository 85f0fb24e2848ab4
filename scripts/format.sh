#!/usr/bin/env bash
# Format every C++ file of the repository with its .clang-format (ns-3 style).
#
#   scripts/format.sh          rewrite the files in place
#   scripts/format.sh --check  change nothing; list unformatted files and exit 1 if any
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(find src examples scratch test \( -name '*.h' -o -name '*.cc' \) | sort)
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "format.sh: not clang-formatted (run scripts/format.sh): ${bad[*]}" >&2
    exit 1
  fi
  echo "format.sh: ${#files[@]} files formatted."
else
  clang-format -i "${files[@]}"
fi
