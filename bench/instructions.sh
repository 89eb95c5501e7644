#!/usr/bin/env bash
# Instructions executed (valgrind's callgrind), beside bench/run.sh's timings: the AOT bootstrap's cold start (process
# start to exit: JWT login and one Lead create) and warm get per invocation, and the cold start of the managed build and of
# the jsforce runtime side by side. Counts do not move with the machine's load as times do, so they compare builds on a
# busy machine (jsforce's still vary by a few percent: V8 compiles on background threads as it sees fit). Needs valgrind (apt-get install valgrind); perf stat would do
# the same where the virtual machine exposes the CPU's counters (many do not).
#   bench/instructions.sh [--quick]    --quick: 20 and 40 gets instead of 100 and 200
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is needed: apt-get install valgrind" >&2; exit 1; }
dotnet build bench/Forcelink.Bench -c Release >&2
tests/npm-install.sh bench/jsforce >&2
deploy/build.sh >&2
deploy/build.sh --managed >&2
dotnet artifacts/bin/Forcelink.Bench/release/Forcelink.Bench.dll \
  --bootstrap artifacts/lambda/bootstrap --managed artifacts/lambda-managed/publish/Forcelink.Lambda.dll --client none --jsforce bench/jsforce \
  --only instructions "$@"
