#!/usr/bin/env bash
# Runs ProfileGrid on this machine: the gateway with a co-hosted silo (standalone mode).
# Prints the URL and the development API keys once it is listening. Extra arguments go to the gateway.
set -euo pipefail
cd "$(dirname "$0")/.."

urls="${PROFILEGRID_URLS:-http://127.0.0.1:5080}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"

dotnet build src/ProfileGrid.Gateway -c Release -v quiet -nologo
exec dotnet run --project src/ProfileGrid.Gateway -c Release --no-build --no-launch-profile -- --urls "$urls" "$@"
