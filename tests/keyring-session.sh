#!/bin/sh
# keyring-session.sh: run a command next to a fresh, unlocked gnome-keyring.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (inside a D-Bus session of its own, with a throwaway HOME):
#   HOME=$(mktemp -d) dbus-run-session -- tests/keyring-session.sh meson test -C _build --suite keyring
#
# Starts gnome-keyring-daemon (secrets component only) unlocked with a throwaway
# password, waits until it owns org.freedesktop.secrets, runs the command, stops
# the daemon and exits with the command's status.  The password is exported as
# ORGDESK_TEST_KEYRING_PASSWORD so tests can unlock the keyring again after
# locking it on purpose.

set -eu

me=keyring-session.sh

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "$me: no D-Bus session; run me under dbus-run-session" >&2
  exit 2
fi

if [ $# -eq 0 ]; then
  echo "usage: $me COMMAND [ARG...]" >&2
  exit 2
fi

# Someone else's keyring already owns the name (a desktop session, a stale run):
# refuse rather than unlock or, worse, kill a daemon that is not ours.
if gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
     --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null \
   | grep -q true; then
  echo "$me: org.freedesktop.secrets is already owned on this bus; use a fresh dbus-run-session" >&2
  exit 2
fi

# Not a real secret: the keyring lives in a throwaway HOME.  Fixed by default so a
# second run in the same HOME can unlock the keyring the first one created.
ORGDESK_TEST_KEYRING_PASSWORD=${ORGDESK_TEST_KEYRING_PASSWORD:-orgdesk-test-keyring}
export ORGDESK_TEST_KEYRING_PASSWORD

# A marker in the daemon's environment proves a PID is the daemon we started.
marker="orgdesk-keyring-session-$$-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

daemon_pid=

# PIDs whose environment carries our marker (fallback when D-Bus never saw the daemon).
marked_pids ()
{
  for environ in /proc/[0-9]*/environ; do
    if tr '\0' '\n' 2>/dev/null < "$environ" | grep -qx "ORGDESK_KEYRING_SESSION=$marker"; then
      pid=${environ#/proc/}
      echo "${pid%/environ}"
    fi
  done
}

is_ours ()
{
  tr '\0' '\n' 2>/dev/null < "/proc/$1/environ" | grep -qx "ORGDESK_KEYRING_SESSION=$marker"
}

is_running ()
{
  # A zombie still answers kill -0; PID 1 may reap it late, so treat it as gone.
  [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat" 2>/dev/null
}

stop_pid ()
{
  kill "$1" 2>/dev/null || return 0
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    is_running "$1" || return 0
    sleep 0.1
  done
  kill -9 "$1" 2>/dev/null || true
}

stop_daemon ()
{
  pids=$daemon_pid
  # gnome-keyring-daemon --unlock forks and outlives the bus if it registered late
  # (TESTING.md §3); without a PID from D-Bus, find it by the marker instead.
  [ -n "$pids" ] || pids=$(marked_pids)
  for pid in $pids; do
    if is_ours "$pid"; then
      stop_pid "$pid"
    fi
  done
}

trap stop_daemon EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

printf '%s' "$ORGDESK_TEST_KEYRING_PASSWORD" \
  | ORGDESK_KEYRING_SESSION=$marker gnome-keyring-daemon --unlock --components=secrets >/dev/null

# --unlock returns before the daemon owns the name; a client that asks too early
# makes D-Bus activate a second, locked daemon.
if ! gdbus wait --session --timeout 10 org.freedesktop.secrets; then
  echo "$me: gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s" >&2
  exit 1
fi

daemon_pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus / \
               org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets \
             | awk '{ print $2 }')

if ! is_ours "$daemon_pid"; then
  echo "$me: org.freedesktop.secrets is owned by PID $daemon_pid, which is not the daemon started here" >&2
  daemon_pid=
  exit 1
fi

rc=0
"$@" || rc=$?
exit $rc
