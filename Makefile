# The two commands: `make up` (install, build, start everything locally) and `make test`.
# Both are safe to run again. Run as root on Debian 12.

BUILD_DIR   := build
DATA_DIR    := .data
PG_PORT     ?= 55432
# The owner runs migrations and the operator tool; the services log in as aievents_service,
# which owns nothing and is bound by row-level security (docs/security.md).
DB_URL      := postgresql://aievents@127.0.0.1:$(PG_PORT)/aievents
SERVICE_DB_URL := postgresql://aievents_service@127.0.0.1:$(PG_PORT)/aievents
export AIEVENTS_DATABASE_URL ?= $(DB_URL)
# The shared secret for service-to-service calls (webhook processing), made once per checkout.
INTERNAL_TOKEN_FILE := $(DATA_DIR)/internal-token
# The key ring that encrypts webhook signing secrets at rest (docs/security.md), made once.
SECRETS_KEY_FILE := $(DATA_DIR)/secrets-keys

.PHONY: up down test bench build deps db migrate dev-key services clean format openapi fuzz chaos

up: deps build db migrate services dev-key
	@echo
	@echo "aievents is up: gateway on http://127.0.0.1:8080 (logs in $(DATA_DIR)/log)"
	@echo "Your development API key is in $(DATA_DIR)/dev-api-key. Try:"
	@echo
	@echo "  curl -sS -X POST http://127.0.0.1:8080/v1/ai-events \\"
	@echo "    -H \"x-api-key: \$$(cat $(DATA_DIR)/dev-api-key)\" -H 'content-type: application/json' \\"
	@echo "    -d '{\"customer_lookup\": {\"phone\": \"+1 (555) 867-5309\"}, \"ai_event\": {\"event_type\": \"phone_call\", \"source\": \"retell\", \"summary\": \"Customer called about delayed shipment for order #789.\", \"raw_payload\": \"{}\", \"occurred_at\": \"2026-03-10T14:30:00Z\"}}'"
	@echo
	@echo "The web console: open http://127.0.0.1:8080/ and sign in with that key."
	@echo "Stop everything with: make down"

deps:
	@bash scripts/install-deps.sh

build: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null; fi
	@cmake --build $(BUILD_DIR)

db:
	@bash scripts/pg.sh start $(DATA_DIR)/pg $(PG_PORT)
	@runuser -u postgres -- psql -q -h 127.0.0.1 -p $(PG_PORT) -d postgres -v ON_ERROR_STOP=1 \
	  -c "DO \$$\$$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents') THEN CREATE ROLE aievents LOGIN; END IF; END \$$\$$" \
	  -c "ALTER ROLE aievents CREATEROLE" -f db/roles.sql >/dev/null
	@runuser -u postgres -- psql -q -h 127.0.0.1 -p $(PG_PORT) -d postgres -tAc \
	  "SELECT 1 FROM pg_database WHERE datname = 'aievents'" | grep -q 1 || \
	  runuser -u postgres -- createdb -h 127.0.0.1 -p $(PG_PORT) -O aievents aievents

migrate: build db
	@$(BUILD_DIR)/tools/admin/aievents-admin migrate

services: build migrate
	@mkdir -p $(DATA_DIR)
	@[ -s $(INTERNAL_TOKEN_FILE) ] || (head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > $(INTERNAL_TOKEN_FILE) && chmod 600 $(INTERNAL_TOKEN_FILE))
	@[ -s $(SECRETS_KEY_FILE) ] || (umask 077 && head -c 32 /dev/urandom | base64 > $(SECRETS_KEY_FILE))
	@AIEVENTS_INTERNAL_TOKEN=$$(cat $(INTERNAL_TOKEN_FILE)) AIEVENTS_DATABASE_URL=$(SERVICE_DB_URL) \
	  AIEVENTS_SECRETS_KEY_FILE=$(CURDIR)/$(SECRETS_KEY_FILE) bash scripts/services.sh start

# A development tenant and key, made once; the key file survives restarts.
dev-key: migrate
	@if [ ! -s $(DATA_DIR)/dev-api-key ]; then \
	  tenant=$$($(BUILD_DIR)/tools/admin/aievents-admin create-tenant --name=development) && \
	  $(BUILD_DIR)/tools/admin/aievents-admin create-key --tenant=$$tenant --label=dev --scopes=all \
	    2>/dev/null > $(DATA_DIR)/dev-api-key && chmod 600 $(DATA_DIR)/dev-api-key && \
	  echo "dev-key: created tenant $$tenant"; fi

down:
	@bash scripts/services.sh stop
	@bash scripts/pg.sh stop $(DATA_DIR)/pg

test: deps build
	@bash scripts/run-tests.sh

# The ingestion benchmark against the stack `make up` starts (see bench/README.md); prints
# numbers, asserts nothing. BENCH_ARGS passes options, e.g. BENCH_ARGS=--fill-rows=10000000.
# It measures throughput, so the services it starts have no rate limits (they would measure the
# limit instead); target-specific settings reach the `up` it depends on.
bench: export AIEVENTS_RATE_LIMIT_KEY_PER_SECOND := 0
bench: export AIEVENTS_RATE_LIMIT_TENANT_PER_SECOND := 0
bench: up
	@bash scripts/install-deps.sh --bench
	@bash bench/run-ingest-bench.sh $(BENCH_ARGS)

# Each libFuzzer target for FUZZ_SECONDS (default 60) in a clang ASan+UBSan build
# (build-asan/); a crash stops it and is kept as a regression input (docs/reliability.md).
fuzz: deps
	@bash scripts/run-fuzz.sh

# Fault injection against the real binaries and a throwaway PostgreSQL: kills, database
# restarts and a frozen matching service under load; asserts nothing acknowledged is lost
# (docs/reliability.md).
chaos: deps build
	@bash scripts/run-chaos.sh

# Regenerates docs/openapi.json from the protos and the gateway's routes (a test fails when it
# is stale).
openapi: build
	@$(BUILD_DIR)/tools/openapi/aievents-openapi $(BUILD_DIR)/proto/aievents_descriptors.binpb > docs/openapi.json
	@echo "wrote docs/openapi.json"

format:
	@clang-format -i $$(git ls-files '*.cc' '*.h')

clean: down
	rm -rf $(BUILD_DIR) $(DATA_DIR)
