#!/usr/bin/env bash
# Installs the npm packages of a test folder (npm ci) when node_modules is
# missing or package-lock.json changed since the last install; one install at
# a time per folder (parallel ctest runs share it). Fails, never skips,
# without node or npm.
#
#   scripts/npm-ci.sh tests/deploy
set -euo pipefail
dir="$(cd "$1" && pwd)"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool not found; install Node.js >= 18 and npm (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
done
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
stamp="$dir/node_modules/.kiosk-package-lock.sha256"
(
  flock 9
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "npm ci in $dir" >&2
    npm ci --prefix "$dir" --no-audit --no-fund >&2
    echo "$want" >"$stamp"
  fi
) 9>"$dir/.install.lock"
