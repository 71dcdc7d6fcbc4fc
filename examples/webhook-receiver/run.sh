#!/usr/bin/env bash
# Tries examples/webhook-receiver/receiver.py as a user would, against a real stack (ctest:
# webhook_receiver_example_test): starts the receiver, registers it as an endpoint with curl,
# stores an event with curl, and expects the receiver to print the verified message.
#   run.sh PATH/TO/console_stack
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
stack="$(realpath "${1:?path to console_stack}")"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

coproc STACK { "$stack"; }
read -r -t 120 line <&"${STACK[0]}"  # the stack prints its ports once everything is up
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$line" "$1"; }
gateway="http://127.0.0.1:$(field port)"
key="$(field api_key)"

python3 -u "$here/receiver.py" --port 0 --secret-file "$work/secret" >"$work/out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
url="$(sed -n 's/^listening on //p' "$work/out")"
[ -n "$url" ] || { echo "the receiver did not start"; cat "$work/out"; exit 1; }

created="$(curl -sf -X POST "$gateway/v1/webhook-endpoints" -H "x-api-key: $key" \
  -H 'content-type: application/json' \
  -d "{\"url\": \"$url\", \"event_types\": [\"ai_event.created\"]}")"
python3 -c "import json,sys; print(json.loads(sys.argv[1])['secret'])" "$created" >"$work/secret"
event="$(curl -sf -X POST "$gateway/v1/ai-events" -H "x-api-key: $key" \
  -H 'content-type: application/json' \
  -d '{"customer_lookup": {"email": "receiver-example@example.com"}, "ai_event": {
       "event_type": "phone_call", "source": "example", "summary": "Tried the receiver.",
       "raw_payload": "{}", "occurred_at": "2026-03-10T14:30:00Z"}}')"
id="$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['id'])" "$event")"

for _ in $(seq 300); do grep -q "ai_event.created $id \[verified\]" "$work/out" && break; sleep 0.1; done
cat "$work/out"
grep -q "ai_event.created $id \[verified\] -> 200" "$work/out" ||
  { echo "FAIL: no verified ai_event.created for $id"; exit 1; }
echo "PASS: the receiver got and verified ai_event.created for $id"
