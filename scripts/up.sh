#!/usr/bin/env bash
# The steps behind `make up`, `make test` and `make build`, each printed with its elapsed time
# and the total at the end (docs/development.md, "How long things take").
#   up.sh up      packages to build and run, the local database, configure, build the five
#                 binaries, migrations, services, the development key
#   up.sh test    packages to test with, configure with the tests, build everything, run every
#                 test against a throwaway PostgreSQL (scripts/run-tests.sh)
#   up.sh build   configure and build the five binaries (what the chaos and PgBouncer checks use)
#   up.sh bench   configure with the tests and build the load generators of make bench
#   up.sh down    stop the services and the local database
# One build directory (build/) serves all of them: `make up` configures it without the tests,
# `make test` turns them on and builds only what is missing. PG_PORT (default 55432) is the
# local database's port.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build_dir=build
data_dir=.data  # tokens, the dev key, logs and pids; the database lives in pg_dir
pg_port="${PG_PORT:-55432}"
pg_dir="$(bash scripts/data-dir.sh)/pg"
owner_url="${AIEVENTS_DATABASE_URL:-postgresql://aievents@127.0.0.1:$pg_port/aievents}"
# Each service logs in as its own role (db/roles.sql, db/migrations/0006_service_roles.sql).
service_url_of() { echo "postgresql://aievents_$1@127.0.0.1:$pg_port/aievents"; }
superuser_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
admin="$build_dir/tools/admin/aievents-admin"
# What running needs: the four processes and the operator tool that migrates.
binaries=(aievents-gateway aievents-ingest aievents-matching aievents-timeline aievents-admin)

# Seconds with one decimal since a `date +%s%N` reading (no bc: it may not be installed yet).
elapsed_since() {
  local tenths=$((($(date +%s%N) - $1) / 100000000))
  echo "$((tenths / 10)).$((tenths % 10))"
}
started_all=$(date +%s%N)
step() {  # step NAME FUNCTION [ARGS...]
  local name="$1" started
  shift
  started=$(date +%s%N)
  echo "==> $name"
  "$@"
  echo "==> $name: $(elapsed_since "$started") s"
}
total() { echo "==> total: $(elapsed_since "$started_all") s"; }

# The directories above the cluster, made passable for the postgres user whatever root's umask
# is; directories that exist already are left as they are.
make_parents() {
  local dir
  for dir in "$(dirname "$(dirname "$pg_dir")")" "$(dirname "$pg_dir")"; do
    [ -d "$dir" ] || install -d -m 0755 "$dir"
  done
}

# The local cluster, its roles and the aievents database. Runs before the build so that a
# database directory the postgres user cannot reach fails the first minute, not the twentieth.
database() {
  # Checkouts from before kept the cluster in .data/pg: move it, so its data stays.
  if [ -f "$data_dir/pg/PG_VERSION" ] && [ ! -f "$pg_dir/PG_VERSION" ]; then
    bash scripts/pg.sh stop "$data_dir/pg"
    make_parents
    mv "$data_dir/pg" "$pg_dir"
    echo "database: moved $data_dir/pg to $pg_dir"
  fi
  make_parents
  bash scripts/pg.sh start "$pg_dir" "$pg_port"
  # As root through the socket-less TCP URL (trust auth): psql reads db/roles.sql itself, and
  # the postgres user might not be able to enter the checkout.
  psql -q -X "$superuser_url" -v ON_ERROR_STOP=1 \
    -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents') THEN CREATE ROLE aievents LOGIN; END IF; END \$\$" \
    -c "ALTER ROLE aievents CREATEROLE" -f db/roles.sql >/dev/null
  if ! psql -X "$superuser_url" -tAc "SELECT 1 FROM pg_database WHERE datname = 'aievents'" | grep -q 1; then
    psql -q -X "$superuser_url" -c "CREATE DATABASE aievents OWNER aievents"
  fi
}

# configure ON|OFF: the build directory with or without the tests, benchmarks and fuzz targets.
# An existing directory is only reconfigured when tests are wanted and it has none; one that
# has them keeps them (make up after make test builds nothing again).
configure() {
  local tests="$1" have=""
  if [ -f "$build_dir/build.ninja" ]; then
    have="$(sed -n 's/^AIEVENTS_BUILD_TESTS:BOOL=//p' "$build_dir/CMakeCache.txt")"
    if [ "$tests" = OFF ] || [ "$have" = ON ]; then
      echo "configure: $build_dir is configured (tests ${have:-ON})"
      return 0
    fi
  fi
  # Optimized, with line tables only: backtraces and test failures keep file:line, and every
  # file compiles about a quarter faster than with full debug info (docs/development.md, "What
  # the build costs"). The images' own build (Dockerfile) keeps full debug info.
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
    -DAIEVENTS_BUILD_TESTS="$tests" >"$build_dir.configure.log" 2>&1 ||
    { cat "$build_dir.configure.log" >&2; exit 1; }
  rm -f "$build_dir.configure.log"
  echo "configure: $build_dir (tests $tests)"
}

build_binaries() { cmake --build "$build_dir" --target "${binaries[@]}"; }
build_everything() { cmake --build "$build_dir"; }

migrate() { AIEVENTS_DATABASE_URL="$owner_url" "$admin" migrate; }

services() {
  mkdir -p "$data_dir"
  # The shared secret for service-to-service calls and the key ring that encrypts webhook
  # signing secrets at rest (docs/security.md), each made once per checkout. Outbound webhooks
  # may go to a receiver on this machine over plain http (examples/webhook-receiver), never to
  # private or link-local addresses (docs/webhooks.md, Outbound).
  [ -s "$data_dir/internal-token" ] ||
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$data_dir/internal-token")
  [ -s "$data_dir/secrets-keys" ] ||
    (umask 077 && head -c 32 /dev/urandom | base64 >"$data_dir/secrets-keys")
  # Matching's suppression key (keyed hashes of suppressed emails and phones, docs/privacy.md):
  # made once and kept, since a new key no longer recognises the stored hashes.
  [ -s "$data_dir/suppression-key" ] ||
    (umask 077 && head -c 32 /dev/urandom | base64 >"$data_dir/suppression-key")
  AIEVENTS_INTERNAL_TOKEN="$(cat "$data_dir/internal-token")" \
    INGEST_DATABASE_URL="$(service_url_of ingest)" MATCHING_DATABASE_URL="$(service_url_of matching)" \
    TIMELINE_DATABASE_URL="$(service_url_of timeline)" AIEVENTS_SECRETS_KEY_FILE="$root/$data_dir/secrets-keys" \
    AIEVENTS_SUPPRESSION_KEY_FILE="$root/$data_dir/suppression-key" \
    AIEVENTS_WEBHOOK_ALLOW="${AIEVENTS_WEBHOOK_ALLOW-http,loopback}" bash scripts/services.sh start
}

# A development tenant and key, made once; the key file survives restarts.
dev_key() {
  if [ -s "$data_dir/dev-api-key" ]; then
    echo "dev-key: $data_dir/dev-api-key"
    return 0
  fi
  local tenant
  tenant="$(AIEVENTS_DATABASE_URL="$owner_url" "$admin" create-tenant --name=development)"
  (umask 077 && AIEVENTS_DATABASE_URL="$owner_url" "$admin" create-key --tenant="$tenant" \
    --label=dev --scopes=all 2>/dev/null >"$data_dir/dev-api-key")
  echo "dev-key: created tenant $tenant, key in $data_dir/dev-api-key"
}

how_to_call() {
  cat <<EOF

aievents is up: gateway on http://127.0.0.1:8080 (logs in $data_dir/log, database in $pg_dir)
Your development API key is in $data_dir/dev-api-key. Try:

  curl -sS -X POST http://127.0.0.1:8080/v1/ai-events \\
    -H "x-api-key: \$(cat $data_dir/dev-api-key)" -H 'content-type: application/json' \\
    -d '{"customer_lookup": {"phone": "+1 (555) 867-5309"}, "ai_event": {"event_type": "phone_call", "source": "retell", "summary": "Customer called about delayed shipment for order #789.", "raw_payload": "{}", "occurred_at": "2026-03-10T14:30:00Z"}}'

The web console: open http://127.0.0.1:8080/ and sign in with that key.
Stop everything with: make down
EOF
}

case "${1:-}" in
  up)
    step packages bash scripts/install-deps.sh --run
    step database database
    step configure configure OFF
    step build build_binaries
    step migrations migrate
    step services services
    step "development key" dev_key
    total
    how_to_call
    ;;
  test)
    step packages bash scripts/install-deps.sh --test
    step configure configure ON
    step build build_everything
    step tests bash scripts/run-tests.sh
    total
    ;;
  build)
    step packages bash scripts/install-deps.sh --run
    step configure configure OFF
    step build build_binaries
    ;;
  bench)
    step packages bash scripts/install-deps.sh --test
    step configure configure ON
    step build cmake --build "$build_dir" --target open_loop grpc_ingest_load edge_load webhook_sinks
    ;;
  down)
    bash scripts/services.sh stop
    bash scripts/pg.sh stop "$pg_dir"
    ;;
  *)
    echo "usage: up.sh up|test|build|bench|down" >&2
    exit 2
    ;;
esac
