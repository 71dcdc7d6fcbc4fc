#!/usr/bin/env bash
# clang-tidy over aievents' own sources with the checks in .clang-tidy (every finding is an
# error), using the compile commands of the normal build (build/). Generated code, tests and
# benchmarks are left out: the checks guard the product's code (docs/reliability.md).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
[ -f "$build/compile_commands.json" ] || { echo "clang-tidy: no $build/compile_commands.json (make build first)" >&2; exit 1; }

mapfile -t files < <(cd "$root" && git ls-files 'common/*.cc' 'services/*.cc' 'gateway/*.cc' \
  'tools/*.cc' 'db/*.cc' | sed "s|^|$root/|")
echo "clang-tidy: ${#files[@]} files, checks from .clang-tidy"
started=$(date +%s)
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# -quiet keeps the output to findings; run-clang-tidy exits non-zero when any file has one
# (WarningsAsErrors), which is this script's exit status.
status=0
run-clang-tidy -quiet -p "$build" -j "$(nproc)" "${files[@]}" >"$log" 2>&1 || status=$?
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^clang-tidy-14 |^Running clang-tidy|^Enabled checks|^ +[a-z]+-[a-z-]+$|^$' "$log" || true
echo "clang-tidy: $(( $(date +%s) - started )) s, exit $status"
exit "$status"
