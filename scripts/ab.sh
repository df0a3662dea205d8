#!/usr/bin/env bash
# A/B of gateway settings on one load: the Orleans floor and one memory-storage gateway per variant, each a process of
# its own, measured in turns (floor, A, B, ..., then again) so that the shared machine's drift falls on all of them;
# prints events/s and the target's CPU per event (its user + system time over the measured seconds) for every turn,
# then each target's peak resident memory.
#   ./scripts/ab.sh [--rounds N] [--duration S] [--load "LOADGEN ARGS"] [--preload "LOADGEN ARGS"] NAME=ENV...
# Each NAME=ENV is a variant: the gateway as built, with the environment variables in ENV (space-separated, may be
# empty). --preload runs that load against every target once before the turns (e.g. to hold 100,000 customers).
#   ./scripts/ab.sh default= datas=DOTNET_GCDynamicAdaptationMode=1
#   ./scripts/ab.sh --preload "--batch 100 --customers 100000 --duration 25" default= datas=DOTNET_GCDynamicAdaptationMode=1
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

rounds=4 duration=15 load="--batch 1 --customers 1" preload="" variants=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --load) load="$2"; shift ;;
    --preload) preload="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *=*) variants+=("$1") ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#variants[@]} -gt 0 ] || { echo "name at least one variant, NAME=ENV (see --help)" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
key=ab-producer-key-000001 logs=".data/ab/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$logs"
for project in src/ProfileGrid.Gateway src/ProfileGrid.LoadGenerator tests/ProfileGrid.Benchmarks.Floor; do
  dotnet build "$project" -c Release -nologo -v quiet >/dev/null
done

declare -A url pid
names=(floor)
start() { # start NAME DIR DLL VAR=value...
  local name="$1" dir="$2" dll="$3" port; shift 3
  port=$(free_port)
  (cd "$dir" && exec env "$@" ASPNETCORE_ENVIRONMENT=Production dotnet "$dll" --urls "http://127.0.0.1:$port") >"$logs/$name.log" 2>&1 &
  pid[$name]=$! url[$name]="http://127.0.0.1:$port"
  for _ in $(seq 1 450); do curl -sf -o /dev/null "${url[$name]}/healthz" && return 0; sleep 0.2; done
  echo "$name did not start; its log: $logs/$name.log" >&2; exit 1
}
trap 'for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
start floor tests/ProfileGrid.Benchmarks.Floor/bin/Release/net10.0 ProfileGrid.Benchmarks.Floor.dll \
  Floor__SiloPort="$(free_port)" Floor__GatewayPort="$(free_port)"
for variant in "${variants[@]}"; do
  name="${variant%%=*}"; read -r -a env <<<"${variant#*=}"
  start "$name" src/ProfileGrid.Gateway bin/Release/net10.0/ProfileGrid.Gateway.dll ${env[@]+"${env[@]}"} \
    ProfileGrid__ApiKeys__0__Key="$key" ProfileGrid__ApiKeys__0__Name=ab ProfileGrid__ApiKeys__0__Role=producer \
    ProfileGrid__Silo__SiloPort="$(free_port)" ProfileGrid__Silo__GatewayPort="$(free_port)"
  names+=("$name")
done

loadgen() { dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll --key "$key" --concurrency 16 --quiet "$@"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# JIT warm-up as bench.sh does it, then the preload.
for name in "${names[@]}"; do
  for batch in 1 100; do
    loadgen --url "${url[$name]}" --duration 10 --warmup 0 --batch "$batch" --customers 1000 --customer-prefix "warm-$batch-" --label warm >/dev/null
  done
  # shellcheck disable=SC2086
  [ -z "$preload" ] || loadgen --url "${url[$name]}" --warmup 0 --customer-prefix preload- --label preload $preload >/dev/null
done

ticks=$(getconf CLK_TCK)
echo "round target events/s cpu-us/event"
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    out="$logs/$name-$round.json"
    # shellcheck disable=SC2086
    loadgen --url "${url[$name]}" --duration "$duration" --warmup 5 $load --customer-prefix "ab-$round-" --label "$name" --out "$out" >/dev/null &
    sleep 5; before=$(cpu_ticks "${pid[$name]}"); sleep "$duration"; after=$(cpu_ticks "${pid[$name]}")
    wait $!
    eps=$(sed -n 's/^  "eventsPerSecond": \([0-9.]*\),*$/\1/p' "$out")
    awk -v r="$round" -v n="$name" -v e="$eps" -v c=$((after - before)) -v t="$ticks" -v d="$duration" \
      'BEGIN { printf "%s %s %.0f %.1f\n", r, n, e, c / t * 1e6 / (e * d) }'
  done
done
echo "target peak-resident-MB"
for name in "${names[@]}"; do
  awk -v n="$name" '/^VmHWM:/ { printf "%s %.0f\n", n, $2 / 1024 }' "/proc/${pid[$name]}/status"
done
