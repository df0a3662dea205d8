#!/usr/bin/env bash
# The back-fill benchmark of issue 25: a segment defined over N stored customers (memory storage) and back-filled,
# its time and rate, and the ingest rate live traffic keeps meanwhile against the same load just before the
# definition and just after the back-fill, the load generator in its own process. Writes its Markdown section into docs/benchmarks.md, between
# the markers below (replacing the section an earlier run wrote); ./scripts/bench.sh runs it and puts the section in its report.
#   --customers N   stored customers (default 1,000,000; --customers 20000 is a smoke of a couple of minutes)
#   --duration S    seconds measured of each live-load run, after 5 s of warm-up (default 15)
#   --out FILE      the Markdown file that gets the section (default docs/benchmarks.md)
#   --results DIR   where the raw results and logs go (default .data/bench/backfill-<time>)
#   --settle S      seconds to wait after storing the customers, for Orleans to collect their activations (default
#                   120: the gateway collects activations idle for a minute, every 30 s), so that the back-fill meets idle customers
#   --max-concurrency N, --duty-cycle D   the sweep's settings (default its own: 8 and 0.25), to see what others cost
#   --no-build      run what is built (Release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

customers=1000000 duration=15 out=docs/benchmarks.md results="" build=true settle=120
# The sweep's settings, passed to the gateway and named in the report (its defaults, SegmentSweepOptions, unless set).
page_size=100 max_concurrency=8 duty_cycle=0.25
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --out) out="$2"; shift ;;
    --results) results="$2"; shift ;;
    --settle) settle="$2"; shift ;;
    --max-concurrency) max_concurrency="$2"; shift ;;
    --duty-cycle) duty_cycle="$2"; shift ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="${results:-.data/bench/backfill-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$results"
segment=bench-backfill rule='cart_add.total >= 1 and purchase.total == 0'
begin_marker='<!-- bench-backfill: written by scripts/bench-backfill.sh -->' end_marker='<!-- bench-backfill: end -->'
started=$(date -u +"%Y-%m-%d %H:%M UTC") clock=$SECONDS load_before=$(cut -d' ' -f1-3 /proc/loadavg)
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests || echo ' with uncommitted changes')"

if [ "$build" = true ]; then
  for project in src/ProfileGrid.Gateway src/ProfileGrid.LoadGenerator tests/ProfileGrid.Benchmarks.Tools; do
    dotnet build "$project" -c Release -nologo -v quiet
  done
fi

trap stop_gateway EXIT
trap 'exit 130' INT TERM

loadgen() { logged loadgen "$@"; dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll "$@"; }
tools() { [ "$1" = backfill-report ] || logged tools "$@"; dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll "$@"; }
now_ms() { date +%s%3N; }
rss() { awk '/^VmRSS:/ { printf "%.1f GiB", $2 / 1048576 }' "/proc/$gateway_pid/status"; }
backfill_visited() {
  curl -sf -H "X-Api-Key: $agent_key" "$url/v1/segments/$segment" | grep -o '"backfill":{[^}]*}' | sed -n 's/.*"visited":\([0-9]*\).*/\1/p'
}

# --- the gateway: memory storage, a co-hosted silo ------------------------------------------------------------------
start_bench_gateway "$results/gateway.log" \
  ProfileGrid__Segments__Sweep__PageSize="$page_size" ProfileGrid__Segments__Sweep__MaxConcurrency="$max_concurrency" \
  ProfileGrid__Segments__Sweep__DutyCycle="$duty_cycle" ProfileGrid__GrainCollection__CollectionAge=00:01:00 \
  ProfileGrid__GrainCollection__CollectionQuantum=00:00:30

# --- the stored customers, then the live load before the definition -------------------------------------------------
echo "== populate: $customers customers, one event each" >&2
tools populate --url "$url" --producer-key "$producer_key" --customers "$customers" --customer-prefix stored- \
  --label populate --out "$results/populate.json" >/dev/null
echo "== settle: $settle s for the stored customers' activations to be collected" >&2
sleep "$settle"
rss_stored=$(rss)
live() {
  loadgen --url "$url" --key "$producer_key" --concurrency 16 --batch 100 --customers 1000 --customer-prefix live- \
    --duration "$duration" --warmup 5 --quiet --label "$1" --out "$results/$1.json" >/dev/null
}
echo "== ingest-before: live load with no back-fill" >&2
live ingest-before

# --- the definition, and the same live load while it is back-filled --------------------------------------------------
echo "== backfill: $rule" >&2
tools backfill --url "$url" --admin-key "$admin_key" --agent-key "$agent_key" --segment "$segment" --rule "$rule" \
  --out "$results/backfill.json" >/dev/null 2>"$results/backfill.log" &
backfill_pid=$!
# The live load starts once the back-fill visits customers (a definition waits a few seconds for every silo to hold it).
for _ in $(seq 1 300); do
  [ "$(backfill_visited || echo 0)" -gt 0 ] 2>/dev/null && break
  sleep 0.2
done
echo "== ingest-during: the same live load while the back-fill runs" >&2
load_start=$(( $(now_ms) + 5000 ))
live ingest-during
load_end=$(now_ms)
wait "$backfill_pid"
rss_after=$(rss)
echo "== ingest-after: the same live load after the back-fill" >&2
live ingest-after
stop_gateway

tools backfill-report --results "$results" --out "$results/section.md" \
  --command "./scripts/bench-backfill.sh --customers $customers$([ "$duration" = 15 ] || echo " --duration $duration")$([ "$settle" = 120 ] || echo " --settle $settle")$(
    [ "$max_concurrency" = 8 ] || echo " --max-concurrency $max_concurrency")$([ "$duty_cycle" = 0.25 ] || echo " --duty-cycle $duty_cycle")" \
  --run "started $started, took $(( (SECONDS - clock) / 60 )) min, commit \`$commit\`, load average (1, 5, 15 min) before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)" \
  --sweep "$page_size customers a page, at most $max_concurrency evaluated at once, a $duty_cycle duty cycle$(
    [ "$max_concurrency/$duty_cycle" = 8/0.25 ] && echo ", its defaults")" \
  --load-start "$load_start" --load-end "$load_end" --rss-stored "$rss_stored" --rss-after "$rss_after" --settle "$settle"

put_section "$begin_marker" "$end_marker" "$results/section.md" "$out"
echo "results in $results; section in $out" >&2
