#!/usr/bin/env bash
# The destinations benchmark of issue 28, on memory storage and then on Azurite: a gateway (co-hosted silo), the
# webhook receiver (src/ProfileGrid.WebhookReceiver) and the load generator, each a process of its own on a free
# loopback port. First the maximum ingest rate (batches of 100 over 1,000 customers, closed loop), then the same load
# open loop at half that rate in five phases: A "good" alone, B "good" and "bad-500" (answers 500 always), C "good" and
# "bad-hang" (holds each request --hang seconds), D "good" and "also-ok" (a second healthy one), and A again (the noise
# between two equal phases). In each phase a probe (tools destinations) posts one event per fresh customer that puts it
# into a segment "good" is subscribed to, and joins each 202's time with the receiver's receipt of that customer's
# segment.entered (wall-clock UTC, both on this machine). A missing delivery fails the run (exit 1). Writes its section into docs/benchmarks.md between the
# markers below (replacing the one an earlier run wrote); the raw JSON stays in .data/bench/destinations-<time>/.
#   --quick           a smoke run: memory and Azurite, 6 s measured per phase (about 5 minutes; the full form about 12)
#   --storage S       memory, azurite or both (default both)
#   --duration S      seconds measured per phase (default 30; --quick 6)
#   --rate R          segment entries the probe causes a second (default 50)
#   --hang S          how long "bad-hang" holds each request (default 30)
#   --ingest-fraction F  the phases' ingest as a share of the maximum measured (default 0.5, the issue's "half")
#   --out FILE        the Markdown file that gets the section (default docs/benchmarks.md)
#   --results DIR     where the raw results and logs go (default .data/bench/destinations-<time>)
#   --no-build        run what is built (Release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

quick=false storages=both duration="" rate=50 hang=30 out=docs/benchmarks.md results="" build=true fraction=0.5
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --storage) storages="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --hang) hang="$2"; shift ;;
    --ingest-fraction) fraction="$2"; shift ;;
    --out) out="$2"; shift ;;
    --results) results="$2"; shift ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$storages" in both) storages="memory azurite" ;; memory|azurite) ;; *) echo "--storage: memory, azurite or both" >&2; exit 2 ;; esac
if [ "$quick" = true ]; then
  duration="${duration:-6}" jit=6 max_duration=3 max_warmup=2 settle=5 ingest_warmup=3 probe_warmup=2
else
  duration="${duration:-30}" jit=20 max_duration=15 max_warmup=5 settle=15 ingest_warmup=10 probe_warmup=5
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="${results:-.data/bench/destinations-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$results"
concurrency=16 segment=bench_signalled event_type=bench_signal
secret="whsec_$(head -c 32 /dev/urandom | base64 -w0)"
begin_marker='<!-- bench-destinations: written by scripts/bench-destinations.sh -->' end_marker='<!-- bench-destinations: end -->'
command="./scripts/bench-destinations.sh$([ "$quick" = true ] && echo " --quick" || true) --storage ${storages// /,} --duration $duration --rate $rate --hang $hang"
command="${command/--storage memory,azurite/--storage both}"
started=$(date -u +"%Y-%m-%d %H:%M UTC") clock=$SECONDS load_before=$(cut -d' ' -f1-3 /proc/loadavg)
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests scripts || echo ' with uncommitted changes')"

if [ "$build" = true ]; then
  ensure_npm "$PWD"
  for project in src/ProfileGrid.Gateway src/ProfileGrid.WebhookReceiver src/ProfileGrid.LoadGenerator tests/ProfileGrid.Benchmarks.Tools; do
    dotnet build "$project" -c Release -nologo -v quiet >/dev/null
  done
fi

# --- processes: the gateway (lib.sh), Azurite (lib.sh), the receiver and background load generators (here) -----------
receiver_pid="" ingest_pid=""
stop_pid() {
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$1" 2>/dev/null || true
}
stop_all() {
  stop_pid "$ingest_pid"; ingest_pid=""
  stop_gateway
  stop_pid "$receiver_pid"; receiver_pid=""
  stop_azurite; AZURITE_PID=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

start_receiver() {
  local log="$1" receiver_port
  receiver_port=$(free_port)
  receiver="http://127.0.0.1:$receiver_port"
  (cd src/ProfileGrid.WebhookReceiver/bin/Release/net10.0 && exec env ASPNETCORE_ENVIRONMENT=Production Receiver__Secret="$secret" \
    Logging__LogLevel__Default=Warning dotnet ProfileGrid.WebhookReceiver.dll --urls "$receiver") >"$log" 2>&1 &
  receiver_pid=$!
  wait_healthy receiver "$receiver" "$receiver_pid" "$log" 150
}

loadgen() { logged loadgen "$@"; dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll "$@"; }
tools() { logged tools "$@"; dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll "$@"; }
admin() { # admin METHOD PATH [JSON]
  echo "curl -X $1 $url$2 -H 'X-Api-Key: $admin_key'${3:+ -H 'Content-Type: application/json' -d '$3'}" >>"$results/commands.txt"
  curl -sf -o /dev/null -X "$1" "$url$2" -H "X-Api-Key: $admin_key" -H 'Content-Type: application/json' ${3:+-d "$3"} \
    || { echo "$1 $2 failed" >&2; return 1; }
}
hook() {
  echo "curl -X PUT $receiver/_control/hooks/$1 -H 'Content-Type: application/json' -d '$2'" >>"$results/commands.txt"
  curl -sf -o /dev/null -X PUT "$receiver/_control/hooks/$1" -H 'Content-Type: application/json' -d "$2"
}
destination() { admin PUT "/v1/destinations/$1" "{\"url\":\"$receiver/hooks/$1\",\"secret\":\"$secret\",\"filter\":{\"segments\":[\"$segment\"]}}"; }
number() { sed -n "s/^  \"$2\": \([0-9.-]*\),*$/\1/p" "$1" | head -n 1; }
latency() { sed -n "s/^    \"$2\": \([0-9.]*\),*$/\1/p" "$1" | head -n 1 | awk '{ printf "%.1f", $1 }'; }
ms() { number "$1" "$2" | awk '{ printf "%.1f", $1 + 0 }'; }

failed=""
for storage in $storages; do
  run="$results/$storage"
  mkdir -p "$run"
  echo "== $storage: starting" >&2
  settings=()
  if [ "$storage" = azurite ]; then
    table_port=$(free_port) blob_port=$(free_port)
    start_azurite "$table_port" "$run/azurite" "$blob_port" "$(free_port)"
    settings+=(ProfileGrid__Storage__ConnectionString="$(azurite_connection_string "$table_port" "$blob_port")")
  fi
  start_receiver "$run/receiver.log"
  start_bench_gateway "$run/gateway.log" ${settings[@]+"${settings[@]}"}
  admin PUT "/v1/segments/$segment" "{\"rule\":\"$event_type.total >= 1\",\"description\":\"bench-destinations: customers who sent a $event_type\"}"
  destination good

  echo "== $storage: ${jit} s of warm-up load, then the maximum ingest rate" >&2
  for batch in 1 100; do
    loadgen --url "$url" --key "$producer_key" --concurrency "$concurrency" --duration "$((jit / 2))" --warmup 0 --quiet \
      --batch "$batch" --customers 1000 --customer-prefix "warm-$batch-" --label warm >/dev/null
  done
  loadgen --url "$url" --key "$producer_key" --concurrency "$concurrency" --duration "$max_duration" --warmup "$max_warmup" --quiet \
    --batch 100 --customers 1000 --customer-prefix max- --target-pid "$gateway_pid" --label "$storage-max" --out "$run/max.json" >/dev/null
  half_rate=$(awk -v eps="$(number "$run/max.json" eventsPerSecond)" -v f="$fraction" 'BEGIN { r = eps * f / 100; printf "%.1f", (r < 1 ? 1 : r) }')
  echo "   $(number "$run/max.json" eventsPerSecond) events/s; the phases run at $half_rate requests/s of 100 events" >&2
  # What the closed loop left behind (collections; on Azurite the archivers' backlog) is not the first phase's to measure.
  sleep "$settle"

  for phase in A B C D A2; do
    case "$phase" in
      B) hook bad-500 '{"failAlways":true,"failStatus":500}'; destination bad-500; sleep 2 ;;
      C) hook bad-hang "{\"hangSeconds\":$hang}"; destination bad-hang; sleep 2 ;;
      D) hook also-ok '{}'; destination also-ok; sleep 2 ;;
    esac
    echo "== $storage $phase: ingest at $half_rate requests/s, the probe at $rate segment entries/s" >&2
    loadgen --url "$url" --key "$producer_key" --concurrency 64 --rate "$half_rate" --batch 100 --customers 1000 \
      --customer-prefix "ingest-$phase-" --duration "$((probe_warmup + duration + 4))" --warmup "$ingest_warmup" --quiet \
      --label "$storage-$phase-ingest" --out "$run/$phase-ingest.json" >/dev/null &
    ingest_pid=$!
    sleep "$((ingest_warmup + 2))"
    tools destinations --url "$url" --producer-key "$producer_key" --receiver "$receiver" --hook good --event-type "$event_type" \
      --rate "$rate" --duration "$duration" --warmup "$probe_warmup" --wait 60 --customer-prefix "dest-$phase-" \
      --label "$storage-$phase" --out "$run/$phase-delivery.json" >/dev/null 2>"$run/$phase-delivery.log" \
      || failed+=" $storage-$phase"
    wait "$ingest_pid" || { echo "the load generator failed in $storage $phase" >&2; failed+=" $storage-$phase-ingest"; }
    ingest_pid=""
    case "$phase" in
      B) curl -sf "$receiver/_control/hooks/bad-500/receipts" >"$run/B-bad-receipts.json"; admin DELETE /v1/destinations/bad-500 ;;
      C) curl -sf "$receiver/_control/hooks/bad-hang/receipts" >"$run/C-bad-receipts.json"; admin DELETE /v1/destinations/bad-hang ;;
      D) curl -sf "$receiver/_control/hooks/also-ok/receipts" >"$run/D-other-receipts.json"; admin DELETE /v1/destinations/also-ok ;;
    esac
    echo "   ingest $(number "$run/$phase-ingest.json" eventsPerSecond) events/s, p99 $(latency "$run/$phase-ingest.json" p99) ms;" \
      "good: $(number "$run/$phase-delivery.json" received)/$(number "$run/$phase-delivery.json" expected) delivered," \
      "p50 $(number "$run/$phase-delivery.json" latencyMsP50) ms, p99 $(number "$run/$phase-delivery.json" latencyMsP99) ms" >&2
  done
  stop_all
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the section ----------------------------------------------------------------------------------------------------
# compare A A2 X higher|lower [verdict]: X against phase A. Rates (lower is worse): X/A, beyond noise when below 1 by
# more than the larger of 10 % and the two A phases' difference. Latencies (higher is worse): X/A (when A is 1 ms or
# more) and X − A in ms, beyond noise when X − A is more than the largest of 10 % of A, the two A phases' difference and 1 ms.
compare() {
  awk -v a="$1" -v a2="$2" -v x="$3" -v worse="$4" -v verdict="${5:-}" 'BEGIN {
    if (a == "" || a2 == "" || x == "") { print "?"; exit }
    spread = a2 - a; if (spread < 0) spread = -spread
    if (worse == "lower") {
      if (a <= 0) { print "?"; exit }
      noise = spread / a; if (noise < 0.10) noise = 0.10
      printf "%.2f%s", x / a, (verdict && x / a < 1 - noise ? " (**beyond noise**)" : "")
    } else {
      noise = 0.10 * (a < 0 ? -a : a); if (spread > noise) noise = spread; if (noise < 1) noise = 1
      printf "%s%+.1f ms%s", (a >= 1 ? sprintf("%.2f, ", x / a) : ""), x - a, (verdict && x - a > noise ? " (**beyond noise**)" : "")
    } }'
}
goal() { awk -v x="$1" -v limit="$2" 'BEGIN { print (x != "" && x <= limit) ? "**met**" : "**missed**" }'; }
fmt() { # a rate as the other sections write it: 24,382
  awk -v x="$1" 'BEGIN { if (x == "") { print "–"; exit } s = sprintf("%.0f", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s }'
}

section="$results/section.md"
share=$(awk -v f="$fraction" 'BEGIN { if (f == 0.5) print "half"; else printf "%g of", f }')
declare -A isolation=()
{
  echo "## Destinations (issue 28)"
  echo
  echo "\`$command\`, started $started, took $(( (SECONDS - clock) / 60 )) min, commit \`$commit\`,"
  echo "$(nproc) cores (load average 1, 5, 15 min before: $load_before; after: $load_after)$([ "$quick" = true ] && echo "; **a smoke run (\`--quick\`): phases of $duration s, too short to judge the goals by**")."
  echo "**The machine is shared** with other engineers' builds and tests, so absolute figures are noisy."
  echo
  echo "Each storage gets a fresh gateway (co-hosted silo, its default settings: on Azurite archiving on; destinations with 4"
  echo "queues each, 10 s per attempt), a fresh webhook receiver (\`src/ProfileGrid.WebhookReceiver\`, signatures verified) and, on Azurite, a fresh"
  echo "Azurite; $jit s of warm-up load, then the maximum ingest rate (batches of 100 over 1,000 customers, closed loop,"
  echo "$concurrency connections, $max_duration s after $max_warmup s) and $settle s of rest. Every phase then runs the same load open loop at $share that rate (the load"
  echo "generator, a process of its own, $ingest_warmup s of warm-up) while the probe (\`tools destinations\`, a process of its own)"
  echo "posts $rate events a second, each the first \`$event_type\` of a fresh customer, which puts it into the segment"
  echo "\`$segment\` (\`$event_type.total >= 1\`) that destination \"good\" is subscribed to; $probe_warmup s unmeasured, then $duration s."
  echo "Delivery latency is, per customer, the receiver's arrival time of the \`segment.entered\` whose subject is the"
  echo "customer, minus the probe's time of the 202 that accepted the event (both wall-clock UTC on this machine). Phase B"
  echo "adds destination \"bad-500\" (same segment; the receiver answers 500 to every request), phase C \"bad-hang\" (the"
  echo "receiver holds each request $hang s), phase D \"also-ok\" (a second healthy destination of the same segment: what"
  echo "any second destination costs, failing or not), each removed after its phase; \"A again\" repeats A to show the noise. A"
  echo "figure is marked beyond noise when it is worse than A's by more than the larger of 10 % and the two A phases'"
  echo "difference (and, for latencies, 1 ms). The bad destination's column counts the requests the receiver got from it:"
  echo "each destination's circuit breaker stops sending to it for 30 s once half of at least 5 attempts within 30 s failed,"
  echo "and at most 4 requests (one per queue) are in flight, each given up after 10 s (docs/destinations.md)."
  for storage in $storages; do
    run="$results/$storage"
    echo
    echo "**$storage** (maximum ingest $(fmt "$(number "$run/max.json" eventsPerSecond)") events/s; the phases at $share: $(fmt "$(number "$run/max.json" eventsPerSecond | awk -v f="$fraction" '{ print $1 * f }')") events/s)"
    echo
    echo "| phase | ingest events/s | ingest 202 p50 / p99 ms | good: delivered / expected | good: delivery p50 / p95 / p99 / max ms | probe's 202 p50 / p99 ms | the bad destination |"
    echo "|---|---|---|---|---|---|---|"
    for phase in A B C D A2; do
      ingest="$run/$phase-ingest.json" delivery="$run/$phase-delivery.json"
      case "$phase" in
        A) name="A: good alone" bad="–" ;;
        B) name="B: good + bad-500" bad="$(grep -o '"status":500' "$run/B-bad-receipts.json" | wc -l) requests, answered 500" ;;
        C) name="C: good + bad-hang" bad="$(grep -o '"receivedAt"' "$run/C-bad-receipts.json" | wc -l) requests, each held $hang s" ;;
        D) name="D: good + also-ok" bad="(a healthy one) $(grep -o '"status":200' "$run/D-other-receipts.json" | wc -l) requests, answered 200" ;;
        A2) name="A again" bad="–" ;;
      esac
      echo "| $name | $(fmt "$(number "$ingest" eventsPerSecond)") | $(latency "$ingest" p50) / $(latency "$ingest" p99) | $(number "$delivery" received) / $(number "$delivery" expected) | $(ms "$delivery" latencyMsP50) / $(ms "$delivery" latencyMsP95) / $(ms "$delivery" latencyMsP99) / $(ms "$delivery" latencyMsMax) | $(ms "$delivery" postLatencyMsP50) / $(ms "$delivery" postLatencyMsP99) | $bad |"
    done
    echo
    echo "| against A | ingest events/s | ingest 202 p50 | ingest 202 p99 | good: delivery p50 | good: delivery p99 |"
    echo "|---|---|---|---|---|---|"
    for phase in B C D A2; do
      row="| $([ "$phase" = A2 ] && echo "A again / A (the noise)" || echo "$phase / A")"
      for figure in "eventsPerSecond ingest number lower" "p50 ingest latency higher" "p99 ingest latency higher" \
                    "latencyMsP50 delivery number higher" "latencyMsP99 delivery number higher"; do
        read -r field file reader worse <<<"$figure"
        a=$($reader "$run/A-$file.json" "$field") a2=$($reader "$run/A2-$file.json" "$field") x=$($reader "$run/$phase-$file.json" "$field")
        row+=" | $(compare "$a" "$a2" "$x" "$worse" "$([ "$phase" = A2 ] || echo verdict)")"
      done
      echo "$row |"
      if [ "$phase" = B ] || [ "$phase" = C ]; then
        case "$row" in *"beyond noise"*) isolation[$storage-$phase]="**missed**" ;; *) isolation[$storage-$phase]="**met**" ;; esac
      fi
    done
  done
  echo
  echo "| goal$([ "$quick" = true ] && echo " (judged on a smoke run: indicative only)") | measured | |"
  echo "|---|---|---|"
  for storage in $storages; do
    delivery="$results/$storage/A-delivery.json"
    echo "| $storage: delivery p50 ≤ 20 ms at $share the maximum ingest rate (phase A) | $(ms "$delivery" latencyMsP50) ms | $(goal "$(number "$delivery" latencyMsP50)" 20) |"
    echo "| $storage: delivery p99 ≤ 250 ms at $share the maximum ingest rate (phase A) | $(ms "$delivery" latencyMsP99) ms | $(goal "$(number "$delivery" latencyMsP99)" 250) |"
    echo "| $storage: a destination answering 500 costs ingest and \"good\" nothing beyond noise (B / A) | the row B / A above | ${isolation[$storage-B]} |"
    echo "| $storage: a destination hanging $hang s costs ingest and \"good\" nothing beyond noise (C / A) | the row C / A above | ${isolation[$storage-C]} |"
  done
  echo
  echo "Every delivery expected arrived: $([ -z "$failed" ] && echo yes || echo "**no**: missing or failed in$failed (see the probe's JSON: \`missingCustomers\`)")."
  echo
  echo '```'
  sed "s|$results/||g; s|$secret|whsec_…|g" "$results/commands.txt"
  echo '```'
} >"$section"

put_section "$begin_marker" "$end_marker" "$section" "$out"
cat "$section"
echo "results in $results; section in $out" >&2
if [ -n "$failed" ]; then echo "FAILED:$failed" >&2; exit 1; fi
