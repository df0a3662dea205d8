#!/usr/bin/env bash
# What archiving costs ingest on Azurite (issue 27), measured in turns so that the shared machine's drift falls on
# both: each round runs archiving off, then on (or the variants named), each on a fresh Azurite and a fresh gateway
# after the same JIT warm-up, with batches of 100 over 100,000 customers (bench.sh's archive section, repeated).
# Prints per run events/s, p99, the CPU per event of the gateway (co-hosted silo) and of Azurite, and with archiving
# on the archive's lag p99 over the run (tools archive-lag, once the archivers caught up), then the median on/off
# ratio (each round's on over its off).
#   ./scripts/bench-archive.sh [--rounds N] [--duration S] [--warmup S] [--jit S] [--customers N] [--no-build] [NAME=ENV ...]
# Each NAME=ENV is a variant: the gateway as built, with the environment variables in ENV (space-separated); the
# default is off=ProfileGrid__Archive__Enabled=false on=ProfileGrid__Archive__Enabled=true, and the ratio printed is
# of the last variant to the first. GATEWAY_DIR=PATH in a variant's ENV runs the gateway built in PATH (a folder
# holding ProfileGrid.Gateway.dll, e.g. another commit's build) instead of this tree's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

rounds=3 duration=20 warmup=5 jit=30 customers=100000 build=true variants=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --jit) jit="$2"; shift ;;
    --customers) customers="$2"; shift ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *=*) variants+=("$1") ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#variants[@]} -gt 0 ] || variants=(off=ProfileGrid__Archive__Enabled=false on=ProfileGrid__Archive__Enabled=true)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
key=bench-producer-key-0001 results=".data/bench-archive/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$results"
ensure_npm "$PWD"
if [ "$build" = true ]; then
  for project in src/ProfileGrid.Gateway src/ProfileGrid.LoadGenerator tests/ProfileGrid.Benchmarks.Tools; do dotnet build "$project" -c Release -nologo -v quiet >/dev/null; done
fi

gateway_pid=""
stop_run() {
  if [ -n "$gateway_pid" ]; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$gateway_pid" 2>/dev/null || true
    gateway_pid=""
  fi
  stop_azurite
  AZURITE_PID=""
}
trap stop_run EXIT
trap 'exit 130' INT TERM

loadgen() { dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll --key "$key" --concurrency 16 --quiet "$@"; }
tools() { dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll "$@"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
field() { sed -n "s/^  \"$2\": \([0-9.]*\),*$/\1/p" "$1"; }
ticks=$(getconf CLK_TCK)

echo "round variant events/s p99-ms gateway-cpu-us/event azurite-cpu-us/event archive-lag-p99-s"
for round in $(seq 1 "$rounds"); do
  for variant in "${variants[@]}"; do
    name="${variant%%=*}" dir=src/ProfileGrid.Gateway/bin/Release/net10.0 env=()
    read -r -a settings <<<"${variant#*=}"
    for setting in ${settings[@]+"${settings[@]}"}; do
      if [[ "$setting" == GATEWAY_DIR=* ]]; then dir="${setting#GATEWAY_DIR=}"; else env+=("$setting"); fi
    done
    run="$results/$name-$round"
    table_port=$(free_port) blob_port=$(free_port) port=$(free_port)
    start_azurite "$table_port" "$run-azurite" "$blob_port" "$(free_port)"
    connection=$(azurite_connection_string "$table_port" "$blob_port")
    (cd "$dir" && exec env ${env[@]+"${env[@]}"} ASPNETCORE_ENVIRONMENT=Production ProfileGrid__Storage__ConnectionString="$connection" \
      ProfileGrid__ApiKeys__0__Key="$key" ProfileGrid__ApiKeys__0__Name=bench ProfileGrid__ApiKeys__0__Role=producer \
      ProfileGrid__Silo__SiloPort="$(free_port)" ProfileGrid__Silo__GatewayPort="$(free_port)" \
      dotnet ProfileGrid.Gateway.dll --urls "http://127.0.0.1:$port") >"$run.log" 2>&1 &
    gateway_pid=$!
    for _ in $(seq 1 450); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || { echo "$name did not start; its log: $run.log" >&2; exit 1; }
    for batch in 1 100; do
      loadgen --url "http://127.0.0.1:$port" --duration "$((jit / 2))" --warmup 0 --batch "$batch" --customers 1000 \
        --customer-prefix "warm-$batch-" --label warm >/dev/null
    done
    since=$(($(date +%s%N) / 1000000))
    loadgen --url "http://127.0.0.1:$port" --duration "$duration" --warmup "$warmup" --batch 100 --customers "$customers" \
      --customer-prefix archive-batch- --label "$name" --target-pid "$gateway_pid" --out "$run.json" >/dev/null &
    sleep "$warmup"; before=$(cpu_ticks "$AZURITE_PID"); sleep "$duration"; after=$(cpu_ticks "$AZURITE_PID")
    wait $!
    eps=$(field "$run.json" eventsPerSecond)
    p99=$(sed -n 's/^    "p99": \([0-9.]*\),*$/\1/p' "$run.json")
    lag=-
    if [[ " ${env[*]-} " != *" ProfileGrid__Archive__Enabled=false "* ]]; then
      tools archive-lag --connection-string "$connection" --since "$since" --label "$name" --out "$run-lag.json" >/dev/null
      lag=$(sed -n 's/^  "lagSecondsP99": \([0-9.]*\),*$/\1/p' "$run-lag.json")
    fi
    awk -v r="$round" -v n="$name" -v e="$eps" -v p="$p99" -v g="$(field "$run.json" targetCpuMicrosecondsPerEvent)" \
      -v c=$((after - before)) -v t="$ticks" -v d="$duration" -v l="$lag" \
      'BEGIN { printf "%s %s %.0f %.0f %.0f %.0f %s\n", r, n, e, p, g, c / t * 1e6 / (e * d), l }' | tee -a "$results/runs.txt"
    stop_run
  done
done
first="${variants[0]%%=*}" last="${variants[-1]%%=*}"
awk -v a="$first" -v b="$last" '
  $2 == a { base[$1] = $3 } $2 == b { other[$1] = $3 }
  END {
    n = 0; for (r in base) if (r in other) ratios[++n] = other[r] / base[r]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (ratios[j] < ratios[i]) { t = ratios[i]; ratios[i] = ratios[j]; ratios[j] = t }
    line = ""; for (i = 1; i <= n; i++) line = line sprintf(" %.2f", ratios[i])
    printf "%s/%s throughput per round (sorted):%s; median %.2f\n", b, a, line, n % 2 ? ratios[(n + 1) / 2] : (ratios[n / 2] + ratios[n / 2 + 1]) / 2
  }' "$results/runs.txt" | tee "$results/summary.txt"
echo "results in $results" >&2
