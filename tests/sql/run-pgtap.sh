#!/bin/bash
# run-pgtap.sh: migrate the test database and run the pgTAP files as one TAP stream.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/sql/run-pgtap.sh ORGDESK-ADMIN MIGRATIONS-DIR [FILE.sql...]
#        (under tests/with-services.sh; through meson: meson test -C BUILD pgtap)
#
# Migrates the database of ORGDESK_TEST_DATABASE_OWNER_URI with orgdesk-admin
# (idempotent), then runs each pgTAP file (default: tests/sql/*.sql) with psql
# as the superuser and renumbers their assertions into one TAP stream, so meson
# counts every assertion.  A file that errors out or runs fewer assertions than
# it planned adds a failure.  Without the database it skips, or fails when CI
# or ORGDESK_TEST_REQUIRE_SERVICES=1 says every service was started.
#
# (For a human: pg_prove -d "$ORGDESK_TEST_DATABASE_SUPERUSER_URI" tests/sql/*.sql
# gives the same verdicts once migrated.)

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
admin=${1:?usage: run-pgtap.sh ORGDESK-ADMIN MIGRATIONS-DIR [FILE.sql...]}
migrations=${2:?usage: run-pgtap.sh ORGDESK-ADMIN MIGRATIONS-DIR [FILE.sql...]}
shift 2
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$here"/*.sql)

n=0

# Output of a command, as TAP comments.
diag ()
{
  local line
  while IFS= read -r line; do
    echo "# $line"
  done <<< "$1"
}

emit ()
{
  n=$((n + 1))
  echo "$1 $n - $2"
}

if [ -z "${ORGDESK_TEST_DATABASE_URI:-}" ]; then
  if [ -n "${CI:-}" ] || [ "${ORGDESK_TEST_REQUIRE_SERVICES:-0}" = 1 ]; then
    echo "1..1"
    echo "not ok 1 - ORGDESK_TEST_DATABASE_URI is not set; CI must start every service"
    exit 1
  fi
  echo "1..0 # SKIP ORGDESK_TEST_DATABASE_URI is not set (run through tests/with-services.sh)"
  exit 0
fi

if out=$("$admin" migrate --database "$ORGDESK_TEST_DATABASE_OWNER_URI" --migrations "$migrations" 2>&1); then
  emit ok "orgdesk-admin migrate"
  diag "$out"
else
  emit "not ok" "orgdesk-admin migrate"
  diag "$out"
  echo "Bail out! the schema could not be migrated"
  exit 1
fi

# One file: its own "ok N" lines renumbered, the rest as comments, then one
# failure if psql failed or the plan was not met.
run_file ()
{
  local file=$1 name planned=-1 ran=0 rc=0 output line
  name=$(basename "$file")

  output=$(psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$ORGDESK_TEST_DATABASE_SUPERUSER_URI" \
             -f "$file" 2>&1) || rc=$?

  while IFS= read -r line; do
    if [[ $line =~ ^1\.\.([0-9]+) ]]; then
      planned=${BASH_REMATCH[1]}
    elif [[ $line =~ ^(not\ ok|ok)\ [0-9]+(.*)$ ]]; then
      ran=$((ran + 1))
      n=$((n + 1))
      echo "${BASH_REMATCH[1]} $n${BASH_REMATCH[2]} [$name]"
    elif [ -n "$line" ]; then
      echo "# $line"
    fi
  done <<< "$output"

  if [ $rc -ne 0 ] || [ "$planned" -ne "$ran" ]; then
    emit "not ok" "$name: psql exit status $rc, planned $planned, ran $ran"
  fi
}

for file in "${files[@]}"; do
  run_file "$file"
done

echo "1..$n"
