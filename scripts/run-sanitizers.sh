#!/usr/bin/env bash
# Builds the unit and end-to-end tests with clang's sanitizers and runs them against a
# throwaway PostgreSQL (docs/reliability.md). Any report fails the run: the build stops at the
# first report (-fno-sanitize-recover=all) and the options below make every kind fatal.
#   run-sanitizers.sh asan   AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer), build-asan/
#   run-sanitizers.sh tsan   ThreadSanitizer, build-tsan/
# build-asan is the same tree the fuzz targets are built in (scripts/run-fuzz.sh).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-}"
case "$mode" in
  asan)
    dir="$root/build-asan"
    export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
    export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
    ;;
  tsan)
    dir="$root/build-tsan"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/sanitizers/tsan.supp:print_suppressions=0"
    ;;
  *)
    echo "usage: run-sanitizers.sh asan|tsan" >&2
    exit 2
    ;;
esac

bash "$root/scripts/install-deps.sh" --clang
source "$root/scripts/lib/sanitizer-tree.sh"
case "$mode" in
  asan) configure_asan_tree "$dir" ;;
  tsan) configure_sanitizer_tree "$dir" thread ;;
esac
# One build at a time on a 2-core machine (a fuzz run may be building the same tree).
flock /tmp/aievents-build.lock cmake --build "$dir" --target unit_tests e2e_tests

source "$root/scripts/lib/throwaway-pg.sh"
start_throwaway_pg --fast
export AIEVENTS_TEST_DATABASE_URL="$THROWAWAY_PG_URL"

status=0
for test in unit_tests e2e_tests; do
  echo "== $mode: $test"
  started=$(date +%s)
  if ! (cd "$dir/tests" && "./$test" --gtest_brief=1 ${SANITIZER_GTEST_FILTER:+--gtest_filter="$SANITIZER_GTEST_FILTER"}); then
    echo "$mode: $test FAILED (a sanitizer report or a test failure above)" >&2
    status=1
  fi
  echo "== $mode: $test took $(( $(date +%s) - started )) s"
done
exit $status
