#!/bin/bash
# pgbouncer.sh: PgBouncer in transaction pooling mode in front of a throwaway
# PostgreSQL cluster of build-aux/postgres-cluster.sh (tests, local runs).
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/pgbouncer.sh start DIR
#        build-aux/pgbouncer.sh stop DIR
#
# DIR is the cluster's directory (postgres-cluster.sh start DIR, running).
# start puts PgBouncer in front of its database orgdesk, as deployments do:
#   - pool_mode = transaction: a client holds a server connection only for the
#     length of a transaction, and server_reset_query is empty, so whatever a
#     transaction leaves on its server connection (a session-level SET, a
#     named prepared statement) reaches the next client of that connection;
#   - default_pool_size = 2 per user (and max_client_conn = 50), so clients
#     really share server connections;
#   - on 127.0.0.1, on a port the kernel picks (tried up to 3 times, in case
#     another process takes it first), no unix socket;
#   - auth_type = scram-sha-256 for orgdesk_app and orgdesk_owner, with their
#     SCRAM verifiers read from pg_authid by the superuser over the unix socket
#     into DIR/pgbouncer-users.txt (mode 0600, the cluster owner's): PgBouncer
#     then logs in to PostgreSQL (over TCP, scram-sha-256) with the keys of the
#     client's own SCRAM exchange, and holds no password.
# Its files are DIR/pgbouncer.{ini,pid,log}.  It runs as the cluster's owner
# (as root: the postgres user, since PgBouncer refuses to run as root), and
# start returns once a query through it as orgdesk_app has been answered
# (`pgbouncer -d` may exit 0 without a daemon running).
#
# It writes DIR/pgbouncer.env (mode 0600), shell assignments to source:
#   ORGDESK_PGBOUNCER_PORT        the TCP port on 127.0.0.1
#   ORGDESK_PGBOUNCER_URI         orgdesk as orgdesk_app through PgBouncer (password inside)
#   ORGDESK_PGBOUNCER_OWNER_URI   orgdesk as orgdesk_owner through PgBouncer (password inside)
# It prints nothing on success and never a password or a verifier.
#
# stop stops that PgBouncer, if it runs, and leaves DIR.
#
# Environment: ORGDESK_PGBOUNCER, the pgbouncer program (default: pgbouncer on
# PATH, else /usr/sbin/pgbouncer).

set -euo pipefail

me=pgbouncer.sh

die () { printf '%s: %s\n' "$me" "$*" >&2; exit 1; }

usage ()
{
  cat >&2 <<EOF
usage: $me start DIR
       $me stop DIR
EOF
  exit 2
}

if [ "$(id -u)" = 0 ]; then
  as_owner () { runuser -u postgres -- "$@"; }
else
  as_owner () { "$@"; }
fi

find_pgbouncer ()
{
  pgbouncer=${ORGDESK_PGBOUNCER:-}
  if [ -z "$pgbouncer" ]; then
    pgbouncer=$(command -v pgbouncer || true)
    [ -n "$pgbouncer" ] || [ ! -x /usr/sbin/pgbouncer ] || pgbouncer=/usr/sbin/pgbouncer
  fi
  if [ -z "$pgbouncer" ] || [ ! -x "$pgbouncer" ]; then
    die "no pgbouncer: install it (build-aux/setup-debian.sh) or set ORGDESK_PGBOUNCER"
  fi
}

# The system's Python when there is one: a version manager's shim on PATH can
# take longer to start than PgBouncer does.
free_port ()
{
  local python=/usr/bin/python3
  [ -x "$python" ] || python=python3
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The pid in DIR/pgbouncer.pid if that process runs, else nothing.
running_pid ()
{
  local pid
  pid=$(cat "$1/pgbouncer.pid" 2>/dev/null || true)
  case $pid in '' | *[!0-9]*) return 0 ;; esac
  if kill -0 "$pid" 2>/dev/null; then
    printf '%s\n' "$pid"
  fi
}

# The password of a postgresql://user:password@… URI (percent-decoded).
uri_password ()
{
  local rest=${1#*://}
  rest=${rest%@*}
  case $rest in *:*) ;; *) return 0 ;; esac
  rest=${rest#*:}
  printf '%b\n' "${rest//%/\\x}"
}

# psql itself rather than Debian's wrapper script, which takes longer to start
# than PgBouncer does.
find_psql ()
{
  local dir
  psql=
  if [ -n "${ORGDESK_PG_BIN:-}" ] && [ -x "$ORGDESK_PG_BIN/psql" ]; then
    psql=$ORGDESK_PG_BIN/psql
    return 0
  fi
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/psql" ] || continue
    if [ -z "$psql" ] || [ "${dir//[!0-9]/}" -gt "${psql//[!0-9]/}" ]; then
      psql=$dir/psql
    fi
  done
  [ -n "$psql" ] || psql=$(command -v psql) || die "no psql: install PostgreSQL (build-aux/setup-debian.sh)"
}

# Asks PgBouncer on @port for `SELECT 1` as orgdesk_app; the password goes
# through the environment, never the command line.
answers ()
{
  local port=$1
  PGPASSWORD=$app_password PGCONNECT_TIMEOUT=2 PGSSLMODE=disable \
    "$psql" -X -q -t -A -h 127.0.0.1 -p "$port" -U orgdesk_app -d orgdesk -c 'SELECT 1' \
    > /dev/null 2>&1
}

write_ini ()
{
  local dir=$1 port=$2
  (umask 077
   cat > "$dir/pgbouncer.ini" <<INI
; Written by build-aux/pgbouncer.sh for the cluster in $dir.
[databases]
orgdesk = host=127.0.0.1 port=$ORGDESK_PG_PORT dbname=orgdesk

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/pgbouncer-users.txt
pool_mode = transaction
default_pool_size = 2
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 50
server_reset_query =
ignore_startup_parameters = extra_float_digits
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
log_connections = 0
log_disconnections = 0
INI
  )
}

start ()
{
  local dir=$1 port attempt pid

  case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
  [ -f "$dir/cluster.env" ] || die "no $dir/cluster.env: start the cluster first (build-aux/postgres-cluster.sh start $dir)"
  [ -z "$(running_pid "$dir")" ] || die "PgBouncer already runs for $dir"
  find_pgbouncer
  find_psql

  # What cluster.env assigns, kept local.
  # shellcheck disable=SC2034
  local ORGDESK_PG_PORT ORGDESK_PG_SOCKET_DIR ORGDESK_DATABASE_URI ORGDESK_DATABASE_OWNER_URI \
        ORGDESK_DATABASE_SUPERUSER_URI
  # shellcheck source=/dev/null
  . "$dir/cluster.env"
  app_password=$(uri_password "$ORGDESK_DATABASE_URI")
  owner_password=$(uri_password "$ORGDESK_DATABASE_OWNER_URI")
  if [ -z "$app_password" ] || [ -z "$owner_password" ]; then
    die "no passwords in $dir/cluster.env"
  fi

  # The verifiers go straight from psql into the file, 0600 (the umask is
  # inherited through runuser), owned by the cluster's owner.
  rm -f "$dir/pgbouncer-users.txt"
  (umask 077
   as_owner "$psql" -X -q -t -A -v ON_ERROR_STOP=1 -h "$ORGDESK_PG_SOCKET_DIR" -p "$ORGDESK_PG_PORT" \
     -U postgres -d orgdesk -o "$dir/pgbouncer-users.txt" -c \
     "SELECT format ('\"%s\" \"%s\"', rolname, rolpassword) FROM pg_catalog.pg_authid
       WHERE rolname IN ('orgdesk_app', 'orgdesk_owner') AND rolpassword LIKE 'SCRAM-SHA-256\$%'
       ORDER BY rolname" > /dev/null 2> "$dir/pgbouncer-setup.log") ||
    { printf '%s: reading the SCRAM verifiers failed:\n' "$me" >&2; cat "$dir/pgbouncer-setup.log" >&2; exit 1; }
  [ "$(grep -c . "$dir/pgbouncer-users.txt")" = 2 ] ||
    die "orgdesk_app and orgdesk_owner do not both have a SCRAM verifier"

  # As for the cluster: another process may take the port the kernel gave us
  # before PgBouncer binds it.  The log is created by its owner beforehand: a
  # log it cannot write makes `pgbouncer -d` exit 0 with no daemon.
  port=
  for attempt in 1 2 3; do
    port=$(free_port)
    write_ini "$dir" "$port"
    rm -f "$dir/pgbouncer.log" "$dir/pgbouncer.pid"
    if [ "$(id -u)" = 0 ]; then
      chown postgres:postgres "$dir/pgbouncer.ini"
    fi
    as_owner touch "$dir/pgbouncer.log"
    if as_owner "$pgbouncer" -q -d "$dir/pgbouncer.ini" > /dev/null 2>> "$dir/pgbouncer-setup.log"; then
      for i in $(seq 1 100); do
        # Ours once it has bound the port: a process that had it first might answer too.
        if grep -q "listening on 127.0.0.1:$port\$" "$dir/pgbouncer.log" && answers "$port"; then
          break 2
        fi
        # Given up once the daemon is gone (a lost port: it exits at once,
        # with a FATAL line and no pid file).
        if grep -q FATAL "$dir/pgbouncer.log" ||
           { [ -z "$(running_pid "$dir")" ] && { [ -s "$dir/pgbouncer.pid" ] || [ "$i" -gt 10 ]; }; }; then
          break
        fi
        sleep 0.05
      done
    fi
    pid=$(running_pid "$dir")
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    port=
    printf '%s: PgBouncer did not start (attempt %s)\n' "$me" "$attempt" >&2
  done
  if [ -z "$port" ]; then
    cat "$dir/pgbouncer-setup.log" "$dir/pgbouncer.log" >&2 2>/dev/null || true
    exit 1
  fi

  (umask 077
   {
     printf "ORGDESK_PGBOUNCER_PORT='%s'\n" "$port"
     printf "ORGDESK_PGBOUNCER_URI='%s'\n" "${ORGDESK_DATABASE_URI%@*}@127.0.0.1:$port/orgdesk"
     printf "ORGDESK_PGBOUNCER_OWNER_URI='%s'\n" "${ORGDESK_DATABASE_OWNER_URI%@*}@127.0.0.1:$port/orgdesk"
   } > "$dir/pgbouncer.env")
}

stop ()
{
  local dir=$1 pid
  pid=$(running_pid "$dir")
  [ -n "$pid" ] || return 0
  # SIGTERM: an immediate shutdown (clients are cut off); SIGKILL after 5 s.
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || return 0
    [ "$i" != 100 ] || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.05
  done
  die "PgBouncer ($pid) did not stop"
}

[ $# = 2 ] || usage
case $1 in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
