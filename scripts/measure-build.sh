#!/usr/bin/env bash
# What the build costs (docs/development.md): a cold build (no compiler cache) of the five
# binaries `make up` builds, once per build setting, each in a new temporary directory.
#   measure-build.sh [VARIANT...]     default: all three, in this order
#     file-by-file-g    one translation unit per source, full debug info (the old setting)
#     file-by-file-g1   one translation unit per source, line tables only
#     unity-g1          unity batches of eight, line tables only (make up's setting)
# Prints wall and CPU seconds per variant. Takes about 8 minutes on 2 cores for all three.
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

cpu_seconds() {  # user + system seconds of this shell's finished children
  times | tail -n 1 | awk '{
    split($1, u, "m"); split($2, s, "m");
    printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}

for variant in "${variants[@]}"; do
  IFS='|' read -r -a flags <<<"$(flags_of "$variant")"
  dir="$(mktemp -d /tmp/aievents-measure-build.XXXXXX)"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAIEVENTS_BUILD_TESTS=OFF "${flags[@]}" >/dev/null
  cpu_before=$(cpu_seconds)
  started=$(date +%s)
  CCACHE_DISABLE=1 cmake --build "$dir" --target "${binaries[@]}" >"$dir.log" 2>&1 ||
    { tail -n 30 "$dir.log" >&2; exit 1; }
  wall=$(($(date +%s) - started))
  cpu=$(($(cpu_seconds) - cpu_before))
  units=$(grep -c 'Building CXX object' "$dir.log" || true)
  printf '%-16s %4d s wall  %4d s CPU  %3d compile steps\n' "$variant" "$wall" "$cpu" "$units"
  rm -rf "$dir" "$dir.log"
done
