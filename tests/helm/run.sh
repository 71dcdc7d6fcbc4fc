#!/usr/bin/env bash
# Checks the Helm chart helm/aievents (ctest: helm_chart_test): gets helm through
# scripts/install-helm.sh (cached in .cache/tools), installs kubernetes-models and yaml from the
# lock file when they are missing, then runs chart.test.js with node's test runner. No cluster
# is needed: everything is rendered with `helm template` and validated offline.
#   run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export HELM="$(bash "$root/scripts/install-helm.sh")"
if [ ! -d "$here/node_modules/kubernetes-models" ] || [ ! -d "$here/node_modules/yaml" ] \
   || [ ! -d "$here/node_modules/@kubernetes-models/prometheus-operator" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$here"
exec node --test --test-concurrency=1 --test-reporter=spec chart.test.js
