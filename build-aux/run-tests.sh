#!/bin/bash
# run-tests.sh: install, build and run every Orgdesk test on Debian 12.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Two builds: a normal one with every suite, and one with AddressSanitizer and
# UndefinedBehaviorSanitizer running the same suites.  Every service is started
# (tests/with-services.sh), so a test that would skip for lack of one fails here.
# Ends with one line "N passed, N failed" counting test cases.
#
# ORGDESK_SKIP_SETUP=1 skips the apt/npm step (when it already ran).

set -uo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"

if [ "${ORGDESK_SKIP_SETUP:-0}" != 1 ]; then
  build-aux/setup-debian.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi

export ORGDESK_TEST_REQUIRE_SERVICES=1
# The test cluster loads the orgdesk_auth extension of the normal build in both
# runs: the server is not built with sanitizers, so it cannot load a module
# that is (test-orgdesk-auth checks the extension from an ASan client).
export ORGDESK_AUTH_MODULE=$srcdir/_build-tests/src/server/orgdesk-auth/orgdesk_auth.so
export ORGDESK_TEST_SCREENSHOT_DIR=${ORGDESK_TEST_SCREENSHOT_DIR:-$srcdir/_build-tests/screenshots}

setup_build ()
{
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"/tmp/orgdesk-meson-setup-$$.log" 2>&1 \
      || { cat "/tmp/orgdesk-meson-setup-$$.log"; return 1; }
  fi
  ninja -C "$dir" >"/tmp/orgdesk-ninja-$$.log" 2>&1 || { tail -50 "/tmp/orgdesk-ninja-$$.log"; return 1; }
}

rc=0
logs=()

if setup_build _build-tests; then
  mkdir -p "$ORGDESK_TEST_SCREENSHOT_DIR"
  tests/with-services.sh meson test -C _build-tests --print-errorlogs --num-processes 2 || rc=1
  logs+=(_build-tests/meson-logs/testlog.json)
else
  echo "build failed"; rc=1; logs+=(_build-tests/meson-logs/missing-build.json)
fi

if setup_build _build-asan -Db_sanitize=address,undefined -Db_lundef=false; then
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_odr_violation=0} \
  LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$srcdir/tests/lsan.supp:print_suppressions=0} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    tests/with-services.sh meson test -C _build-asan --print-errorlogs --num-processes 2 \
      --timeout-multiplier 3 || rc=1
  logs+=(_build-asan/meson-logs/testlog.json)
else
  echo "sanitizer build failed"; rc=1; logs+=(_build-asan/meson-logs/missing-build.json)
fi

python3 build-aux/count-tests.py "${logs[@]}" || rc=1
exit $rc
