#!/usr/bin/env bash
# scripts/check-dependencies.sh refuses each kind of crossing and accepts a clean tree.
set -euo pipefail
checker="$(cd "$(dirname "$0")/../.." && pwd)/scripts/check-dependencies.sh"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

tree() {  # a clean layout
  rm -rf "$root"/*
  mkdir -p "$root"/common/{domain,pg,text,rpc} "$root"/gateway "$root"/services/{ingest,matching} \
    "$root"/services/ingest/webhooks "$root"/services/timeline/access
  echo '#include "common/text/text.h"' >"$root/common/domain/rules.cc"
  echo '#include "common/domain/rules.h"' >"$root/gateway/handler.cc"
  echo '#include "services/ingest/store.h"' >"$root/services/ingest/server.cc"
  echo '#include "common/pg/pool.h"' >"$root/services/matching/store.cc"
  echo '#include "common/text/text.h"' >"$root/common/pg/pool.cc"
  echo '#include "services/ingest/store.h"' >"$root/services/ingest/webhooks/processor.cc"
  echo '#include "services/ingest/webhooks/processor.h"' >"$root/services/ingest/ingest_server.cc"
  echo '#include "services/timeline/access/keys.h"' >"$root/services/timeline/timeline_server.cc"
  echo '#include "services/timeline/store.h"' >"$root/services/timeline/timeline_server.h"
  echo '#include "common/pg/pool.h"' >"$root/services/timeline/access/keys.cc"
}
expect_refused() {  # $1 = file, $2 = include, $3 = words of the rule
  tree
  echo "#include \"$2\"" >>"$root/$1"
  if out="$(bash "$checker" "$root" 2>&1)"; then
    echo "FAIL: $1 including $2 was accepted"; exit 1
  fi
  echo "$out" | grep -q "$3" || { echo "FAIL: unexpected message: $out"; exit 1; }
}

tree
bash "$checker" "$root" >/dev/null || { echo "FAIL: a clean tree was refused"; exit 1; }
expect_refused gateway/handler.cc services/ingest/event_validator.h "gRPC contracts"
expect_refused gateway/handler.cc common/pg/pool.h "does not touch PostgreSQL"
expect_refused services/matching/store.cc services/ingest/store.h "another service"
expect_refused common/domain/rules.cc services/matching/store.h "common/ depends on no service"
expect_refused common/domain/rules.cc common/pg/pool.h "no database code"
expect_refused common/domain/rules.cc common/rpc/grpc_status.h "or transport"
expect_refused common/pg/pool.cc common/rpc/grpc_status.h "a layer below it"
expect_refused services/ingest/store.cc services/ingest/webhooks/processor.h "nothing of webhooks"
expect_refused services/timeline/store.cc services/timeline/access/keys.h "nothing of access"
expect_refused services/timeline/access/keys.cc services/timeline/store.h "access/ knows nothing"
echo "check_dependencies_test: ok"
