#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (fuzz/README.md) in build-asan/ (clang, ASan and
# UBSan, coverage instrumentation), replays every target's regressions, then runs each target
# for FUZZ_SECONDS (default 60), two at a time, on a temporary copy of its seed corpus (the
# repository's corpus stays as committed). Prints one line per target and exits non-zero when
# a regression fails or a target finds a crash, naming the input to keep.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build=build-asan
seconds="${FUZZ_SECONDS:-60}"
parallel="${FUZZ_JOBS:-2}"  # the machine has 2 cores
lock=/tmp/aievents-build.lock  # one build at a time on this machine

targets=(
  json_transcoder_fuzzer strict_json_fuzzer form_body_fuzzer standard_webhooks_fuzzer
  agntix_mapping_fuzzer whippy_mapping_fuzzer sipgate_mapping_fuzzer call_merger_fuzzer
  rfc3339_fuzzer phone_normalizer_fuzzer text_normalizers_fuzzer page_token_fuzzer
)

# Options per target: the dictionary for the JSON-shaped inputs, and inputs up to the gateway's
# body limit (64 KiB) where size matters: request bodies, and vendor bodies (up to 1 MiB in
# production), whose texts must fit the event's limits (5000 characters of payload).
options_for() {
  case "$1" in
    json_transcoder_fuzzer | strict_json_fuzzer | form_body_fuzzer | *_mapping_fuzzer)
      echo "-dict=fuzz/json.dict -max_len=65536" ;;
    standard_webhooks_fuzzer) echo "-dict=fuzz/json.dict" ;;
    *) echo "" ;;
  esac
}

source scripts/lib/sanitizer-tree.sh
configure_asan_tree "$build"  # the tree run-sanitizers.sh asan also builds in
flock "$lock" cmake --build "$build" --target fuzz_targets

# Every report is fatal and comes with a stack; leaks count as findings.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:print_summary=1:handle_abort=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
if command -v llvm-symbolizer >/dev/null; then
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. Regressions: each input that once crashed must run clean.
failed=0
for target in "${targets[@]}"; do
  dir="fuzz/regressions/$target"
  [[ -d "$dir" ]] || continue
  mapfile -t inputs < <(find "$dir" -type f | sort)
  ((${#inputs[@]})) || continue
  if "$build/fuzz/$target" "${inputs[@]}" >"$work/$target.replay.log" 2>&1; then
    echo "regressions $target: ${#inputs[@]} input(s) pass"
  else
    echo "regressions $target: FAILED (log below)"
    tail -n 40 "$work/$target.replay.log"
    failed=1
  fi
done
if ((failed)); then
  echo "a regression input fails again; fix that before fuzzing" >&2
  exit 1
fi

# 2. Fuzzing. Each run writes its findings (crash-*, leak-*, timeout-*, oom-*) to its own
# artifacts folder, emptied first so that what is there after the run is this run's.
fuzz_one() {
  local target="$1"
  local corpus="$work/$target.corpus"
  local artifacts="$build/fuzz-artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*
  cp -r "fuzz/corpus/$target/." "$corpus/"
  local start=$SECONDS status=0
  # shellcheck disable=SC2046  # the options are words
  "$build/fuzz/$target" $(options_for "$target") -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" \
    >"$work/$target.log" 2>&1 || status=$?
  local elapsed=$((SECONDS - start))
  local execs cov ft finding result
  execs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$target.log" | grep -o '[0-9]*$' || true)"
  cov="$(grep -o 'cov: [0-9]*' "$work/$target.log" | tail -n 1 | grep -o '[0-9]*$' || true)"
  ft="$(grep -o 'ft: [0-9]*' "$work/$target.log" | tail -n 1 | grep -o '[0-9]*$' || true)"
  finding="$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' \) | head -n 1)"
  if [[ -n "$finding" || $status -ne 0 ]]; then
    result="FOUND ${finding:-a failure (exit $status)}"
    cp "$work/$target.log" "$artifacts/fuzz.log"
    echo "${finding:-$artifacts/fuzz.log}" >"$work/$target.finding"
  else
    result="ok"
  fi
  printf '%-26s execs=%-9s cov=%-6s ft=%-6s %4ss  %s\n' "$target" "${execs:-?}" "${cov:-?}" \
    "${ft:-?}" "$elapsed" "$result" >"$work/$target.result"
}

# FUZZ_TOTAL_SECONDS bounds the whole fuzzing phase instead (CI: .ci/run): each target gets
# its share of it, at least 10 s.
if [[ -n "${FUZZ_TOTAL_SECONDS:-}" ]]; then
  seconds=$((FUZZ_TOTAL_SECONDS * parallel / ${#targets[@]}))
  ((seconds >= 10)) || seconds=10
fi
echo "fuzzing ${#targets[@]} targets for ${seconds}s each, $parallel at a time"
running=0
for target in "${targets[@]}"; do
  if ((running >= parallel)); then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
wait || true

found=0
for target in "${targets[@]}"; do
  if [[ -f "$work/$target.result" ]]; then
    cat "$work/$target.result"
  else
    echo "$target: no result (the run itself failed)"
    found=1
  fi
done
for target in "${targets[@]}"; do
  [[ -f "$work/$target.finding" ]] || continue
  found=1
  echo >&2
  echo "$target found a crash or a broken property: $(cat "$work/$target.finding")" >&2
  echo "  reproduce: $build/fuzz/$target $(cat "$work/$target.finding")" >&2
  echo "  (log: $build/fuzz-artifacts/$target/fuzz.log); fix it, then copy the input into" >&2
  echo "  fuzz/regressions/$target/ under a name saying what it hit." >&2
done
exit "$found"
