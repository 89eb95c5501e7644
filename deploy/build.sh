#!/usr/bin/env bash
# Builds the Lambda deployment package without Docker.
#
#   deploy/build.sh                 Native AOT for provided.al2023 on x86_64: artifacts/lambda/bootstrap + artifacts/lambda/function.zip
#   deploy/build.sh --arch arm64    the same for arm64 (Graviton), cross-compiled on x86_64 (deploy with Architecture=arm64)
#   deploy/build.sh --managed       framework-dependent build for the managed dotnet10 runtime: artifacts/lambda-managed/function.zip
#                                   (Handler: Forcelink.Lambda; the runtime's bootstrap runs Forcelink.Lambda.dll, our own runtime loop);
#                                   with --arch arm64 for an arm64 function
#   --output DIR                    write bootstrap and function.zip to DIR instead
#
# Installs nothing. Native AOT needs clang and binutils; arm64 also needs gcc-aarch64-linux-gnu and libc6-dev-arm64-cross
# (tests/prerequisites.sh --system installs them all).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
project="$repo/src/Forcelink.Lambda/Forcelink.Lambda.csproj"
mode="aot"
arch="x86_64"
out=""
usage="use --arch x86_64|arm64, --managed, --output DIR"
while [ $# -gt 0 ]; do
  case "$1" in
    --managed) mode="managed" ;;
    --arch) arch="${2:-}"; shift ;;
    --arch=*) arch="${1#--arch=}" ;;
    --output) out="${2:-}"; shift ;;
    --output=*) out="${1#--output=}" ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option '$1' ($usage)" >&2; exit 2 ;;
  esac
  shift
done

case "$arch" in
  x86_64|x64|amd64) arch="x86_64"; rid="linux-x64"; target_triple="x86_64-linux-gnu" ;;
  arm64|aarch64) arch="arm64"; rid="linux-arm64"; target_triple="aarch64-linux-gnu" ;;
  *) echo "build.sh: unknown architecture '$arch': use x86_64 or arm64, as the template's Architecture parameter" >&2; exit 2 ;;
esac
host_arch="$(uname -m)"
[ "$host_arch" = "aarch64" ] && host_arch="arm64"

command -v dotnet >/dev/null 2>&1 || { echo "build.sh: the .NET 10 SDK (dotnet) is not on PATH; install it first (see global.json for the version)." >&2; exit 1; }
command -v zip >/dev/null 2>&1 || { echo "build.sh: zip is missing: apt-get install zip" >&2; exit 1; }

# Its own intermediate and output folders per mode and architecture, so a publish never rewrites what a running build
# or test run is using.
build_artifacts="$repo/artifacts/lambda-build/$mode-$arch"

if [ "$mode" = "managed" ]; then
  out="${out:-$repo/artifacts/lambda-managed}"
  out="$(mkdir -p "$out" && cd "$out" && pwd)"
  rm -rf "$out/publish" "$out/function.zip"
  # ReadyToRun: precompiled code cuts the JIT work of a cold start (measured 0.8 s -> 0.5 s); the zip grows from 1.5 to 3.5 MB.
  # crossgen2 runs on this machine and compiles for either architecture. Cross-module code: our assemblies may also hold
  # precompiled instantiations of the framework's generics over our types (every async method's state machine box, the
  # collections of our records), which per-assembly ReadyToRun leaves to the JIT: 1,250 -> 760 methods compiled at a cold
  # start. The runtime checks the framework methods' IL against what was compiled and falls back to the JIT if a
  # framework update changed it, so the function stays correct on any dotnet10 patch.
  dotnet publish "$project" -c Release -r "$rid" --self-contained false -p:PublishAot=false -p:PublishReadyToRun=true \
    "-p:PublishReadyToRunCrossgen2ExtraArgs=--opt-cross-module:*%3B--non-local-generics-module:*" \
    --artifacts-path "$build_artifacts" -o "$out/publish"
  if [ "$arch" = "$host_arch" ]; then
    # The multicore JIT profile (Program.StartJitProfile): one training run of the published function against the
    # emulator records the methods its first invocations compile. A foreign architecture's build cannot run here.
    dotnet run --project "$repo/deploy/Forcelink.JitTraining" -c Release --artifacts-path "$repo/artifacts/lambda-build/jit-training" -- "$out/publish"
  else
    echo "build.sh: no JIT profile for $arch (the training run needs the function to run on this $host_arch machine)" >&2
  fi
  (cd "$out/publish" && zip -q -r -X "$out/function.zip" .)
  echo "$arch" > "$out/architecture"
  echo "build.sh: $out/function.zip (runtime dotnet10, handler Forcelink.Lambda, architecture $arch)"
  exit 0
fi

publish_args=()
missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
if [ "$arch" = "$host_arch" ]; then
  command -v objdump >/dev/null 2>&1 || missing+=(binutils)
  objdump="objdump"
elif [ "$arch" = "arm64" ] && [ "$host_arch" = "x86_64" ]; then
  # Cross-compiling: ILCompiler passes --target=aarch64-linux-gnu to clang, which finds Debian's cross toolchain
  # (/usr/lib/gcc-cross/aarch64-linux-gnu, /usr/aarch64-linux-gnu) by itself: no sysroot needed. Stripping needs an
  # objcopy that knows arm64, and zlib comes with the runtime pack (libz.a), so zlib1g-dev:arm64 is not needed.
  command -v aarch64-linux-gnu-ld >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
  [ -e /usr/aarch64-linux-gnu/lib/libc.so ] || missing+=(libc6-dev-arm64-cross)
  publish_args+=(-p:ObjCopyName=aarch64-linux-gnu-objcopy)
  objdump="aarch64-linux-gnu-objdump"
else
  echo "build.sh: building Native AOT for $arch on a $host_arch machine is not set up; build on x86_64 (Debian 12), or use --managed." >&2
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "build.sh: Native AOT for $arch needs ${missing[*]}, which is missing: apt-get install ${missing[*]} (or tests/prerequisites.sh --system; or use --managed for the dotnet10 runtime)." >&2
  exit 1
fi

out="${out:-$repo/artifacts/lambda}"
out="$(mkdir -p "$out" && cd "$out" && pwd)"
publish="$out/publish"
rm -rf "$publish" "$out/bootstrap" "$out/function.zip" "$out/architecture"
dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true "${publish_args[@]}" --artifacts-path "$build_artifacts" -o "$publish"

cp "$publish/Forcelink.Lambda" "$out/bootstrap"
chmod 755 "$out/bootstrap"

# A binary for the wrong CPU fails only when Lambda starts it (Runtime.InvalidEntrypoint, exec format error).
machine="$(LC_ALL=C readelf -h "$out/bootstrap" 2>/dev/null | sed -n 's/^ *Machine: *//p')"
case "$arch:$machine" in
  x86_64:*X86-64*|arm64:*AArch64*) ;;
  *) echo "build.sh: $out/bootstrap is for '$machine', not $arch" >&2; exit 1 ;;
esac

# provided.al2023 has glibc 2.34: a symbol from a newer glibc would make the binary fail to load there.
newest="$("$objdump" -T "$out/bootstrap" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
if printf '%s\n%s\n' "$newest" "GLIBC_2.34" | sort -V -C; then
  echo "build.sh: newest glibc symbol $newest (AL2023 has 2.34): ok"
else
  echo "build.sh: bootstrap needs $newest, newer than AL2023's GLIBC_2.34; build on an older distribution (Debian 12 works)." >&2
  "$objdump" -T "$out/bootstrap" | grep -E 'GLIBC_2\.(3[5-9]|[4-9][0-9])' >&2 || true
  exit 1
fi

(cd "$out" && zip -q -X function.zip bootstrap)
echo "$arch" > "$out/architecture"
echo "build.sh: $out/bootstrap ($target_triple, $(stat -c %s "$out/bootstrap") bytes), $out/function.zip: deploy with Architecture=$arch"
