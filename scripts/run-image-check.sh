#!/usr/bin/env bash
# Builds the five container images from the Dockerfile with podman and runs them as a stack
# against a throwaway PostgreSQL (docs/images.md, "Built and run with podman"):
#
#   bash scripts/run-image-check.sh [--prebuilt] [--keep-images]
#
# No registry is reachable here, so the base image (debian:bookworm-slim) is made once with
# debootstrap from Debian's archive (minbase, with this machine's apt sources) and imported as
# localhost/debian:bookworm-slim. Then, for each target, `podman build`; the migration, a
# tenant and a key through the admin image; ingest, matching, timeline and the gateway as
# containers on the host network with free ports, the numeric user of the image, a read-only
# root filesystem and every capability dropped (as the chart runs them); and over HTTP:
# /readyz of every process, an event posted (201) and read back (200) through the gateway, and
# the console served. Prints the image sizes and exits 0 only if all of that worked.
#
# As root; installs podman, runc and debootstrap when missing. Takes about 6 minutes the first
# time (the build stage compiles everything with BUILD_JOBS=2), a minute with the layers cached.
# --prebuilt builds the images from the binaries already in build/ (BUILD_FROM=prebuilt: they
# are installed and stripped here, and the build context is only that tree), as CI does after
# make test has built and tested them; it skips the second compile of everything.
# PODMAN_RUNTIME (default runc) and PODMAN_LIMITS (default: nofile and nproc limits of 4096) are
# for sandboxes like this one, where crun cannot drive hybrid cgroups and raising an rlimit is
# refused. --keep-images keeps the built images (default: removed at the end, the base kept).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
keep_images=false
prebuilt=false
for arg in "$@"; do
  case "$arg" in
    --keep-images) keep_images=true ;;
    --prebuilt) prebuilt=true ;;
    -h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "image-check: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" -ne 0 ]; then
  echo "image-check: run as root" >&2
  exit 2
fi
missing=()
for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "image-check: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi
runtime="${PODMAN_RUNTIME:-$(command -v runc || echo /usr/sbin/runc)}"
read -r -a limits <<<"${PODMAN_LIMITS:---ulimit nofile=4096:4096 --ulimit nproc=4096:4096}"
podman=(podman --runtime "$runtime")
base=localhost/debian:bookworm-slim
targets=(gateway ingest matching timeline admin)
work="$(mktemp -d /tmp/aievents-images.XXXXXX)"
containers=()

# shellcheck disable=SC2317  # (runs from the EXIT trap)
cleanup() {
  local name
  for name in "${containers[@]}"; do "${podman[@]}" rm -f -t 2 "$name" >/dev/null 2>&1 || true; done
  if [ -n "${THROWAWAY_PG_DIR:-}" ]; then stop_throwaway_pg >/dev/null 2>&1 || true; fi
  if ! $keep_images; then
    for target in "${targets[@]}"; do "${podman[@]}" rmi -f "aievents/$target" >/dev/null 2>&1 || true; done
    # The untagged build stage (about 3 GB) too: the next change to the tree rebuilds it anyway.
    "${podman[@]}" image prune -f >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the base image ----------------------------------------------------------------------
if ! "${podman[@]}" image exists "$base"; then
  echo "image-check: making $base with debootstrap (minbase bookworm)"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  # The official image's sources (updates and security too), taken from this machine.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$work/rootfs/etc/apt/sources.list.d/"
    : >"$work/rootfs/etc/apt/sources.list"
  fi
  rm -f "$work/rootfs"/var/cache/apt/archives/*.deb
  tar -C "$work/rootfs" -c . | "${podman[@]}" import - "$base" >/dev/null
  rm -rf "$work/rootfs"
fi

# ---- the images ----------------------------------------------------------------------------
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
context="$root"
from=(--build-arg BUILD_FROM=source --build-arg BUILD_JOBS=2)
if $prebuilt; then
  for binary in gateway/aievents-gateway services/ingest/aievents-ingest \
      services/matching/aievents-matching services/timeline/aievents-timeline tools/admin/aievents-admin; do
    [ -x "$root/build/$binary" ] || { echo "image-check: build/$binary is missing (make build)" >&2; exit 1; }
  done
  context="$work/context"
  DESTDIR="$context/staging" cmake --install "$root/build" --prefix /usr/local >/dev/null
  bash "$root/scripts/split-debug-info.sh" "$context/staging/usr/local/bin" \
    "$context/debug/usr/lib/debug/usr/local/bin"
  from=(--build-arg BUILD_FROM=prebuilt)
  echo "image-check: images from the binaries in build/ (--prebuilt)"
fi
for target in "${targets[@]}"; do
  started=$SECONDS
  if ! "${podman[@]}" build --network=host "${limits[@]}" --build-arg "DEBIAN_IMAGE=$base" \
      "${from[@]}" --build-arg "AIEVENTS_REVISION=$revision" --target "$target" \
      -f "$root/Dockerfile" -t "aievents/$target" "$context" >"$work/build-$target.log" 2>&1; then
    echo "image-check: FAIL: podman build --target $target; last lines:"
    tail -n 30 "$work/build-$target.log" | sed 's/^/    /'
    exit 1
  fi
  user="$("${podman[@]}" image inspect --format '{{.Config.User}}' "aievents/$target")"
  size="$("${podman[@]}" image inspect --format '{{.Size}}' "aievents/$target")"
  echo "image-check: built aievents/$target in $((SECONDS - started)) s: user $user, $((size / 1000000)) MB"
  case "$user" in 10001:10001) ;; *) echo "image-check: FAIL: aievents/$target runs as '$user'"; exit 1 ;; esac
done

# ---- a stack of the images -----------------------------------------------------------------
# shellcheck source=scripts/lib/throwaway-pg.sh
source "$root/scripts/lib/throwaway-pg.sh"
start_throwaway_pg --fast >/dev/null
trap cleanup EXIT  # again: start_throwaway_pg sets its own, which cleanup includes
create_aievents_database
owner="$THROWAWAY_OWNER_URL"

# As the chart runs them: the image's user, read-only root, no capabilities, no privileges.
locked=(--network=host --read-only --cap-drop=ALL --security-opt=no-new-privileges "${limits[@]}")
admin() { "${podman[@]}" run --rm "${locked[@]}" aievents/admin "$@"; }
admin migrate --database-url="$owner" >/dev/null
tenant="$(admin create-tenant --name=image-check --database-url="$owner")"
key="$(admin create-key --tenant="$tenant" --scopes=all --label=image-check --database-url="$owner" 2>/dev/null)"

# shellcheck source=scripts/lib/free-port.sh
source "$root/scripts/lib/free-port.sh"
FREE_PORT_TAKEN=" $THROWAWAY_PG_PORT "
declare -A grpc admin_port
for c in ingest matching timeline; do grpc[$c]=$(free_port); done
for c in gateway ingest matching timeline; do admin_port[$c]=$(free_port); done
http_port=$(free_port)
token="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
keys="$(head -c 32 /dev/urandom | base64)"
run() {  # name env... (the image's entrypoint takes no arguments here: settings are env)
  local name="$1"; shift
  local envs=() e
  for e in "$@"; do envs+=(-e "$e"); done
  "${podman[@]}" run -d --name "aievents-check-$name-$$" "${locked[@]}" "${envs[@]}" \
    -e AIEVENTS_ADMIN_HOST=127.0.0.1 -e "AIEVENTS_ADMIN_PORT=${admin_port[$name]}" \
    "aievents/$name" >/dev/null
  containers+=("aievents-check-$name-$$")
}
# Each service logs in as its own role, as the chart's Secret gives it.
run ingest "AIEVENTS_DATABASE_URL=$THROWAWAY_INGEST_URL" "AIEVENTS_INTERNAL_TOKEN=$token" "AIEVENTS_GRPC_LISTEN=127.0.0.1:${grpc[ingest]}" \
  "AIEVENTS_MATCHING_ADDRESS=127.0.0.1:${grpc[matching]}" "AIEVENTS_SECRETS_KEYS=$keys"
run matching "AIEVENTS_DATABASE_URL=$THROWAWAY_MATCHING_URL" "AIEVENTS_INTERNAL_TOKEN=$token" \
  "AIEVENTS_GRPC_LISTEN=127.0.0.1:${grpc[matching]}" \
  "AIEVENTS_INGEST_ADDRESS=127.0.0.1:${grpc[ingest]}" "AIEVENTS_SUPPRESSION_KEY=$keys"
run timeline "AIEVENTS_DATABASE_URL=$THROWAWAY_TIMELINE_URL" "AIEVENTS_INTERNAL_TOKEN=$token" \
  "AIEVENTS_GRPC_LISTEN=127.0.0.1:${grpc[timeline]}" "AIEVENTS_SECRETS_KEYS=$keys"
run gateway AIEVENTS_LISTEN_HOST=127.0.0.1 "AIEVENTS_LISTEN_PORT=$http_port" \
  "AIEVENTS_INGEST_ADDRESS=127.0.0.1:${grpc[ingest]}" \
  "AIEVENTS_MATCHING_ADDRESS=127.0.0.1:${grpc[matching]}" \
  "AIEVENTS_TIMELINE_ADDRESS=127.0.0.1:${grpc[timeline]}"

set +e
failures=0
check() {  # what, command...: counts a failure, never stops
  local what="$1"; shift
  if "$@"; then echo "image-check: ok    $what"; else echo "image-check: FAIL  $what"; failures=$((failures + 1)); fi
}
ready() {  # every process's /readyz, within 30 s
  local deadline=$((SECONDS + 30)) c
  while [ "$SECONDS" -lt "$deadline" ]; do
    local all=true
    for c in gateway ingest matching timeline; do
      curl -fsS --max-time 2 "http://127.0.0.1:${admin_port[$c]}/readyz" >/dev/null 2>&1 || all=false
    done
    curl -fsS --max-time 2 "http://127.0.0.1:$http_port/readyz?backends=all" >/dev/null 2>&1 || all=false
    $all && return 0
    sleep 0.5
  done
  return 1
}
check "every container's /readyz, and the gateway's with all backends" ready
event='{"customer_lookup":{"phone":"+1 (555) 867-5309"},"ai_event":{"event_type":"phone_call","source":"image-check","summary":"Posted to the images.","raw_payload":"{}","occurred_at":"2026-03-10T14:30:00Z"}}'
created="$(curl -sS --max-time 10 -X POST "http://127.0.0.1:$http_port/v1/ai-events" \
  -H "x-api-key: $key" -H 'content-type: application/json' -d "$event" -w '\n%{http_code}')"
check "POST /v1/ai-events answers 201" test "$(tail -n 1 <<<"$created")" = 201
id="$(head -n 1 <<<"$created" | sed -nE 's/.*"id":"([^"]+)".*/\1/p')"
check "GET /v1/ai-events/{id} answers 200 with the event" \
  sh -c "curl -fsS --max-time 10 -H 'x-api-key: $key' 'http://127.0.0.1:$http_port/v1/ai-events/$id' | grep -q 'Posted to the images.'"
check "the console and openapi.json are served from the image" \
  sh -c "curl -fsSL --max-time 5 'http://127.0.0.1:$http_port/' | grep -i '<html' >/dev/null && curl -fsS --max-time 5 'http://127.0.0.1:$http_port/openapi.json' | grep openapi >/dev/null"
check "no process runs as root" \
  sh -c "for c in ${containers[*]}; do [ \"\$(${podman[*]} top \$c user | tail -n +2 | sort -u)\" != root ] || exit 1; done"
if [ "$failures" -gt 0 ]; then
  for name in "${containers[@]}"; do
    echo "image-check: last lines of $name:"
    "${podman[@]}" logs --tail 10 "$name" 2>&1 | sed 's/^/    /'
  done
  echo "image-check: FAIL ($failures checks)"
  exit 1
fi
echo "image-check: PASS"
