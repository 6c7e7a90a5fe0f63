#!/bin/bash
# take-screenshots.sh: regenerate the screenshots in data/screenshots/ from a real run.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/take-screenshots.sh [BUILD_DIR]
#
# BUILD_DIR (default _build-readme) is a build of the stable flavour (no
# -Ddevelopment=true, so the header bar has no "devel" stripes); it is set up
# and built if needed.  Under tests/with-services.sh (Logto stand-in, keyring,
# Xvfb, the headless sign-in driver as the default browser, and a throwaway
# PostgreSQL cluster from build-aux/postgres-cluster.sh) it applies the schema
# and the demo posts to that database (orgdesk-admin migrate and seed), starts
# the app, takes signed-out.png, signs in as alice through the app's own D-Bus
# action, waits until signed in and gives Acme Corporation's posts a moment to
# load, takes signed-in.png, and quits the app.  The PNGs are
# 1000x650, cropped to the window.  Cantarell (fonts-cantarell) is used if
# installed, as on a GNOME desktop.

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
me=take-screenshots.sh

if [ -z "${ORGDESK_TEST_LOGTO_ENDPOINT:-}" ]; then
  build=${1:-_build-readme}
  cd "$srcdir"
  [ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
  ninja -C "$build" >/dev/null
  if ! grep -q '"io.github.orgdesk.Orgdesk"' "$build/config.h"; then
    echo "$me: $build is a development build; use a build without -Ddevelopment=true" >&2
    exit 1
  fi
  ORGDESK_AUTH_MODULE=$srcdir/$build/src/server/orgdesk-auth/orgdesk_auth.so \
  ORGDESK_TEST_USER=alice ORGDESK_TEST_PASSWORD=alice-password \
    exec tests/with-services.sh "$0" "$srcdir/$build"
fi

# Inside with-services.sh from here on: a throwaway HOME, D-Bus, keyring, Xvfb.
build=$1
app_id=io.github.orgdesk.Orgdesk
object_path=/io/github/orgdesk/Orgdesk
out=$srcdir/data/screenshots
shots=$ORGDESK_TEST_SERVICES_DIR/shots
mkdir -p "$out" "$shots"

# The demo posts, in the cluster with-services.sh started.
if ! "$srcdir/build-aux/setup-database.sh" "$build/src/server/orgdesk-admin" \
       "$ORGDESK_TEST_DATABASE_OWNER_URI" "$ORGDESK_TEST_LOGTO_ENDPOINT" \
     > "$ORGDESK_TEST_SERVICES_DIR/database-setup.log" 2>&1; then
  echo "$me: setting up the database failed:" >&2
  cat "$ORGDESK_TEST_SERVICES_DIR/database-setup.log" >&2
  exit 1
fi

export GSETTINGS_SCHEMA_DIR=$build/data GSETTINGS_BACKEND=keyfile
export GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none
gsettings set $app_id logto-endpoint "$ORGDESK_TEST_LOGTO_ENDPOINT"
gsettings set $app_id database-uri "'$ORGDESK_TEST_DATABASE_URI'"
gsettings set $app_id window-size '(1008, 658)'

if fc-list : family 2>/dev/null | grep -c Cantarell >/dev/null; then
  mkdir -p "$XDG_CONFIG_HOME/gtk-4.0"
  printf '[Settings]\ngtk-font-name=Cantarell 11\n' > "$XDG_CONFIG_HOME/gtk-4.0/settings.ini"
fi

app_pid=
cleanup ()
{
  if [ -n "$app_pid" ]; then
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

"$build/src/orgdesk" > "$ORGDESK_TEST_SERVICES_DIR/app.log" 2>&1 &
app_pid=$!

gdbus wait --session --timeout 20 $app_id

action_enabled ()
{
  gdbus call --session --dest $app_id --object-path $object_path \
    --method org.gtk.Actions.Describe "$1" 2>/dev/null | grep -q '^((true,'
}

wait_for ()
{
  local what=$1
  for _ in $(seq 1 300); do
    if action_enabled "$what"; then
      return 0
    fi
    kill -0 "$app_pid" 2>/dev/null || { echo "$me: the app exited" >&2; cat "$ORGDESK_TEST_SERVICES_DIR/app.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$me: app.$what did not become enabled in 30 s" >&2
  cat "$ORGDESK_TEST_SERVICES_DIR/app.log" >&2
  exit 1
}

# Crops the screen to the app's top-level window.
shoot ()
{
  local name=$1 window geometry
  window=$(xwininfo -root -children | awk '/"[^"]*Orgdesk"/ { print $1; exit }')
  [ -n "$window" ] || { echo "$me: no Orgdesk window on the screen" >&2; exit 1; }
  # Without a compositor, GTK draws a 4-pixel resize border inside the window,
  # outside its 1-pixel outline: cut it off (1008x658 becomes 1000x650).
  geometry=$(xwininfo -id "$window" |
    awk -v f=4 '/Absolute upper-left X/ { x = $4 } /Absolute upper-left Y/ { y = $4 }
                /Width:/ { w = $2 } /Height:/ { h = $2 }
                END { printf "%dx%d+%d+%d", w - 2 * f, h - 2 * f, x + f, y + f }')
  import -window root "$shots/root-$name.png"
  convert "$shots/root-$name.png" -crop "$geometry" +repage -strip \
    -define png:compression-level=9 "$out/$name.png"
  echo "$me: $out/$name.png ($geometry)"
}

# No keyring item yet, so the app starts signed out.
wait_for sign-in
sleep 1.5
shoot signed-out

gdbus call --session --dest $app_id --object-path $object_path \
  --method org.gtk.Actions.Activate sign-in '[]' '{}' >/dev/null
wait_for sign-out
# Let the organization token and the first page of posts arrive, and the
# crossfade end.
sleep 3
shoot signed-in

gdbus call --session --dest $app_id --object-path $object_path \
  --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null || true
wait "$app_pid" 2>/dev/null || true
app_pid=
