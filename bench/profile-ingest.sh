#!/usr/bin/env bash
# Where the CPU goes while the event mix runs: samples the whole machine with perf for a few
# seconds of `wrk -t2 -c256` against the stack `make up` started (after `make bench` seeded
# it), then prints the share of each process and the hottest functions of each of ours.
#   bash bench/profile-ingest.sh [--seconds=8]
# perf comes from Debian's linux-perf; without cycle counters (some VMs) it samples the clock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds=8
for arg in "$@"; do
  case "$arg" in
    --seconds=*) seconds="${arg#*=}" ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done
command -v perf >/dev/null || { echo "profile: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
tenant_file="$(ls .data/bench/tenants-* 2>/dev/null | head -n1)"
[ -n "$tenant_file" ] || { echo "profile: run make bench once first (it seeds the bench tenants)" >&2; exit 1; }
BENCH_KEYS="$(cut -d' ' -f2 "$tenant_file" | paste -sd,)"
export BENCH_KEYS BENCH_CUSTOMERS="${tenant_file##*-}" BENCH_MODE=mix BENCH_RUN="profile$(date +%s)"
data="$(mktemp /tmp/aievents-perf.XXXXXX)"
trap 'rm -f "$data"' EXIT
wrk -t2 -c256 -d$((seconds + 4))s -s bench/ingest/events.lua http://127.0.0.1:8080 >"$data.wrk" &
sleep 2
event=cycles
perf stat -e cycles true >/dev/null 2>&1 || event=cpu-clock
perf record -q -e "$event" -a -g -o "$data" sleep "$seconds" 2>/dev/null
wait
grep '^RESULT' "$data.wrk" | sed 's/^RESULT /load: /'
rm -f "$data.wrk"
echo "share of all samples by process (threads summed into their process):"
perf report -i "$data" --sort pid --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' |
  while read -r share thread; do
    tid="${thread%%:*}"
    pid="$(awk '/^Tgid:/ {print $2}' "/proc/$tid/status" 2>/dev/null || echo "$tid")"
    name="$(cat "/proc/$pid/comm" 2>/dev/null || echo "${thread#*:}")"
    echo "${share%\%} $name"
  done | awk '{share[$2] += $1} END {for (n in share) printf "  %6.2f%%  %s\n", share[n], n}' |
  sort -rn | head -10
for service in gateway ingest matching; do
  pid="$(cat ".data/run/$service.pid")"
  echo "hottest functions of aievents-$service (self time, share of its samples):"
  perf report -i "$data" --pid "$pid" --no-children --sort dso,sym --stdio -g none \
    --percentage relative 2>/dev/null | grep -E '^ +[0-9]' | head -8 | cut -c1-140
done
echo "hottest functions of postgres (self time, share of its samples):"
perf report -i "$data" --comm postgres --no-children --sort dso,sym --stdio -g none \
  --percentage relative 2>/dev/null | grep -E '^ +[0-9]' | head -8 | cut -c1-140
