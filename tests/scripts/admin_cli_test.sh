#!/usr/bin/env bash
# aievents-admin's contract with scripts: `COMMAND --help` explains and does nothing else (the
# database URL below points nowhere, so any attempt to use it would fail), and exit codes are
# 0 success, 1 failure, 2 bad usage.
#   admin_cli_test.sh PATH/TO/aievents-admin
set -uo pipefail
admin="${1:?path to aievents-admin}"
nowhere="postgresql://nobody@127.0.0.1:1/none"  # port 1: connection refused
unset AIEVENTS_DATABASE_URL AIEVENTS_TENANT
failures=0

expect() {  # $1 = expected exit code, $2 = text the output must contain ("" for none), rest = args
  local want="$1" text="$2"
  shift 2
  local out code
  out="$("$admin" "$@" 2>&1)"
  code=$?
  if [ "$code" != "$want" ]; then
    echo "FAIL: aievents-admin $* exited $code, expected $want:"; echo "$out" | head -5
    failures=$((failures + 1))
  elif [ -n "$text" ] && ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL: aievents-admin $* did not print '$text':"; echo "$out" | head -5
    failures=$((failures + 1))
  fi
}

expect 2 "usage: aievents-admin COMMAND"
expect 0 "reseal-secrets" --help
expect 2 "unknown command" frobnicate
commands=$("$admin" --help | awk '/^  [a-z]/ {print $1}')
[ "$(wc -w <<<"$commands")" -ge 10 ] || { echo "FAIL: --help lists too few commands"; exit 1; }
for command in $commands; do
  # Help, and nothing else: no migration, no connection (the URL would refuse it).
  expect 0 "settings:" "$command" --help --database-url="$nowhere"
  if "$admin" "$command" --help --database-url="$nowhere" 2>&1 | grep -qiE "applied|cannot connect|refused"; then
    echo "FAIL: $command --help did more than print help"; failures=$((failures + 1))
  fi
done
expect 2 "database-url" create-tenant --name=x
expect 2 "tenant" create-key --database-url="$nowhere" --scopes=all
expect 2 "scopes" create-key --database-url="$nowhere" --tenant=01a2029c-751b-7399-9b89-5e34503953ff
expect 2 "unknown" list-keys --database-url="$nowhere" --tenant=01a2029c-751b-7399-9b89-5e34503953ff --colour=red
expect 2 "UUID" list-keys --database-url="$nowhere" --tenant=not-a-uuid
expect 1 "" list-keys --database-url="$nowhere" --tenant=01a2029c-751b-7399-9b89-5e34503953ff
expect 1 "" migrate --database-url="$nowhere"

[ "$failures" -eq 0 ] && echo "admin CLI: help and exit codes as documented" || exit 1
