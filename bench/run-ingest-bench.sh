#!/usr/bin/env bash
# The ingestion benchmark (`make bench`): runs against the stack `make up` started (durable
# PostgreSQL of scripts/data-dir.sh, every service, the gateway on 127.0.0.1:8080) and prints numbers; it
# asserts nothing. See docs/performance.md for what each line means and the figures measured.
#
#   bash bench/run-ingest-bench.sh [--duration=15] [--tenants=4] [--customers=100000]
#                                  [--rate=5000]
#                                  [--only=mix,wide,replay,open,grpc,pgbench,edge,webhooks,erasure]
#                                  [--erase-events=100000]
#                                  [--fill-rows=N]
#
# --fill-rows=N bulk-loads the bench tenants' events up to N rows (straight SQL, like a
# restore) and runs the closed-loop mix again, to compare throughput on a full table.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration=15
tenants=4
customers=100000
rate=5000
only="mix,wide,replay,open,grpc,pgbench,edge,webhooks,erasure"
fill_rows=0
erase_events=100000
for arg in "$@"; do
  case "$arg" in
    --duration=*) duration="${arg#*=}" ;;
    --tenants=*) tenants="${arg#*=}" ;;
    --customers=*) customers="${arg#*=}" ;;
    --rate=*) rate="${arg#*=}" ;;
    --only=*) only="${arg#*=}" ;;
    --fill-rows=*) fill_rows="${arg#*=}" ;;
    --erase-events=*) erase_events="${arg#*=}" ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

PG_PORT="${PG_PORT:-55432}"
DB_URL="${AIEVENTS_DATABASE_URL:-postgresql://aievents@127.0.0.1:$PG_PORT/aievents}"
GATEWAY="http://127.0.0.1:${AIEVENTS_LISTEN_PORT:-8080}"
INGEST_GRPC="127.0.0.1:7051"
ADMIN="$root/build/tools/admin/aievents-admin"
state="$root/.data/bench"
mkdir -p "$state"
psql_db() { psql "$DB_URL" -v ON_ERROR_STOP=1 -qtA "$@"; }

if ! curl -fsS "$GATEWAY/readyz" >/dev/null 2>&1; then
  echo "bench: the stack is not up; run 'make up' first (make bench does)" >&2
  exit 1
fi
for tool in wrk pgbench psql; do
  command -v "$tool" >/dev/null || [ -x "/usr/lib/postgresql/15/bin/$tool" ] || {
    echo "bench: $tool is missing; make bench installs it" >&2
    exit 1
  }
done
export PATH="$PATH:/usr/lib/postgresql/15/bin"

# --- tenants, keys and customers (made once, kept in .data/bench) ---
tenant_file="$state/tenants-$customers"
if [ ! -s "$tenant_file" ] || [ "$(wc -l <"$tenant_file")" -lt "$tenants" ]; then
  : >"$tenant_file"
  for i in $(seq 1 "$tenants"); do
    tenant="$("$ADMIN" create-tenant --name="bench-$i" --database-url="$DB_URL")"
    key="$("$ADMIN" create-key --tenant="$tenant" --label=bench --scopes=all --database-url="$DB_URL" 2>/dev/null)"
    started=$(date +%s.%N)
    psql_db -v tenant="$tenant" -v count="$customers" -f bench/ingest/seed_customers.sql
    printf 'bench: seeded %s customers for tenant %s in %.1f s\n' "$customers" "$tenant" \
      "$(echo "$(date +%s.%N) - $started" | bc)"
    echo "$tenant $key" >>"$tenant_file"
  done
fi
mapfile -t tenant_ids < <(head -n "$tenants" "$tenant_file" | cut -d' ' -f1)
mapfile -t api_keys < <(head -n "$tenants" "$tenant_file" | cut -d' ' -f2)
BENCH_KEYS="$(IFS=,; echo "${api_keys[*]}")"
export BENCH_KEYS BENCH_CUSTOMERS="$customers"

# The seeded forms must be what matching computes: one event per rule must match.
check_rule() {
  local lookup="$1" expected="$2"
  local body="{\"customer_lookup\": $lookup, \"ai_event\": {\"event_type\": \"note\", \"source\": \"bench-check\", \"summary\": \"seed check\", \"raw_payload\": \"{}\", \"occurred_at\": \"2026-01-01T00:00:00Z\"}}"
  local method
  method="$(curl -sS -X POST "$GATEWAY/v1/ai-events" -H "x-api-key: ${api_keys[0]}" \
    -H 'content-type: application/json' -d "$body" | grep -o '"match_method":"[a-z_]*"' || true)"
  if [ "$method" != "\"match_method\":\"$expected\"" ]; then
    echo "bench: seeded customers do not match by $expected (got '$method'); re-seed with rm -r .data/bench" >&2
    exit 1
  fi
}
check_rule '{"email": "Customer42@Bench.example"}' email
check_rule '{"phone": "+1 (555) 000-0042"}' phone
check_rule '{"first_name": "Bench", "last_name": "Person42"}' name

# --- process accounting: CPU seconds and peak RSS of each process of the suite ---
declare -A pids
for service in gateway ingest matching timeline; do
  pids[$service]="$(cat "$root/.data/run/$service.pid")"
done
postmaster="$(head -n1 "$(bash "$root/scripts/data-dir.sh")/pg/postmaster.pid")"
clock_ticks="$(getconf CLK_TCK)"
cpu_ticks() {  # utime + stime of a pid
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
postgres_ticks() {  # the postmaster and every backend it started
  local total=0 pid
  for pid in $postmaster $(pgrep -P "$postmaster"); do
    total=$((total + $(cpu_ticks "$pid")))
  done
  echo "$total"
}
declare -A before
snapshot() {
  for service in "${!pids[@]}"; do before[$service]="$(cpu_ticks "${pids[$service]}")"; done
  before[postgres]="$(postgres_ticks)"
}
report_cpu() {  # $1 = seconds of load
  local line="  cpu-seconds:" service now
  for service in gateway ingest matching timeline; do
    now="$(cpu_ticks "${pids[$service]}")"
    line+=" $service=$(echo "scale=1; ($now - ${before[$service]}) / $clock_ticks" | bc)"
  done
  now="$(postgres_ticks)"
  line+=" postgres=$(echo "scale=1; ($now - ${before[postgres]}) / $clock_ticks" | bc)"
  echo "$line (over $1 s on $(nproc) cores)"
  line="  peak-rss-mb:"
  for service in gateway ingest matching timeline; do
    line+=" $service=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/${pids[$service]}/status")"
  done
  echo "$line"
}

# Row-level security binds the owner too: each tenant's events are counted in its own scope.
events_in_bench() {
  local total=0 tenant
  for tenant in "${tenant_ids[@]}"; do
    total=$((total + $(psql_db -c "SET app.tenant_id = '$tenant'" \
      -c "SELECT count(*) FROM ai_events WHERE tenant_id = '$tenant'" | tail -n 1)))
  done
  echo "$total"
}

run_wrk() {  # $1 = mode, $2 = seconds, $3 = connections (default 64)
  BENCH_MODE="$1" BENCH_RUN="run$(date +%s%N)" wrk -t2 -c"${3:-64}" -d"$2"s --timeout 10s \
    -s bench/ingest/events.lua "$GATEWAY" | grep '^RESULT' | sed 's/^RESULT /  /'
}

echo "bench: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
  "$tenants tenants x $customers customers, $(events_in_bench) bench events stored"
mix_rps=""
if wants mix; then
  echo "closed loop, event mix (wrk -t2 -c64 -d${duration}s):"
  snapshot
  result="$(run_wrk mix "$duration")"
  echo "$result"
  mix_rps="$(echo "$result" | grep -o 'rps=[0-9]*' | cut -d= -f2)"
  report_cpu "$duration"
fi
wide_rps=""
if wants wide; then
  # The same mix with more clients in flight: what the suite sustains when it is the bottleneck
  # (with 64 clients, throughput is 64 / latency, and latency includes waiting for a batch).
  echo "closed loop, event mix, 512 connections (wrk -t2 -c512 -d${duration}s):"
  snapshot
  result="$(run_wrk mix "$duration" 512)"
  echo "$result"
  wide_rps="$(echo "$result" | grep -o 'rps=[0-9]*' | cut -d= -f2)"
  report_cpu "$duration"
fi
if wants replay; then
  run_wrk replay 3 >/dev/null  # stores the 1,000 keys per tenant that are replayed
  echo "closed loop, idempotent replays (wrk -t2 -c64 -d${duration}s):"
  snapshot
  run_wrk replay "$duration"
  report_cpu "$duration"
fi
if wants open; then
  echo "open loop at $rate events/s (bench/open_loop, ${duration}s):"
  snapshot
  "$root/build/bench/open_loop" --url="$GATEWAY/v1/ai-events" --keys="$BENCH_KEYS" \
    --customers="$customers" --rate="$rate" --seconds="$duration" | sed 's/^/  /'
  report_cpu "$duration"
fi
if wants grpc; then
  echo "gRPC straight to ingest (bench/grpc_ingest_load, 64 calls in flight, ${duration}s):"
  snapshot
  "$root/build/bench/grpc_ingest_load" --target="$INGEST_GRPC" --keys="$BENCH_KEYS" \
    --customers="$customers" --concurrency=64 --seconds="$duration" | sed 's/^/  /'
  report_cpu "$duration"
fi
if wants pgbench; then
  echo "pgbench, one event per transaction (set tenant, match by email, insert; -M prepared -c32 -j2 -T${duration}):"
  pg_tps="$(pgbench "$DB_URL" -n -M prepared -c 32 -j 2 -T "$duration" \
    -D tenant="${tenant_ids[0]}" -D customers="$customers" -f bench/ingest/pgbench_event.sql 2>&1 |
    awk '/^tps/ {printf "%.0f", $3}')"
  echo "  tps=$pg_tps"
  if [ -n "$mix_rps" ] && [ -n "$pg_tps" ]; then
    echo "  suite/pgbench = $(echo "scale=2; $mix_rps / $pg_tps" | bc)x (HTTP mix, 64 connections, over pgbench)"
  fi
  if [ -n "$wide_rps" ] && [ -n "$pg_tps" ]; then
    echo "  suite/pgbench = $(echo "scale=2; $wide_rps / $pg_tps" | bc)x (HTTP mix, 512 connections, over pgbench)"
  fi
fi
if wants edge; then
  echo "edge: 1,100 idle + 200 partial connections while normal requests run (bench/edge_load):"
  snapshot
  "$root/build/bench/edge_load" --host=127.0.0.1 --port="${AIEVENTS_LISTEN_PORT:-8080}" \
    --key="${api_keys[0]}" --idle=1100 --partial=200 --seconds="$duration" | sed 's/^/  /'
  report_cpu "$duration"
fi
if wants erasure; then
  # Erasing a large customer must not stall ingestion: the closed-loop mix without an erasure,
  # then again while one customer's events (--erase-events, 100,000) are erased in bounded
  # batches (DELETE /v1/customers/{id}, called again until it answers complete, as a client
  # would after a 202).
  erase_key="$("$ADMIN" create-key --tenant="${tenant_ids[0]}" --label=bench-erase \
    --scopes=customers:write,customers:erase --database-url="$DB_URL" 2>/dev/null)"
  erase_email="erase-$(date +%s%N)@bench.example"
  erase_customer="$(curl -fsS -X POST "$GATEWAY/v1/customers" -H "x-api-key: $erase_key" \
    -H 'content-type: application/json' -d "{\"email\": \"$erase_email\"}" |
    grep -o '"id":"[^"]*"' | head -n1 | cut -d'"' -f4)"
  started=$(date +%s.%N)
  psql_db -v tenant="${tenant_ids[0]}" -v customer="$erase_customer" -v email="$erase_email" \
    -v count="$erase_events" -f bench/ingest/erasure_customer.sql
  printf 'bench: stored %s events for one customer in %.1f s\n' "$erase_events" \
    "$(echo "$(date +%s.%N) - $started" | bc)"
  run_wrk mix 10 >/dev/null  # discarded: warms the caches the bulk load disturbed
  echo "closed loop, event mix, no erasure (wrk -t2 -c64 -d${duration}s):"
  snapshot
  run_wrk mix "$duration"
  report_cpu "$duration"
  echo "closed loop, event mix, while the customer's $erase_events events are erased (wrk -t2 -c64 -d${duration}s):"
  snapshot
  run_wrk mix "$duration" >"$state/erasure-wrk.txt" &
  wrk_pid=$!
  sleep 2
  started=$(date +%s.%N)
  calls=0 answer=""
  while [ "$calls" -lt 100 ]; do
    calls=$((calls + 1))
    answer="$(curl -sS -X DELETE "$GATEWAY/v1/customers/$erase_customer" -H "x-api-key: $erase_key")"
    [[ "$answer" == *'"complete":true'* ]] && break
  done
  erase_seconds="$(echo "$(date +%s.%N) - $started" | bc)"
  wait "$wrk_pid"
  cat "$state/erasure-wrk.txt"
  report_cpu "$duration"
  printf '  erasure: %s in %.1f s over %s call(s) (%.0f events/s)\n' "$answer" "$erase_seconds" \
    "$calls" "$(echo "$erase_events / $erase_seconds" | bc -l)"
fi
if wants webhooks; then
  # Outbound webhooks must cost ingestion nothing when subscribers are slow or dead: the same
  # closed-loop mix without endpoints, with 50 answering 204 at once, then with 50 more that
  # never answer (each attempt times out after 15 s): 100 endpoints, 25 per bench tenant, all
  # event types; then without endpoints again.
  timeline_metrics="http://127.0.0.1:${AIEVENTS_TIMELINE_ADMIN_PORT:-9093}/metrics"
  metric() {  # $1 = name with labels; 0 when absent
    curl -fsS "$timeline_metrics" | awk -v m="$1" '$1 == m {v = $2} END {print v + 0}'
  }
  # Discarded: right after a restart the database's caches are cold, and the first run without
  # endpoints came out a third slower than the same run at the end (docs/performance.md).
  run_wrk mix 10 >/dev/null
  echo "closed loop, event mix, no webhook endpoints (wrk -t2 -c64 -d${duration}s):"
  snapshot
  result="$(run_wrk mix "$duration")"
  echo "$result"
  base_rps="$(echo "$result" | grep -o 'rps=[0-9]*' | cut -d= -f2)"
  report_cpu "$duration"
  # The sinks stand in for receivers on other machines; they run at the lowest priority so that
  # they take as little as they can of the two cores the suite runs on.
  coproc SINKS { nice -n 19 "$root/build/bench/webhook_sinks"; }
  read -r -t 10 _ sinks_port <&"${SINKS[0]}"
  endpoint_ids=()
  add_endpoints() {  # $1 = fast|slow, $2 $3 = first and last number
    local n kind="$1" key id
    for n in $(seq "$2" "$3"); do
      key="${api_keys[$((n % ${#api_keys[@]}))]}"
      id="$(curl -fsS -X POST "$GATEWAY/v1/webhook-endpoints" -H "x-api-key: $key" \
        -H 'content-type: application/json' \
        -d "{\"url\": \"http://127.0.0.1:$sinks_port/$kind/$n\", \"event_types\": [\"ai_event.created\", \"ai_event.associated\"]}" |
        grep -o '"id":"[^"]*"' | head -n1 | cut -d'"' -f4)"
      endpoint_ids+=("$key $id")
    done
  }
  # One run with endpoints; prints its rate and what the outbound side did meanwhile and in the
  # 20 s after (outbound work yields to ingestion and catches up once the load ends).
  run_with_endpoints() {  # $1 = description
    local before_2xx before_silent result delivered silent after
    before_2xx="$(metric 'aievents_webhook_attempts_total{status="2xx"}')"
    before_silent="$(metric 'aievents_webhook_attempts_total{status="no_answer"}')"
    echo "closed loop, event mix, $1 (wrk -t2 -c64 -d${duration}s):"
    snapshot
    result="$(run_wrk mix "$duration")"
    echo "$result"
    run_rps="$(echo "$result" | grep -o 'rps=[0-9]*' | cut -d= -f2)"
    report_cpu "$duration"
    delivered=$(( $(metric 'aievents_webhook_attempts_total{status="2xx"}') - before_2xx ))
    silent=$(( $(metric 'aievents_webhook_attempts_total{status="no_answer"}') - before_silent ))
    echo "  webhooks during the run: $delivered delivered (2xx), $silent attempts without an answer;" \
      "$(metric aievents_webhook_messages_pending) messages pending, outbox $(metric aievents_outbox_pending) changes behind"
    sleep 20
    after=$(( $(metric 'aievents_webhook_attempts_total{status="2xx"}') - before_2xx - delivered ))
    echo "  in the 20 s after the load: $after more delivered (2xx)"
  }
  percent() { echo "scale=1; 100 * $1 / $2" | bc; }
  add_endpoints fast 0 49
  run_with_endpoints "50 webhook endpoints, all answering 204"
  answering_rps="$run_rps"
  add_endpoints slow 50 99
  run_with_endpoints "100 webhook endpoints, 50 of them never answering"
  hundred_rps="$run_rps"
  for entry in "${endpoint_ids[@]}"; do  # their messages and attempts go with them
    curl -fsS -o /dev/null -X DELETE "$GATEWAY/v1/webhook-endpoints/${entry#* }" -H "x-api-key: ${entry%% *}"
  done
  # The run without endpoints again: the machine and the growing tables drift over the
  # minutes these runs take, so each run with endpoints is compared with the mean of the runs
  # without them before and after (A-B-A).
  echo "closed loop, event mix, no webhook endpoints again (wrk -t2 -c64 -d${duration}s):"
  snapshot
  result="$(run_wrk mix "$duration")"
  echo "$result"
  base_after_rps="$(echo "$result" | grep -o 'rps=[0-9]*' | cut -d= -f2)"
  report_cpu "$duration"
  if [ -n "$base_rps" ] && [ -n "$base_after_rps" ] && [ -n "$answering_rps" ] &&
    [ "$answering_rps" -gt 0 ] && [ "$(( base_rps + base_after_rps ))" -gt 0 ]; then
    base_mean=$(( (base_rps + base_after_rps) / 2 ))
    echo "  without endpoints: $base_rps then $base_after_rps events/s (mean $base_mean)"
    echo "  throughput with the 100 endpoints: $(percent "$hundred_rps" "$base_mean") % of the runs without endpoints;" \
      "with the 50 answering ones alone: $(percent "$answering_rps" "$base_mean") %;" \
      "the 50 silent ones added: $(percent "$hundred_rps" "$answering_rps") % of the run without them"
  fi
  exec {SINKS[1]}>&-
  wait "$SINKS_PID" 2>/dev/null || true
fi
if [ "$fill_rows" -gt 0 ]; then
  have="$(events_in_bench)"
  if [ "$have" -lt "$fill_rows" ]; then
    echo "filling the bench tenants to $fill_rows events (bulk SQL)..."
    started=$(date +%s)
    # As a restore does: load with only the keys (primary, idempotency) and build the other
    # indexes afterwards, which is many times faster than maintaining them row by row. Their
    # definitions wait in bench_saved_indexes meanwhile, so an interrupted fill is repaired by
    # the next run.
    psql_db -c "CREATE TABLE IF NOT EXISTS bench_saved_indexes (name text PRIMARY KEY, def text)"
    psql_db -c "INSERT INTO bench_saved_indexes SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'ai_events'::regclass AND NOT indisprimary AND NOT indisunique ON CONFLICT DO NOTHING"
    psql_db -tA -c "SELECT name FROM bench_saved_indexes" | while read -r index; do
      psql_db -c "DROP INDEX IF EXISTS $index"
    done
    chunk=1000000
    remaining=$((fill_rows - have))
    while [ "$remaining" -gt 0 ]; do
      for tenant in "${tenant_ids[@]}"; do
        count=$((remaining < chunk ? remaining : chunk))
        [ "$count" -gt 0 ] || break
        psql_db -v tenant="$tenant" -v count="$count" -v customers="$customers" \
          -f bench/ingest/fill_events.sql
        remaining=$((remaining - count))
      done
    done
    echo "  loaded in $(($(date +%s) - started)) s"
  fi
  if psql_db -tA -c "SELECT to_regclass('bench_saved_indexes') IS NOT NULL" | grep -q t; then
    started=$(date +%s)
    psql_db -tA -c "SELECT def FROM bench_saved_indexes" | while read -r definition; do
      psql_db -c "$definition"
    done
    psql_db -c "DROP TABLE bench_saved_indexes"
    psql_db -c "ANALYZE ai_events"
    echo "  indexes rebuilt in $(($(date +%s) - started)) s; $(events_in_bench) bench events stored"
  fi
  echo "closed loop, event mix on the full table (wrk -t2 -c64 -d${duration}s):"
  snapshot
  run_wrk mix "$duration"
  report_cpu "$duration"
fi
