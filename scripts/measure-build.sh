#!/usr/bin/env bash
# What the build costs (docs/development.md): a cold build (no compiler cache) of the five
# binaries `make up` builds, once per build setting, each in a new temporary directory.
#   measure-build.sh [VARIANT...]     default: all three, in this order
#     file-by-file-g    one translation unit per source, full debug info (the old setting)
#     file-by-file-g1   one translation unit per source, line tables only
#     unity-g1          unity batches of eight, line tables only (make up's setting)
# Prints wall and CPU (user + system) seconds per variant. Takes about 8 minutes on 2 cores for all three.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
binaries=(aievents-gateway aievents-ingest aievents-matching aievents-timeline aievents-admin)
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(file-by-file-g file-by-file-g1 unity-g1)

flags_of() {
  case "$1" in
    file-by-file-g) echo "-DCMAKE_UNITY_BUILD=OFF|-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g -DNDEBUG" ;;
    file-by-file-g1) echo "-DCMAKE_UNITY_BUILD=OFF|-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" ;;
    unity-g1) echo "-DCMAKE_UNITY_BUILD=ON|-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" ;;
    *) echo "measure-build: unknown variant $1" >&2; exit 2 ;;
  esac
}

for variant in "${variants[@]}"; do
  IFS='|' read -r -a flags <<<"$(flags_of "$variant")"
  dir="$(mktemp -d /tmp/aievents-measure-build.XXXXXX)"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAIEVENTS_BUILD_TESTS=OFF "${flags[@]}" >/dev/null
  status=0
  TIMEFORMAT='%R %U %S'  # wall, user and system seconds of the build and its compilers
  {
    time CCACHE_DISABLE=1 cmake --build "$dir" --target "${binaries[@]}" >"$dir.log" 2>&1 ||
      status=$?
  } 2>"$dir.time"
  [ "$status" -eq 0 ] || { tail -n 30 "$dir.log" >&2; exit 1; }
  read -r wall user system <"$dir.time"
  units=$(grep -c 'Building CXX object' "$dir.log" || true)
  printf '%-16s %4.0f s wall  %4.0f s CPU  %3d compile steps\n' "$variant" "$wall" \
    "$(awk "BEGIN { print $user + $system }")" "$units"
  rm -rf "$dir" "$dir.log" "$dir.time"
done
