# Sourced by scripts that need a PostgreSQL cluster for one run (tests, benchmarks): starts it in
# a temporary directory on a free port and removes it when the script exits. Sets
# THROWAWAY_PG_URL (a superuser URL of the postgres database). Arguments go to pg.sh start
# (e.g. --fast). Creates the roles of db/roles.sql.
start_throwaway_pg() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  THROWAWAY_PG_DIR="$(mktemp -d /tmp/aievents-pg.XXXXXX)"
  chmod 755 "$THROWAWAY_PG_DIR"
  local port attempt
  THROWAWAY_PG_ROOT="$root"
  trap 'stop_throwaway_pg' EXIT
  # A port nobody listens on, below the ephemeral range (32768 and up), where the thousands of
  # short client connections a test makes linger in TIME_WAIT and would block the bind: try
  # random ones until a connection attempt is refused. Another
  # process may still take it before PostgreSQL binds it (two test runs at once), so a failed
  # start is tried again on another port, and the server's log is shown when all tries fail.
  for attempt in 1 2 3; do
    while :; do
      port=$((20000 + RANDOM % 12000))
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    if "$root/scripts/pg.sh" start "$THROWAWAY_PG_DIR/data" "$port" "$@"; then
      THROWAWAY_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
      # The roles a deployment's DBA creates (db/roles.sql); each service logs in as its
      # own role (aievents_ingest, aievents_matching, aievents_timeline).
      psql -q -X "$THROWAWAY_PG_URL" -v ON_ERROR_STOP=1 -f "$root/db/roles.sql" >/dev/null
      return 0
    fi
    echo "throwaway PostgreSQL did not start on port $port (attempt $attempt):" >&2
    tail -n 20 "$THROWAWAY_PG_DIR/data/server.log" >&2 || true
  done
  return 1
}

stop_throwaway_pg() {
  "$THROWAWAY_PG_ROOT/scripts/pg.sh" stop "$THROWAWAY_PG_DIR/data" || true
  rm -rf "$THROWAWAY_PG_DIR"
}

# The aievents database in the throwaway cluster, as `make db` sets it up (db/roles.sql already
# ran): the owner role and its database. Sets THROWAWAY_PG_PORT, THROWAWAY_OWNER_URL (the
# owner, for migrations and aievents-admin) and THROWAWAY_INGEST_URL, THROWAWAY_MATCHING_URL and
# THROWAWAY_TIMELINE_URL (each service's own role).
create_aievents_database() {
  THROWAWAY_PG_PORT="${THROWAWAY_PG_URL##*:}"
  THROWAWAY_PG_PORT="${THROWAWAY_PG_PORT%%/*}"
  THROWAWAY_OWNER_URL="postgresql://aievents@127.0.0.1:$THROWAWAY_PG_PORT/aievents"
  THROWAWAY_INGEST_URL="postgresql://aievents_ingest@127.0.0.1:$THROWAWAY_PG_PORT/aievents"
  THROWAWAY_MATCHING_URL="postgresql://aievents_matching@127.0.0.1:$THROWAWAY_PG_PORT/aievents"
  THROWAWAY_TIMELINE_URL="postgresql://aievents_timeline@127.0.0.1:$THROWAWAY_PG_PORT/aievents"
  psql -q -X "$THROWAWAY_PG_URL" -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE aievents LOGIN CREATEROLE" -c "CREATE DATABASE aievents OWNER aievents" >/dev/null
}
