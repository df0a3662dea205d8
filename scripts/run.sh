#!/usr/bin/env bash
# Runs ProfileGrid on this machine: Azurite (Azure Table Storage emulator, data in .data/azurite) and the gateway
# with a co-hosted silo (standalone mode). Prints the URL and the development API keys once it is listening.
#   --memory   keep grain state in memory instead (nothing survives a restart)
#   --demo     also start the demo producer, so the dashboard comes alive at once, and a webhook receiver
#              (http://127.0.0.1:5099/, RECEIVER_PORT) with two segments and one destination that delivers to it
#   --urls URL the address the gateway listens at and the demo producer sends to (default http://127.0.0.1:5080)
# Other arguments go to the gateway.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

urls="${PROFILEGRID_URLS:-http://127.0.0.1:5080}"
azurite_port="${AZURITE_TABLE_PORT:-10002}"
azurite_blob_port="${AZURITE_BLOB_PORT:-10000}"
azurite_queue_port="${AZURITE_QUEUE_PORT:-10001}"
memory=false demo=false args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --memory) memory=true ;;
    --demo) demo=true ;;
    # The address every process started here uses: the gateway listens there, the demo producer sends there.
    --urls) urls="${2:?--urls needs an address}"; shift ;;
    --urls=*) urls="${1#--urls=}" ;;
    *) args+=("$1") ;;
  esac
  shift
done

# The demo's segments and destination, once the gateway answers: carts abandoned in the last hour, buyers of the last
# hour, and a destination told of both and of every purchase (docs/destinations.md).
demo_destination() {
  local gateway="$1" hook="$2" secret="$3" key="dev-admin-key-0001"
  until curl -fsS "$gateway/readyz" >/dev/null 2>&1; do sleep 1; done
  curl -fsS -X PUT "$gateway/v1/segments/cart_abandoners" -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
    -d '{"rule":"cart_abandon.1h >= 1 and purchase.1h == 0","description":"abandoned a cart in the last hour"}' >/dev/null
  curl -fsS -X PUT "$gateway/v1/segments/recent_buyers" -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
    -d '{"rule":"purchase.1h >= 1","description":"bought in the last hour"}' >/dev/null
  curl -fsS -X PUT "$gateway/v1/destinations/campaigns" -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
    -d "{\"url\":\"$hook\",\"secret\":\"$secret\",\"filter\":{\"segments\":[\"cart_abandoners\",\"recent_buyers\"],\"events\":[\"purchase\"]}}" >/dev/null
  echo "Demo: destination 'campaigns' delivers segment changes and purchases to $hook; see what arrived at ${hook%/hooks/*}/"
}

pids=()
stop_all() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; stop_azurite; }
trap stop_all EXIT
trap 'exit 130' INT TERM
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
if [ "$memory" = false ]; then
  start_azurite "$azurite_port" "$PWD/.data/azurite" "$azurite_blob_port" "$azurite_queue_port"
  export ProfileGrid__Storage__ConnectionString
  ProfileGrid__Storage__ConnectionString="$(azurite_connection_string "$azurite_port" "$azurite_blob_port")"
  echo "Azurite on 127.0.0.1: tables :$azurite_port, blobs (the archive) :$azurite_blob_port (data in .data/azurite)"
fi

if [ -f scripts/build-dashboard.sh ]; then ./scripts/build-dashboard.sh; fi
dotnet build src/ProfileGrid.Gateway -c Release -v quiet -nologo
if [ "$demo" = true ]; then
  dotnet build src/ProfileGrid.DemoProducer -c Release -v quiet -nologo
  (sleep 8 && dotnet run --project src/ProfileGrid.DemoProducer -c Release --no-build -- --url "${urls%%;*}") &
  pids+=("$!")
  # A receiver that verifies each delivery's signature and lists what arrived at its root (docs/destinations.md).
  receiver_port="${RECEIVER_PORT:-5099}"
  demo_secret="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
  dotnet build src/ProfileGrid.WebhookReceiver -c Release -v quiet -nologo
  (cd src/ProfileGrid.WebhookReceiver && Receiver__Secret="$demo_secret" ASPNETCORE_ENVIRONMENT=Production \
    exec dotnet bin/Release/net10.0/ProfileGrid.WebhookReceiver.dll --urls "http://127.0.0.1:$receiver_port") &
  pids+=("$!")
  (demo_destination "${urls%%;*}" "http://127.0.0.1:$receiver_port/hooks/campaigns" "$demo_secret") &
  pids+=("$!")
fi
if [ "$ASPNETCORE_ENVIRONMENT" = Development ]; then
  # The gateway never logs a key; the development keys are printed from its development settings instead.
  echo "Development API keys (src/ProfileGrid.Gateway/appsettings.Development.json), sent as the X-Api-Key header:"
  node -e 'for (const k of require(process.argv[1]).ProfileGrid.ApiKeys) console.log(`  ${k.Role.padEnd(9)} ${k.Name.padEnd(14)} ${k.Key}`)' \
    "$PWD/src/ProfileGrid.Gateway/appsettings.Development.json"
fi
# From its project folder, so that appsettings*.json and the built dashboard (wwwroot) are its content root.
(cd src/ProfileGrid.Gateway && exec dotnet bin/Release/net10.0/ProfileGrid.Gateway.dll --urls "$urls" "${args[@]}") &
pids+=("$!")
wait "$!"
