#!/usr/bin/env bash
# Runs every benchmark scenario for Forcelink and its baseline side by side against one emulator, and prints one
# markdown table: | metric | forcelink | baseline | ratio |. The baseline is jsforce 3 on Node unless the row says otherwise.
#   ./bench/run.sh           full sizes (10,000-record upsert, 50,000-record reads)
#   ./bench/run.sh --quick   smaller sizes, a few minutes
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
quick=""
for arg in "$@"; do
  case "$arg" in
    --quick) quick="--quick" ;;
    *) echo "run.sh: unknown option '$arg' (use --quick or nothing)" >&2; exit 2 ;;
  esac
done

log() { echo "bench: $*" >&2; }
tests/prerequisites.sh
command -v node >/dev/null || { echo "run.sh: node is needed for the jsforce baseline: apt-get install nodejs npm" >&2; exit 1; }

log "building the solution (the managed function, the bench drivers) and the AOT bootstrap"
# The managed row runs the Release build of the function: the same framework-dependent program deploy/build.sh --managed zips.
dotnet build Forcelink.slnx -c Release >&2
deploy/build.sh >&2
log "publishing the AOT bench client"
dotnet publish bench/Forcelink.BenchClient -c Release -r linux-x64 --artifacts-path artifacts/bench-build -o artifacts/bench/client >&2
log "installing jsforce"
npm ci --prefix bench/jsforce --no-audit --no-fund --ignore-scripts --loglevel=error >&2

log "micro-benchmarks (BenchmarkDotNet)"
rm -rf artifacts/bench/micro
job=$([ -n "$quick" ] && echo short || echo medium)
dotnet artifacts/bin/Forcelink.Benchmarks/release/Forcelink.Benchmarks.dll --inProcess --filter '*' --job "$job" \
  --exporters csv --artifacts artifacts/bench/micro >&2

dotnet artifacts/bin/Forcelink.Bench/release/Forcelink.Bench.dll \
  --bootstrap artifacts/lambda/bootstrap \
  --managed artifacts/bin/Forcelink.Lambda/release/Forcelink.Lambda.dll \
  --client artifacts/bench/client/Forcelink.BenchClient \
  --jsforce bench/jsforce \
  --micro artifacts/bench/micro/results \
  $quick
