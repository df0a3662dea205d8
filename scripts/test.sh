#!/usr/bin/env bash
# Runs every test of the solution and ends with the line "N passed, N failed" read from the test results.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

# Azurite (the storage tests' and cluster tests' emulator) comes from the repository's package.json.
ensure_npm "$PWD" || exit 1
if [ -f scripts/build-dashboard.sh ]; then ./scripts/build-dashboard.sh || exit 1; fi

results="TestResults"
rm -rf "$results"
# One test assembly at a time: the cluster tests run real processes and the 2-core machines have no room to spare.
dotnet build ProfileGrid.sln -c Release -nologo -v quiet || exit 1
dotnet test ProfileGrid.sln -c Release --no-build -m:1 --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
status=$?
# The agent dashboard's unit tests (vitest), counted with the rest.
(cd dashboards/agent && npx vitest run --reporter=default --reporter=junit --outputFile.junit="../../$results/dashboard.junit.xml") || status=1

passed=0 failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))
done

for junit in "$results"/*.junit.xml; do
  [ -f "$junit" ] || continue
  suites=$(grep -o '<testsuites [^>]*>' "$junit" | head -n 1)
  t=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$suites")
  f=$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$suites")
  e=$(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$suites")
  passed=$((passed + ${t:-0} - ${f:-0} - ${e:-0})) failed=$((failed + ${f:-0} + ${e:-0}))
done

echo "${passed} passed, ${failed} failed"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
