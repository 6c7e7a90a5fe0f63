#!/bin/bash
# keyring-sandbox.sh: the token store and the database password in a stand-in for
# the Flatpak sandbox, where libsecret uses its file backend keyed by the Secret portal.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from meson, inside tests/with-services.sh for the database):
#   keyring-sandbox.sh TEST-TOKEN-STORE TEST-DATABASE-SECRET PORTAL-SECRET-DELAY
#
# In a D-Bus session of its own with a fresh, unlocked gnome-keyring
# (tests/keyring-session.sh), it starts xdg-desktop-portal with gnome-keyring's Secret
# portal backend as its only one (through portal-secret-delay.c, which answers 0.5 s
# late for libsecret 0.20's sake), then runs each test program (ORGDESK_TEST_KEYRING=sandbox)
# in a bwrap root with a /.flatpak-info naming the app, behind xdg-dbus-proxy with
# the filter Flatpak gives every app (portals only; flatpak 1.14, common/flatpak-run.c).
# libsecret finds /.flatpak-info and the portal, so it takes the file backend and asks
# the portal for the key (libsecret 0.20.5, secret-backend.c, secret-file-backend.c).
# This is not Flatpak itself: the host's /usr and libsecret, no runtime, no seccomp.
# Prints TAP.

set -u

me=keyring-sandbox.sh
srcdir=$(cd "$(dirname "$0")/.." && pwd)
app_id=io.github.orgdesk.Orgdesk
delay_name=io.github.orgdesk.Test.SecretPortalDelay

# Skips, or fails where every service must be there (CI, run-tests.sh)
missing ()
{
  if [ -n "${CI:-}" ] || [ "${ORGDESK_TEST_REQUIRE_SERVICES:-0}" = 1 ]; then
    echo "Bail out! $1"
    exit 1
  fi
  echo "1..0 # SKIP $1"
  exit 0
}

find_portal ()
{
  for p in /usr/libexec/xdg-desktop-portal /usr/lib/xdg-desktop-portal/xdg-desktop-portal; do
    [ -x "$p" ] && { echo "$p"; return 0; }
  done
  return 1
}

if [ -z "${ORGDESK_KEYRING_SANDBOX_DIR:-}" ]; then
  [ $# -eq 3 ] || { echo "usage: $me TEST-TOKEN-STORE TEST-DATABASE-SECRET PORTAL-SECRET-DELAY" >&2; exit 2; }
  for tool in bwrap xdg-dbus-proxy dbus-run-session gnome-keyring-daemon secret-tool gdbus; do
    command -v "$tool" >/dev/null || missing "$tool is not installed"
  done
  find_portal >/dev/null || missing "xdg-desktop-portal is not installed"
  [ -f /usr/share/xdg-desktop-portal/portals/gnome-keyring.portal ] ||
    missing "gnome-keyring's Secret portal backend (gnome-keyring.portal) is not installed"
  bwrap --ro-bind / / true 2>/dev/null || missing "bwrap cannot make a sandbox here"

  work=$(mktemp -d /tmp/orgdesk-keyring-sandbox.XXXXXX)
  mkdir -p "$work/home" "$work/portals" "$work/app/data" "$work/services"
  mkdir -m 700 "$work/runtime"
  # A bus that activates nothing: everything it needs is started here, and the
  # document portal that xdg-desktop-portal would start is not
  cat > "$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$work/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  printf '[portal]\nDBusName=%s\nInterfaces=org.freedesktop.impl.portal.Secret\nUseIn=gnome\n' \
    "$delay_name" > "$work/portals/orgdesk-test-secret-delay.portal"

  # A login keyring of its own, so that what gnome-keyring holds afterwards is ours
  # (and a runtime directory of its own, or --unlock would reach the other daemon)
  HOME=$work/home XDG_DATA_HOME=$work/home/.local/share XDG_RUNTIME_DIR=$work/runtime \
    ORGDESK_KEYRING_SANDBOX_DIR=$work \
    dbus-run-session --config-file="$work/bus.conf" -- "$srcdir/tests/keyring-session.sh" "$0" "$@"
  rc=$?
  rm -rf "$work"
  exit $rc
fi

work=$ORGDESK_KEYRING_SANDBOX_DIR
token_store_test=$(realpath "$1")
database_secret_test=$(realpath "$2")
portal_secret_delay=$(realpath "$3")
n=0
failed=0
portal_pid=
proxy_pid=
delay_pid=

result ()
{
  n=$((n + 1))
  if [ "$1" = 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failed=1
  fi
}

cleanup ()
{
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null
  [ -n "$delay_pid" ] && kill "$delay_pid" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT

# The sandbox: a tmpfs root with the host's /usr and /etc, /tmp (the bus sockets,
# HOME), the source and build trees, and /.flatpak-info.
printf '[Application]\nname=%s\n' "$app_id" > "$work/flatpak-info"
sandbox ()
{
  local binds=()
  for dir in "$srcdir" "$(dirname "$(dirname "$token_store_test")")"; do
    binds+=(--ro-bind "$dir" "$dir")
  done
  bwrap --tmpfs / --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
    --symlink usr/bin /bin --symlink usr/sbin /sbin --ro-bind /etc /etc \
    --proc /proc --dev /dev --bind /tmp /tmp "${binds[@]}" \
    --ro-bind "$work/flatpak-info" /.flatpak-info --die-with-parent -- "$@"
}

# Objects in the login collection, items or not
login_objects ()
{
  gdbus call --session --dest org.freedesktop.secrets \
    --object-path /org/freedesktop/secrets/collection/login \
    --method org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Items |
    grep -o '/org/freedesktop/secrets/collection/login/[0-9]*' | wc -l
}

echo "1..7"
objects_before=$(login_objects)

"$portal_secret_delay" "$delay_name" &
delay_pid=$!
gdbus wait --session --timeout 10 "$delay_name"

XDG_CURRENT_DESKTOP=GNOME XDG_DESKTOP_PORTAL_DIR=$work/portals \
  "$(find_portal)" -r > "$work/portal.log" 2>&1 &
portal_pid=$!
gdbus wait --session --timeout 10 org.freedesktop.portal.Desktop
version=$(gdbus call --session --dest org.freedesktop.portal.Desktop \
            --object-path /org/freedesktop/portal/desktop \
            --method org.freedesktop.DBus.Properties.Get org.freedesktop.portal.Secret version 2>&1)
[ "$version" = "(<uint32 1>,)" ]
result $? "xdg-desktop-portal offers the Secret portal, version 1 (libsecret wants 1)"
[ "$version" = "(<uint32 1>,)" ] || sed 's/^/# /' "$work/portal.log"

# What Flatpak lets every app do on the session bus: talk to portals
sandbox xdg-dbus-proxy "$DBUS_SESSION_BUS_ADDRESS" "$work/bus" --filter \
  '--call=org.freedesktop.portal.*=*' '--broadcast=org.freedesktop.portal.*=@/org/freedesktop/portal/*' &
proxy_pid=$!
for _ in $(seq 50); do [ -S "$work/bus" ] && break; sleep 0.1; done

# The app's view: the proxied bus, its own data directory (~/.var/app/ID/data under
# Flatpak), none of libsecret's test variables
in_app ()
(
  unset SECRET_BACKEND SECRET_FILE_TEST_PASSWORD SECRET_FILE_TEST_PATH DBUS_STARTER_ADDRESS
  export DBUS_SESSION_BUS_ADDRESS="unix:path=$work/bus" XDG_DATA_HOME="$work/app/data"
  export ORGDESK_TEST_KEYRING=sandbox
  sandbox "$@"
)

hidden=$(in_app gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
           --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>&1)
[ "$hidden" = "(false,)" ]
result $? "org.freedesktop.secrets is out of the sandbox's reach ($hidden)"

run_test ()
{
  local log=$work/$(basename "$1").log rc subtests
  in_app "$1" --tap > "$log" 2>&1
  rc=$?
  subtests=$(grep -c '^ok ' "$log")
  sed 's/^/# /' "$log" | grep -v -e '-DEBUG: ' -e '^# GLib-GIO-DEBUG'
  result $rc "$(basename "$1") in the sandbox ($subtests subtests passed)"
}
run_test "$token_store_test"
run_test "$database_secret_test"

[ -s "$work/app/data/keyrings/default.keyring" ]
result $? "the items are in the app's own keyring file, \$XDG_DATA_HOME/keyrings/default.keyring"

# gnome-keyring's portal backend makes one random key per app in the login collection
# (daemon/dbus/gkd-secret-portal.c), an object that is not an item one can read.
objects_after=$(login_objects)
[ "$objects_before" = 0 ] && [ "$objects_after" = 1 ]
result $? "the key came from the Secret portal: gnome-keyring's login collection has one new object (before: $objects_before, after: $objects_after)"

ours=$(secret-tool search --all xdg:schema io.github.orgdesk.Orgdesk.Account 2>&1;
       secret-tool search --all xdg:schema io.github.orgdesk.Orgdesk.Database 2>&1)
[ -z "$ours" ]
result $? "gnome-keyring holds none of Orgdesk's items"
[ -z "$ours" ] || sed 's/^/# /' <<< "$ours"

exit $failed
