#!/usr/bin/env bash
# The replay benchmark of issue 27, on Azurite (tables and blobs), every step a process of its own: a gateway with
# archiving on stores N customers (one event each, then batches of 100 over them for a while), the archivers catch up
# (the lag is read from the blobs), a sample of profiles is read, the gateway stops and the customers' tables are
# deleted (the archive and its keys stay: a cluster that lost its customer storage, or a new one given the archive);
# a fresh gateway replays every customer (POST /v1/replays {"all": true}), timed to its end, and the same sample is
# read again and compared field by field. Writes its Markdown section into docs/benchmarks.md between the markers below
# (replacing the one an earlier run wrote); ./scripts/bench.sh runs it and puts the section in its report.
#   --customers N   customers stored (default 20,000; --customers 5000 is a smoke of a minute or two)
#   --duration S    seconds of batches of 100 over them after the first event each (default 30)
#   --out FILE      the Markdown file that gets the section (default docs/benchmarks.md)
#   --results DIR   where the raw results and logs go (default .data/bench/replay-<time>)
#   --max-concurrency N, --duty-cycle D   the replay's settings (default its own: 8 and 0.5), to see what others cost
#   --no-build      run what is built (Release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

customers=20000 duration=30 out=docs/benchmarks.md results="" build=true max_concurrency=8 duty_cycle=0.5
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --out) out="$2"; shift ;;
    --results) results="$2"; shift ;;
    --max-concurrency) max_concurrency="$2"; shift ;;
    --duty-cycle) duty_cycle="$2"; shift ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="${results:-.data/bench/replay-$(date -u +%Y%m%d-%H%M%S)}"
results="$(mkdir -p "$results" && cd "$results" && pwd)"
begin_marker='<!-- bench-replay: written by scripts/bench-replay.sh -->' end_marker='<!-- bench-replay: end -->'
started=$(date -u +"%Y-%m-%d %H:%M UTC") clock=$SECONDS load_before=$(cut -d' ' -f1-3 /proc/loadavg)
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests || echo ' with uncommitted changes')"

if [ "$build" = true ]; then
  for project in src/ProfileGrid.Gateway src/ProfileGrid.LoadGenerator tests/ProfileGrid.Benchmarks.Tools; do
    dotnet build "$project" -c Release -nologo -v quiet
  done
fi

trap 'stop_gateway; stop_azurite' EXIT
trap 'exit 130' INT TERM

loadgen() { logged loadgen "$@"; dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll "$@"; }
tools() { logged tools "$@"; dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll "$@"; }
json_field() { sed -n "s/^ *\"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},*$/\1/p" "$1" | head -n 1; }

table_port=$(free_port) blob_port=$(free_port)
start_azurite "$table_port" "$results/azurite" "$blob_port" "$(free_port)"
connection=$(azurite_connection_string "$table_port" "$blob_port")

# start_gateway NAME: a gateway with a co-hosted silo on Azurite, archiving on (its default).
start_gateway() {
  start_bench_gateway "$results/gateway-$1.log" ProfileGrid__Storage__ConnectionString="$connection" ProfileGrid__Archive__Enabled=true \
    ProfileGrid__Replay__MaxConcurrency="$max_concurrency" ProfileGrid__Replay__DutyCycle="$duty_cycle"
}

# --- the live history --------------------------------------------------------------------------------------------
start_gateway live
echo "== populate: $customers customers, one event each" >&2
since=$(date +%s%3N)
tools populate --url "$url" --producer-key "$producer_key" --customers "$customers" --customer-prefix stored- \
  --label populate --out "$results/populate.json" >/dev/null
echo "== $duration s of batches of 100 over them" >&2
loadgen --url "$url" --key "$producer_key" --concurrency 16 --batch 100 --customers "$customers" --customer-prefix stored- \
  --duration "$duration" --warmup 0 --quiet --label history --out "$results/history.json" >/dev/null
echo "== the archivers catch up" >&2
tools archive-lag --connection-string "$connection" --since "$since" --label archive-lag --out "$results/archive-lag.json" >/dev/null
# Each customer's restore is a write of its own (archived like any other): the replayed profiles are one seq further on.
tools profiles --url "$url" --agent-key "$agent_key" --customers "$customers" --sample 200 --seq-offset 1 --out "$results/profiles-live.txt"
stop_gateway

# --- the customers' tables gone, a fresh gateway replays them from the archive ------------------------------------
echo "== the customers' tables deleted; a fresh gateway replays every customer" >&2
tools empty --connection-string "$connection"
start_gateway replay
tools profiles --url "$url" --agent-key "$agent_key" --customers "$customers" --sample 20 --out "$results/profiles-empty.txt"
tools replay --url "$url" --admin-key "$admin_key" --out "$results/replay.json" >/dev/null
tools profiles --url "$url" --agent-key "$agent_key" --customers "$customers" --sample 200 --out "$results/profiles-replayed.txt"
stop_gateway
stop_azurite

# --- the section -------------------------------------------------------------------------------------------------
events=$(( customers + $(json_field "$results/history.json" events) ))
lag() { json_field "$results/archive-lag.json" "$1"; }
if cmp -s "$results/profiles-live.txt" "$results/profiles-replayed.txt"; then same="all 200 equal"
else same="**$( (diff "$results/profiles-live.txt" "$results/profiles-replayed.txt" || true) | grep -c '^<') of 200 differ** (results: profiles-*.txt)"; fi
empty_found=$(grep -vc ': 404$' "$results/profiles-empty.txt" || true)
cat >"$results/section.md" <<SECTION
## Replay (issue 27)

\`./scripts/bench-replay.sh --customers $customers$([ "$duration" = 30 ] || echo " --duration $duration")$(
  [ "$max_concurrency" = 8 ] || echo " --max-concurrency $max_concurrency")$([ "$duty_cycle" = 0.5 ] || echo " --duty-cycle $duty_cycle")\`, started $started, took $(( (SECONDS - clock) / 60 )) min, commit \`$commit\`,
load average (1, 5, 15 min) before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg). Azurite (tables and blobs),
one gateway with a co-hosted silo at a time, archiving on, every setting at its default but the replay's
\`MaxConcurrency\` $max_concurrency and \`DutyCycle\` $duty_cycle (defaults 8 and 0.5; \`CustomersPerPass\` 10,000). $customers customers got one event each, then batches of 100 over them for
$duration s; once the archivers caught up, the gateway stopped and the customers' tables (journals, segment members,
wake-ups) were deleted, the archive and its keys kept; a fresh gateway replayed every customer.

| measured | value |
|---|---|
| history: events stored | $events ($(json_field "$results/history.json" eventsPerSecond) events/s in the batches) |
| archive lag over the history, p50 / p99 / max | $(lag lagSecondsP50) / $(lag lagSecondsP99) / $(lag lagSecondsMax) s (caught up $(lag secondsToCatchUpAfterTheRun) s after the load) |
| profiles found before the replay (of 20 asked, after the tables were deleted) | $empty_found |
| **replay of every customer**: state, customers, rebuilt, skipped, failed | $(json_field "$results/replay.json" state), $(json_field "$results/replay.json" customers), $(json_field "$results/replay.json" rebuilt), $(json_field "$results/replay.json" skipped), $(json_field "$results/replay.json" failed) |
| **replay time** (request to done, the server's clock) | **$(json_field "$results/replay.json" seconds) s**, $(json_field "$results/replay.json" customersPerSecondOverall) customers/s |
| 200 profiles (seq (live + 1: the restore is a write), first/last seen, traits, consent, channels, lifetime totals) live against replayed | $same |

The commands (\`tools\` is \`dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll\`,
\`loadgen\` the load generator's; ports are this run's):

\`\`\`
$(cat "$results/commands.txt")
\`\`\`
SECTION

put_section "$begin_marker" "$end_marker" "$results/section.md" "$out"
echo "results in $results; section in $out" >&2
