#!/usr/bin/env bash
# The soak of docs/fleet.md: 10,000 operations (keyed creates, upserts, updates, deletes) in SQS batches of 10 through
# the function's handler in four containers sharing the token and idempotency tables (dynalite), against the in-process
# emulator with 10 % of requests faulted (REST and token endpoint; before and after commit: 503, dropped connections,
# lost answers, 500 after commit, UNABLE_TO_LOCK_ROW), 1 % stalled past the invocation's deadline, 3 % of invocations
# killed mid-batch, and every session revoked 3 times; failed items and dead batches are redelivered until they succeed.
# Prints the figures as a markdown table and exits 1 when any operation was lost or duplicated, a result was wrong,
# an invocation threw, or the fleet logged in more than revocations + 1 times.
#
#   bench/soak.sh                      the full run
#   bench/soak.sh --operations 2000    a shorter one
#   bench/soak.sh --small              the suite's size (600 operations)
#
# Needs dynalite in tests/dynamodb (tests/prerequisites.sh installs it).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$repo/tests/dynamodb/node_modules/dynalite" ]; then
  echo "soak.sh: dynalite is not installed; run tests/prerequisites.sh first." >&2
  exit 1
fi
dotnet run --project "$repo/bench/fleet/Forcelink.FleetSimulation.csproj" -c Release -- soak "$@"
