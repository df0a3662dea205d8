#!/usr/bin/env bash
# Runs a local cluster the way it runs in Azure: Azurite, N silo processes (default 3) clustering through
# Azure Table membership, and the gateway as an Orleans client of them. Ctrl+C stops everything.
#   ./scripts/run-cluster.sh [silos]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

silos="${1:-3}"
urls="${PROFILEGRID_URLS:-http://127.0.0.1:5080}"
azurite_port="${AZURITE_TABLE_PORT:-10002}"
azurite_blob_port="${AZURITE_BLOB_PORT:-10000}"
azurite_queue_port="${AZURITE_QUEUE_PORT:-10001}"
logs="$PWD/.data/cluster-logs"
mkdir -p "$logs"

pids=()
stop_all() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; stop_azurite; }
trap stop_all EXIT
trap 'exit 130' INT TERM
start_azurite "$azurite_port" "$PWD/.data/azurite" "$azurite_blob_port" "$azurite_queue_port"

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ProfileGrid__Storage__ConnectionString
ProfileGrid__Storage__ConnectionString="$(azurite_connection_string "$azurite_port" "$azurite_blob_port")"
if [ -f scripts/build-dashboard.sh ]; then ./scripts/build-dashboard.sh; fi
dotnet build src/ProfileGrid.Silo -c Release -v quiet -nologo
dotnet build src/ProfileGrid.Gateway -c Release -v quiet -nologo

for i in $(seq 1 "$silos"); do
  (cd src/ProfileGrid.Silo && ProfileGrid__Silo__SiloPort=$((11110 + i)) ProfileGrid__Silo__GatewayPort=$((30000 + i)) \
    exec dotnet bin/Release/net10.0/ProfileGrid.Silo.dll --urls "http://127.0.0.1:$((8080 + i))") >"$logs/silo-$i.log" 2>&1 &
  pids+=("$!")
  echo "silo $i: silo port $((11110 + i)), gateway port $((30000 + i)), health http://127.0.0.1:$((8080 + i))/readyz, log $logs/silo-$i.log"
done

(cd src/ProfileGrid.Gateway && ProfileGrid__Cluster__Mode=Client exec dotnet bin/Release/net10.0/ProfileGrid.Gateway.dll --urls "$urls") &
pids+=("$!")
wait "$!"
