#!/usr/bin/env bash
# A PostgreSQL 15 cluster owned by the postgres user in a directory of ours.
#   pg.sh start DIR PORT [--fast]   initdb if needed, start on 127.0.0.1:PORT, wait until ready
#   pg.sh stop DIR                  stop it (no error when it is not running)
# --fast turns off fsync for throwaway test clusters only; the dev cluster keeps durable commits.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
command="${1:?usage: pg.sh start DIR PORT [--fast] | stop DIR}"
dir="${2:?data directory required}"
dir="$(mkdir -p "$dir" && cd "$dir" && pwd)"

as_postgres() { runuser -u postgres -- "$@"; }

case "$command" in
  start)
    port="${3:?port required}"
    fast="${4:-}"
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    # The server runs as postgres: every directory above the cluster must let that user pass.
    # Checked before anything else, so a make up fails here, not after a long build.
    if ! as_postgres test -w "$dir"; then
      echo "postgres: the postgres user cannot reach $dir (a parent directory is closed to" >&2
      echo "  it, e.g. mode 700); put the cluster elsewhere (AIEVENTS_DATA_ROOT)" >&2
      exit 1
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_postgres "$PG_BIN/initdb" -D "$dir" --auth=trust --username=postgres \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if as_postgres "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      echo "postgres: already running in $dir"
      exit 0
    fi
    options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200"
    if [ "$fast" = "--fast" ]; then
      options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_postgres "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -o "$options" -w -t 60 start >/dev/null
    echo "postgres: running on 127.0.0.1:$port (data $dir)"
    ;;
  stop)
    if [ -f "$dir/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_postgres "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
      echo "postgres: stopped ($dir)"
    fi
    ;;
  *)
    echo "usage: pg.sh start DIR PORT [--fast] | stop DIR" >&2
    exit 2
    ;;
esac
