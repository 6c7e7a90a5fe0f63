#!/bin/bash
# with-services.sh: run a command with every service Orgdesk's tests use.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/with-services.sh COMMAND [ARG...]
#
# Starts, in a throwaway HOME under /tmp:
#   - the Logto stand-in (oidc-provider, kernel-chosen port, test hooks on);
#   - a D-Bus session with an unlocked gnome-keyring (tests/keyring-session.sh);
#   - Xvfb (xvfb-run);
#   - headless Chromium registered as the desktop's default browser for http(s),
#     so the app's own GIO call opens it (tests/browser/sign-in-driver.mjs);
#   - a throwaway PostgreSQL cluster (build-aux/postgres-cluster.sh:
#     kernel-chosen port on 127.0.0.1 with scram-sha-256 and random passwords,
#     plus a unix socket for the superuser), with roles orgdesk_owner and
#     orgdesk_app, a database orgdesk owned by orgdesk_owner, and pgTAP.  The
#     schema is not applied here: tests that need it run `orgdesk-admin
#     migrate` (idempotent) from their build;
#   - PgBouncer in front of that cluster's database orgdesk
#     (build-aux/pgbouncer.sh: transaction pooling, two server connections per
#     role, no reset query, kernel-chosen port on 127.0.0.1, scram-sha-256).
# and exports for the tests:
#   ORGDESK_TEST_LOGTO_ENDPOINT    the stand-in's endpoint (issuer is <endpoint>/oidc)
#   ORGDESK_TEST_SERVICES_DIR      the throwaway directory (logs, browser profiles)
#   ORGDESK_TEST_SCREENSHOT_DIR    where screenshots go (kept if set by the caller)
#   ORGDESK_TEST_DATABASE_URI            orgdesk as orgdesk_app over TCP (password inside)
#   ORGDESK_TEST_DATABASE_OWNER_URI      orgdesk as orgdesk_owner over TCP (password inside)
#   ORGDESK_TEST_DATABASE_SUPERUSER_URI  orgdesk as postgres over the unix socket
#   ORGDESK_TEST_PGHOST, ORGDESK_TEST_PGPORT  the socket directory and the port
#   ORGDESK_TEST_PGBOUNCER_URI           orgdesk as orgdesk_app through PgBouncer (password inside)
#   ORGDESK_TEST_PGBOUNCER_OWNER_URI     orgdesk as orgdesk_owner through PgBouncer (password inside)
#   ORGDESK_TEST_PGBOUNCER_PORT          PgBouncer's port on 127.0.0.1
# Everything is stopped on exit.  Set ORGDESK_TEST_KEEP=1 to keep the directory.

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/orgdesk-services.XXXXXX)
chmod 755 "$work"
logto_pid=
pg_dir=

cleanup ()
{
  local rc=$?
  if [ -n "$pg_dir" ]; then
    "$srcdir/build-aux/pgbouncer.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    "$srcdir/build-aux/postgres-cluster.sh" stop "$pg_dir" immediate >/dev/null 2>&1 || true
  fi
  if [ -n "$logto_pid" ]; then
    kill "$logto_pid" 2>/dev/null || true
    wait "$logto_pid" 2>/dev/null || true
  fi
  if [ "${ORGDESK_TEST_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "with-services: logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A HOME of our own: the keyring, GSettings keyfiles, the browser association.
export HOME=$work/home
export XDG_CONFIG_HOME=$HOME/.config
export XDG_DATA_HOME=$HOME/.local/share
export XDG_CACHE_HOME=$HOME/.cache
export XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME/applications" "$XDG_CACHE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"

cat > "$XDG_DATA_HOME/applications/orgdesk-test-browser.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Orgdesk Test Browser
Exec=node $srcdir/tests/browser/sign-in-driver.mjs %u
MimeType=x-scheme-handler/http;x-scheme-handler/https;
NoDisplay=true
DESKTOP
cat > "$XDG_CONFIG_HOME/mimeapps.list" <<MIMEAPPS
[Default Applications]
x-scheme-handler/http=orgdesk-test-browser.desktop
x-scheme-handler/https=orgdesk-test-browser.desktop
MIMEAPPS

export ORGDESK_TEST_SERVICES_DIR=$work
export ORGDESK_TEST_SCREENSHOT_DIR=${ORGDESK_TEST_SCREENSHOT_DIR:-$work/screenshots}
export ORGDESK_TEST_BROWSER_LOG=$work/browser.log
mkdir -p "$ORGDESK_TEST_SCREENSHOT_DIR"

# PostgreSQL: one implementation for the tests and build-aux/run-local.sh.  As
# root the cluster's directory belongs to postgres, so $work is 0755.  The
# passwords are random per run and kept in its cluster.env (0600, never printed).
start_postgres ()
{
  local ORGDESK_PG_PORT ORGDESK_PG_SOCKET_DIR ORGDESK_DATABASE_URI
  local ORGDESK_DATABASE_OWNER_URI ORGDESK_DATABASE_SUPERUSER_URI
  local ORGDESK_PGBOUNCER_PORT ORGDESK_PGBOUNCER_URI ORGDESK_PGBOUNCER_OWNER_URI

  pg_dir=$work/postgres
  "$srcdir/build-aux/postgres-cluster.sh" start --with-pgtap "$pg_dir"
  # shellcheck source=/dev/null
  . "$pg_dir/cluster.env"
  export ORGDESK_TEST_PGHOST=$ORGDESK_PG_SOCKET_DIR ORGDESK_TEST_PGPORT=$ORGDESK_PG_PORT
  export ORGDESK_TEST_DATABASE_URI=$ORGDESK_DATABASE_URI
  export ORGDESK_TEST_DATABASE_OWNER_URI=$ORGDESK_DATABASE_OWNER_URI
  export ORGDESK_TEST_DATABASE_SUPERUSER_URI=$ORGDESK_DATABASE_SUPERUSER_URI

  # Returns once a query through it has been answered.
  "$srcdir/build-aux/pgbouncer.sh" start "$pg_dir"
  # shellcheck source=/dev/null
  . "$pg_dir/pgbouncer.env"
  export ORGDESK_TEST_PGBOUNCER_URI=$ORGDESK_PGBOUNCER_URI
  export ORGDESK_TEST_PGBOUNCER_OWNER_URI=$ORGDESK_PGBOUNCER_OWNER_URI
  export ORGDESK_TEST_PGBOUNCER_PORT=$ORGDESK_PGBOUNCER_PORT
}

node "$srcdir/tests/logto-stand-in/server.mjs" --test-hooks --ready-file "$work/logto.json" \
  > "$work/logto.log" 2>&1 &
logto_pid=$!

# While the stand-in starts.
start_postgres

for _ in $(seq 1 200); do
  [ -s "$work/logto.json" ] && break
  if ! kill -0 "$logto_pid" 2>/dev/null; then
    echo "with-services: the Logto stand-in exited:" >&2
    cat "$work/logto.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$work/logto.json" ] || { echo "with-services: the Logto stand-in did not start in 20 s" >&2; exit 1; }

ORGDESK_TEST_LOGTO_ENDPOINT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoint"])' "$work/logto.json")
export ORGDESK_TEST_LOGTO_ENDPOINT

dbus-run-session -- "$srcdir/tests/keyring-session.sh" \
  xvfb-run -a -s '-screen 0 1280x800x24' "$@"
