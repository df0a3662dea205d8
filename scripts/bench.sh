#!/usr/bin/env bash
# The benchmark suite of issue 8: every scenario against its reference, back to back in one run, each target a
# process of its own on a free loopback port, the load generator a process of its own. Writes docs/benchmarks.md
# and its plots (docs/bench-*.png); the raw JSON results stay in .data/bench/<time>/.
#   (no option)   the full run (about 20 minutes on 2 cores, 10-20 more for the member index: bench-members.sh,
#                 about 10 for the back-fill over 1,000,000 customers: bench-backfill.sh, and 10-15 for the import of
#                 10,000,000 events: bench-import.sh, which runs on its own too, and about 10 for destinations:
#                 bench-destinations.sh)
#   --quick       short durations and a subset (about 4 minutes)
#   --micro       only the BenchmarkDotNet micro-benchmarks (counters, idempotency, state serialization),
#                 written to docs/benchmarks-micro.md
#   --history N   events of history for the "hot customer after its history" run (full default 1,000,000)
#   --out DIR     where to write benchmarks.md and the plots (default docs)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

mode=full micro=false history="" docs=docs
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --micro) micro=true ;;
    --history) history="$2"; shift ;;
    --out) docs="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
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

scenario_args() {
  case "$1" in
    single-1k) echo "--batch 1 --customers 1000" ;;
    batch10-1k) echo "--batch 10 --customers 1000" ;;
    batch100-1k) echo "--batch 100 --customers 1000" ;;
    batch1000-1k) echo "--batch 1000 --customers 1000" ;;
    batch100-100k) echo "--batch 100 --customers 100000" ;;
    batch100-hot) echo "--batch 100 --customers 1" ;;
    single-hot) echo "--batch 1 --customers 1" ;;
  esac
}

# --- build once ---------------------------------------------------------------------------------------------------
ensure_npm "$PWD"
started=$(date -u +"%Y-%m-%d %H:%M UTC") load_before=$(cut -d' ' -f1-3 /proc/loadavg) clock=$SECONDS
for project in src/ProfileGrid.Gateway src/ProfileGrid.WebhookReceiver src/ProfileGrid.LoadGenerator tests/ProfileGrid.Benchmarks.Noop \
               tests/ProfileGrid.Benchmarks.Floor tests/ProfileGrid.Benchmarks.Tools tests/ProfileGrid.Benchmarks.Memory src/ProfileGrid.Cli; do
  dotnet build "$project" -c Release -nologo -v quiet
done

# --- memory per activation: ProfileGrid's customer and Orleans' empty reference grain, each in a silo of its own ----
for grain in customer empty; do
  echo "== memory-$grain: $memory_activations activations" >&2
  # Once in a while a thread of the probe crashes right after createdump has dumped the process for the census (a
  # segfault at an unmapped address; one run in several, and on 2026-12-04 twice in a row in two runs); a new attempt
  # in a fresh process measures the same thing.
  for attempt in 1 2 3 4; do
    if dotnet tests/ProfileGrid.Benchmarks.Memory/bin/Release/net10.0/ProfileGrid.Benchmarks.Memory.dll --grain "$grain" \
         --activations "$memory_activations" --dumps "$results" --label "memory-$grain" --out "$results/memory-$grain.json" \
         >/dev/null 2>"$logs/memory-$grain.log"; then break; fi
    [ "$attempt" = 4 ] && { echo "the memory probe failed four times; its log:" >&2; tail -n 20 "$logs/memory-$grain.log" >&2; exit 1; }
    echo "   the memory probe exited with an error (its log: $logs/memory-$grain.log); once more" >&2
    mv "$logs/memory-$grain.log" "$logs/memory-$grain.failed-$attempt.log"
  done
  echo "   $(field "memory-$grain" bytesPerActivation) bytes per activation" >&2
done

# --- memory storage: the no-op endpoint, the Orleans floor and ProfileGrid side by side -----------------------------
noop_port=$(free_port) floor_port=$(free_port) memory_port=$(free_port)
start_app noop tests/ProfileGrid.Benchmarks.Noop/bin/Release/net10.0 ProfileGrid.Benchmarks.Noop.dll "$noop_port"
start_app floor tests/ProfileGrid.Benchmarks.Floor/bin/Release/net10.0 ProfileGrid.Benchmarks.Floor.dll "$floor_port" \
  Floor__SiloPort="$(free_port)" Floor__GatewayPort="$(free_port)"
start_gateway memory "$memory_port"
memory_pid=$LAST_PID
# The hot customer's history goes in before the memory target's warm-up, so that neither hot run (fresh, then after
# its history) follows it directly: a run straight after a million events also measured the collections they left.
echo "== history-preload: $history events to the hot customer" >&2
loadgen --url "http://127.0.0.1:$memory_port" --key "$producer_key" --concurrency "$concurrency" --duration 1 --warmup 0 --quiet \
  --batch 1 --customers 1 --customer-prefix history- --preload "$history" --label history-preload --out "$results/history-preload.json" >/dev/null
warm noop "$noop_port"; warm floor "$floor_port"; warm memory "$memory_port"
for scenario in "${memory_scenarios[@]}"; do
  read -r -a load <<<"$(scenario_args "$scenario")"
  run "$scenario.noop" "$noop_port" "${load[@]}" --customer-prefix "$scenario-"
  run "$scenario.floor" "$floor_port" "${load[@]}" --customer-prefix "$scenario-"
  run "$scenario.memory" "$memory_port" "${load[@]}" --customer-prefix "$scenario-"
done
# Straight after single-hot.memory, the fresh run it is compared with: the same customer population, the history's in the target.
run history-hot.memory "$memory_port" --batch 1 --customers 1 --customer-prefix history-

# Live push: at rest, then while ingest (batches of 100 over 1,000 customers) runs open loop at half its maximum, on a
# gateway of its own: the one above now holds every customer of the runs before (over 100,000 activations, and memory
# storage's in-process copy of what they stored), a heap no production gateway has, whose collections would be measured.
stop_pid "$memory_pid"
push_port=$(free_port)
start_gateway push "$push_port"
warm push "$push_port"
push() {
  echo "== $1" >&2
  tools push --url "http://127.0.0.1:$push_port" --agent-key "$agent_key" --producer-key "$producer_key" \
    --customers 5 --rate 20 --duration "$duration" --warmup "$warmup" --customer-prefix "$1-" --label "$1" --out "$results/$1.json" >/dev/null
}
push push-rest
ingest_warmup=$([ "$mode" = full ] && echo 10 || echo 3)
half_rate=$(awk -v eps="$(field batch100-1k.memory eventsPerSecond)" 'BEGIN { r = eps / 2 / 100; printf "%.1f", (r < 1 ? 1 : r) }')
echo "== push-load-ingest: $half_rate requests/s of 100 events, open loop" >&2
loadgen --url "http://127.0.0.1:$push_port" --key "$producer_key" --concurrency 64 --rate "$half_rate" --batch 100 \
  --customers 1000 --customer-prefix push-load-ingest- --duration $((duration + warmup + 4)) --warmup "$ingest_warmup" --quiet \
  --label push-load-ingest --out "$results/push-load-ingest.json" >/dev/null &
ingest_pid=$!
pids+=("$ingest_pid")
# The ingest's own warm-up (a fresh load generator falls behind its schedule for its first seconds and then works off
# the backlog, which measured the backlog, not the steady load); the probe starts after it.
sleep $((ingest_warmup + 2))
push push-load
wait "$ingest_pid" || true

# Real-time exclusion under the same ingest load: one id per request, then 100 ids per check.
echo "== exclusion-ingest: $half_rate requests/s of 100 events, open loop" >&2
loadgen --url "http://127.0.0.1:$push_port" --key "$producer_key" --concurrency 64 --rate "$half_rate" --batch 100 \
  --customers 1000 --customer-prefix push-load-ingest- --duration $((2 * (duration + warmup) + 8)) --warmup "$ingest_warmup" --quiet \
  --label exclusion-ingest --out "$results/exclusion-ingest.json" >/dev/null &
ingest_pid=$!
pids+=("$ingest_pid")
sleep $((ingest_warmup + 2))
for ids in 1 100; do
  echo "== exclusion-$ids" >&2
  tools exclusion --url "http://127.0.0.1:$push_port" --admin-key "$admin_key" --agent-key "$agent_key" --customers 1000 \
    --customer-prefix push-load-ingest- --ids "$ids" --rate 50 --duration "$duration" --warmup "$warmup" \
    --label "exclusion-$ids" --out "$results/exclusion-$ids.json" >/dev/null
done
wait "$ingest_pid" || true
stop_all

# --- durable: raw Azurite and ProfileGrid on the same, fresh Azurite -------------------------------------------------
azurite_port=$(free_port); azurite_blob_port=$(free_port)
start_azurite "$azurite_port" "$results/azurite" "$azurite_blob_port" "$(free_port)"
connection=$(azurite_connection_string "$azurite_port" "$azurite_blob_port")
durable_port=$(free_port)
start_gateway azurite "$durable_port" ProfileGrid__Storage__ConnectionString="$connection"
warm azurite "$durable_port"
for kind in single batch; do
  echo "== raw-$kind" >&2
  tools tables --connection-string "$connection" --mode "$kind" --concurrency "$concurrency" --payload 1536 \
    --duration "$duration" --warmup "$warmup" --label "raw-$kind" --out "$results/raw-$kind.json" >/dev/null
done
run batch100-100k.azurite "$durable_port" --batch 100 --customers 100000 --customer-prefix durable-batch-
run single-hot.azurite "$durable_port" --batch 1 --customers 1 --customer-prefix durable-hot-
stop_all

# --- the archive (issue 27): batches of 100 over 100,000 customers with archiving off, then on, each on a fresh
# Azurite after the same warm-up; then the archive's lag over the measured run, read from the blobs once the
# archivers caught up (archive-lag.json) ----------------------------------------------------------------------------
for archive in off on; do
  azurite_port=$(free_port); azurite_blob_port=$(free_port)
  start_azurite "$azurite_port" "$results/azurite-archive-$archive" "$azurite_blob_port" "$(free_port)"
  connection=$(azurite_connection_string "$azurite_port" "$azurite_blob_port")
  archive_port=$(free_port)
  start_gateway "archive-$archive" "$archive_port" ProfileGrid__Storage__ConnectionString="$connection" \
    ProfileGrid__Archive__Enabled="$([ "$archive" = on ] && echo true || echo false)"
  warm "archive-$archive" "$archive_port"
  since=$(($(date +%s%N) / 1000000))
  run "batch100-100k.archive-$archive" "$archive_port" --batch 100 --customers 100000 --customer-prefix archive-batch-
  if [ "$archive" = on ]; then
    tools archive-lag --connection-string "$connection" --since "$since" --label archive-lag --out "$results/archive-lag.json" >/dev/null
    echo "   archive lag p99 $(sed -n 's/^  "lagSecondsP99": \([0-9.]*\),*$/\1/p' "$results/archive-lag.json") s" >&2
  fi
  stop_all
done
echo "   archiving on/off throughput: $(field batch100-100k.archive-on eventsPerSecond) / $(field batch100-100k.archive-off eventsPerSecond) events/s" >&2
lag() { sed -n "s/^  \"$1\": \([0-9.]*\),*$/\1/p" "$results/archive-lag.json"; }
p99() { sed -n 's/^    "p99": \([0-9.]*\),*$/\1/p' "$results/$1.json"; }
cat >"$results/section-archive.md" <<SECTION
## The archive (issue 27)

Batches of 100 over 100,000 customers on Azurite, archiving off then on, each on a fresh Azurite after the same
warm-up ($duration s measured after $warmup s). The lag is read from the archive once the archivers caught up
(tools archive-lag: for each blob, from its first outbox row's write to the blob's creation; a blob's creation
time has a one-second resolution).

| | events/s | p99 (ms) | CPU µs/event |
|---|---|---|---|
| archiving off | $(field batch100-100k.archive-off eventsPerSecond) | $(p99 batch100-100k.archive-off) | $(field batch100-100k.archive-off targetCpuMicrosecondsPerEvent) |
| archiving on | $(field batch100-100k.archive-on eventsPerSecond) | $(p99 batch100-100k.archive-on) | $(field batch100-100k.archive-on targetCpuMicrosecondsPerEvent) |

Archive lag over the run: p50 $(lag lagSecondsP50) s, p99 $(lag lagSecondsP99) s, max $(lag lagSecondsMax) s; caught up $(lag secondsToCatchUpAfterTheRun) s after the run. Goals: archiving costs at most 10 % of throughput, lag p99 at most 10 s.
SECTION

# --- the member index (issue 25): 10,000,000 enter announcements, in a process of its own -------------------------
# Its markdown section goes into the report as it is (every section-*.md of the results is appended).
if [ "$mode" = full ]; then
  scripts/bench-members.sh --count 10000000 --out "$results/section-members.md"
fi

# --- back-fill of a new segment over stored customers (issue 25): a script of its own, a gateway of its own; its
# section goes into the report like the member index's (between its markers, so that a run of the script alone
# replaces it in place) ------------------------------------------------------------------------------------------------
./scripts/bench-backfill.sh --no-build --customers "$([ "$mode" = full ] && echo 1000000 || echo 20000)" --duration "$duration" \
  --settle "$([ "$mode" = full ] && echo 120 || echo 0)" \
  --results "$results/backfill" --out "$results/section-segments-backfill.md"

# --- bulk import (issue 27): a generated file of 10,000,000 events over 1,000,000 customers imported into a memory-mode
# gateway of its own, against the same run's batch-100 ingest, and live traffic while an import runs; a script of its
# own, whose section goes into the report like the back-fill's -------------------------------------------------------
./scripts/bench-import.sh --no-build --events "$([ "$mode" = full ] && echo 10000000 || echo 200000)" --duration "$duration" \
  --results "$results/import" --out "$results/section-import.md"

# --- replay (issue 27): customers stored live on Azurite with archiving on, their tables deleted, every customer
# replayed from the archive by a fresh gateway, and a sample compared; a script of its own, like the import's --------
./scripts/bench-replay.sh --no-build --customers "$([ "$mode" = full ] && echo 20000 || echo 5000)" \
  --duration "$([ "$mode" = full ] && echo 30 || echo 10)" --results "$results/replay" --out "$results/section-replay.md"

# --- destinations (issue 28): delivery latency at half the maximum ingest rate and a failing or hanging destination's
# cost, on memory and Azurite; a script of its own, like the import's. A missing delivery fails the suite, after its report.
destinations_failed=false
./scripts/bench-destinations.sh --no-build $([ "$mode" = quick ] && echo --quick) --results "$results/destinations" \
  --out "$results/section-destinations.md" || destinations_failed=true

# --- the report ---------------------------------------------------------------------------------------------------
cat >"$results/header.md" <<EOF
Written by \`./scripts/bench.sh$([ "$mode" = quick ] && echo " --quick")\` (mode \`$mode\`: ${duration} s measured after ${warmup} s of warm-up per run). Do not edit by hand:
run the script again. \`./scripts/bench.sh --quick\` is a 3-minute subset; \`./scripts/bench.sh --micro\` runs the
BenchmarkDotNet micro-benchmarks ([benchmarks-micro.md](benchmarks-micro.md)).

Every target is a process of its own on a loopback port, started fresh by the script, and the load comes from the
solution's own load generator (\`src/ProfileGrid.LoadGenerator\`), also a process of its own, on the same 2 cores:

- **no-op endpoint** (\`tests/ProfileGrid.Benchmarks.Noop\`): reads and parses the same JSON body, answers 202.
- **Orleans floor** (\`tests/ProfileGrid.Benchmarks.Floor\`): ASP.NET Core with a co-hosted silo, memory grain storage
  with Orleans' binary serializer (as ProfileGrid's memory mode): parses the body with System.Text.Json, groups the
  events by customer, makes one grain call per distinct customer carrying its events; the grain writes a one-counter
  state once per call. The cost of the architecture itself.
- **ProfileGrid** (\`src/ProfileGrid.Gateway\`, standalone: co-hosted silo) in memory, and on Azurite.
- **raw Azurite** (\`ProfileGrid.Benchmarks.Tools tables\`): single upserts and 100-entity transactions of entities
  with one 1,536-byte binary property, against the same Azurite as ProfileGrid's durable runs, in the same run.
- **memory per activation** (\`tests/ProfileGrid.Benchmarks.Memory\`): one silo in the probe's own process, memory
  journal storage; the managed heap after full blocking, compacting collections, before and with $memory_activations
  customers alive (one page view each), against the same for a grain with no state (Orleans' own cost per
  activation); a heap census by type says where the bytes go.
- **push latency** (\`ProfileGrid.Benchmarks.Tools push\`): an agent's SignalR connection (\`X-Api-Key\`) watches 5
  customers; 20 events/s are posted to them one at a time, and each latency runs from just before the POST until
  \`profileChanged\` with the new \`seq\` arrives. Under load, the load generator runs open loop at half the measured
  maximum of "batches of 100 over 1,000 customers" at the same time. Push runs against a gateway of its own (memory
  storage, warmed up like the others), not the one that took the throughput runs and now holds their 100,000+
  customers and memory storage's in-process copy of everything they stored.

Each target process first gets ${jit_warmup} s of unmeasured load (single events, then batches of 100, over customers of
their own), so that the runtime has recompiled its hot code before the first measured run; every run then has its own
${warmup} s of warm-up before the ${duration} s it measures.

Load: closed loop with $concurrency connections (each posts again as soon as it is answered), customers drawn
uniformly from the population (\`--zipf\` skews them), the event mix page_view / product_view / email_open / cart_add /
purchase (with a value) / support_call with small properties, unique event ids, and a customer prefix per scenario so
that no two runs share customers. **The machine is shared** with other engineers' builds and tests, so absolute
figures are noisy; the ratios, taken between runs of one invocation back to back, are what the goals are judged by.
Plots are drawn with ScottPlot 5 (NuGet; it renders PNG through SkiaSharp, whose native Linux library is itself a
NuGet package, so nothing has to be installed on the machine).
EOF
{
  echo "- started $started, took $(( (SECONDS - clock) / 60 )) min; commit \`$(git rev-parse --short HEAD)\`$(git diff --quiet HEAD -- src tests || echo ' with uncommitted changes')"
  echo "- $(nproc) cores: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "- memory: $(free -g | awk '/^Mem:/ { print $2 " GiB" }'); OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- .NET SDK $(dotnet --version), runtime $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([^ ]*\).*/\1/p' | tail -n 1); Azurite $(node_modules/.bin/azurite-table --version 2>/dev/null || echo '?')"
  echo "- load average (1, 5, 15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- hot customer history: $history events"
} >"$results/machine.md"
tools report --results "$results" --out "$docs/benchmarks.md" --images "$docs"

echo "results in $results; report in $docs/benchmarks.md"
if [ "$destinations_failed" = true ]; then echo "bench-destinations.sh failed (a delivery missing?): see $results/destinations" >&2; exit 1; fi
