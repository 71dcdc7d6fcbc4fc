#!/usr/bin/env bash
# The fault-injection run (`make chaos`, docs/reliability.md): a durable throwaway PostgreSQL
# (fsync on: a `-m immediate` stop must be able to lose something for the test to mean
# anything), migrated, with a tenant and a key; then tests/chaos/chaos_driver.py starts the four
# binaries from build/, loads them, injects the faults and checks the outcome.
#
# Settings (environment): CHAOS_EVENTS (6000), CHAOS_WEBHOOKS (400), CHAOS_EVENT_THREADS (8),
# CHAOS_WEBHOOK_THREADS (2), CHAOS_RECOVERY_BOUND (10 s), CHAOS_WEBHOOK_BOUND (90 s),
# CHAOS_SETTLE_SECONDS (3), CHAOS_RESTART_DELAY (1 s), CHAOS_PG_DOWN_SECONDS (2),
# CHAOS_FREEZE_SECONDS (10), CHAOS_TIME_LIMIT (240 s), CHAOS_FAULTS (a subset, e.g.
# ingest,pg-immediate), CHAOS_TRACE=1 (print every readiness transition), CHAOS_BUILD_DIR
# (build/); see tests/chaos/README.md.
#
# Everything it starts is stopped on exit (success, failure, Ctrl-C) and the temporary
# directory and cluster are removed, except that on failure the service and PostgreSQL logs are
# kept and their path printed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# Another build of the same tree (e.g. one with sanitizers) can be tested with CHAOS_BUILD_DIR.
build="${CHAOS_BUILD_DIR:-$root/build}"
admin="$build/tools/admin/aievents-admin"
for binary in gateway/aievents-gateway services/ingest/aievents-ingest \
  services/matching/aievents-matching services/timeline/aievents-timeline \
  tools/admin/aievents-admin; do
  if [ ! -x "$build/$binary" ]; then
    echo "chaos: $build/$binary is missing; build first (make chaos does)" >&2
    exit 1
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "chaos: run as root (PostgreSQL runs as the postgres user, as in make test)" >&2
  exit 1
fi

work="$(mktemp -d /tmp/aievents-chaos.XXXXXX)"
chmod 755 "$work"
status=1
cleanup() {
  # The driver stops what it started; this is for a driver that died without doing so. Only
  # pids it recorded, and only while they still run with the port flag it recorded for them.
  if [ -f "$work/pids" ]; then
    while read -r pid flag; do
      if [ -n "$pid" ] && [ -n "$flag" ] &&
        tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qxF -- "$flag"; then
        kill -CONT "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
  fi
  # A failed run keeps its logs; an interrupted one (130) is cleaned up like a passed one.
  local keep=false
  if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ -d "$work/logs" ]; then keep=true; fi
  if [ -n "${THROWAWAY_PG_DIR:-}" ] && $keep; then
    cp "$THROWAWAY_PG_DIR/data/server.log" "$work/logs/postgresql.log" 2>/dev/null || true
  fi
  if [ -n "${THROWAWAY_PG_DIR:-}" ]; then stop_throwaway_pg; fi
  if $keep; then
    rm -f "$work/api-key" "$work/internal-token" "$work/secrets-keys"
    echo "chaos: failed; service and PostgreSQL logs kept in $work/logs" >&2
  else
    rm -rf "$work"
  fi
}

source "$root/scripts/lib/throwaway-pg.sh"
# No --fast: fsync, synchronous_commit and full_page_writes keep their durable defaults.
start_throwaway_pg
# start_throwaway_pg installed its own EXIT trap; ours replaces it and calls stop_throwaway_pg.
trap cleanup EXIT
trap 'status=130; exit 130' INT TERM

# The owner role and database, as `make db` sets them up.
create_aievents_database
pg_port="$THROWAWAY_PG_PORT"
owner_url="$THROWAWAY_OWNER_URL"
"$admin" migrate --database-url="$owner_url" >/dev/null
tenant="$("$admin" create-tenant --name=chaos --database-url="$owner_url")"
(umask 077
 "$admin" create-key --tenant="$tenant" --scopes=all --label=chaos --database-url="$owner_url" \
   2>/dev/null >"$work/api-key"
 head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/internal-token"
 head -c 32 /dev/urandom | base64 >"$work/secrets-keys")

set +e
/usr/bin/python3 "$root/tests/chaos/chaos_driver.py" \
  --root="$root" --build-dir="$build" --work-dir="$work" \
  --pg-data="$THROWAWAY_PG_DIR/data" --pg-port="$pg_port" \
  --owner-url="$owner_url" --ingest-url="$THROWAWAY_INGEST_URL" \
  --matching-url="$THROWAWAY_MATCHING_URL" --timeline-url="$THROWAWAY_TIMELINE_URL" --tenant="$tenant" \
  --api-key-file="$work/api-key" --internal-token-file="$work/internal-token" \
  --secrets-keys-file="$work/secrets-keys"
status=$?
set -e
exit "$status"
