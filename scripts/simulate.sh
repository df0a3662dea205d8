#!/usr/bin/env bash
# The model-based simulation (issue 25) at any length: random histories of the customer lifecycle run against a silo
# and the reference model (tests/ProfileGrid.Simulation.Tests). The test command runs a short, fixed form of it; this
# runs as many histories as asked, from any seed, on either storage or both.
#   --histories N   histories per storage (default 5000)
#   --seed S        CsCheck seed (default: the test command's); a failure prints the seed that reproduces it, shrunk
#   --storage X     memory, azurite or both (default both; Azurite comes from the repository's package.json)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

histories=5000 seed="" storage=both
while [ $# -gt 0 ]; do
  case "$1" in
    --histories) histories="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --storage) storage="$2"; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$storage" in memory|azurite|both) ;; *) echo "--storage is memory, azurite or both" >&2; exit 2 ;; esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ensure_npm "$PWD"

filter="FullyQualifiedName~SimulationTests"
case "$storage" in
  memory) filter="FullyQualifiedName~MemorySimulationTests" ;;
  azurite) filter="FullyQualifiedName~AzuriteSimulationTests" ;;
esac
dotnet build tests/ProfileGrid.Simulation.Tests -c Release -nologo -v quiet
echo "== simulation: $histories histories per storage ($storage), seed ${seed:-of the test command}" >&2
PROFILEGRID_SIM_HISTORIES="$histories" PROFILEGRID_SIM_SEED="$seed" \
  dotnet test tests/ProfileGrid.Simulation.Tests -c Release --no-build --filter "$filter" --logger "console;verbosity=detailed"
