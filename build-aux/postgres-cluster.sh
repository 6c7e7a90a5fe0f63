#!/bin/bash
# postgres-cluster.sh: a throwaway PostgreSQL cluster for Orgdesk (tests, local runs).
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/postgres-cluster.sh start [--with-pgtap] DIR
#        build-aux/postgres-cluster.sh stop DIR [fast|immediate]
#
# start creates DIR (it must not exist yet; mode 0700) and in it a cluster
# (DIR/data; logs DIR/*.log): UTF-8, locale C.UTF-8, fsync off, listening on
# 127.0.0.1 on a port the kernel picks (tried up to 3 times, in case another
# process takes it first) with scram-sha-256 passwords, and on a unix socket in
# DIR that trusts local connections (only the cluster's owner and root can
# reach it).  It creates the roles orgdesk_owner and orgdesk_app (LOGIN
# NOBYPASSRLS) with random passwords, sent to psql on stdin so they never show
# in a process list, and the database orgdesk owned by orgdesk_owner; with
# --with-pgtap also the pgtap extension in it.  The schema is not applied:
# run `orgdesk-admin migrate` for that.
#
# As root, DIR belongs to the postgres user (initdb refuses to run as root) and
# every PostgreSQL command runs through `runuser -u postgres --`, so DIR's
# parent directories must be traversable by postgres (e.g. a 0755 directory in
# /tmp).  As any other user, the cluster is that user's.
#
# It writes DIR/cluster.env (mode 0600), shell assignments for callers to source:
#   ORGDESK_PG_PORT                  the TCP port on 127.0.0.1
#   ORGDESK_PG_SOCKET_DIR            DIR, where the unix socket is
#   ORGDESK_DATABASE_URI             orgdesk as orgdesk_app over TCP (password inside)
#   ORGDESK_DATABASE_OWNER_URI       orgdesk as orgdesk_owner over TCP (password inside)
#   ORGDESK_DATABASE_SUPERUSER_URI   orgdesk as postgres over the unix socket
# It prints nothing on success and never a password; on failure it shows the
# log of the step that failed.
#
# stop stops the cluster in DIR, if it runs (default mode fast; immediate skips
# the shutdown checkpoint, for a cluster about to be deleted).  It leaves DIR.
#
# The server loads the orgdesk_auth extension (shared_preload_libraries), so
# that migrations can CREATE EXTENSION it: ORGDESK_AUTH_MODULE names a built
# orgdesk_auth.so (e.g. _build/src/server/orgdesk-auth/orgdesk_auth.so; built
# without sanitizers, since the server is not).  As PostgreSQL finds
# extensions only in its own directories, the cluster then runs from a copy of
# the server's binaries in DIR/install whose lib/ and share/ link to the
# system's, plus the module, its control file and its script (no root needed,
# nothing installed system-wide).  Without ORGDESK_AUTH_MODULE an installed
# orgdesk_auth (meson install) is used; with neither, the server runs without
# it (a warning says so).
#
# Environment: ORGDESK_PG_BIN, the directory of initdb and pg_ctl (default:
# the newest /usr/lib/postgresql/*/bin, else the one on PATH);
# ORGDESK_AUTH_MODULE as above.

set -euo pipefail

me=postgres-cluster.sh
srcdir=$(cd "$(dirname "$0")/.." && pwd)

die () { printf '%s: %s\n' "$me" "$*" >&2; exit 1; }

usage ()
{
  cat >&2 <<EOF
usage: $me start [--with-pgtap] DIR
       $me stop DIR [fast|immediate]
EOF
  exit 2
}

find_pg_bin ()
{
  local dir
  if [ -n "${ORGDESK_PG_BIN:-}" ]; then
    pg_bin=$ORGDESK_PG_BIN
  else
    pg_bin=
    for dir in /usr/lib/postgresql/*/bin; do
      [ -x "$dir/initdb" ] || continue
      if [ -z "$pg_bin" ] || [ "${dir//[!0-9]/}" -gt "${pg_bin//[!0-9]/}" ]; then
        pg_bin=$dir
      fi
    done
    if [ -z "$pg_bin" ]; then
      dir=$(command -v initdb) || die "no initdb: install PostgreSQL (build-aux/setup-debian.sh) or set ORGDESK_PG_BIN"
      pg_bin=$(dirname "$dir")
    fi
  fi
  if [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
    die "no initdb and pg_ctl in $pg_bin"
  fi
}

# Runs a PostgreSQL command as the cluster's owner.
if [ "$(id -u)" = 0 ]; then
  as_owner () { runuser -u postgres -- "$@"; }
else
  as_owner () { "$@"; }
fi

# Makes DIR/install: PostgreSQL resolves its share and lib directories
# relative to its own binary (Debian: <prefix>/lib/postgresql/N/bin next to
# <prefix>/share/postgresql/N), so binaries copied into the same layout under
# DIR find the links and our extension there.
make_install_tree ()
{
  local dir=$1 module=$2 version tree sharedir libdir entry
  local auth_dir=$srcdir/src/server/orgdesk-auth

  [ -f "$module" ] || die "ORGDESK_AUTH_MODULE=$module: no such file (build orgdesk_auth first)"
  version=$(basename "$(dirname "$pg_bin")")
  libdir=$(dirname "$pg_bin")/lib
  sharedir=$("$pg_bin/pg_config" --sharedir 2>/dev/null || pg_config --sharedir)
  tree=$dir/install

  mkdir -p "$tree/lib/postgresql/$version/bin" "$tree/lib/postgresql/$version/lib" \
           "$tree/share/postgresql/$version/extension"
  cp "$pg_bin/postgres" "$pg_bin/initdb" "$pg_bin/pg_ctl" "$tree/lib/postgresql/$version/bin/"
  for entry in "$libdir"/*; do
    ln -s "$entry" "$tree/lib/postgresql/$version/lib/"
  done
  for entry in "$sharedir"/*; do
    [ "$(basename "$entry")" = extension ] || ln -s "$entry" "$tree/share/postgresql/$version/"
  done
  for entry in "$sharedir"/extension/*; do
    ln -s "$entry" "$tree/share/postgresql/$version/extension/"
  done
  cp "$module" "$tree/lib/postgresql/$version/lib/orgdesk_auth.so"
  cp "$auth_dir/orgdesk_auth.control" "$auth_dir"/orgdesk_auth--*.sql \
     "$tree/share/postgresql/$version/extension/"
  chmod -R a+rX "$tree"
  pg_bin=$tree/lib/postgresql/$version/bin
}

random_password ()
{
  od -An -N24 -tx1 /dev/urandom | tr -d ' \n'
}

free_port ()
{
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Prints a log file to stderr with the passwords, should they be in it, blanked.
show_log ()
{
  local text
  text=$(cat "$1" 2>/dev/null || true)
  [ -z "$owner_password" ] || text=${text//"$owner_password"/[password]}
  [ -z "$app_password" ] || text=${text//"$app_password"/[password]}
  printf '%s\n' "$text" >&2
}

owner_password=
app_password=

start ()
{
  local dir=$1 with_pgtap=$2 port attempt parent preload

  case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
  # It goes into URIs, server options and cluster.env as it is.
  case $dir in *[!A-Za-z0-9/._-]*) die "$dir: only letters, digits and / . _ - please" ;; esac
  [ ! -e "$dir" ] || die "$dir exists already; give a directory for me to create"
  # A unix socket's path has at most 107 bytes.
  [ ${#dir} -le 94 ] || die "$dir is too long a path for a unix socket in it (at most 94 characters)"
  parent=$(dirname "$dir")
  [ -d "$parent" ] || die "no directory $parent"
  find_pg_bin

  mkdir -m 700 "$dir"
  preload=orgdesk_auth
  if [ -n "${ORGDESK_AUTH_MODULE:-}" ]; then
    make_install_tree "$dir" "$ORGDESK_AUTH_MODULE"
  elif [ ! -f "$("$pg_bin/pg_config" --sharedir 2>/dev/null || pg_config --sharedir)/extension/orgdesk_auth.control" ]; then
    # The schema does not need it yet; the app role is not confined then.
    printf '%s: orgdesk_auth is neither given (ORGDESK_AUTH_MODULE) nor installed: the server runs without it\n' "$me" >&2
    preload=
  fi
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "the postgres user cannot reach $dir: make its parent directories traversable (chmod 755 $parent)"
  fi

  as_owner "$pg_bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync --no-instructions \
    > "$dir/initdb.log" 2>&1 ||
    { printf '%s: initdb failed:\n' "$me" >&2; show_log "$dir/initdb.log"; exit 1; }

  # The kernel picks the port; another process may take it before the server
  # binds it, so try again with a new one.
  port=
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_preload_libraries=$preload" \
         start > /dev/null; then
      break
    fi
    port=
    printf '%s: PostgreSQL did not start (attempt %s)\n' "$me" "$attempt" >&2
  done
  [ -n "$port" ] || { show_log "$dir/server.log"; exit 1; }

  owner_password=$(random_password)
  app_password=$(random_password)

  # Through stdin, so the passwords never show in a process list; a failing
  # statement is not copied into the server log with them.
  {
    cat <<SQL
SET log_min_error_statement = panic;
CREATE ROLE orgdesk_owner LOGIN PASSWORD '$owner_password';
CREATE ROLE orgdesk_app LOGIN NOBYPASSRLS PASSWORD '$app_password';
CREATE DATABASE orgdesk OWNER orgdesk_owner;
SQL
    if [ "$with_pgtap" = 1 ]; then
      printf '%s\n' '\c orgdesk' 'CREATE EXTENSION pgtap;'
    fi
  } | as_owner psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
        > "$dir/setup.log" 2>&1 ||
    { printf '%s: setting up the roles and the database failed:\n' "$me" >&2; show_log "$dir/setup.log"
      as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
      exit 1; }

  (umask 077
   {
     printf "ORGDESK_PG_PORT='%s'\n" "$port"
     printf "ORGDESK_PG_SOCKET_DIR='%s'\n" "$dir"
     printf "ORGDESK_DATABASE_URI='%s'\n" "postgresql://orgdesk_app:$app_password@127.0.0.1:$port/orgdesk"
     printf "ORGDESK_DATABASE_OWNER_URI='%s'\n" "postgresql://orgdesk_owner:$owner_password@127.0.0.1:$port/orgdesk"
     printf "ORGDESK_DATABASE_SUPERUSER_URI='%s'\n" "postgresql://postgres@/orgdesk?host=$dir&port=$port"
   } > "$dir/cluster.env")
}

stop ()
{
  local dir=$1 mode=$2
  [ -f "$dir/data/postmaster.pid" ] || return 0
  find_pg_bin
  as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop > /dev/null
}

[ $# -ge 1 ] || usage
command=$1
shift
case $command in
  start)
    with_pgtap=0
    dir=
    for arg; do
      case $arg in
        --with-pgtap) with_pgtap=1 ;;
        -*) usage ;;
        *) [ -z "$dir" ] || usage; dir=$arg ;;
      esac
    done
    [ -n "$dir" ] || usage
    start "$dir" "$with_pgtap"
    ;;
  stop)
    if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
    case ${2:-fast} in fast | immediate) ;; *) usage ;; esac
    stop "$1" "${2:-fast}"
    ;;
  *) usage ;;
esac
