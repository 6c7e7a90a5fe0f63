#!/bin/bash
# via-pgbouncer.sh: runs a database test program with the app role's connection
# going through the PgBouncer of tests/with-services.sh.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from meson): via-pgbouncer.sh PROGRAM [ARG...]
#
# Runs PROGRAM with ORGDESK_TEST_DATABASE_URI set to ORGDESK_TEST_PGBOUNCER_URI,
# which with-services.sh exports only at run time (meson's test environments are
# fixed when it configures).  The owner's and the superuser's connections (the
# migrations, the tests' own checks) stay direct.  Without PgBouncer it prints a
# TAP skip, or a failure where every service must be there (CI).

set -uo pipefail

if [ -z "${ORGDESK_TEST_PGBOUNCER_URI:-}" ]; then
  if [ -n "${CI:-}" ] || [ "${ORGDESK_TEST_REQUIRE_SERVICES:-0}" = 1 ]; then
    echo "1..1"
    echo "not ok 1 - ORGDESK_TEST_PGBOUNCER_URI is not set; CI must start every service"
    exit 1
  fi
  echo "1..0 # SKIP ORGDESK_TEST_PGBOUNCER_URI is not set (run through tests/with-services.sh)"
  exit 0
fi

export ORGDESK_TEST_DATABASE_URI=$ORGDESK_TEST_PGBOUNCER_URI

case " $* " in
  *" -p "*)
    # GLib 2.74 prints a TAP plan after the cases of each -p path, and TAP allows
    # one: only the last is kept.  The status is the program's (pipefail).
    "$@" | awk '/^1\.\.[0-9]+$/ { plan = $0; next } { print; fflush () } END { if (plan != "") print plan }'
    ;;
  *) exec "$@" ;;
esac
