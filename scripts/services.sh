#!/usr/bin/env bash
# Starts or stops the local suite (matching, ingest, timeline, gateway) in the background.
#   services.sh start   (re)start every process; logs in .data/log, pids in .data/run
#   services.sh stop
# Settings come from the environment (see docs/configuration.md). start needs each service's
# database URL, its own role's (INGEST_DATABASE_URL, MATCHING_DATABASE_URL,
# TIMELINE_DATABASE_URL), and gives it to that service as AIEVENTS_DATABASE_URL.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build"
run="$root/.data/run"
logs="$root/.data/log"
mkdir -p "$run" "$logs"

SERVICES=(matching ingest timeline gateway)

binary_of() {
  case "$1" in
    gateway) echo "$bin/gateway/aievents-gateway" ;;
    *) echo "$bin/services/$1/aievents-$1" ;;
  esac
}

# The gateway has no database.
database_url_of() {
  case "$1" in
    ingest) echo "$INGEST_DATABASE_URL" ;;
    matching) echo "$MATCHING_DATABASE_URL" ;;
    timeline) echo "$TIMELINE_DATABASE_URL" ;;
    *) echo "" ;;
  esac
}

# Sends SIGTERM to every running process at once (each drains for at most its drain-timeout,
# 5 s by default), waits for all of them, and kills what is still there after 10 s.
stop_all() {
  local pids=() service pid
  for service in gateway ingest timeline matching; do
    [ -f "$run/$service.pid" ] || continue
    pid="$(cat "$run/$service.pid")"
    if kill -TERM "$pid" 2>/dev/null; then pids+=("$pid"); fi
    rm -f "$run/$service.pid"
  done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

case "${1:-}" in
  start)
    : "${INGEST_DATABASE_URL:?INGEST_DATABASE_URL must be set}"
    : "${MATCHING_DATABASE_URL:?MATCHING_DATABASE_URL must be set}"
    : "${TIMELINE_DATABASE_URL:?TIMELINE_DATABASE_URL must be set}"
    stop_all
    # No wait for ports: the defaults lie below Linux's ephemeral range (32768-60999), so no
    # client connection can hold one, and every listener sets SO_REUSEADDR, so connections the
    # previous processes closed (TIME_WAIT) do not block the bind (docs/operations.md).
    for service in "${SERVICES[@]}"; do
      AIEVENTS_DATABASE_URL="$(database_url_of "$service")" \
        nohup "$(binary_of "$service")" >>"$logs/$service.log" 2>&1 &
      echo $! >"$run/$service.pid"
    done
    # Up means the gateway answers /readyz?backends=all with 200: every backend and the database.
    for _ in $(seq 1 150); do
      if curl -fsS "http://127.0.0.1:${AIEVENTS_LISTEN_PORT:-8080}/readyz?backends=all" >/dev/null 2>&1; then
        echo "services: ready (logs in .data/log)"
        exit 0
      fi
      for service in "${SERVICES[@]}"; do
        if ! kill -0 "$(cat "$run/$service.pid")" 2>/dev/null; then
          echo "services: $service exited; last log lines:" >&2
          tail -n 20 "$logs/$service.log" >&2
          exit 1
        fi
      done
      sleep 0.2
    done
    echo "services: not ready after 30 s; see .data/log" >&2
    exit 1
    ;;
  stop)
    stop_all
    echo "services: stopped"
    ;;
  *)
    echo "usage: services.sh start|stop" >&2
    exit 2
    ;;
esac
