# The two commands: `make up` (install, build, start everything locally) and `make test`.
# Both are safe to run again. Run as root on Debian 12.

BUILD_DIR   := build

.PHONY: up down test bench build deps clean format openapi fuzz chaos

# Each step is printed with its elapsed time (scripts/up.sh). make up builds and installs only
# what running needs; the tests, their toolchains and the fuzz and bench programs come with
# make test, make fuzz and make bench.
up:
	@bash scripts/up.sh up

down:
	@bash scripts/up.sh down

test:
	@bash scripts/up.sh test

# The five binaries (the chaos and PgBouncer checks run them).
build:
	@bash scripts/up.sh build

deps:
	@bash scripts/install-deps.sh --run

# The ingestion benchmark against the stack `make up` starts (see bench/README.md); prints
# numbers, asserts nothing. BENCH_ARGS passes options, e.g. BENCH_ARGS=--fill-rows=10000000.
# It measures throughput, so the services it starts have no rate limits (they would measure the
# limit instead); target-specific settings reach the `up` it depends on.
bench: export AIEVENTS_RATE_LIMIT_KEY_PER_SECOND := 0
bench: export AIEVENTS_RATE_LIMIT_TENANT_PER_SECOND := 0
bench: up
	@bash scripts/up.sh bench
	@bash scripts/install-deps.sh --bench
	@bash bench/run-ingest-bench.sh $(BENCH_ARGS)

# Each libFuzzer target for FUZZ_SECONDS (default 60) in a clang ASan+UBSan build
# (build-asan/); a crash stops it and is kept as a regression input (docs/reliability.md).
fuzz:
	@bash scripts/install-deps.sh --clang
	@bash scripts/run-fuzz.sh

# Fault injection against the real binaries and a throwaway PostgreSQL: kills, database
# restarts and a frozen matching service under load; asserts nothing acknowledged is lost
# (docs/reliability.md).
chaos: build
	@bash scripts/run-chaos.sh

# Regenerates docs/openapi.json from the protos and the gateway's routes (a test fails when it
# is stale).
openapi: build
	@cmake --build $(BUILD_DIR) --target aievents-openapi aievents_descriptors
	@$(BUILD_DIR)/tools/openapi/aievents-openapi $(BUILD_DIR)/proto/aievents_descriptors.binpb > docs/openapi.json
	@echo "wrote docs/openapi.json"

format:
	@clang-format -i $$(git ls-files '*.cc' '*.h')

clean: down
	rm -rf $(BUILD_DIR) .data "$$(bash scripts/data-dir.sh)"
