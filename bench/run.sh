#!/usr/bin/env bash
# Runs every benchmark scenario for Forcelink and its baseline side by side against one emulator, and prints one
# markdown table: | metric | forcelink | baseline | ratio |. The baseline is jsforce 3 on Node unless the row says otherwise.
#   ./bench/run.sh           full sizes (10,000-record upsert, 50,000-record reads)
#   ./bench/run.sh --quick   smaller sizes, a few minutes
#   --only SCENARIO          one of cold-start, bulk, function, stream, bulk2, warm, warm-function, micro (to iterate on one; bulk includes function)
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
        cold-start|bulk|function|stream|bulk2|warm|warm-function|micro) only=(--only "$2"); shift ;;
        *) echo "run.sh: --only needs a scenario: cold-start, bulk, function, stream, bulk2, warm, warm-function or micro" >&2; exit 2 ;;
      esac ;;
    *) echo "run.sh: unknown option '$1' (use --quick, --only SCENARIO, or nothing)" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "bench: [$(date +%T)] $*" >&2; }
tests/prerequisites.sh --system
command -v node >/dev/null || { echo "run.sh: node is needed for the jsforce baseline: apt-get install nodejs npm" >&2; exit 1; }

runs() { [ ${#only[@]} -eq 0 ] || [ "${only[1]}" = "$1" ]; }

# jsforce and Node 22 from the lock file, downloaded while the builds use the CPU (a no-op when the lock is unchanged).
mkdir -p artifacts/bench
log "installing jsforce (in the background)"
tests/npm-install.sh bench/jsforce > artifacts/bench/npm.log 2>&1 &
npm_pid=$!

log "building the bench drivers and the function: AOT bootstrap and managed (ReadyToRun) packages, as deploy/build.sh ships them"
# Only what the bench runs is built, not the tests.
dotnet build bench/Forcelink.Bench -c Release >&2
if runs micro; then
  dotnet build bench/Forcelink.Benchmarks -c Release >&2
fi
# The publishes run side by side (separate intermediate folders): their compilers leave cores idle in their serial
# phases, so together they take less time than one after the other; nothing is measured until all are done.
log "publishing the AOT bootstrap, the managed (ReadyToRun) package and the AOT bench client"
deploy/build.sh > artifacts/bench/bootstrap-build.log 2>&1 &
bootstrap_pid=$!
managed_pid=""
if runs cold-start || runs warm-function; then
  deploy/build.sh --managed > artifacts/bench/managed-build.log 2>&1 &
  managed_pid=$!
fi
dotnet publish bench/Forcelink.BenchClient -c Release -r linux-x64 --artifacts-path artifacts/bench-build -o artifacts/bench/client >&2
wait "$bootstrap_pid" || { cat artifacts/bench/bootstrap-build.log >&2; echo "run.sh: deploy/build.sh failed (above)" >&2; exit 1; }
if [ -n "$managed_pid" ]; then
  wait "$managed_pid" || { cat artifacts/bench/managed-build.log >&2; echo "run.sh: deploy/build.sh --managed failed (above)" >&2; exit 1; }
fi
wait "$npm_pid" || { cat artifacts/bench/npm.log >&2; echo "run.sh: installing bench/jsforce failed (above)" >&2; exit 1; }

rm -rf artifacts/bench/micro
if runs micro; then
  log "micro-benchmarks (BenchmarkDotNet)"
  # --quick: BenchmarkDotNet's short job (3 iterations). Shorter iterations (--iterationTime 100) were tried and
  # measured code before the JIT's optimized tier: the record round trip came out 2.5 times slower than it is.
  job=(--job medium)
  [ -n "$quick" ] && job=(--job short)
  dotnet artifacts/bin/Forcelink.Benchmarks/release/Forcelink.Benchmarks.dll --inProcess --filter '*' "${job[@]}" \
    --exporters csv --artifacts artifacts/bench/micro >&2
fi

# Instruction counts (callgrind) join the table where valgrind is installed: they do not move with the machine's load.
instructions=()
if [ ${#only[@]} -eq 0 ]; then
  if command -v valgrind >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y --no-install-recommends valgrind >&2; }; then
    instructions=(--instructions)
  else
    log "valgrind is missing: the instruction counts are left out (apt-get install valgrind)"
  fi
fi

log "scenarios"
dotnet artifacts/bin/Forcelink.Bench/release/Forcelink.Bench.dll \
  --bootstrap artifacts/lambda/bootstrap \
  --managed artifacts/lambda-managed/publish/Forcelink.Lambda.dll \
  --client artifacts/bench/client/Forcelink.BenchClient \
  --jsforce bench/jsforce \
  --micro artifacts/bench/micro/results \
  $quick "${only[@]}" "${instructions[@]}"
