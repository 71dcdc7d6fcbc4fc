#!/usr/bin/env bash
# Runs the console's browser tests: installs playwright-core from the lock file when it is
# missing (no browser download: Debian's /usr/bin/chromium is driven), then node's test runner.
#   run.sh PATH/TO/console_stack SCREENSHOT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export AIEVENTS_CONSOLE_STACK="$(realpath "${1:?path to console_stack}")"
export AIEVENTS_SCREENSHOTS="${2:?directory for screenshots}"
if [ ! -x /usr/bin/chromium ]; then
  echo "console_browser_test: /usr/bin/chromium is missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$AIEVENTS_SCREENSHOTS"
cd "$here"
exec node --test --test-concurrency=1 --test-reporter=spec console.test.js
