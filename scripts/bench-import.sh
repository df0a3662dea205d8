#!/usr/bin/env bash
# The import benchmark of issue 27: a gzipped NDJSON file of N events over M customers (written by a generator in its
# own process) imported through `profilegrid import` into a memory-mode gateway, its rate next to the same run's
# batch-100 ingest rate; then live ingest (batches of 100) and live push latency measured at rest and again while a
# second import runs at full speed. Writes its Markdown section into docs/benchmarks.md between the markers below
# (replacing the one an earlier run wrote); ./scripts/bench.sh runs it and puts the section in its report.
#   --events N      events in the file (default 10,000,000; --events 1000000 takes a few minutes)
#   --customers N   customers they are spread over (default a tenth of the events)
#   --duration S    seconds measured of each live run, after 3 s of warm-up (default 10)
#   --out FILE      the Markdown file that gets the section (default docs/benchmarks.md)
#   --results DIR   where the raw results, the file and the logs go (default .data/bench/import-<time>)
#   --max-batches N, --max-events-per-second N   the gateway's import share (ProfileGrid:Imports; default its own: 4, 0)
#   --no-build      run what is built (Release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

events=10000000 customers="" duration=10 out=docs/benchmarks.md results="" build=true max_batches=4 max_rate=0
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
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
customers="${customers:-$((events / 10))}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="${results:-.data/bench/import-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$results"
producer_key=bench-producer-key-0001 agent_key=bench-agent-key-000001 admin_key=bench-admin-key-0000001 concurrency=16 warmup=3
begin_marker='<!-- bench-import: written by scripts/bench-import.sh -->' end_marker='<!-- bench-import: end -->'
started=$(date -u +"%Y-%m-%d %H:%M UTC") clock=$SECONDS load_before=$(cut -d' ' -f1-3 /proc/loadavg)
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests scripts || echo ' with uncommitted changes')"

if [ "$build" = true ]; then
  for project in src/ProfileGrid.Gateway src/ProfileGrid.LoadGenerator src/ProfileGrid.Cli tests/ProfileGrid.Benchmarks.Tools; do
    dotnet build "$project" -c Release -nologo -v quiet
  done
fi

gateway_pid=""
stop_gateway() {
  [ -n "$gateway_pid" ] || return 0
  kill -TERM "$gateway_pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$gateway_pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$gateway_pid" 2>/dev/null || true
}
trap stop_gateway EXIT
trap 'exit 130' INT TERM

loadgen() { dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll "$@"; }
tools() { dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll "$@"; }
cli() { dotnet src/ProfileGrid.Cli/bin/Release/net10.0/ProfileGrid.Cli.dll "$@"; }
field() { sed -n "s/^  \"$2\": \([0-9.]*\),*$/\1/p" "$results/$1.json"; }
p99() { sed -n 's/^    "p99": \([0-9.]*\),*$/\1/p' "$results/$1.json" | head -n 1; }
status() { curl -sf -H "X-Api-Key: $admin_key" "$url/v1/imports/$1"; }
json_number() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }
json_text() { sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" <<<"$1"; }
seconds_between() { echo $(( $(date -d "$2" +%s%3N) - $(date -d "$1" +%s%3N) )) | awk '{ printf "%.1f", $1 / 1000 }'; }

# --- the file, written by a process of its own --------------------------------------------------------------------
file="$results/import.ndjson.gz"
echo "== writing $events events over $customers customers" >&2
tools import-file --file "$file" --events "$events" --customers "$customers" --customer-prefix imported- 2>&1 | tee "$results/import-file.txt" >&2

# --- the gateway: memory storage, a co-hosted silo ------------------------------------------------------------------
port=$(free_port)
url="http://127.0.0.1:$port"
(cd src/ProfileGrid.Gateway && exec env ASPNETCORE_ENVIRONMENT=Production \
  ProfileGrid__ApiKeys__0__Key="$producer_key" ProfileGrid__ApiKeys__0__Name=bench ProfileGrid__ApiKeys__0__Role=producer \
  ProfileGrid__ApiKeys__1__Key="$agent_key" ProfileGrid__ApiKeys__1__Name=bench-agent ProfileGrid__ApiKeys__1__Role=agent \
  ProfileGrid__ApiKeys__2__Key="$admin_key" ProfileGrid__ApiKeys__2__Name=bench-admin ProfileGrid__ApiKeys__2__Role=admin \
  ProfileGrid__Silo__SiloPort="$(free_port)" ProfileGrid__Silo__GatewayPort="$(free_port)" \
  ProfileGrid__Imports__MaxConcurrentBatches="$max_batches" ProfileGrid__Imports__MaxEventsPerSecond="$max_rate" \
  dotnet bin/Release/net10.0/ProfileGrid.Gateway.dll --urls "$url") >"$results/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 450); do curl -sf -o /dev/null "$url/healthz" && break; sleep 0.2; done

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
wait "$second" || true
final_second=$(status "$second_id" || echo '{}')
still_running=$([ "$(json_text "$second_status" state)" = running ] && echo yes || echo "no: it ended before the live runs did, so they were partly measured without it")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
section="$results/section.md"
cat >"$section" <<EOF
$begin_marker
## Bulk import (issue 27)

\`./scripts/bench-import.sh --events $events --customers $customers --max-batches $max_batches --max-events-per-second $max_rate\`, started $started, took $(( (SECONDS - clock) / 60 )) min, commit \`$commit\`,
$(nproc) cores (load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)); **the machine was shared** with
another engineer's builds and tests, so absolute figures are noisy. A memory-mode gateway (co-hosted silo), import
share $max_batches batches in flight and $([ "$max_rate" = 0 ] && echo "no rate cap" || echo "at most $max_rate events/s") (the defaults are 4 and no cap), windows of 20,000 lines.

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

The second import's final status: \`$(tr -d '\n' <<<"$final_second" | cut -c1-400)\`. Not measured here: the Azurite
comparison (an import on Azurite against raw batched transactions), which needs a gateway on Azurite with its blob
service; \`ImportCrashTests\` runs imports on Azurite for correctness only.
$end_marker
EOF

if [ "$out" != "$section" ]; then
  touch "$out"
  if grep -qF "$begin_marker" "$out"; then
    awk -v begin="$begin_marker" -v end="$end_marker" -v file="$section" '
      $0 == begin { while ((getline line < file) > 0) print line; skipping = 1; next }
      $0 == end { skipping = 0; next }
      !skipping { print }' "$out" >"$out.tmp" && mv "$out.tmp" "$out"
  else
    { echo; cat "$section"; } >>"$out"
  fi
fi
cat "$section"
rm -f "$file"
