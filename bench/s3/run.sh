#!/usr/bin/env bash
# Loads one CSV of N upserts from S3 (s3rver on loopback) with the Native AOT function, event to summary, and the same
# file with `forcelink import --bulk`, both against the in-process emulator; prints a markdown table of peak memory,
# Salesforce API calls and time (docs/performance.md).
#
#   bench/s3/run.sh                      1,000,000 rows (about 150 MB)
#   bench/s3/run.sh --rows 100000 --memory 128
#
# Needs s3rver in tests/s3 (tests/prerequisites.sh installs it) and the AOT toolchain (deploy/build.sh).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
if [ ! -d tests/s3/node_modules/s3rver ]; then
  echo "run.sh: s3rver is not installed; run tests/prerequisites.sh first." >&2
  exit 1
fi
rows=1000000
memory=128
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift ;;
    --memory) memory="$2"; shift ;;
    *) echo "run.sh: unknown option '$1' (use --rows N, --memory MB)" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p artifacts/s3-bench
deploy/build.sh --output artifacts/s3-bench/lambda > artifacts/s3-bench/bootstrap-build.log 2>&1 || { cat artifacts/s3-bench/bootstrap-build.log >&2; exit 1; }
dotnet build src/Forcelink.Cli -c Release >&2
dotnet run --project bench/s3/Forcelink.S3Bench.csproj -c Release -- \
  --bootstrap artifacts/s3-bench/lambda/bootstrap --cli artifacts/bin/Forcelink.Cli/release/Forcelink.Cli \
  --rows "$rows" --memory "$memory"
