#!/usr/bin/env bash
# Builds the agent dashboard (dashboards/agent) into src/ProfileGrid.Gateway/wwwroot, which the gateway serves at /.
# Installs the npm packages from package-lock.json first when node_modules is missing or older than the lock file.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dashboard="$(repo_root)/dashboards/agent"

if ! command -v npm >/dev/null 2>&1; then
  echo "build-dashboard: npm not found; install Node.js 20.19+ to build the agent dashboard" >&2
  exit 1
fi
ensure_npm "$dashboard"
(cd "$dashboard" && npm run build --silent)
