#!/usr/bin/env bash
# Starts or stops the local suite (matching, ingest, timeline, gateway) in the background.
#   services.sh start   (re)start every process; logs in .data/log, pids in .data/run
#   services.sh stop
# Settings come from the environment (see docs/configuration.md); AIEVENTS_DATABASE_URL is
# required for start.
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

stop_one() {
  local pidfile="$run/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start)
    : "${AIEVENTS_DATABASE_URL:?AIEVENTS_DATABASE_URL must be set}"
    export AIEVENTS_DATABASE_URL
    for service in "${SERVICES[@]}"; do stop_one "$service"; done
    # The default ports lie in Linux's ephemeral range: a client connection that happened to use
    # one lingers in TIME_WAIT for up to a minute and makes the bind fail. Wait it out.
    ports="${AIEVENTS_LISTEN_PORT:-8080} 50051 50052 50053"
    for _ in $(seq 1 70); do
      busy=""
      for port in $ports; do
        if ss -Htan "( sport = :$port )" 2>/dev/null | grep -q .; then busy="$busy $port"; fi
      done
      [ -z "$busy" ] && break
      echo "services: waiting for port(s)$busy to be released (TIME_WAIT)" >&2
      sleep 1
    done
    for service in "${SERVICES[@]}"; do
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
    for service in gateway ingest timeline matching; do stop_one "$service"; done
    echo "services: stopped"
    ;;
  *)
    echo "usage: services.sh start|stop" >&2
    exit 2
    ;;
esac
