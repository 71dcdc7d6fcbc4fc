#!/usr/bin/env bash
# Measures what a newcomer waits for (docs/development.md, "How long things take"): a fresh
# clone's first `make up` with no compiler cache, then `make up` again with nothing changed.
#   measure-start.sh [--commit REV] [--parent DIR]
# --commit  what to clone (default HEAD of this checkout)
# --parent  where the clone goes; by default a new mode-700 directory under /root, as a root
#           user's home directory is on Debian (the case that once failed)
# The clone and its local database are removed afterwards. The ports `make up` uses (8080,
# 9090-9093, the services' gRPC ports and 55432) must be free: run `make down` elsewhere first.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
commit=HEAD
parent=""
for arg in "$@"; do
  case "$arg" in
    --commit=*) commit="${arg#--commit=}" ;;
    --parent=*) parent="${arg#--parent=}" ;;
    *) echo "usage: measure-start.sh [--commit=REV] [--parent=DIR]" >&2; exit 2 ;;
  esac
done

if ss -Htln '( sport = :8080 or sport = :55432 )' | grep -q .; then
  echo "measure-start: port 8080 or 55432 is in use (a running stack?); run make down first" >&2
  exit 1
fi

made_parent=false
if [ -z "$parent" ]; then
  parent="$(mktemp -d /root/aievents-start.XXXXXX)"
  chmod 700 "$parent"
  made_parent=true
fi
clone="$parent/aievents"
rev="$(git -C "$root" rev-parse "$commit")"
git clone -q --no-checkout "$root" "$clone"
git -C "$clone" checkout -q "$rev"

cleanup() {
  (cd "$clone" && make down >/dev/null 2>&1) || true
  # The local database of newer checkouts lives outside the clone (scripts/data-dir.sh).
  if [ -x "$clone/scripts/data-dir.sh" ]; then rm -rf "$(bash "$clone/scripts/data-dir.sh")"; fi
  rm -rf "$clone"
  if $made_parent; then rmdir "$parent"; fi
}
trap cleanup EXIT

timed() {  # timed LABEL LOG COMMAND...: runs it, prints the seconds, fails with the log's tail
  local label="$1" log="$2" started status=0
  shift 2
  started=$(date +%s%N)
  "$@" >"$log" 2>&1 || status=$?
  local tenths=$((($(date +%s%N) - started) / 100000000))
  local seconds="$((tenths / 10)).$((tenths % 10))"
  if [ "$status" -ne 0 ]; then
    echo "measure-start: $label failed after $seconds s (exit $status); last lines:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  echo "$seconds"
}

logs="$(mktemp -d)"
echo "measure-start: commit ${rev:0:12} cloned into $clone ($(stat -c %a "$parent") parent)"
first=$(cd "$clone" && timed "first make up" "$logs/first.log" env CCACHE_DISABLE=1 make up)
echo "first make up (fresh clone, CCACHE_DISABLE=1): $first s"
again=$(cd "$clone" && timed "second make up" "$logs/again.log" make up)
echo "make up again, nothing changed:               $again s"
echo "logs: $logs"
