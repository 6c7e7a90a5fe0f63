#!/bin/bash
# bench-smoke.sh: the benchmark program still runs and still sees one round trip
# per page.  Not a timed test: it seeds three tiny organizations, runs
# orgdesk-bench --quick through build-aux/run-bench.sh's second stage and checks
# only what does not depend on the machine's speed (its exit status, its JSON,
# and the round trips it counted at its proxy).
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/bench-smoke.sh BUILD-ROOT   (under tests/with-services.sh)

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: bench-smoke.sh BUILD-ROOT}

echo "1..4"
if [ -z "${ORGDESK_TEST_DATABASE_OWNER_URI:-}" ] || [ -z "${ORGDESK_TEST_LOGTO_ENDPOINT:-}" ]; then
  if [ -n "${CI:-}" ] || [ "${ORGDESK_TEST_REQUIRE_SERVICES:-}" = 1 ]; then
    for i in 1 2 3 4; do echo "not ok $i - no PostgreSQL or Logto stand-in (run under tests/with-services.sh)"; done
    exit 1
  fi
  for i in 1 2 3 4; do echo "ok $i # SKIP no PostgreSQL or Logto stand-in"; done
  exit 0
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT

ORGDESK_BENCH_BUILDDIR=$build ORGDESK_BENCH_SIZES="100 200 300" \
  "$here/../build-aux/run-bench.sh" --with-services --quick --switches 10 --repeats 1 >"$out" 2>&1
status=$?
sed 's/^/# /' "$out"

if [ $status = 0 ]; then echo "ok 1 - orgdesk-bench exits 0"; else echo "not ok 1 - orgdesk-bench exited $status"; fi

python3 - "$out" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith('{"benchmark"')]
try:
    result = json.loads(lines[-1])
    trips = result["round_trips"]
    print("ok 2 - it prints its JSON line")
except Exception as e:
    print(f"not ok 2 - no JSON line: {e!r}")
    print("not ok 3 - round trips unknown")
    print("not ok 4 - round trips unknown")
    sys.exit(0)

def one(name):
    t = trips.get(name, {})
    return t.get("min") == 1 and t.get("max") == 1

ok = one("switch_to_first_page")
print(("ok" if ok else "not ok") + f" 3 - one round trip per switch: {trips.get('switch_to_first_page')}")
ok = one("page_by_key") and one("page_by_offset")
print(("ok" if ok else "not ok") + f" 4 - one round trip per page: by key {trips.get('page_by_key')}, by offset {trips.get('page_by_offset')}")
PY
