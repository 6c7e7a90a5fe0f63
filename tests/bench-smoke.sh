#!/bin/bash
# bench-smoke.sh: the benchmark program still runs and still sees one round trip
# per page.  Not a timed test: it seeds three tiny organizations, runs
# orgdesk-bench --quick through build-aux/run-bench.sh's second stage and checks
# only what does not depend on the machine's speed (its exit status, its JSON,
# the round trips it counted at its proxy, and that its orgdesk.authenticate()
# numbers are there, directly and through PgBouncer, and positive).
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/bench-smoke.sh BUILD-ROOT   (under tests/with-services.sh)

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: bench-smoke.sh BUILD-ROOT}

echo "1..7"
if [ -z "${ORGDESK_TEST_DATABASE_OWNER_URI:-}" ] || [ -z "${ORGDESK_TEST_LOGTO_ENDPOINT:-}" ]; then
  if [ -n "${CI:-}" ] || [ "${ORGDESK_TEST_REQUIRE_SERVICES:-}" = 1 ]; then
    for i in 1 2 3 4 5 6 7; do echo "not ok $i - no PostgreSQL or Logto stand-in (run under tests/with-services.sh)"; done
    exit 1
  fi
  for i in 1 2 3 4 5 6 7; do echo "ok $i # SKIP no PostgreSQL or Logto stand-in"; done
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
    for i in (5, 6, 7):
        print(f"not ok {i} - authenticate numbers unknown")
    sys.exit(0)

def one(name):
    t = trips.get(name) or {}
    return t.get("min") == 1 and t.get("max") == 1

ok = one("switch_to_first_page")
print(("ok" if ok else "not ok") + f" 3 - one round trip per switch: {trips.get('switch_to_first_page')}")
ok = one("page_by_key") and one("page_by_offset")
print(("ok" if ok else "not ok") + f" 4 - one round trip per page: by key {trips.get('page_by_key')}, by offset {trips.get('page_by_offset')}")
# orgdesk.authenticate(): both paths measured, every number there and positive
# (a cached verification's server time may round to 0 µs), one page pair per
# organization, with rows.  Never the timings against the goals.
auth = result.get("authenticate") or {}
paths = ("direct", "pgbouncer")
errors = {p: (auth.get(p) or {"error": "missing"}).get("error") for p in paths}
ok = all(e is None for e in errors.values())
print(("ok" if ok else "not ok") + f" 5 - authenticate measured directly and through PgBouncer: {errors}")

def measured(summary, positive=True):
    return isinstance(summary, dict) and summary.get("n", 0) > 0 and \
        (summary.get("p50", 0) > 0 if positive else summary.get("p50", -1) >= 0)

bad = []
for p in paths:
    numbers = auth.get(p) or {}
    for name in ("empty_transaction_us", "uncached_us", "uncached_server_us", "cached_us"):
        if not measured(numbers.get(name)):
            bad.append(f"{p}.{name}={numbers.get(name)}")
    if not measured(numbers.get("cached_server_us"), positive=False):
        bad.append(f"{p}.cached_server_us={numbers.get('cached_server_us')}")
first = auth.get("direct") or {}
for name in ("first_in_backend_us", "first_in_backend_server_us"):
    if not measured(first.get(name)):
        bad.append(f"direct.{name}={first.get(name)}")
print(("ok" if not bad else "not ok") + " 6 - uncached and cached authenticate timed on both paths" +
      (f": {bad}" if bad else ""))

bad = []
organizations = [o["id"] for o in result.get("organizations", [])]
for p in paths:
    pages = {page.get("id"): page for page in (auth.get(p) or {}).get("pages", [])}
    for organization in organizations:
        page = pages.get(organization)
        if page is None:
            bad.append(f"{p}: no page of {organization}")
        elif not (measured(page.get("authenticated_us")) and measured(page.get("baseline_us")) and
                  measured(page.get("owner_authenticated_us")) and
                  page.get("ratio_p50_per_mille", 0) > 0 and page.get("rows", 0) > 0):
            bad.append(f"{p}: {page}")
print(("ok" if not bad else "not ok") + " 7 - authenticated page loads and their baseline on both paths" +
      (f": {bad}" if bad else ""))
PY
