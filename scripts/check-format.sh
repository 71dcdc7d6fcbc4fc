#!/usr/bin/env bash
# Fails when a C++ file of the repository differs from what clang-format makes of it
# (.clang-format: Google style, 100 columns). `make format` rewrites them in place.
# Usage: bash scripts/check-format.sh [ROOT]   (exit 1 and the files that differ)
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
command -v clang-format >/dev/null || { echo "check-format: clang-format is missing (scripts/install-deps.sh --test installs it)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cc' '*.h')
unformatted=()
for file in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then unformatted+=("$file"); fi
done
if [ ${#unformatted[@]} -gt 0 ]; then
  printf '%s\n' "${unformatted[@]}"
  echo "check-format: ${#unformatted[@]} of ${#files[@]} files differ from clang-format; run make format" >&2
  exit 1
fi
echo "check-format: ok (${#files[@]} files)"
