#!/usr/bin/env bash
# The import benchmark of issue 27: a gzipped NDJSON file of N events over M customers (written by a generator in its
# own process) imported through `profilegrid import` into a memory-mode gateway, its rate next to the same run's
# batch-100 ingest rate; then live ingest (batches of 100) and live push latency measured at rest and again while a
# second import runs at full speed (it serves as load: it is left unfinished when they end); then, on Azurite (tables
# and blobs, archiving on), an import of a smaller file against raw 100-entity transactions on the same Azurite. Writes
# its Markdown section into docs/benchmarks.md between the markers below (replacing the one an earlier run wrote);
# ./scripts/bench.sh runs it and puts the section in its report.
#   --events N      events in the file (default 10,000,000; --events 1000000 takes a few minutes)
#   --customers N   customers they are spread over (default a tenth of the events)
#   --duration S    seconds measured of each live run, after 3 s of warm-up (default 10)
#   --out FILE      the Markdown file that gets the section (default docs/benchmarks.md)
#   --results DIR   where the raw results, the file and the logs go (default .data/bench/import-<time>)
#   --max-batches N, --max-batches-with-live N, --max-events-per-second N   the gateway's import share
#                   (ProfileGrid:Imports: MaxConcurrentBatches, ...WithLiveTraffic, MaxEventsPerSecond; default its own: 4, 1, 0)
#   --azurite-events N   events of the Azurite comparison's file (default 200,000; 0 skips it)
#   --no-build      run what is built (Release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

events=10000000 customers="" duration=10 out=docs/benchmarks.md results="" build=true max_batches=4 max_live=1 max_rate=0 azurite_events=200000
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift ;;
    --customers) customers="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --out) out="$2"; shift ;;
    --results) results="$2"; shift ;;
    --no-build) build=false ;;
    --max-batches) max_batches="$2"; shift ;;
    --max-events-per-second) max_rate="$2"; shift ;;
    --max-batches-with-live) max_live="$2"; shift ;;
    --azurite-events) azurite_events="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
customers="${customers:-$((events / 10))}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="${results:-.data/bench/import-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$results"
concurrency=16 warmup=3
begin_marker='<!-- bench-import: written by scripts/bench-import.sh -->' end_marker='<!-- bench-import: end -->'
started=$(date -u +"%Y-%m-%d %H:%M UTC") clock=$SECONDS load_before=$(cut -d' ' -f1-3 /proc/loadavg)
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests scripts || echo ' with uncommitted changes')"

if [ "$build" = true ]; then
  for project in src/ProfileGrid.Gateway src/ProfileGrid.LoadGenerator src/ProfileGrid.Cli tests/ProfileGrid.Benchmarks.Tools; do
    dotnet build "$project" -c Release -nologo -v quiet
  done
fi

trap 'stop_gateway; stop_azurite' EXIT
trap 'exit 130' INT TERM

loadgen() { dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll "$@"; }
tools() { dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll "$@"; }
cli() { dotnet src/ProfileGrid.Cli/bin/Release/net10.0/ProfileGrid.Cli.dll "$@"; }
field() { sed -n "s/^  \"$2\": \([0-9.]*\),*$/\1/p" "$results/$1.json"; }
p99() { sed -n 's/^    "p99": \([0-9.]*\),*$/\1/p' "$results/$1.json" | head -n 1; }
status() { curl -sf -H "X-Api-Key: $admin_key" "$url/v1/imports/$1"; }
json_number() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }
json_text() { sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
seconds_between() { echo $(( $(date -d "$2" +%s%3N) - $(date -d "$1" +%s%3N) )) | awk '{ printf "%.1f", $1 / 1000 }'; }

# --- the file, written by a process of its own --------------------------------------------------------------------
file="$results/import.ndjson.gz"
echo "== writing $events events over $customers customers" >&2
tools import-file --file "$file" --events "$events" --customers "$customers" --customer-prefix imported- 2>&1 | tee "$results/import-file.txt" >&2

# --- the gateway: memory storage, a co-hosted silo ------------------------------------------------------------------
imports=(ProfileGrid__Imports__MaxConcurrentBatches="$max_batches" ProfileGrid__Imports__MaxEventsPerSecond="$max_rate"
  ProfileGrid__Imports__MaxConcurrentBatchesWithLiveTraffic="$max_live")
start_bench_gateway "$results/gateway.log" "${imports[@]}"

echo "== warm-up" >&2
for batch in 1 100; do
  loadgen --url "$url" --key "$producer_key" --concurrency "$concurrency" --duration 8 --warmup 0 --quiet --batch "$batch" \
    --customers 1000 --customer-prefix "warm-$batch-" --label warm >/dev/null
done

# live RUN: batches of 100 over 1,000 customers (closed loop) and the push probe, side by side.
live() {
  echo "== $1" >&2
  loadgen --url "$url" --key "$producer_key" --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --quiet \
    --batch 100 --customers 1000 --customer-prefix "$1-" --label "$1-ingest" --out "$results/$1-ingest.json" >/dev/null &
  local ingest=$!
  tools push --url "$url" --agent-key "$agent_key" --producer-key "$producer_key" --customers 5 --rate 20 \
    --duration "$duration" --warmup "$warmup" --customer-prefix "$1-push-" --label "$1-push" --out "$results/$1-push.json" >/dev/null
  wait "$ingest"
  echo "   ingest $(field "$1-ingest" eventsPerSecond) events/s, p99 $(p99 "$1-ingest") ms; push p99 $(p99 "$1-push") ms" >&2
}

# The reference: the same run's batch-100 ingest rate, alone.
echo "== batch100 (reference)" >&2
loadgen --url "$url" --key "$producer_key" --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --quiet \
  --batch 100 --customers "$customers" --customer-prefix batch100- --label batch100 --out "$results/batch100.json" >/dev/null
echo "   $(field batch100 eventsPerSecond) events/s" >&2

# The import, alone: from the first byte posted to done.
echo "== import ($events events)" >&2
posted_ms=$(date +%s%3N)
cli import "$file" --gateway "$url" --api-key "$admin_key" >"$results/import-cli.txt" 2>&1
done_ms=$(date +%s%3N)
import_id=$(sed -n 's/.*Import \([a-z2-7]\{26\}\).*/\1/p' "$results/import-cli.txt" | head -n 1)
import_status=$(status "$import_id")
echo "$import_status" >"$results/import-status.json"
apply_seconds=$(seconds_between "$(json_text "$import_status" startedAt)" "$(json_text "$import_status" finishedAt)")
total_seconds=$(awk -v ms=$((done_ms - posted_ms)) 'BEGIN { printf "%.1f", ms / 1000 }')
import_rate=$(awk -v n="$events" -v s="$apply_seconds" 'BEGIN { printf "%.0f", n / s }')
end_to_end_rate=$(awk -v n="$events" -v s="$total_seconds" 'BEGIN { printf "%.0f", n / s }')
echo "   $(json_text "$import_status" state): $import_rate events/s applied ($apply_seconds s), $end_to_end_rate end to end ($total_seconds s)" >&2

# Live traffic at rest, then while a second import (the same file under another producer: all its events new) runs.
live rest
cli import "$file" --gateway "$url" --api-key "$admin_key" --producer import-under-load >"$results/import-under-load-cli.txt" 2>&1 &
second=$!
sleep 3
live under-import
second_id=$(sed -n 's/.*Import \([a-z2-7]\{26\}\).*/\1/p' "$results/import-under-load-cli.txt" | head -n 1)
second_status=$(status "$second_id" || echo '{}')
# It was load for the live runs; the gateway stops with it unfinished.
kill "$second" 2>/dev/null || true
wait "$second" 2>/dev/null || true
stop_gateway

# --- on Azurite: raw 100-entity transactions, then an import into a gateway on the same Azurite ----------------------
azurite_rows=""
if [ "$azurite_events" -gt 0 ]; then
  azurite_file="$results/import-azurite.ndjson.gz"
  tools import-file --file "$azurite_file" --events "$azurite_events" --customers "$((azurite_events / 10))" \
    --customer-prefix azurite-imported- >"$results/import-azurite-file.txt" 2>&1
  table_port=$(free_port) blob_port=$(free_port)
  start_azurite "$table_port" "$results/azurite" "$blob_port" "$(free_port)"
  connection=$(azurite_connection_string "$table_port" "$blob_port")
  echo "== raw 100-entity transactions on Azurite" >&2
  tools tables --connection-string "$connection" --mode batch --concurrency "$concurrency" --payload 1536 --duration "$duration" \
    --warmup "$warmup" --label raw-batch --out "$results/raw-batch.json" >/dev/null
  start_bench_gateway "$results/gateway-azurite.log" "${imports[@]}" ProfileGrid__Storage__ConnectionString="$connection"
  echo "== import on Azurite ($azurite_events events)" >&2
  cli import "$azurite_file" --gateway "$url" --api-key "$admin_key" >"$results/import-azurite-cli.txt" 2>&1
  azurite_status=$(status "$(sed -n 's/.*Import \([a-z2-7]\{26\}\).*/\1/p' "$results/import-azurite-cli.txt" | head -n 1)")
  echo "$azurite_status" >"$results/import-azurite-status.json"
  stop_gateway
  stop_azurite
  azurite_seconds=$(seconds_between "$(json_text "$azurite_status" startedAt)" "$(json_text "$azurite_status" finishedAt)")
  azurite_rate=$(awk -v n="$(json_number "$azurite_status" applied)" -v s="$azurite_seconds" 'BEGIN { printf "%.0f", n / s }')
  echo "   $(json_text "$azurite_status" state): $azurite_rate events/s applied; raw transactions $(field raw-batch eventsPerSecond) entities/s" >&2
  azurite_rows="| on Azurite (tables and blobs, archiving on): $azurite_events events over $((azurite_events / 10)) customers, applied | $(json_text "$azurite_status" state), **$azurite_rate events/s** ($azurite_seconds s) |
| raw 100-entity transactions (1,536-byte entities), same Azurite, just before | $(field raw-batch eventsPerSecond) entities/s |
| **import on Azurite / raw transactions** (goal ≥ 0.5) | **$(ratio "$azurite_rate" "$(field raw-batch eventsPerSecond)")** |"
fi
still_running=$([ "$(json_text "$second_status" state)" = running ] && echo yes || echo "no: it ended before the live runs did, so they were partly measured without it")

section="$results/section.md"
cat >"$section" <<EOF
$begin_marker
## Bulk import (issue 27)

\`./scripts/bench-import.sh --events $events --customers $customers --max-batches $max_batches --max-batches-with-live $max_live --max-events-per-second $max_rate$([ "$azurite_events" = 200000 ] || echo " --azurite-events $azurite_events")\`, started $started, took $(( (SECONDS - clock) / 60 )) min, commit \`$commit\`,
$(nproc) cores (load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)); **the machine was shared** with
another engineer's builds and tests, so absolute figures are noisy. A memory-mode gateway (co-hosted silo), import
share $max_batches batches in flight, $max_live while live events come, and $([ "$max_rate" = 0 ] && echo "no rate cap" || echo "at most $max_rate events/s") (the defaults are 4, 1 and no cap), windows of 20,000 lines.

| measured | value |
|---|---|
| file | $(sed -n 's/.*in .* (\(.*\) gzipped).*/\1/p' "$results/import-file.txt") gzipped NDJSON, $events events over $customers customers, timestamps over 400 days |
| import, applied (startedAt to finishedAt) | **$import_rate events/s** ($apply_seconds s) |
| import, end to end (upload and staging included) | $end_to_end_rate events/s ($total_seconds s) |
| batch-100 ingest, same run, same customers | $(field batch100 eventsPerSecond) events/s |
| **import / batch-100 ingest** (goal ≥ 0.5) | **$(ratio "$import_rate" "$(field batch100 eventsPerSecond)")** |
| live ingest (batches of 100 over 1,000 customers) at rest / during an import | $(field rest-ingest eventsPerSecond) / $(field under-import-ingest eventsPerSecond) events/s: **$(ratio "$(field under-import-ingest eventsPerSecond)" "$(field rest-ingest eventsPerSecond)")** of its rate (goal ≥ 0.8) |
| live ingest p99 at rest / during an import | $(p99 rest-ingest) / $(p99 under-import-ingest) ms |
| live push p99 at rest / during an import (goal ≤ 20 ms) | $(p99 rest-push) / $(p99 under-import-push) ms |
| the second import still running when the live runs ended | $still_running |
$azurite_rows
$end_marker
EOF

if [ "$out" != "$section" ]; then
  sed '1d;$d' "$section" >"$section.body"
  put_section "$begin_marker" "$end_marker" "$section.body" "$out"
fi
cat "$section"
rm -f "$file" "${azurite_file:-}"
