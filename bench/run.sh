#!/usr/bin/env bash
# Runs every benchmark scenario for Forcelink and its baseline side by side against one emulator, and prints one
# markdown table: | metric | forcelink | baseline | ratio |. The baseline is jsforce 3 on Node unless the row says otherwise.
#   ./bench/run.sh           full sizes (10,000-record upsert, 50,000-record reads, 100,000-row S3 load, 10,000-operation soak)
#   ./bench/run.sh --quick   smaller sizes, a few minutes (5,000-row S3 load, 300-operation soak, one warm-function round)
#   --only SCENARIO          one of cold-start, bulk, function, stream, bulk2, s3, soak, warm, warm-function, micro (to iterate
#                            on one; bulk includes function)
# s3 is bench/s3's load (the AOT function from s3rver vs `forcelink import --bulk` of the same file) and soak is
# bench/soak.sh's (figures against their targets); a soak that loses, duplicates or gets wrong an operation fails the run.
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
        cold-start|bulk|function|stream|bulk2|s3|soak|warm|warm-function|micro) only=(--only "$2"); shift ;;
        *) echo "run.sh: --only needs a scenario: cold-start, bulk, function, stream, bulk2, s3, soak, warm, warm-function or micro" >&2; exit 2 ;;
      esac ;;
    *) echo "run.sh: unknown option '$1' (use --quick, --only SCENARIO, or nothing)" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "bench: [$(date +%T)] $*" >&2; }
tests/prerequisites.sh --system
command -v node >/dev/null || { echo "run.sh: node is needed for the jsforce baseline: apt-get install nodejs npm" >&2; exit 1; }

runs() { [ ${#only[@]} -eq 0 ] || [ "${only[1]}" = "$1" ]; }

# jsforce and Node 22 from the lock file, and s3rver and dynalite for the s3 and soak scenarios, downloaded while the
# builds use the CPU (each a no-op when its lock is unchanged).
mkdir -p artifacts/bench
npm_dirs=(bench/jsforce)
if runs s3; then npm_dirs+=(tests/s3); fi
if runs soak; then npm_dirs+=(tests/dynamodb); fi
log "installing ${npm_dirs[*]} from their lock files (in the background)"
(for dir in "${npm_dirs[@]}"; do tests/npm-install.sh "$dir"; done) > artifacts/bench/npm.log 2>&1 &
npm_pid=$!

log "building the bench drivers and the function: AOT bootstrap and managed (ReadyToRun) packages, as deploy/build.sh ships them"
# Only what the bench runs is built, not the tests.
dotnet build bench/Forcelink.Bench -c Release >&2
if runs micro; then
  dotnet build bench/Forcelink.Benchmarks -c Release >&2
fi
# The s3 and soak scenarios' programs (the CLI, bench/s3, bench/fleet), one after the other in the background while the
# publishes run: they share artifacts/bin with the builds above, so not before those are done, nor side by side.
scenario_builds=()
if runs s3; then scenario_builds+=(src/Forcelink.Cli bench/s3/Forcelink.S3Bench.csproj); fi
if runs soak; then scenario_builds+=(bench/fleet/Forcelink.FleetSimulation.csproj); fi
scenario_build_pid=""
if [ ${#scenario_builds[@]} -gt 0 ]; then
  log "building ${scenario_builds[*]} (in the background)"
  (for project in "${scenario_builds[@]}"; do dotnet build "$project" -c Release || exit 1; done) > artifacts/bench/scenario-build.log 2>&1 &
  scenario_build_pid=$!
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
if [ -n "$scenario_build_pid" ]; then
  wait "$scenario_build_pid" || { cat artifacts/bench/scenario-build.log >&2; echo "run.sh: building ${scenario_builds[*]} failed (above)" >&2; exit 1; }
fi
wait "$npm_pid" || { cat artifacts/bench/npm.log >&2; echo "run.sh: installing ${npm_dirs[*]} failed (above)" >&2; exit 1; }

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
  --s3-bench artifacts/bin/Forcelink.S3Bench/release/Forcelink.S3Bench.dll \
  --cli artifacts/bin/Forcelink.Cli/release/Forcelink.Cli \
  --fleet artifacts/bin/Forcelink.FleetSimulation/release/Forcelink.FleetSimulation.dll \
  $quick "${only[@]}" "${instructions[@]}" \
  || { status=$?; echo "run.sh: the scenarios failed (exit $status; above)" >&2; exit "$status"; }
