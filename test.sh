#!/usr/bin/env bash
# Runs every test. Works on a fresh machine with the .NET 10 SDK: it installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")"

if [ -x tests/prerequisites.sh ]; then
  tests/prerequisites.sh
fi

dotnet restore Forcelink.slnx
dotnet build Forcelink.slnx --no-restore -c Release
dotnet test Forcelink.slnx --no-build -c Release --logger "console;verbosity=minimal" "$@"
