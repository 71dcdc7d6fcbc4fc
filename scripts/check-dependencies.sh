#!/usr/bin/env bash
# Fails when the layout's boundaries (docs/architecture.md) are crossed, by an #include or by a
# link line.
#
# Includes:
#   - common/ includes nothing from services/, gateway/ or tools/;
#   - inside common/, each folder includes only the folders below it (COMMON_LAYERS);
#   - the gateway includes nothing from services/ and nothing PostgreSQL-backed from common/;
#   - a service includes nothing from another service or from the gateway;
#   - a capability hosted by a service's process stays apart from it: ingest's events know
#     nothing of webhooks/; the timeline's reads, access/ and outbound/ nothing of each other;
#     only the server files that host them (HOSTS) include them together.
# Link lines (with BUILD, a configured build directory; the dependency graph comes from
# `cmake --graphviz`): each target in FORBIDDEN_LINKS reaches none of the targets listed for it.
#
# Usage: bash scripts/check-dependencies.sh [ROOT [BUILD]]   (exit 1 and one line per violation)
set -euo pipefail
root="${1:-$(dirname "$0")/..}"
build="${2:-}"
cd "$root"

# folder of common/ -> the folders of common/ it may include (besides itself).
declare -A COMMON_LAYERS=(
  [text]=""
  [runtime]="text"
  [status]="text"
  [net]="text status"
  [domain]="text status"
  [http]="text runtime"
  [rpc]="text runtime status http"
  [pg]="text runtime status"
  [auth]="text runtime status http rpc pg"
  [audit]="text runtime status rpc pg"
  [service]="text runtime status http rpc pg auth audit"
)
# Files that host two capabilities in one process, and so may include both.
declare -A HOSTS=()
for host in services/ingest/{ingest_server.h,ingest_server.cc,main.cc} \
            services/timeline/{timeline_server.h,timeline_server.cc,main.cc}; do
  HOSTS[$host]=1
done

violations=0
report() {  # $1 = where, $2 = what, $3 = rule
  echo "$1: $2: $3"
  violations=$((violations + 1))
}

while IFS=: read -r file line include; do
  target="$(echo "$include" | sed -E 's/^#include "([^"]+)".*/\1/')"
  where="$file:$line"
  what="includes \"$target\""
  case "$file" in
    common/*)
      case "$target" in
        services/* | gateway/* | tools/*) report "$where" "$what" "common/ depends on no service" ;;
        common/*)
          own="$(echo "$file" | cut -d/ -f2)"
          other="$(echo "$target" | cut -d/ -f2)"
          if [ "$own" != "$other" ] && [ -n "${COMMON_LAYERS[$own]+set}" ] &&
             [[ " ${COMMON_LAYERS[$own]} " != *" $other "* ]]; then
            if [ "$own" = domain ]; then
              report "$where" "$what" "domain rules depend on no database code or transport"
            else
              report "$where" "$what" "common/$own may include only common/{${COMMON_LAYERS[$own]// /,}} (a layer below it)"
            fi
          fi
          ;;
      esac
      ;;
    gateway/*)
      case "$target" in
        services/*) report "$where" "$what" "the gateway meets services only at their gRPC contracts" ;;
        common/pg/* | common/service/* | common/auth/authenticator.h)
          report "$where" "$what" "the gateway does not touch PostgreSQL" ;;
      esac
      ;;
    services/*)
      own="$(echo "$file" | cut -d/ -f2)"
      case "$target" in
        gateway/*) report "$where" "$what" "a service does not depend on the gateway" ;;
        services/*)
          other="$(echo "$target" | cut -d/ -f2)"
          if [ "$other" != "$own" ]; then
            report "$where" "$what" "a service does not include another service (use its gRPC contract)"
          elif [ -z "${HOSTS[$file]+set}" ]; then
            case "$file:$target" in
              services/ingest/webhooks/*:*) ;;
              services/ingest/*:services/ingest/webhooks/*)
                report "$where" "$what" "ingest's events know nothing of webhooks/ (only the server hosts both)" ;;
              services/timeline/access/*:services/timeline/access/*) ;;
              services/timeline/access/*:services/timeline/*)
                report "$where" "$what" "access/ knows nothing of the timeline's reads (only the server hosts both)" ;;
              services/timeline/outbound/*:services/timeline/outbound/*) ;;
              services/timeline/outbound/*:services/timeline/*)
                report "$where" "$what" "outbound/ knows nothing of the timeline's reads or access/ (the server hands it a renderer)" ;;
              services/timeline/*:services/timeline/access/*)
                report "$where" "$what" "the timeline's reads know nothing of access/ (only the server hosts both)" ;;
              services/timeline/*:services/timeline/outbound/*)
                report "$where" "$what" "the timeline's reads and access/ know nothing of outbound/ (only the server hosts them)" ;;
            esac
          fi
          ;;
      esac
      ;;
  esac
done < <(find common gateway services -name '*.h' -o -name '*.cc' 2>/dev/null | sort |
         xargs grep -n '^#include "' /dev/null)

# target -> targets it must not reach, directly or through another (shell patterns).
declare -A FORBIDDEN_LINKS=(
  [aievents_status]="gRPC::* aievents_proto aievents_rpc aievents_http Boost::* aievents_pg PkgConfig::*"
  [aievents_domain]="gRPC::* aievents_proto aievents_rpc aievents_http Boost::* aievents_pg PkgConfig::*"
  [aievents_net]="gRPC::* aievents_proto aievents_rpc aievents_http Boost::* aievents_pg PkgConfig::*"
  [aievents_gateway]="aievents_pg aievents_service aievents_auth PkgConfig::PQ PkgConfig::PQXX aievents_ingest* aievents_webhook* aievents_matching aievents_timeline* aievents_access*"
  [aievents_ingest_events]="aievents_webhook* aievents_matching aievents_timeline* aievents_access*"
  [aievents_webhooks]="aievents_ingest aievents_matching aievents_timeline* aievents_access*"
  [aievents_ingest]="aievents_matching aievents_timeline* aievents_access*"
  [aievents_matching]="aievents_ingest* aievents_webhook* aievents_timeline* aievents_access*"
  [aievents_timeline_reads]="aievents_access* aievents_outbound* aievents_ingest* aievents_webhook* aievents_matching"
  [aievents_access_service]="aievents_timeline* aievents_outbound* aievents_ingest* aievents_webhook* aievents_matching"
  [aievents_outbound]="aievents_timeline* aievents_access* aievents_ingest* aievents_webhook* aievents_matching"
  [aievents_timeline]="aievents_ingest* aievents_webhook* aievents_matching"
)
links_checked=0
if [ -n "$build" ]; then
  [ -f "$build/CMakeCache.txt" ] || { echo "check-dependencies: $build is not a configured build" >&2; exit 2; }
  graph="$(mktemp -d)"
  trap 'rm -rf "$graph"' EXIT
  cmake --graphviz="$graph/deps.dot" "$build" >/dev/null
  for library in "${!FORBIDDEN_LINKS[@]}"; do
    file="$graph/deps.dot.$library"
    if [ ! -f "$file" ]; then
      report "$build" "target $library" "no such target (rename it here too)"
      continue
    fi
    links_checked=$((links_checked + 1))
    while read -r reached; do
      [ "$reached" = "$library" ] && continue
      for forbidden in ${FORBIDDEN_LINKS[$library]}; do
        # shellcheck disable=SC2053  # a pattern on purpose
        if [[ "$reached" == $forbidden ]]; then
          report "link" "$library reaches $reached" "forbidden ($forbidden)"
        fi
      done
    done < <(grep -o 'label = "[^"]*"' "$file" | sed -E 's/label = "(.*)"/\1/' | sort -u)
  done
fi

if [ "$violations" -gt 0 ]; then
  echo "check-dependencies: $violations include(s) or link(s) cross a boundary" >&2
  exit 1
fi
echo "check-dependencies: ok (includes; link lines of $links_checked targets)"
