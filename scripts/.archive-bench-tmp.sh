#!/usr/bin/env bash
# The benchmark suite of issue 8: every scenario against its reference, back to back in one run, each target a
# process of its own on a free loopback port, the load generator a process of its own. Writes docs/benchmarks.md
# and its plots (docs/bench-*.png); the raw JSON results stay in .data/bench/<time>/.
#   (no option)   the full run (about 20 minutes on 2 cores, 10-20 more for the member index: bench-members.sh,
#                 and about 10 for the back-fill over 1,000,000 customers: bench-backfill.sh)
#   --quick       short durations and a subset (about 4 minutes)
#   --micro       only the BenchmarkDotNet micro-benchmarks (counters, idempotency, state serialization),
#                 written to docs/benchmarks-micro.md
#   --history N   events of history for the "hot customer after its history" run (full default 1,000,000)
#   --out DIR     where to write benchmarks.md and the plots (default docs)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

mode=short micro=false history="" docs=docs
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --micro) micro=true ;;
    --history) history="$2"; shift ;;
    --out) docs="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "$micro" = true ]; then
  dotnet run -c Release --project tests/ProfileGrid.Benchmarks -- --filter '*' --job short --exporters github \
    --artifacts .data/bench-micro
  { echo "# Micro-benchmarks"; echo
    echo "BenchmarkDotNet, short job (\`./scripts/bench.sh --micro\`), on $(nproc) cores of a shared machine: $(date -u +%Y-%m-%d)."
    echo "Allocated is per operation; \`Bytes\` is the customer state's serialized size (Orleans' binary serializer) in StateSerializationBenchmarks and the encoded payload as the journal stores it in JournalWriteBenchmarks."
    for report in .data/bench-micro/results/*-report-github.md; do echo; echo "## $(basename "$report" -report-github.md | sed 's/.*\.//')"; echo; sed -n '/^|/,$p' "$report"; done
  } >"$docs/benchmarks-micro.md"
  echo "wrote $docs/benchmarks-micro.md"
  exit 0
fi

if [ "$mode" = full ]; then
  duration=15 warmup=5 history="${history:-1000000}" jit_warmup=20
  memory_scenarios=(single-1k batch10-1k batch100-1k batch1000-1k batch100-100k batch100-hot single-hot)
  memory_activations=100000
else
  duration=3 warmup=1 history="${history:-20000}" jit_warmup=6
  memory_scenarios=(single-1k batch100-1k single-hot)
  memory_activations=20000
fi
producer_key=bench-producer-key-0001 agent_key=bench-agent-key-000001 admin_key=bench-admin-key-0000001 concurrency=16
results=".data/bench/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$results" "$docs"
logs="$results/logs"
mkdir -p "$logs"

# --- processes -------------------------------------------------------------------------------------------------
pids=()
# The process behind each target's port: the load generator reads its CPU time over every measured run (--target-pid).
declare -A pid_of_port=()
stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}
stop_all() {
  local pid
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  pids=()
  stop_azurite
  AZURITE_PID=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_healthy() {
  local name="$1" port="$2" pid="$3"
  for _ in $(seq 1 450); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "$name exited; its log:" >&2; tail -n 30 "$logs/$name.log" >&2; return 1; }
    sleep 0.2
  done
  echo "$name did not become healthy on port $port" >&2; tail -n 30 "$logs/$name.log" >&2; return 1
}

# start_app NAME DIR DLL PORT [VAR=value ...]: runs `dotnet DLL --urls` from DIR (its content root), sets LAST_PID.
start_app() {
  local name="$1" dir="$2" dll="$3" port="$4"; shift 4
  (cd "$dir" && exec env "$@" ASPNETCORE_ENVIRONMENT=Production dotnet "$dll" --urls "http://127.0.0.1:$port") \
    >"$logs/$name.log" 2>&1 &
  LAST_PID=$!
  pids+=("$LAST_PID")
  pid_of_port[$port]=$LAST_PID
  wait_healthy "$name" "$port" "$LAST_PID"
}

start_gateway() {
  local name="$1" port="$2"; shift 2
  start_app "$name" src/ProfileGrid.Gateway bin/Release/net10.0/ProfileGrid.Gateway.dll "$port" \
    ProfileGrid__ApiKeys__0__Key="$producer_key" ProfileGrid__ApiKeys__0__Name=bench ProfileGrid__ApiKeys__0__Role=producer \
    ProfileGrid__ApiKeys__1__Key="$agent_key" ProfileGrid__ApiKeys__1__Name=bench-agent ProfileGrid__ApiKeys__1__Role=agent \
    ProfileGrid__ApiKeys__2__Key="$admin_key" ProfileGrid__ApiKeys__2__Name=bench-admin ProfileGrid__ApiKeys__2__Role=admin \
    ProfileGrid__Silo__SiloPort="$(free_port)" ProfileGrid__Silo__GatewayPort="$(free_port)" "$@"
}

loadgen() { dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll "$@"; }
tools() { dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll "$@"; }
field() { sed -n "s/^  \"$2\": \([0-9.]*\),*$/\1/p" "$results/$1.json"; }

# warm NAME PORT: a fresh process runs unoptimized code until the runtime has recompiled its hot methods (tiered
# compilation), which takes 10-15 s of load on these 2 cores; each target gets that much single events and batches of
# 100 (unmeasured, customers of their own) before its first measured run, so the first scenario is not the target's JIT warm-up.
warm() {
  local name="$1" port="$2" batch
  echo "== $name: ${jit_warmup} s of warm-up load" >&2
  for batch in 1 100; do
    loadgen --url "http://127.0.0.1:$port" --key "$producer_key" --concurrency "$concurrency" --duration "$((jit_warmup / 2))" \
      --warmup 0 --quiet --batch "$batch" --customers 1000 --customer-prefix "warm-$batch-" --label "warm-$name" >/dev/null
  done
}

# run NAME PORT LOADGEN-ARGS...: one measured run of the load generator, its JSON in $results/NAME.json.
run() {
  local name="$1" port="$2"; shift 2
  echo "== $name" >&2
  loadgen --url "http://127.0.0.1:$port" --key "$producer_key" --concurrency "$concurrency" --target-pid "${pid_of_port[$port]}" \
    --duration "$duration" --warmup "$warmup" --label "$name" --out "$results/$name.json" "$@" >/dev/null
  echo "   $(field "$name" eventsPerSecond) events/s, p99 $(sed -n 's/^    "p99": \([0-9.]*\),*$/\1/p' "$results/$name.json") ms, $(field "$name" targetCpuMicrosecondsPerEvent) µs CPU/event" >&2
}
duration=20 warmup=5 jit_warmup=10
for archive in off on; do
  azurite_port=$(free_port); azurite_blob_port=$(free_port)
  start_azurite "$azurite_port" "$results/azurite-archive-$archive" "$azurite_blob_port" "$(free_port)"
  connection=$(azurite_connection_string "$azurite_port" "$azurite_blob_port")
  archive_port=$(free_port)
  start_gateway "archive-$archive" "$archive_port" ProfileGrid__Storage__ConnectionString="$connection" \
    ProfileGrid__Archive__Enabled="$([ "$archive" = on ] && echo true || echo false)"
  warm "archive-$archive" "$archive_port"
  since=$(($(date +%s%N) / 1000000))
  run "batch100-1k.archive-$archive" "$archive_port" --batch 100 --customers 1000 --customer-prefix archive-batch1k-
  if [ "$archive" = on ]; then
    tools archive-lag --connection-string "$connection" --since "$since" --label archive-lag --out "$results/archive-lag.json"
  fi
  stop_all
done
echo "results in $results"
