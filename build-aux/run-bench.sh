#!/bin/bash
# run-bench.sh: build orgdesk-bench in release mode and run it against a local
# PostgreSQL seeded with three organizations of 1,000, 100,000 and 1,000,000 posts.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/run-bench.sh [--quick] [ORGDESK-BENCH-OPTION...]
#
#   1. builds _build-bench (--buildtype=release);
#   2. under tests/with-services.sh (Logto stand-in, throwaway PostgreSQL
#      that preloads the orgdesk_auth extension of that build, PgBouncer,
#      keyring, Xvfb, headless browser): applies the schema (orgdesk-admin
#      migrate), tells the extension which tokens to accept (orgdesk-admin
#      config set: the stand-in's issuer, the database API resource; jwks sync:
#      the stand-in's keys) and seeds the first three organizations of the
#      stand-in's user dave (orgdesk-admin seed; the 1,000,000 posts take
#      about 20 s);
#   3. runs orgdesk-bench, which signs in as dave and prints a table and a last
#      line of JSON; the output is also kept in <build>/bench-last.txt.
#
# --quick seeds 1,000 / 10,000 / 100,000 posts and takes fewer samples (for CI;
# the numbers are not comparable with a full run).  ORGDESK_BENCH_SIZES="A B C"
# overrides the sizes; ORGDESK_BENCH_BUILDDIR another build directory (e.g. one
# set up with -Db_sanitize=address,undefined; it is switched to release if it
# is not).  Assumes build-aux/setup-debian.sh has run.

set -euo pipefail

me=run-bench.sh
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${ORGDESK_BENCH_BUILDDIR:-$srcdir/_build-bench}

say () { printf '%s: %s\n' "$me" "$*" >&2; }

# dave's first three organizations in the stand-in's fixture.
bench_organizations () {
  python3 - "$srcdir/tests/logto-stand-in/fixtures.json" <<'PY'
import json, sys
users = json.load(open(sys.argv[1]))["users"]
dave = next(u for u in users if u["username"] == "dave")
print(" ".join(o["id"] for o in dave["organizations"][:3]))
PY
}

# Second stage, inside tests/with-services.sh: migrate, seed, measure.  The
# bench-smoke test runs this stage directly, with tiny sizes.
if [ "${1:-}" = --with-services ]; then
  shift
  : "${ORGDESK_BENCH_ORGANIZATIONS:=$(bench_organizations)}"
  read -r -a sizes <<< "$ORGDESK_BENCH_SIZES"
  read -r -a organizations <<< "$ORGDESK_BENCH_ORGANIZATIONS"
  admin=$build/src/server/orgdesk-admin

  say "migrating…"
  "$admin" migrate --database "$ORGDESK_TEST_DATABASE_OWNER_URI" \
    --migrations "$srcdir/src/server/migrations" >/dev/null

  # What orgdesk.authenticate() accepts: the tokens the stand-in issues for
  # the database API resource (the one orgdesk-bench asks for).
  say "configuring orgdesk_auth…"
  "$admin" config set issuer "$ORGDESK_TEST_LOGTO_ENDPOINT/oidc" \
    audience https://orgdesk.example.com/db \
    --database "$ORGDESK_TEST_DATABASE_OWNER_URI" >/dev/null
  "$admin" jwks sync --database "$ORGDESK_TEST_DATABASE_OWNER_URI" >/dev/null

  bench_args=()
  for i in "${!organizations[@]}"; do
    say "seeding ${organizations[$i]} with ${sizes[$i]} posts…"
    "$admin" seed --database "$ORGDESK_TEST_DATABASE_OWNER_URI" \
      --organization "${organizations[$i]}" --posts "${sizes[$i]}" >&2
    bench_args+=(--organization "${organizations[$i]}")
  done

  export ORGDESK_TEST_SRCDIR=$srcdir/tests
  export GSETTINGS_BACKEND=memory
  export GIO_USE_VFS=local
  say "running orgdesk-bench…"
  exec "$build/src/tools/orgdesk-bench" "${bench_args[@]}" "$@"
fi

cd "$srcdir"
build=$(realpath -m "$build")
export ORGDESK_BENCH_BUILDDIR=$build

quick=0
for arg in "$@"; do
  [ "$arg" = --quick ] && quick=1
done

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=release >&2
elif [ "$(meson introspect --buildoptions "$build" | python3 -c \
          'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))')" \
       != release ]; then
  meson configure "$build" --buildtype=release >&2
fi
ninja -C "$build" src/tools/orgdesk-bench src/server/orgdesk-admin \
  src/server/orgdesk-auth/orgdesk_auth.so >&2

# The cluster preloads this build's extension (build-aux/postgres-cluster.sh).
: "${ORGDESK_AUTH_MODULE:=$build/src/server/orgdesk-auth/orgdesk_auth.so}"
export ORGDESK_AUTH_MODULE

if [ -z "${ORGDESK_BENCH_SIZES:-}" ]; then
  if [ $quick = 1 ]; then
    ORGDESK_BENCH_SIZES="1000 10000 100000"
  else
    ORGDESK_BENCH_SIZES="1000 100000 1000000"
  fi
fi
export ORGDESK_BENCH_SIZES

ORGDESK_BENCH_ORGANIZATIONS=$(bench_organizations)
export ORGDESK_BENCH_ORGANIZATIONS

say "organizations: $ORGDESK_BENCH_ORGANIZATIONS (posts: $ORGDESK_BENCH_SIZES)"
tests/with-services.sh "$srcdir/build-aux/run-bench.sh" --with-services "$@" | tee "$build/bench-last.txt"
