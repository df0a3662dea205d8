#!/usr/bin/env bash
# The member index benchmark (issue 25): one segment's member index, in a silo of the tool's own process with memory
# journal storage, takes N enter announcements from concurrent callers; then member pages of 100 and membership
# checks are timed. Writes a markdown section (scripts/bench.sh's full run puts it into docs/benchmarks.md).
#   --count N        announcements (default 10,000,000: 10 to 20 minutes on 2 shared cores; --count 20000 is a smoke run)
#   --out FILE       where to write the section (default .data/bench-members/<time>/members.md)
#   --batch B        announcements per call (default 1: one call per customer, as customers send them)
#   --concurrency C  callers (default 256); --pages P, --checks K: reads measured after (default 1,000 and 10,000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

count=10000000 out="" passed=()
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift ;;
    --out) out="$2"; shift ;;
    --batch|--concurrency|--pages|--checks) passed+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="${out:-.data/bench-members/$(date -u +%Y%m%d-%H%M%S)/members.md}"
mkdir -p "$(dirname "$out")"

dotnet build tests/ProfileGrid.Benchmarks.Members -c Release -nologo -v quiet
echo "== member index: $count enter announcements" >&2
started=$(date -u +"%Y-%m-%d %H:%M UTC") load_before=$(cut -d' ' -f1-3 /proc/loadavg)
changes=$(git diff --quiet HEAD -- src tests || echo ' with uncommitted changes')
BENCH_MEMBERS_COMMAND="./scripts/bench-members.sh --count $count${passed[*]:+ ${passed[*]}}" \
BENCH_MEMBERS_NOTE="Run $started at commit \`$(git rev-parse --short HEAD)\`$changes, on $(nproc) cores of a shared machine (load average before: $load_before)." \
  dotnet tests/ProfileGrid.Benchmarks.Members/bin/Release/net10.0/ProfileGrid.Benchmarks.Members.dll --count "$count" "${passed[@]}" --out "$out" >/dev/null
echo "wrote $out" >&2
