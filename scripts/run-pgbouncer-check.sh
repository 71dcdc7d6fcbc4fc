#!/usr/bin/env bash
# Do the services' database statements work through PgBouncer? (docs/operations.md, PgBouncer)
#
#   bash scripts/run-pgbouncer-check.sh [--mode=transaction|session] [--services=transaction|session]
#                                       [--timeline=bouncer|direct] [--pool-size=N]
#                                       [--role-defaults] [--keep-logs]
#
# Starts a throwaway PostgreSQL 15 (migrated by the owner, with a tenant and an API key made by
# aievents-admin directly), a PgBouncer (Debian 12's, 1.18) on a free port with the given
# pool_mode (default transaction) in front of it, and the four binaries from build/ with the
# services' AIEVENTS_DATABASE_URL (each its own role, so PgBouncer keeps a pool per service)
# pointing through PgBouncer and AIEVENTS_DB_POOLER_MODE set to
# --services (default: the pool_mode; --services=session behind pool_mode=transaction shows
# what goes wrong without it). With AIEVENTS_DB_POOLER_MODE=transaction the timeline's
# AIEVENTS_LISTEN_DATABASE_URL leads to PostgreSQL directly (LISTEN needs a session of its
# own). --timeline=direct points the whole timeline service at PostgreSQL instead.
# --pool-size sets PgBouncer's default_pool_size per role (60: more than any service may open
# with default settings). --role-defaults first gives the three service roles
# the services' statement_timeout as a role default (ALTER ROLE ... IN DATABASE ... SET), so
# every server connection has it whichever client ran the SET. Then
# tests/pgbouncer/pgbouncer_driver.py exercises the main paths over HTTP: readiness, customers,
# events created in parallel (group commit, pipelined pools), replay, get/list, associate,
# re-match, a signed webhook delivery, API keys and a live timeline. The script prints what
# worked and what failed per path, every distinct warning and error of the services' and
# PgBouncer's logs and a few informational probes (session settings and LISTEN seen through the
# pooler, a libpq startup option, aievents-admin through it), and exits 0 only if every path
# worked (2 for a usage or set-up problem).
#
# Run as root (PostgreSQL and PgBouncer run as the postgres user). Needs pgbouncer
# (apt-get install -y pgbouncer) and the binaries in build/ (it waits for a build holding
# /tmp/aievents-build.lock). Everything it starts is stopped on exit and its temporary
# directory removed (--keep-logs keeps the logs and prints where). About 10 seconds.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${PGBOUNCER_CHECK_BUILD_DIR:-$root/build}"
mode=transaction
services_mode=""
timeline_db=bouncer
keep_logs=false
pool_size=60
role_defaults=false
for arg in "$@"; do
  case "$arg" in
    --mode=transaction | --mode=session) mode="${arg#--mode=}" ;;
    --services=transaction | --services=session) services_mode="${arg#--services=}" ;;
    --timeline=bouncer | --timeline=direct) timeline_db="${arg#--timeline=}" ;;
    --pool-size=[1-9]*) pool_size="${arg#--pool-size=}" ;;
    --role-defaults) role_defaults=true ;;
    --keep-logs) keep_logs=true ;;
    -h | --help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pgbouncer-check: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$services_mode" ] || services_mode="$mode"

if [ "$(id -u)" -ne 0 ]; then
  echo "pgbouncer-check: run as root (PostgreSQL and PgBouncer run as the postgres user)" >&2
  exit 2
fi
pgbouncer_bin="$(command -v pgbouncer || true)"
[ -n "$pgbouncer_bin" ] || pgbouncer_bin=/usr/sbin/pgbouncer
if [ ! -x "$pgbouncer_bin" ]; then
  echo "pgbouncer-check: pgbouncer is not installed (apt-get install -y pgbouncer)" >&2
  exit 2
fi
# A build in progress relinks the binaries: wait for it (at most 10 minutes).
if [ -e /tmp/aievents-build.lock ] && ! flock -n /tmp/aievents-build.lock true; then
  echo "pgbouncer-check: waiting for the build holding /tmp/aievents-build.lock" >&2
  flock -w 600 /tmp/aievents-build.lock true || true
fi
admin="$build/tools/admin/aievents-admin"
for binary in gateway/aievents-gateway services/ingest/aievents-ingest \
  services/matching/aievents-matching services/timeline/aievents-timeline \
  tools/admin/aievents-admin; do
  if [ ! -x "$build/$binary" ]; then
    echo "pgbouncer-check: $build/$binary is missing; build first (make build)" >&2
    exit 2
  fi
done

work="$(mktemp -d /tmp/aievents-pgbouncer.XXXXXX)"
chmod 755 "$work"
mkdir -p "$work/logs" "$work/bouncer"
chown postgres:postgres "$work/bouncer"
pids=()
bouncer_pid=""
status=1

# shellcheck disable=SC2317  # (the functions below run from the EXIT trap)
stop_pid() {  # TERM, then KILL after 5 s; only our own children
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317
cleanup() {
  local pid
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  [ -z "$bouncer_pid" ] || stop_pid "$bouncer_pid"
  wait 2>/dev/null || true
  if [ -n "${THROWAWAY_PG_DIR:-}" ]; then
    if $keep_logs; then
      cp "$THROWAWAY_PG_DIR/data/server.log" "$work/logs/postgresql.log" 2>/dev/null || true
    fi
    stop_throwaway_pg >/dev/null
  fi
  if $keep_logs; then
    cp "$work/bouncer/pgbouncer.log" "$work/logs/" 2>/dev/null || true
    rm -rf "$work/bouncer" "$work/api-key" "$work/internal-token" "$work/secrets-keys"
    echo "pgbouncer-check: logs kept in $work/logs" >&2
  else
    rm -rf "$work"
  fi
}

# shellcheck source=scripts/lib/free-port.sh
source "$root/scripts/lib/free-port.sh"

wait_port() {  # until something accepts on 127.0.0.1:$1, at most $2 seconds
  local deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# shellcheck source=scripts/lib/throwaway-pg.sh
source "$root/scripts/lib/throwaway-pg.sh"
start_throwaway_pg --fast >/dev/null
trap cleanup EXIT
trap 'status=130; exit 130' INT TERM

# The owner role and database as `make db` sets them up; migrations and the tenant and key are
# made directly, as a deployment's migration Job would.
create_aievents_database
pg_port="$THROWAWAY_PG_PORT"
FREE_PORT_TAKEN=" $pg_port "
superuser="$THROWAWAY_PG_URL"
owner_direct="$THROWAWAY_OWNER_URL"
timeline_direct="$THROWAWAY_TIMELINE_URL"
"$admin" migrate --database-url="$owner_direct" >/dev/null
if $role_defaults; then
  # What SET statement_timeout on each connection (db-statement-timeout-ms, 10000) does, as a
  # default every new server connection of the role starts with.
  psql -q -X "$superuser" -v ON_ERROR_STOP=1 \
    -c "ALTER ROLE aievents_ingest IN DATABASE aievents SET statement_timeout = 10000" \
    -c "ALTER ROLE aievents_matching IN DATABASE aievents SET statement_timeout = 10000" \
    -c "ALTER ROLE aievents_timeline IN DATABASE aievents SET statement_timeout = 10000" >/dev/null
fi
# PGBOUNCER_CHECK_TRACE=1: PostgreSQL logs every statement (with its backend pid) and PgBouncer
# is verbose; use with --keep-logs to see which server connection ran what.
if [ "${PGBOUNCER_CHECK_TRACE:-}" = 1 ]; then
  psql -q -X "$superuser" -c "ALTER SYSTEM SET log_statement = 'all'" \
    -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %u '" -c "SELECT pg_reload_conf()" >/dev/null
fi
tenant="$("$admin" create-tenant --name=pgbouncer-check --database-url="$owner_direct")"
(umask 077
 "$admin" create-key --tenant="$tenant" --scopes=all --label=pgbouncer-check \
   --database-url="$owner_direct" 2>/dev/null >"$work/api-key"
 head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/internal-token"
 head -c 32 /dev/urandom | base64 >"$work/secrets-keys")

# PgBouncer: trust authentication (the cluster trusts 127.0.0.1 too), the users it may pass in
# its auth_file. Session mode holds one server connection per client connection for the
# client's lifetime, so its pool must be as large as everything the services may open.
bouncer_port="$(free_port)"
cat >"$work/bouncer/userlist.txt" <<'EOF'
"aievents_ingest" ""
"aievents_matching" ""
"aievents_timeline" ""
"aievents" ""
"postgres" ""
EOF
cat >"$work/bouncer/pgbouncer.ini" <<EOF
[databases]
aievents = host=127.0.0.1 port=$pg_port dbname=aievents

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $work/bouncer/userlist.txt
admin_users = postgres
pool_mode = $mode
default_pool_size = $pool_size
max_client_conn = 400
logfile = $work/bouncer/pgbouncer.log
pidfile = $work/bouncer/pgbouncer.pid
verbose = $([ "${PGBOUNCER_CHECK_TRACE:-}" = 1 ] && echo 2 || echo 0)
EOF
chown postgres:postgres "$work/bouncer/"*
"$pgbouncer_bin" -u postgres "$work/bouncer/pgbouncer.ini" >"$work/bouncer/stdout.log" 2>&1 &
bouncer_pid=$!
if ! wait_port "$bouncer_port" 10; then
  echo "pgbouncer-check: pgbouncer did not start:" >&2
  cat "$work/bouncer/stdout.log" "$work/bouncer/pgbouncer.log" >&2 2>/dev/null || true
  exit 1
fi
# Each service logs in as its own role; PgBouncer keeps a pool per role.
bounced_url_of() { echo "postgresql://aievents_$1@127.0.0.1:$bouncer_port/aievents"; }
service_url="$(bounced_url_of ingest)"
timeline_url="$(bounced_url_of timeline)"
[ "$timeline_db" = direct ] && timeline_url="$timeline_direct"
pooler="AIEVENTS_DB_POOLER_MODE=$services_mode"
listen="AIEVENTS_LISTEN_DATABASE_URL="
[ "$services_mode" = transaction ] && listen="AIEVENTS_LISTEN_DATABASE_URL=$timeline_direct"
echo "pgbouncer-check: PgBouncer $("$pgbouncer_bin" --version | head -n 1 | awk '{print $2}')" \
  "pool_mode=$mode on 127.0.0.1:$bouncer_port in front of PostgreSQL on $pg_port;" \
  "services' db-pooler-mode: $services_mode; timeline database: $timeline_db;" \
  "role defaults: $role_defaults"

# The four binaries, on free ports, as tests/chaos/chaos_driver.py starts them.
gateway_port="$(free_port)"; gateway_admin="$(free_port)"
ingest_grpc="$(free_port)"; ingest_admin="$(free_port)"
matching_grpc="$(free_port)"; matching_admin="$(free_port)"
timeline_grpc="$(free_port)"; timeline_admin="$(free_port)"
start() {  # name env... -- argv...
  local name="$1"; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  # Only AIEVENTS_* settings of ours: none inherited from the caller's environment.
  # shellcheck disable=SC2046
  env $(env | awk -F= '/^AIEVENTS_/ {printf "-u %s ", $1}') "${envs[@]}" \
    AIEVENTS_LOG_LEVEL=info AIEVENTS_RATE_LIMIT_KEY_PER_SECOND=0 \
    AIEVENTS_RATE_LIMIT_TENANT_PER_SECOND=0 \
    "$@" </dev/null >"$work/logs/$name.log" 2>&1 &
  pids+=($!)
}
token="AIEVENTS_INTERNAL_TOKEN=$(cat "$work/internal-token")"
start matching "AIEVENTS_DATABASE_URL=$(bounced_url_of matching)" "$token" "$pooler" \
  "AIEVENTS_SUPPRESSION_KEY_FILE=$work/secrets-keys" -- \
  "$build/services/matching/aievents-matching" "--grpc-listen=127.0.0.1:$matching_grpc" \
  "--admin-port=$matching_admin" "--ingest-address=127.0.0.1:$ingest_grpc"
start ingest "AIEVENTS_DATABASE_URL=$(bounced_url_of ingest)" "$token" "$pooler" \
  "AIEVENTS_SECRETS_KEY_FILE=$work/secrets-keys" -- \
  "$build/services/ingest/aievents-ingest" "--grpc-listen=127.0.0.1:$ingest_grpc" \
  "--admin-port=$ingest_admin" "--matching-address=127.0.0.1:$matching_grpc"
start timeline "AIEVENTS_DATABASE_URL=$timeline_url" "$token" "$pooler" "$listen" \
  "AIEVENTS_SECRETS_KEY_FILE=$work/secrets-keys" -- \
  "$build/services/timeline/aievents-timeline" "--grpc-listen=127.0.0.1:$timeline_grpc" \
  "--admin-port=$timeline_admin"
start gateway -- \
  "$build/gateway/aievents-gateway" --listen-host=127.0.0.1 "--listen-port=$gateway_port" \
  "--admin-port=$gateway_admin" "--ingest-address=127.0.0.1:$ingest_grpc" \
  "--matching-address=127.0.0.1:$matching_grpc" "--timeline-address=127.0.0.1:$timeline_grpc"

# From here on every failure is counted and reported, none ends the script early.
set +e
timeout 100 /usr/bin/python3 "$root/tests/pgbouncer/pgbouncer_driver.py" \
  --gateway-port="$gateway_port" --api-key-file="$work/api-key" \
  --fixture="$root/tests/fixtures/agntix/session_ended.json" \
  --admin-ports="gateway=$gateway_admin,ingest=$ingest_admin,matching=$matching_admin,timeline=$timeline_admin"
status=$?
[ "$status" -eq 124 ] && echo "pgbouncer-check: FAIL: the HTTP driver did not finish in 100 s"

# Did every process survive?
names=(matching ingest timeline gateway)
for i in "${!pids[@]}"; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then
    echo "pgbouncer-check: FAIL: ${names[$i]} exited; last lines of its log:"
    tail -n 15 "$work/logs/${names[$i]}.log" | sed 's/^/    /'
    status=1
  fi
done

# Every distinct warning and error of the services (ids, numbers and times folded so that
# repeats count together), and PgBouncer's.
fold() {
  sed -E -e 's/^ts=[^ ]+ //' \
    -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
    -e 's/(retry_in_seconds|attempt|attempts|elapsed_ms|duration_ms|pid)=[0-9]+/\1=N/g' \
    -e 's/0x[0-9a-f]+/0x../g'
}
echo "pgbouncer-check: distinct warnings and errors in the service logs (count, service, line):"
for name in "${names[@]}"; do
  grep -E 'level=(warn|error)' "$work/logs/$name.log" 2>/dev/null | fold | sort | uniq -c |
    sort -rn | sed "s/^ *\([0-9]*\) /    \1 x $name: /" | cut -c1-600
done
echo "pgbouncer-check: distinct warnings and errors in PgBouncer's log:"
grep -E ' (WARNING|ERROR|FATAL|LOG (C|S)-0x[0-9a-f]+: .*(closing because|error|bad))' \
  "$work/bouncer/pgbouncer.log" 2>/dev/null | grep -v 'closing because: client close request' |
  sed -E -e 's/^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] //' -e 's/(C|S)-0x[0-9a-f]+:/\1-..:/' \
    -e 's/@127\.0\.0\.1:[0-9]+/@127.0.0.1:PORT/g' -e 's/age=[0-9]+s?/age=Ns/g' |
  sort | uniq -c | sort -rn | sed 's/^ */    /' | cut -c1-600 || true

# Informational probes (they do not change the exit status).
echo "pgbouncer-check: (info) session settings seen by 8 concurrent transactions through" \
  "PgBouncer as aievents_ingest (statement_timeout, enable_seqscan, plan_cache_mode):"
for i in $(seq 8); do
  timeout 10 psql -X -q -tA -F ' ' "$service_url" -c "BEGIN" \
    -c "SELECT current_setting('statement_timeout'), current_setting('enable_seqscan'),
               current_setting('plan_cache_mode') FROM pg_sleep(0.5)" -c "COMMIT" 2>&1 &
done | sort | uniq -c | sed 's/^ */    /'
options_answer="$(timeout 10 psql -X -q -tA \
  "$service_url?options=-c%20statement_timeout%3D12345" -c "SHOW statement_timeout" 2>&1 |
  head -n 1)"
echo "pgbouncer-check: (info) a startup option (libpq options=-c statement_timeout=12345)" \
  "through PgBouncer: $options_answer"
# LISTEN through the pooler, as the timeline's notifier does it: LISTEN, then wait idle. A
# second client takes a transaction meanwhile; the NOTIFY (sent directly) reaches whoever holds
# the server connection that ran the LISTEN.
( printf 'LISTEN pgbouncer_probe;\n'; sleep 2; printf 'SELECT 1;\n' ) |
  timeout 10 psql -X -q "$service_url" >"$work/listener.out" 2>&1 &
listener=$!
sleep 0.5
timeout 10 psql -X -q "$service_url" -c "BEGIN" -c "SELECT pg_sleep(2.5)" -c "COMMIT" \
  >"$work/other.out" 2>&1 &
other=$!
sleep 0.5
psql -X -q "$owner_direct" -c "NOTIFY pgbouncer_probe, 'probe'" >/dev/null 2>&1
wait "$listener" "$other"
echo "pgbouncer-check: (info) LISTEN through PgBouncer: the listening client got" \
  "$(grep -c 'Asynchronous notification' "$work/listener.out") notification(s), another" \
  "client $(grep -c 'Asynchronous notification' "$work/other.out") (1 and 0 is right)"
wait_probe_lines=$(
  psql -X -q -tA "$superuser" -c "SELECT count(*) FROM pg_stat_activity
     WHERE usename LIKE 'aievents\_%' AND usename <> 'aievents_locator'
       AND backend_type = 'client backend'")
echo "pgbouncer-check: (info) server connections of the service roles open now: $wait_probe_lines"
owner_bounced="postgresql://aievents@127.0.0.1:$bouncer_port/aievents"
for command in "migrate" "create-tenant --name=through-pgbouncer" "list-keys --tenant=$tenant"; do
  # shellcheck disable=SC2086
  out="$(timeout 15 "$admin" $command --database-url="$owner_bounced" 2>&1 >/dev/null)"
  rc=$?
  echo "pgbouncer-check: (info) aievents-admin $command through PgBouncer: exit $rc${out:+: $(echo "$out" | head -n 3 | tr '\n' ' ')}"
done
held="$(psql -X -q -tA "$superuser" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")"
echo "pgbouncer-check: (info) advisory locks held after those runs: $held"

if [ "$status" -eq 0 ]; then
  echo "pgbouncer-check: PASS (pool_mode=$mode, services $services_mode, timeline $timeline_db)"
else
  echo "pgbouncer-check: FAIL (pool_mode=$mode, services $services_mode, timeline $timeline_db)"
  status=1
fi
exit "$status"
