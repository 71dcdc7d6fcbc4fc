#!/usr/bin/env bash
# Checks docs/openapi.json with a real OpenAPI validator and real answers against it (see
# openapi.test.js). Installs its npm packages from the lock file on first use.
#   run.sh PATH/TO/console_stack
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export AIEVENTS_CONSOLE_STACK="$(realpath "${1:?path to console_stack}")"
cd "$here"
if [ ! -d node_modules/@apidevtools/swagger-parser ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node --test --test-reporter=spec openapi.test.js
