# Sourced by run-sanitizers.sh and run-fuzz.sh: configures a clang sanitizer tree once, so the
# ASan tree both of them build in has one configuration. Optimized, with line tables only: a
# report's stack needs file and line, not full debug info, which costs compile and link time
# (docs/development.md, "What the build costs").
#   configure_sanitizer_tree DIR address,undefined|thread [MORE CMAKE ARGS...]
configure_sanitizer_tree() {
  local dir="$1" sanitizers="$2" root
  shift 2
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  [ -f "$dir/build.ninja" ] && return 0
  # One build at a time on a 2-core machine.
  flock /tmp/aievents-build.lock cmake -S "$root" -B "$dir" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" \
    -DAIEVENTS_SANITIZE="$sanitizers" "$@" >/dev/null
}

# The ASan+UBSan tree, with the fuzz targets' coverage instrumentation (build-asan/).
configure_asan_tree() { configure_sanitizer_tree "$1" address,undefined -DAIEVENTS_FUZZ=ON; }
