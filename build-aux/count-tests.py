#!/usr/bin/env python3
# count-tests.py: count test cases (TAP subtests) across meson test logs.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# meson's summary counts programs; CI wants cases.  Reads one or more
# meson-logs/testlog.json files and prints "N passed, N failed, N skipped".
# A crashed program counts as at least one failure; a skip counts as a failure
# when ORGDESK_TEST_REQUIRE_SERVICES=1 (every service was started, so a skip
# hides a gap).  Exit status 1 if anything failed or nothing ran.

import json
import os
import re
import sys

TAP_LINE = re.compile(r'^(not )?ok\b')


def count(path):
    passed = failed = skipped = 0
    for line in open(path, encoding='utf-8'):
        record = json.loads(line)
        tap = [l for l in (record.get('stdout') or '').splitlines() if TAP_LINE.match(l)]
        ok = sum(l.startswith('ok') and '# SKIP' not in l.upper() for l in tap)
        skip = sum('# SKIP' in l.upper() for l in tap)
        bad = sum(l.startswith('not ok') and '# TODO' not in l.upper() for l in tap)
        result = record['result']
        if not tap:
            ok, skip, bad = int(result in ('OK', 'EXPECTEDFAIL')), int(result == 'SKIP'), 0
        if result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and bad == 0:
            bad = 1  # crashed, timed out or bailed out
        if bad:
            print(f'FAILED: {record["name"]} ({result})', file=sys.stderr)
        passed, failed, skipped = passed + ok, failed + bad, skipped + skip
    return passed, failed, skipped


def main():
    totals = [0, 0, 0]
    for path in sys.argv[1:]:
        if not os.path.exists(path):
            print(f'missing test log: {path}', file=sys.stderr)
            totals[1] += 1
            continue
        for i, n in enumerate(count(path)):
            totals[i] += n
    passed, failed, skipped = totals
    if os.environ.get('ORGDESK_TEST_REQUIRE_SERVICES') == '1':
        failed, skipped = failed + skipped, 0
    print(f'{passed} passed, {failed} failed' + (f', {skipped} skipped' if skipped else ''))
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
