#!/usr/bin/env bash
# Micro-benchmarks (BenchmarkDotNet), each against a baseline in the same run.
# In-process toolchain: the generated benchmark project would otherwise inherit our warnings-as-errors build.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Forcelink.Benchmarks
dotnet artifacts/bin/Forcelink.Benchmarks/release/Forcelink.Benchmarks.dll --inProcess --filter "${1:-*}" "${@:2}"
