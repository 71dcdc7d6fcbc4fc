#!/usr/bin/env bash
# Runs the gRPC client examples (Python and Node.js) against a real stack, as CI does
# (ctest: grpc_client_examples_test). Python uses Debian's python3-grpcio and python3-protobuf
# with message classes protoc generates from proto/ into a temporary directory; Node installs
# @grpc/grpc-js and @grpc/proto-loader from the lock file on first use.
#   run.sh PATH/TO/console_stack
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
stack="$(realpath "${1:?path to console_stack}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

protoc -I "$root/proto" --python_out="$work" \
  "$root"/proto/aievents/v1/*.proto "$root"/proto/google/rpc/*.proto "$root"/proto/google/api/*.proto
if [ ! -d "$here/node/node_modules/@grpc/grpc-js" ]; then
  (cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error)
fi

coproc STACK { "$stack"; }
# The stack prints its ports once everything is up; every wait has a deadline.
read -r -t 120 line <&"${STACK[0]}"
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$line" "$1"; }
ingest="127.0.0.1:$(field ingest_port)"
timeline="127.0.0.1:$(field timeline_port)"
key="$(field api_key)"

echo "== Python (grpcio)"
# Debian's interpreter: python3-grpcio is installed for it, whatever else is first on PATH.
PYTHONPATH="$work" timeout 60 /usr/bin/python3 "$here/python/create_event.py" "$ingest" "$timeline" "$key"
echo "== Node.js (@grpc/grpc-js)"
timeout 60 node "$here/node/create_event.js" "$ingest" "$timeline" "$key"

eval "exec ${STACK[1]}>&-"  # closing its input stops the stack
wait "$STACK_PID"
