#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK: the Native AOT toolchain (clang as linker, zlib1g-dev for -lz)
# plus zip and objdump (binutils) for deploy/build.sh, used by the test that publishes and runs the Lambda bootstrap;
# for the arm64 bootstrap, cross-compiled here, the aarch64 cross binutils and C runtime (gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross), and to run it in the test, qemu-user and the arm64 glibc and OpenSSL it loads (libssl3:arm64,
# which needs dpkg's arm64 architecture);
# and openssl, which the CLI tests use to check that 'forcelink keygen' writes a key and certificate openssl accepts;
# then the npm packages of tests/interop (jsforce, the Salesforce CLI and a Node 22 binary) for the interop tests,
# and of tests/dynamodb (dynalite, an in-memory DynamoDB) for the fleet tests and bench/fleet, and of tests/s3 (s3rver, an
# S3 on loopback over a temporary folder) for the S3 load tests and bench/s3.
# CI runs this as root on a clean Debian 12 machine. bench/run.sh passes --system: the Debian packages only.
set -euo pipefail
npm_packages=true
case "${1:-}" in
  "") ;;
  --system) npm_packages=false ;;
  *) echo "prerequisites.sh: unknown option '$1' (use --system for the Debian packages only, or nothing)" >&2; exit 2 ;;
esac

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
command -v zip >/dev/null 2>&1 || missing+=(zip)
command -v objdump >/dev/null 2>&1 || missing+=(binutils)
command -v aarch64-linux-gnu-ld >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/libc.so ] || missing+=(libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
[ -e /usr/lib/aarch64-linux-gnu/libssl.so.3 ] || missing+=(libssl3:arm64)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v npm >/dev/null 2>&1 || missing+=(npm)

# Exact versions from the lock files, a no-op when they have not changed (tests/npm-install.sh).
install_npm_packages() {
  if [ "$npm_packages" = true ]; then
    local here
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    "$here/npm-install.sh" "$here/interop"
    "$here/npm-install.sh" "$here/dynamodb"
    "$here/npm-install.sh" "$here/s3"
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  install_npm_packages
  exit 0
fi

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
# libssl3:arm64 comes from the arm64 package lists (multiarch): add the architecture; the install below then finds
# no such package and refreshes the lists once.
if [[ " ${missing[*]} " == *":arm64 "* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo_cmd[@]}" dpkg --add-architecture arm64
fi
# The package lists of a clean machine are empty; refresh them only when the install cannot find the packages.
if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

install_npm_packages
