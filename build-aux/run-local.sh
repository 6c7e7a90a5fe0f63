#!/bin/bash
# run-local.sh: build Orgdesk's development flavour and run it against a local
# Logto stand-in, in your own desktop session (your browser, your keyring).
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/run-local.sh [ORGDESK-OPTION...]
#
#   1. installs what is needed (build-aux/setup-debian.sh, with sudo unless
#      root), again only when that script or tests/package-lock.json changed;
#   2. builds _build-local with -Ddevelopment=true (app id
#      io.github.orgdesk.Orgdesk.Devel, its own settings and keyring items);
#   3. starts the Logto stand-in (tests/logto-stand-in) on 127.0.0.1, on the
#      port the kernel chose the first time if it is still free;
#   4. starts a throwaway PostgreSQL cluster (build-aux/postgres-cluster.sh,
#      in a directory under /tmp, port chosen by the kernel, random passwords,
#      this build's orgdesk_auth extension preloaded), applies the schema, has
#      the database trust the stand-in's tokens and seeds demo posts for its
#      organizations (build-aux/setup-database.sh: orgdesk-admin migrate,
#      config set, jwks sync, seed), and puts PgBouncer in front of it
#      (build-aux/pgbouncer.sh: transaction pooling, as deployed), and starts
#      orgdesk-provisioner with the stand-in's machine-to-machine app, so a user
#      with no organization (carol) gets one at her first sign-in;
#   5. sets the Devel app's logto-endpoint and database-uri to them (never the
#      stable app's settings; the app's role through PgBouncer) and runs
#      _build-local/src/orgdesk;
#   6. stops the stand-in, the provisioner, PgBouncer and the cluster (deleting it) when the app
#      exits or on Ctrl+C.
#
# Environment:
#   ORGDESK_SKIP_SETUP=1     never run setup-debian.sh
#   ORGDESK_RUN_HEADLESS=1   without DISPLAY/WAYLAND_DISPLAY, run the app under
#                            xvfb-run (and dbus-run-session if there is no bus)
#   ORGDESK_LOCAL_DIRECT=1   connect the app straight to PostgreSQL, without
#                            PgBouncer
#   ORGDESK_LOCAL_BIG_ORGANIZATION=1
#                            also give Acme Corporation 1,000,000 posts (about
#                            20 s more), to try paging and search at scale

set -euo pipefail

me=run-local.sh
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"

build=_build-local
app_id=io.github.orgdesk.Orgdesk.Devel
headless=0

say () { printf '%s: %s\n' "$me" "$*" >&2; }

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if [ "${ORGDESK_RUN_HEADLESS:-0}" != 1 ]; then
    say "no display: neither DISPLAY nor WAYLAND_DISPLAY is set."
    say "Run this from a terminal in your desktop session, or set ORGDESK_RUN_HEADLESS=1"
    say "to run the app on a virtual X server (xvfb-run), e.g. for screenshots."
    exit 1
  fi
  headless=1
fi

# 1. Dependencies: only when never done for this build or when what they come
#    from changed (apt and npm take a while even when nothing is missing).
stamp=$build/.setup-stamp
want_stamp=$(cat build-aux/setup-debian.sh tests/package-lock.json | sha256sum | cut -d' ' -f1)
if [ "${ORGDESK_SKIP_SETUP:-0}" != 1 ] &&
   { [ "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ] || [ ! -d tests/node_modules/oidc-provider ]; }; then
  say "installing dependencies (build-aux/setup-debian.sh)…"
  build-aux/setup-debian.sh
  mkdir -p "$build"
  echo "$want_stamp" > "$stamp"
fi

# 2. The development build.
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Ddevelopment=true
fi
meson compile -C "$build"

if ! grep -q "\"$app_id\"" "$build/config.h"; then
  say "$build is not a development build; remove it and run me again"
  exit 1
fi

# The app is single-instance: a second copy would only raise the running one,
# which talks to a stand-in that is about to be replaced.
if gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
     --method org.freedesktop.DBus.NameHasOwner "$app_id" 2>/dev/null | grep -q true; then
  say "Orgdesk (Devel) is already running; quit it (Ctrl+Q) and run me again"
  exit 1
fi

# 3. The Logto stand-in.  As root, the PostgreSQL cluster in $work belongs to
#    the postgres user, who must be able to reach it: hence /tmp and 0755.
if [ "$(id -u)" = 0 ]; then
  work=$(mktemp -d /tmp/orgdesk-local.XXXXXX)
  chmod 755 "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/orgdesk-local.XXXXXX")
fi
logto_pid=
provisioner_pid=
pg_dir=
pgbouncer_started=0
database_uri_set=0

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup ()
{
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$provisioner_pid" ]; then
    kill "$provisioner_pid" 2>/dev/null || true
    wait "$provisioner_pid" 2>/dev/null || true
    say "stopped orgdesk-provisioner"
  fi
  if [ -n "$logto_pid" ]; then
    kill "$logto_pid" 2>/dev/null || true
    wait "$logto_pid" 2>/dev/null || true
    say "stopped the Logto stand-in"
  fi
  if [ "$pgbouncer_started" = 1 ]; then
    build-aux/pgbouncer.sh stop "$pg_dir" || true
    say "stopped PgBouncer"
  fi
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    build-aux/postgres-cluster.sh stop "$pg_dir" fast || true
    say "stopped PostgreSQL"
  fi
  # The cluster is gone: leave no password of it in the settings.
  if [ "$database_uri_set" = 1 ]; then
    gsettings reset "$app_id" database-uri 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

start_stand_in ()
{
  local port=$1
  rm -f "$work/logto.json"
  node tests/logto-stand-in/server.mjs --port "$port" --ready-file "$work/logto.json" \
    > "$build/logto-stand-in.log" 2>&1 &
  logto_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$work/logto.json" ] && return 0
    if ! kill -0 "$logto_pid" 2>/dev/null; then
      wait "$logto_pid" 2>/dev/null || true
      logto_pid=
      return 1
    fi
    sleep 0.1
  done
  say "the Logto stand-in did not start within 30 s; see $build/logto-stand-in.log"
  exit 1
}

# The kernel picks the port the first time; later runs ask for the same one, so
# the endpoint (and with it the app's keyring item) stays the same.
port_file=$build/logto-stand-in.port
last_port=$(cat "$port_file" 2>/dev/null || true)
case $last_port in *[!0-9]* | '') last_port=0 ;; esac
if ! start_stand_in "$last_port"; then
  if [ "$last_port" = 0 ] || ! start_stand_in 0; then
    say "the Logto stand-in did not start:"
    cat "$build/logto-stand-in.log" >&2
    exit 1
  fi
fi
endpoint=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["endpoint"])' "$work/logto.json")
echo "${endpoint##*:}" > "$port_file"

# 4. A throwaway PostgreSQL cluster with the schema and demo data.
say "starting PostgreSQL, applying the schema and adding demo posts…"
pg_dir=$work/postgres
# With the orgdesk_auth extension of this build preloaded: the schema needs it.
ORGDESK_AUTH_MODULE=$PWD/$build/src/server/orgdesk-auth/orgdesk_auth.so \
  build-aux/postgres-cluster.sh start "$pg_dir"
# ORGDESK_PG_PORT, ORGDESK_DATABASE_URI (the app's role), …_OWNER_URI, …
# shellcheck source=/dev/null
. "$pg_dir/cluster.env"
admin=$build/src/server/orgdesk-admin
if ! build-aux/setup-database.sh "$admin" "$ORGDESK_DATABASE_OWNER_URI" "$endpoint" \
       > "$build/postgres-setup.log" 2>&1; then
  say "setting up the database failed:"
  cat "$build/postgres-setup.log" >&2
  exit 1
fi
if [ "${ORGDESK_LOCAL_BIG_ORGANIZATION:-0}" = 1 ]; then
  say "ORGDESK_LOCAL_BIG_ORGANIZATION=1: adding 1,000,000 posts to Acme Corporation (about 20 s)…"
  "$admin" seed --database "$ORGDESK_DATABASE_OWNER_URI" \
    --organization i65bwzbgujz5kyen4maur --posts 1000000
fi
# The app's role goes through PgBouncer in transaction pooling mode, as in a
# deployment; the owner (migrate, seed, psql) goes straight to PostgreSQL.
app_database_uri=$ORGDESK_DATABASE_URI
app_database_port=$ORGDESK_PG_PORT
app_database_via="straight to PostgreSQL (ORGDESK_LOCAL_DIRECT=1)"
if [ "${ORGDESK_LOCAL_DIRECT:-0}" != 1 ]; then
  pgbouncer_started=1
  build-aux/pgbouncer.sh start "$pg_dir"
  # ORGDESK_PGBOUNCER_PORT, ORGDESK_PGBOUNCER_URI (the app's role)
  # shellcheck source=/dev/null
  . "$pg_dir/pgbouncer.env"
  app_database_uri=$ORGDESK_PGBOUNCER_URI
  app_database_port=$ORGDESK_PGBOUNCER_PORT
  app_database_via="through PgBouncer (transaction pooling; PostgreSQL itself on port $ORGDESK_PG_PORT)"
fi

# The provisioner makes a default organization for a user who has none, at the
# stand-in's Management API, as its machine-to-machine app (tests/logto-stand-in
# fixtures.json; a throwaway secret of the stand-in, kept in a file only we read).
m2m_id=$(node -e 'const f=require(process.argv[1]); process.stdout.write(f.machine_to_machine_applications[0].client_id)' \
  "$srcdir/tests/logto-stand-in/fixtures.json")
(umask 077; node -e 'const f=require(process.argv[1]); process.stdout.write(f.machine_to_machine_applications[0].client_secret)' \
  "$srcdir/tests/logto-stand-in/fixtures.json" > "$work/provisioner-secret")
"$build/src/server/orgdesk-provisioner" --database "$ORGDESK_DATABASE_OWNER_URI" --endpoint "$endpoint" \
  --client-id "$m2m_id" --client-secret-file "$work/provisioner-secret" \
  > "$build/provisioner.log" 2>&1 &
provisioner_pid=$!

# 5. Point the Devel app at them.  Its schema lives in the build directory; with no
#    working dconf, gsettings would keep the value in memory only, so then both
#    gsettings and the app use the keyfile backend (~/.config/glib-2.0/settings).
export GSETTINGS_SCHEMA_DIR=$srcdir/$build/data
gsettings_check=$(gsettings set $app_id logto-endpoint "'$endpoint'" 2>&1 &&
                  gsettings get $app_id logto-endpoint 2>&1) || true
if [ "$(printf '%s\n' "$gsettings_check" | tail -n 1)" != "'$endpoint'" ] ||
   printf '%s' "$gsettings_check" | grep -qi "memory"; then
  export GSETTINGS_BACKEND=keyfile
  gsettings set $app_id logto-endpoint "'$endpoint'"
  say "no working dconf here: using GSETTINGS_BACKEND=keyfile"
fi
# The app's role with its password: fine for a cluster that lives as long as
# this script (the settings are reset when it stops).
database_uri_set=1
gsettings set $app_id database-uri "'$app_database_uri'"

cat <<EOF

  Logto stand-in: $endpoint   (log: $build/logto-stand-in.log)
  PostgreSQL:     postgresql://orgdesk_app@127.0.0.1:$app_database_port/orgdesk   (log: $build/postgres-setup.log)
  Provisioner:    orgdesk-provisioner, making default organizations   (log: $build/provisioner.log)
                  $app_database_via;
                  a throwaway cluster with demo posts, deleted when you quit; to look
                  inside: psql '$ORGDESK_DATABASE_SUPERUSER_URI'

  Sign in as (username / password):
    alice / alice-password   two organizations (admin of Acme Corporation, member of Globex)
    bob   / bob-password     one organization (member of Initech)
    carol / carol-password   no organization: Orgdesk sets up "Carol Example's organization"
    dave  / dave-password    60 organizations (try the selector's search)

  The stand-in keeps everything in memory. A session Orgdesk kept in the keyring
  from an earlier run is unknown to this one, so Orgdesk says that your session
  has ended: sign in again.

  Starting Orgdesk (Devel). Quit it (Ctrl+Q) or press Ctrl+C here to stop.

EOF

# 6. The app, in the foreground.
app=("$srcdir/$build/src/orgdesk" "$@")
rc=0
if [ $headless = 1 ]; then
  say "ORGDESK_RUN_HEADLESS=1: running on a virtual X server (xvfb-run)"
  # No GL and no accessibility bus there; libadwaita need not ask a portal.
  export GSK_RENDERER=${GSK_RENDERER:-cairo} ADW_DISABLE_PORTAL=1 GTK_A11Y=none NO_AT_BRIDGE=1
  if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    xvfb-run -a -s '-screen 0 1280x800x24' "${app[@]}" || rc=$?
  else
    dbus-run-session -- xvfb-run -a -s '-screen 0 1280x800x24' "${app[@]}" || rc=$?
  fi
else
  "${app[@]}" || rc=$?
fi
exit $rc
