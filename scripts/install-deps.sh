#!/usr/bin/env bash
# Installs the Debian 12 packages aievents needs to build, run and test, skipping what is
# already there. Must run as root (make up / make test do). With --bench, also what the
# benchmarks use (make bench).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config curl ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libpqxx-dev libgtest-dev libgmock-dev
  libphonenumber-dev libicu-dev libboost-dev nlohmann-json3-dev libssl-dev libbenchmark-dev
  libjemalloc-dev
  postgresql postgresql-contrib
  chromium  # the console's browser tests drive it through playwright-core (tests/browser)
  python3-grpcio python3-protobuf  # the Python gRPC client example (examples/grpc)
  # Reliability runs in CI (docs/reliability.md): clang's sanitizers and libFuzzer, clang-tidy.
  clang libclang-rt-14-dev clang-tidy
)
# Node.js runs the browser tests; a machine that already has it (any version from 18 on) keeps
# its own, others get Debian's.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

if [ "${1:-}" = "--bench" ]; then
  PACKAGES=(wrk bc procps linux-perf)
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
