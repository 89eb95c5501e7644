#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK: the Native AOT toolchain (clang as linker, zlib1g-dev for -lz)
# plus zip and objdump (binutils) for deploy/build.sh, used by the test that publishes and runs the Lambda bootstrap; and dynalite
# (an in-memory DynamoDB, from npm) for the fleet tests and bench/fleet. CI runs this as root on a clean Debian 12 machine.
set -euo pipefail

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
command -v zip >/dev/null 2>&1 || missing+=(zip)
command -v objdump >/dev/null 2>&1 || missing+=(binutils)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo_cmd=(sudo)
    else
      echo "prerequisites: ${missing[*]} missing and not running as root; install them with: apt-get install ${missing[*]}" >&2
      exit 1
    fi
  else
    sudo_cmd=()
  fi

  export DEBIAN_FRONTEND=noninteractive
  # The package lists of a clean machine are empty; refresh them only when the install cannot find the packages.
  if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
    "${sudo_cmd[@]}" apt-get update
    "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

# dynalite, pinned by tests/dynamodb/package-lock.json. Node.js 20 or later with npm must be installed.
dynamodb_dir="$(cd "$(dirname "$0")" && pwd)/dynamodb"
stamp="$dynamodb_dir/node_modules/.forcelink-installed-lock"
if ! cmp -s "$dynamodb_dir/package-lock.json" "$stamp"; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "prerequisites: npm is missing; install Node.js 20 or later with npm (apt-get install nodejs npm)" >&2
    exit 1
  fi
  (cd "$dynamodb_dir" && npm ci --no-audit --no-fund)
  cp "$dynamodb_dir/package-lock.json" "$stamp"
fi
