#!/usr/bin/env bash
# Runs every test with ctest against a throwaway PostgreSQL cluster that exists only for this
# run (a temporary directory, a free port, removed afterwards). Each test binary creates and
# drops its own database inside it.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cluster="$(mktemp -d /tmp/aievents-test-pg.XXXXXX)"
chmod 755 "$cluster"
# A port nobody listens on: try random ones until a connection attempt is refused.
while :; do
  port=$((20000 + RANDOM % 30000))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done

cleanup() {
  "$root/scripts/pg.sh" stop "$cluster/data" || true
  rm -rf "$cluster"
}
trap cleanup EXIT

"$root/scripts/pg.sh" start "$cluster/data" "$port" --fast
export AIEVENTS_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
cd "$root/build"
ctest --output-on-failure --timeout 600 -j "${AIEVENTS_TEST_JOBS:-2}"
