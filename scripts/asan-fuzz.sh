#!/usr/bin/env bash
# asan-fuzz.sh - the gateway's fuzz test and table-driven tests under
# AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer.
#
#   scripts/asan-fuzz.sh SOURCE_DIR BUILD_DIR
#
# Configures BUILD_DIR as a second build tree (Debug, -DKIOSK_SANITIZE=
# address,undefined; the main build's tree is not touched), builds only
# gateway_fuzz_test and gateway_test there and runs both. Exits non-zero when
# the configure or the build fails, when a test fails and on any sanitizer
# report. ctest runs it as gateway.fuzz_asan with BUILD_DIR = <build>-asan.
# ccache is used as in the main build (the CCACHE_* variables of the
# environment, e.g. those ./kiosk sets, apply); KIOSK_FUZZ_SEED and
# KIOSK_FUZZ_ITERATIONS reach the fuzz test.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2
  exit 2
fi
src=$1
build=$2

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKIOSK_SANITIZE=address,undefined
# One job per core: ctest may run other tests beside this one.
ninja -C "$build" -j "$(nproc)" gateway_fuzz_test gateway_test

# A report aborts the test binary from whichever thread it happens in (ASan;
# LeakSanitizer checks at exit), and UBSan stops at its first report instead
# of printing it and going on; either way the binary exits non-zero.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for test in gateway_fuzz_test gateway_test; do
  echo "asan-fuzz: running $test"
  "$build/bin/$test"
done
echo "asan-fuzz: no sanitizer reports"
