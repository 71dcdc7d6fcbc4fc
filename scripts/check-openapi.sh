#!/usr/bin/env bash
# Fails when docs/openapi.json is not what the generator makes from the current protos and
# routes (run `make openapi` to refresh it).
#   check-openapi.sh PATH/TO/aievents-openapi PATH/TO/aievents_descriptors.binpb DOCS/openapi.json
set -euo pipefail
generator="${1:?aievents-openapi}"
descriptors="${2:?descriptor set}"
committed="${3:?docs/openapi.json}"
fresh="$(mktemp)"
trap 'rm -f "$fresh"' EXIT
"$generator" "$descriptors" > "$fresh"
if ! diff -u "$committed" "$fresh" > /dev/null; then
  diff -u "$committed" "$fresh" | head -40
  echo "docs/openapi.json is stale: run 'make openapi' and commit it" >&2
  exit 1
fi
echo "docs/openapi.json is up to date"
