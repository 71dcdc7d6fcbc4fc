#!/usr/bin/env bash
# Fails when an #include crosses a boundary of the layout (docs/architecture.md):
#   - common/ includes nothing from services/, gateway/ or tools/;
#   - common/domain/ includes nothing from common/pg, common/auth or common/service (rules are
#     pure: the gateway links them and must not need PostgreSQL);
#   - the gateway includes nothing from services/ and nothing PostgreSQL-backed from common/;
#   - a service includes nothing from another service or from the gateway.
# Usage: bash scripts/check-dependencies.sh [ROOT]   (exit 1 and one line per violation)
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

violations=0
report() {  # $1 = file:line, $2 = included path, $3 = rule
  echo "$1: includes \"$2\": $3"
  violations=$((violations + 1))
}

while IFS=: read -r file line include; do
  target="$(echo "$include" | sed -E 's/^#include "([^"]+)".*/\1/')"
  case "$file" in
    common/*)
      case "$target" in
        services/* | gateway/* | tools/*) report "$file:$line" "$target" "common/ depends on no service" ;;
      esac
      case "$file:$target" in
        common/domain/*:common/pg/* | common/domain/*:common/auth/* | common/domain/*:common/service/*)
          report "$file:$line" "$target" "domain rules depend on no database code" ;;
      esac
      ;;
    gateway/*)
      case "$target" in
        services/*) report "$file:$line" "$target" "the gateway meets services only at their gRPC contracts" ;;
        common/pg/* | common/service/* | common/auth/authenticator.h)
          report "$file:$line" "$target" "the gateway does not touch PostgreSQL" ;;
      esac
      ;;
    services/*)
      own="$(echo "$file" | cut -d/ -f2)"
      case "$target" in
        gateway/*) report "$file:$line" "$target" "a service does not depend on the gateway" ;;
        services/*)
          other="$(echo "$target" | cut -d/ -f2)"
          [ "$other" = "$own" ] || report "$file:$line" "$target" "a service does not include another service (use its gRPC contract)"
          ;;
      esac
      ;;
  esac
done < <(find common gateway services -name '*.h' -o -name '*.cc' 2>/dev/null | sort |
         xargs grep -n '^#include "' /dev/null)

if [ "$violations" -gt 0 ]; then
  echo "check-dependencies: $violations include(s) cross a boundary" >&2
  exit 1
fi
echo "check-dependencies: ok"
