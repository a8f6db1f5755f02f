#!/usr/bin/env bash
# run_suite_fuzz.sh - the REST fuzz test over the whole running suite, with
# the gateway built under AddressSanitizer and UBSan.
#
#   tests/fuzz/run_suite_fuzz.sh SOURCE_DIR ASAN_BUILD_DIR TEST_BINARY
#
# Builds only kiosk-gateway in ASAN_BUILD_DIR (the second tree that
# scripts/asan-fuzz.sh configures for the gateway's own fuzz test: Debug,
# -DKIOSK_SANITIZE=address,undefined; configured here when missing), then runs
# TEST_BINARY (suite_fuzz_test of the normal build, whose services are the
# normal build's) with KIOSK_FUZZ_GATEWAY pointing at the sanitized gateway.
# KIOSK_FUZZ_SEED and KIOSK_FUZZ_ITERATIONS reach the test. ctest runs it as
# fuzz.suite_asan, never at the same time as gateway.fuzz_asan (one ninja per
# tree: RESOURCE_LOCK asan_tree).
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 SOURCE_DIR ASAN_BUILD_DIR TEST_BINARY" >&2
  exit 2
fi
src=$1
build=$2
test_binary=$3

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKIOSK_SANITIZE=address,undefined
fi
ninja -C "$build" -j "$(nproc)" kiosk-gateway

echo "run_suite_fuzz: fuzzing the suite through $build/bin/kiosk-gateway"
KIOSK_FUZZ_GATEWAY="$build/bin/kiosk-gateway" exec "$test_binary"
