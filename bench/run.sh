#!/usr/bin/env bash
# Runs every benchmark scenario for Forcelink and its baseline side by side against one emulator, and prints one
# markdown table: | metric | forcelink | baseline | ratio |. The baseline is jsforce 3 on Node unless the row says otherwise.
#   ./bench/run.sh           full sizes (10,000-record upsert, 50,000-record reads)
#   ./bench/run.sh --quick   smaller sizes, a few minutes
#   --only SCENARIO          one of cold-start, bulk, stream, warm, micro (to iterate on one)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
quick=""
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick="--quick" ;;
    --only)
      case "${2:-}" in
        cold-start|bulk|stream|warm|micro) only=(--only "$2"); shift ;;
        *) echo "run.sh: --only needs a scenario: cold-start, bulk, stream, warm or micro" >&2; exit 2 ;;
      esac ;;
    *) echo "run.sh: unknown option '$1' (use --quick, --only SCENARIO, or nothing)" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "bench: $*" >&2; }
tests/prerequisites.sh --system
command -v node >/dev/null || { echo "run.sh: node is needed for the jsforce baseline: apt-get install nodejs npm" >&2; exit 1; }

log "building the bench drivers (with the managed function) and the AOT bootstrap"
# The managed row runs the Release build of the function (a reference of the driver): the same framework-dependent
# program deploy/build.sh --managed zips. Only what the bench runs is built, not the tests.
dotnet build bench/Forcelink.Bench -c Release >&2
if [ ${#only[@]} -eq 0 ] || [ "${only[1]}" = micro ]; then
  dotnet build bench/Forcelink.Benchmarks -c Release >&2
fi
deploy/build.sh >&2
log "publishing the AOT bench client"
dotnet publish bench/Forcelink.BenchClient -c Release -r linux-x64 --artifacts-path artifacts/bench-build -o artifacts/bench/client >&2
log "installing jsforce"
npm ci --prefix bench/jsforce --no-audit --no-fund --ignore-scripts --loglevel=error >&2

rm -rf artifacts/bench/micro
if [ ${#only[@]} -eq 0 ] || [ "${only[1]}" = micro ]; then
  log "micro-benchmarks (BenchmarkDotNet)"
  job=$([ -n "$quick" ] && echo short || echo medium)
  dotnet artifacts/bin/Forcelink.Benchmarks/release/Forcelink.Benchmarks.dll --inProcess --filter '*' --job "$job" \
    --exporters csv --artifacts artifacts/bench/micro >&2
fi

dotnet artifacts/bin/Forcelink.Bench/release/Forcelink.Bench.dll \
  --bootstrap artifacts/lambda/bootstrap \
  --managed artifacts/bin/Forcelink.Lambda/release/Forcelink.Lambda.dll \
  --client artifacts/bench/client/Forcelink.BenchClient \
  --jsforce bench/jsforce \
  --micro artifacts/bench/micro/results \
  $quick "${only[@]}"
