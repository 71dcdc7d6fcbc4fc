#!/usr/bin/env bash
# Runs bench/timeline_bench against a throwaway PostgreSQL cluster (durable settings, as in
# production) and removes it afterwards. Extra arguments go to the benchmark, e.g.
#   bash bench/run-timeline-bench.sh --events=1000000 --samples=1000
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/throwaway-pg.sh"
start_throwaway_pg
"$root/build/tools/admin/aievents-admin" migrate --database-url="$THROWAWAY_PG_URL"
"$root/build/bench/timeline_bench" --database-url="$THROWAWAY_PG_URL" "$@"
