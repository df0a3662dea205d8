#!/usr/bin/env bash
# The storage benchmark (issue 26): customer-sized state written whole through Orleans' AzureTableGrainStorage against
# the customer journal storage writing only the change, the same writes, one after the other in one process, on one
# Azurite the tool starts. Writes a markdown section (docs/storage.md holds the figures of a run). Options go to the
# tool (ProfileGrid.Benchmarks.Storage --help):
#   --customers N    customers (default 2,000; --customers 40 --writes 3 is a smoke run)
#   --writes W       writes per customer (default 10): the first stores the customer, each later one adds an event
#   --concurrency C  writes in flight (default 64); --customer typical|hot: the sample customer (default typical)
#   --out FILE       where to write the section (default .data/bench-storage/<time>/storage.md)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"
case "${1:-}" in -h|--help) sed -n '2,9p' "$0"; exit 0 ;; esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build tests/ProfileGrid.Benchmarks.Storage -c Release -nologo -v quiet
started=$(date -u +"%Y-%m-%d %H:%M UTC") load_before=$(cut -d' ' -f1-3 /proc/loadavg)
changes=$(git diff --quiet HEAD -- src tests || echo ' with uncommitted changes')
BENCH_STORAGE_COMMAND="./scripts/bench-storage.sh${*:+ $*}" \
BENCH_STORAGE_NOTE="Run $started at commit \`$(git rev-parse --short HEAD)\`$changes, on $(nproc) cores of a shared machine (load average before: $load_before)." \
  dotnet tests/ProfileGrid.Benchmarks.Storage/bin/Release/net10.0/ProfileGrid.Benchmarks.Storage.dll \
  --out ".data/bench-storage/$(date -u +%Y%m%d-%H%M%S)/storage.md" "$@"
