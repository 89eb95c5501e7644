#!/usr/bin/env bash
# Runs the fleet simulation: N containers x M invocations against the in-process emulator and dynalite, for three
# token set-ups, and prints a markdown table. Defaults: 50 containers x 100 invocations.
#
#   bench/fleet/run.sh                                  the table in docs/fleet.md
#   bench/fleet/run.sh --containers 10 --invocations 20 --margin-minutes 2
#
# Needs dynalite in tests/dynamodb (tests/prerequisites.sh installs it). Exits 1 when the shared set-up needs more
# logins than renewal periods elapsed (= token lifetimes with the default margin of 0), creates a duplicate, or fails an invocation.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -d "$repo/tests/dynamodb/node_modules/dynalite" ]; then
  echo "run.sh: dynalite is not installed; run tests/prerequisites.sh first." >&2
  exit 1
fi
dotnet run --project "$repo/bench/fleet/Forcelink.FleetSimulation.csproj" -c Release -- "$@"
