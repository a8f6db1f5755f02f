#!/usr/bin/env bash
# bench/build_time.sh - wall time of the README's test command on a fresh
# clone: once cold (empty compiler cache, new build folder) and once warm (same
# cache, new build folder), as CI sees it. Debian packages are assumed
# installed (they are a one-time cost of the machine). Prints RESULT lines.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /var/tmp/kiosk-build-time.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
git clone -q "$REPO" "$WORK/src"
export CCACHE_DIR=$WORK/ccache

run() {  # run <label>: ./kiosk test in the clone, prints seconds
  local label=$1 start end
  rm -rf "$WORK/src/build" "$WORK/src/build-asan"
  start=$(date +%s)
  if ! (cd "$WORK/src" && CI=true ./kiosk test </dev/null >"$WORK/$label.log" 2>&1); then
    echo "build_time: $label build + test failed; last lines:" >&2
    tail -20 "$WORK/$label.log" >&2
    return 1
  fi
  end=$(date +%s)
  echo "build_time: $label build + test: $((end - start)) s ($(grep -Eo '[0-9]+ tests passed|tests passed, [0-9]+ tests failed out of [0-9]+' "$WORK/$label.log" | tail -1))" >&2
  echo $((end - start))
}

cold=$(run cold)
warm=$(run warm)
awk -v c="$cold" -v w="$warm" 'BEGIN {
  printf "RESULT\tbuild + test, fresh clone, empty compiler cache\t%.1f\tmin\t< 30 min\n", c / 60
  printf "RESULT\tbuild + test, fresh clone, warm compiler cache\t%.1f\tmin\t< 30 min\n", w / 60 }'
