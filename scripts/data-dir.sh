#!/usr/bin/env bash
# Prints the directory that holds this checkout's local PostgreSQL cluster (`make up`):
# /var/lib/aievents/<checkout name>-<hash of its path>. PostgreSQL runs as the postgres user,
# who may not be able to enter the checkout (a clone under /root, mode 700), so the cluster
# lives where that user can always reach it, one per checkout so two clones never share one.
# AIEVENTS_DATA_ROOT moves the parent (/var/lib/aievents).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd -P)"
key="$(printf '%s' "$root" | sha256sum | cut -c1-12)"
echo "${AIEVENTS_DATA_ROOT:-/var/lib/aievents}/$(basename "$root")-$key"
