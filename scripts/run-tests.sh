#!/usr/bin/env bash
# Runs every test with ctest against a throwaway PostgreSQL cluster that exists only for this
# run (a temporary directory, a free port, removed afterwards). Each test binary creates and
# drops its own database inside it.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/throwaway-pg.sh"
start_throwaway_pg --fast
export AIEVENTS_TEST_DATABASE_URL="$THROWAWAY_PG_URL"
cd "$root/build"
ctest --output-on-failure --timeout 600 -j "${AIEVENTS_TEST_JOBS:-2}"
