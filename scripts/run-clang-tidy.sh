#!/usr/bin/env bash
# clang-tidy over aievents' own sources with the checks in .clang-tidy (every finding is an
# error), using the compile commands of the normal build (build/). Generated code, tests and
# benchmarks are left out: the checks guard the product's code (docs/reliability.md).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
[ -f "$build/compile_commands.json" ] || { echo "clang-tidy: no $build/compile_commands.json (make build first)" >&2; exit 1; }
bash "$root/scripts/install-deps.sh" --clang

# The build compiles unity files (CMAKE_UNITY_BUILD), which its compile_commands.json lists in
# place of the sources; clang-tidy checks each source with its unity file's command.
database="$(mktemp -d)"
trap 'rm -rf "$database"' EXIT
python3 - "$build/compile_commands.json" "$database/compile_commands.json" <<'PY'
import json, re, sys
entries = []
for entry in json.load(open(sys.argv[1])):
    if "/Unity/unity_" not in entry["file"]:
        entries.append(entry)
        continue
    for source in re.findall(r'^#include "([^"]+)"', open(entry["file"]).read(), re.M):
        entries.append(dict(entry, file=source,
                            command=entry["command"].replace(entry["file"], source)))
json.dump(entries, open(sys.argv[2], "w"))
PY

mapfile -t files < <(cd "$root" && git ls-files 'common/*.cc' 'services/*.cc' 'gateway/*.cc' \
  'tools/*.cc' 'db/*.cc' | sed "s|^|$root/|")
echo "clang-tidy: ${#files[@]} files, checks from .clang-tidy"
started=$(date +%s)
log="$database/clang-tidy.log"
# -quiet keeps the output to findings; run-clang-tidy exits non-zero when any file has one
# (WarningsAsErrors), which is this script's exit status.
status=0
run-clang-tidy -quiet -p "$database" -j "$(nproc)" "${files[@]}" >"$log" 2>&1 || status=$?
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^clang-tidy-14 |^Running clang-tidy|^Enabled checks|^ +[a-z]+-[a-z-]+$|^$' "$log" || true
echo "clang-tidy: $(( $(date +%s) - started )) s, exit $status"
exit "$status"
