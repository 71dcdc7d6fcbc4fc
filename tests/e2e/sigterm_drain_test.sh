#!/usr/bin/env bash
# SIGTERM stops the gateway process within its drain period whatever its clients do: it holds
# idle connections and half-sent requests open, and the process must still exit, cleanly,
# within --drain-timeout-ms plus a few seconds of slack. (The drain's treatment of requests in
# flight is covered in tests/unit/http_server_test.cc and tests/e2e/group_commit_test.cc.)
#   sigterm_drain_test.sh PATH/TO/aievents-gateway
set -euo pipefail
gateway="${1:?path to aievents-gateway}"

log="$(mktemp)"
pid=""
# Whatever happens to this script (a failed step, ctest's timeout), the gateway does not
# outlive it.
# Subshells (the watchdog, command substitutions) must not run it: only this shell cleans up.
cleanup() {
  [ "$BASHPID" = "$$" ] || return 0
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -f "$log"
}
trap cleanup EXIT
# Backends that do not exist: this test is about the HTTP edge only.
# Ports the kernel picks (0), read back from the "started" line: a port chosen here could be
# taken meanwhile by another test's listener or outgoing connection.
"$gateway" --listen-port=0 --admin-port=0 --drain-timeout-ms=2000 --header-timeout-ms=60000 \
  --ingest-address=127.0.0.1:1 --matching-address=127.0.0.1:1 --timeline-address=127.0.0.1:1 \
  2>"$log" &
pid=$!
port=""
admin_port=""
for _ in $(seq 1 100); do
  started=$(grep -m1 'msg=started' "$log" || true)
  if [ -n "$started" ]; then
    port=$(sed -E 's/.* port=([0-9]+).*/\1/' <<<"$started")
    admin_port=$(sed -E 's/.* admin_port=([0-9]+).*/\1/' <<<"$started")
    break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ] || [ -z "$admin_port" ]; then
  echo "FAIL: the gateway did not start within 10 s:" >&2
  cat "$log" >&2
  exit 1
fi
curl -fsS --max-time 5 "http://127.0.0.1:$port/healthz" >/dev/null

# Twenty idle connections and ten that stop halfway through their request line.
fds=()
for _ in $(seq 1 20); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$port"
  fds+=("$fd")
done
for _ in $(seq 1 10); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$port"
  printf 'POST /v1/ai-ev' >&"$fd"
  fds+=("$fd")
done

# And one whose headers arrived but whose body has not: a request in flight, which the drain
# lets finish (or cuts at the drain period), so the process is still there to be asked.
exec {fd}<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /v1/ai-events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{' >&"$fd"
fds+=("$fd")
sleep 0.2

started=$(date +%s%N)
kill -TERM "$pid"
# While it drains, the admin port still answers, and says the gateway is not ready, so a load
# balancer that has not yet dropped it stops sending it requests.
readyz=""
for _ in $(seq 1 20); do
  # The backends do not exist, so /readyz is 503 before the signal too; "draining" is the news.
  readyz=$(curl -sS --max-time 2 "http://127.0.0.1:$admin_port/readyz" 2>/dev/null || true)
  case "$readyz" in *'"status":"draining"'*) break ;; esac
  sleep 0.05
done
# Every wait has a deadline: a gateway still running 10 s after SIGTERM is killed, and fails.
( sleep 10; kill -KILL "$pid" 2>/dev/null ) &
watchdog=$!
status=0
wait "$pid" || status=$?
kill "$watchdog" 2>/dev/null || true
pid=""
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
for fd in "${fds[@]}"; do exec {fd}>&-; done

echo "gateway exited with status $status after $elapsed_ms ms (drain period 2000 ms)"
cat "$log" >&2
if [ "$status" -ne 0 ]; then
  cat "$log"
  exit 1
fi
case "$readyz" in *'"status":"draining"'*) ;; *)
  echo "FAIL: /readyz on the admin port answered '$readyz' during the drain, not draining" >&2
  exit 1
  ;;
esac
if [ "$elapsed_ms" -gt 7000 ]; then
  echo "FAIL: SIGTERM took longer than the drain period plus 5 s" >&2
  exit 1
fi
