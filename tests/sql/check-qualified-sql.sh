#!/bin/bash
# check-qualified-sql.sh: the app's SQL calls built-ins by their pg_catalog name (TAP).
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/sql/check-qualified-sql.sh SRC-DATA-DIR
#
# A function or type found through the search_path can be shadowed by one in
# a schema ahead of pg_catalog (tests/sql/search-path.sql shows how), so the
# SQL strings in src/data name each built-in function and cast type with
# pg_catalog.  This looks at string literals only, for the names the app uses.

set -uo pipefail

dir=${1:?usage: check-qualified-sql.sh SRC-DATA-DIR}
functions='lower|upper|strpos|count|to_char|now|set_config|current_setting|btrim|char_length|format'
types='text|uuid|timestamptz|int|int4|int8|integer|numeric|boolean|bool'

# Each string literal of the sources on a line of its own, with its file and line.
literals=$(grep -n -o '"\([^"\\]\|\\.\)*"' "$dir"/*.c "$dir"/*.h)

n=0
failed=0
check ()
{
  local description=$1 pattern=$2 found
  n=$((n + 1))
  found=$(grep -E "$pattern" <<< "$literals")
  if [ -z "$found" ]; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    while IFS= read -r line; do echo "#   $line"; done <<< "$found"
    failed=1
  fi
}

check "built-in functions in SQL strings are pg_catalog-qualified" \
      "(^|[^._a-z0-9])($functions) ?\\("
check "cast types in SQL strings are pg_catalog-qualified" \
      "::($types)([^._a-z0-9]|$)"
echo "1..$n"
exit $failed
