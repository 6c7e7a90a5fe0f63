#!/bin/sh
# Self-test of the Logto stand-in and the headless browser driver; prints TAP.
# Needs the test tooling installed once: npm ci --prefix tests
# Usage: tests/logto-stand-in/self-test.sh   (exit status 0 when every check passed)
set -u
here=$(cd "$(dirname "$0")" && pwd)
modules="$here/../node_modules"

if [ ! -d "$modules/oidc-provider" ] || [ ! -d "$modules/playwright-core" ]; then
  echo "Bail out! $modules is missing oidc-provider/playwright-core: run npm ci --prefix tests"
  exit 1
fi
if [ ! -x "${ORGDESK_TEST_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "Bail out! no Chromium at ${ORGDESK_TEST_CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)"
  exit 1
fi

# node runs in the background so a TERM/INT (e.g. a meson timeout) reaches it: it then stops
# the stand-in and any browser it started.
node "$here/self-test.mjs" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
wait "$pid"
status=$?
# wait returns early (>128) when a trapped signal arrives; wait again for node's cleanup.
if [ "$status" -gt 128 ]; then wait "$pid"; status=$?; fi
exit "$status"
