#!/usr/bin/env bash
# Runs bench/timeline_bench against a throwaway PostgreSQL cluster (durable settings, as in
# production) and removes it afterwards. Extra arguments go to the benchmark, e.g.
#   bash bench/run-timeline-bench.sh --events=1000000 --samples=1000
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cluster="$(mktemp -d /tmp/aievents-bench-pg.XXXXXX)"
chmod 755 "$cluster"
while :; do
  port=$((20000 + RANDOM % 30000))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
cleanup() {
  "$root/scripts/pg.sh" stop "$cluster/data" || true
  rm -rf "$cluster"
}
trap cleanup EXIT

"$root/scripts/pg.sh" start "$cluster/data" "$port"
url="postgresql://postgres@127.0.0.1:$port/postgres"
"$root/build/tools/admin/aievents-admin" migrate --database-url="$url"
"$root/build/bench/timeline_bench" --database-url="$url" "$@"
