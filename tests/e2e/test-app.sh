#!/bin/bash
# test-app.sh: end-to-end test of the real orgdesk binary (TAP).
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/with-services.sh tests/e2e/test-app.sh BUILDDIR/src/orgdesk [APP_ID]
#        (or through meson: tests/with-services.sh meson test -C BUILDDIR app-e2e)
# APP_ID is the build's application ID (io.github.orgdesk.Orgdesk, or ….Devel with
# -Ddevelopment=true): D-Bus name, object path and GSettings schema follow it.
#
# Drives the app in a real window through its GApplication actions on D-Bus
# (org.gtk.Actions), with tests/browser/sign-in-driver.mjs as the desktop's
# default browser: sign-in as alice, organization switching, restart from the
# keyring, sign-out with token revocation, and an offline start.
#
# It uses the Logto stand-in of tests/with-services.sh (ORGDESK_TEST_LOGTO_ENDPOINT)
# but brings up a private X server, D-Bus session, gnome-keyring, HOME and
# browser log of its own: meson runs tests in parallel, and other tests sign in
# as alice against the same endpoint and client id, i.e. the very same keyring
# slot, and open windows on the shared display.  The private bus has no service
# directories, so nothing (portals, a second keyring) is D-Bus-activated.
#
# Every process it starts carries a marker in its environment (so do the
# browsers the app launches); the exit trap stops all of them by PID.
#
# Never prints a token or the keyring secret; only lengths and booleans.
#
# Sanitizer builds (tests/meson.build) set two more things.  ORGDESK_TEST_APP_PRELOAD is
# tests/sanitizer/keep-modules-loaded.c, which is preloaded into the app alone.  It keeps
# the modules that the app loads at run time loaded until LeakSanitizer looks.
# ORGDESK_TEST_LEAK_CHECK_APP is the app plus one deliberate leak after sign-in; the last
# case checks that LeakSanitizer reports that leak (tests/lsan.supp must not hide it).

# Functions run from traps and through wait_for look unreachable to shellcheck.
# shellcheck disable=SC2317

set -uo pipefail

me=test-app.sh
srcdir=$(cd "$(dirname "$0")/../.." && pwd)

app=${1:-${ORGDESK_TEST_APP:-}}
if [ -z "$app" ] || [ ! -x "$app" ]; then
  echo "usage: $me PATH/TO/orgdesk" >&2
  echo "1..0 # SKIP no orgdesk binary given"
  exit 2
fi
app=$(cd "$(dirname "$app")" && pwd)/$(basename "$app")

APP_ID=${2:-io.github.orgdesk.Orgdesk}
APP_PATH=/${APP_ID//.//}
# The keyring schema keeps the stable ID in every build (orgdesk-token-store.c).
KEYRING_APP_ID=io.github.orgdesk.Orgdesk
CLIENT_ID=orgdesk-desktop
FIXTURES=$srcdir/tests/logto-stand-in/fixtures.json
PLAN=20
# The deliberate leak of orgdesk-leak-check (ORGDESK_TEST_LEAK_SIZE, tests/sanitizer/orgdesk-test-leak.h)
LEAK_SIZE=4093

# Sanitizer builds; when run by hand, found next to the app
build_tests=$(dirname "$app")/../tests
app_preload=${ORGDESK_TEST_APP_PRELOAD-}
[ -z "${ORGDESK_TEST_APP_PRELOAD+set}" ] && [ -f "$build_tests/liborgdesk-keep-modules-loaded.so" ] \
  && app_preload=$build_tests/liborgdesk-keep-modules-loaded.so
leak_check_app=${ORGDESK_TEST_LEAK_CHECK_APP-}
[ -z "${ORGDESK_TEST_LEAK_CHECK_APP+set}" ] && [ -x "$build_tests/orgdesk-leak-check" ] \
  && leak_check_app=$(cd "$build_tests" && pwd)/orgdesk-leak-check
if [ -n "$app_preload" ]; then
  # A dynamically linked sanitizer runtime (GCC's) must be the first library loaded.
  asan_runtime=$(ldd "$app" 2>/dev/null | awk '$1 ~ /^libasan\.so/ { print $3; exit }')
  app_preload=${asan_runtime:+$asan_runtime }$app_preload
fi
[ -n "$leak_check_app" ] && PLAN=$((PLAN + 1))

# {{{ Services given by tests/with-services.sh

endpoint=${ORGDESK_TEST_LOGTO_ENDPOINT:-}
if [ -z "$endpoint" ]; then
  if [ -n "${CI:-}" ] || [ "${ORGDESK_TEST_REQUIRE_SERVICES:-0}" = 1 ]; then
    echo "1..1"
    echo "not ok 1 - ORGDESK_TEST_LOGTO_ENDPOINT is not set; CI must start every service"
    exit 1
  fi
  echo "1..0 # SKIP ORGDESK_TEST_LOGTO_ENDPOINT is not set (run through tests/with-services.sh)"
  exit 0
fi

for tool in Xvfb dbus-daemon gnome-keyring-daemon gdbus gsettings secret-tool xwininfo xprop \
            import convert curl node python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "1..0 # SKIP $tool is not installed"
    [ -n "${CI:-}" ] || [ "${ORGDESK_TEST_REQUIRE_SERVICES:-0}" = 1 ] && exit 1
    exit 0
  fi
done

# }}}

# {{{ Process bookkeeping and cleanup

work=$(mktemp -d /tmp/orgdesk-e2e.XXXXXX)
marker="orgdesk-e2e-$$-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
app_pid=
standin_pid=
failed=0

is_running ()
{
  # A zombie still answers kill -0; PID 1 may reap it late, so count it as gone.
  [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat" 2>/dev/null
}

marked_pids ()
{
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}; pid=${pid%/environ}
    [ "$pid" = $$ ] && continue
    if tr '\0' '\n' 2>/dev/null < "$environ" | grep -qxF "ORGDESK_E2E_RUN=$marker"; then
      echo "$pid"
    fi
  done
}

# Stops PIDs: TERM, up to 3 s, then KILL.
stop_pids ()
{
  local pid left
  [ $# -gt 0 ] || return 0
  kill "$@" 2>/dev/null
  for _ in $(seq 30); do
    left=
    for pid in "$@"; do is_running "$pid" && left=1; done
    [ -z "$left" ] && return 0
    sleep 0.1
  done
  for pid in "$@"; do is_running "$pid" && kill -9 "$pid" 2>/dev/null; done
  return 0
}

cleanup ()
{
  local rc=$? pids
  trap - EXIT INT TERM HUP
  # The app first (it may still write to the keyring), then everything marked:
  # browsers it launched, the second stand-in, gnome-keyring, D-Bus, Xvfb.
  [ -n "$app_pid" ] && stop_pids "$app_pid"
  [ -n "$standin_pid" ] && stop_pids "$standin_pid"
  pids=$(marked_pids)
  # shellcheck disable=SC2086 # a list of PIDs
  [ -n "$pids" ] && stop_pids $pids
  pids=$(marked_pids)
  [ -n "$pids" ] && echo "# $me: processes left: $pids" >&2
  wait 2>/dev/null
  if [ "$rc" -ne 0 ] || [ "${ORGDESK_TEST_KEEP:-0}" = 1 ]; then
    echo "# $me: logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Prefix of every command started here: "${marked[@]}" CMD (an array, not a function,
# so that CMD & is the process itself and $! its PID).
marked=(env "ORGDESK_E2E_RUN=$marker")

now_ms () { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# }}}

# {{{ TAP

n=0
ok ()
{
  n=$((n + 1))
  echo "ok $n - $1"
}
not_ok ()
{
  n=$((n + 1))
  failed=1
  echo "not ok $n - $1"
  shift
  local line
  for line in "$@"; do echo "#   $line"; done
}
diag () { echo "# $*"; }
bail ()
{
  echo "Bail out! $*"
  show_logs
  exit 1
}
show_logs ()
{
  local f
  for f in "$work"/app-*.log "$work/browser.log"; do
    [ -s "$f" ] || continue
    echo "# --- ${f##*/} (last 30 lines)"
    tail -n 30 "$f" | sed 's/^/#   /'
  done
}

# }}}

# {{{ Private desktop: HOME, X server, D-Bus session, keyring, default browser

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

export ORGDESK_TEST_BROWSER_LOG=$work/browser.log
export ORGDESK_TEST_SCREENSHOT_DIR=${ORGDESK_TEST_SCREENSHOT_DIR:-$work/screenshots}
mkdir -p "$ORGDESK_TEST_SCREENSHOT_DIR"
: > "$ORGDESK_TEST_BROWSER_LOG"

# X server: -displayfd picks a free display without xvfb-run's race.
"${marked[@]}" Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
  [ -s "$work/display" ] && break
  is_running "$xvfb_pid" || break
  sleep 0.05
done
[ -s "$work/display" ] || { echo "1..0 # SKIP Xvfb did not start: $(tail -n 3 "$work/xvfb.log")"; exit 1; }
DISPLAY=:$(head -n 1 "$work/display")
export DISPLAY
unset WAYLAND_DISPLAY

# A session bus without service directories: nothing gets activated behind our back.
cat > "$work/session.conf" <<BUSCONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$work</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
BUSCONF
"${marked[@]}" dbus-daemon --config-file="$work/session.conf" --nofork --print-address=3 \
  3>"$work/bus-address" >"$work/dbus.log" 2>&1 &
for _ in $(seq 100); do
  [ -s "$work/bus-address" ] && break
  sleep 0.05
done
[ -s "$work/bus-address" ] || { echo "1..0 # SKIP dbus-daemon did not start"; exit 1; }
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$work/bus-address")
export DBUS_SESSION_BUS_ADDRESS

printf '%s' "orgdesk-e2e-keyring" \
  | "${marked[@]}" gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>"$work/keyring.log"
if ! gdbus wait --session --timeout 10 org.freedesktop.secrets; then
  echo "1..0 # SKIP gnome-keyring-daemon did not take org.freedesktop.secrets"
  exit 1
fi

# The app's settings, in a keyfile of the private HOME.
export GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR=${GSETTINGS_SCHEMA_DIR:-$(dirname "$app")/../data}
export GSK_RENDERER=${GSK_RENDERER:-cairo}
export GTK_A11Y=none NO_AT_BRIDGE=1
export GIO_USE_VFS=local
export LC_ALL=C.UTF-8

settings_get () { gsettings get "$APP_ID" "$1" | sed "s/^'\(.*\)'$/\1/"; }
settings_set () { gsettings set "$APP_ID" "$1" "$2"; }

# }}}

# {{{ Fixture facts

# "id name" of a user's organizations, in fixture order
organizations_of ()
{
  python3 - "$FIXTURES" "$1" <<'PY'
import json, sys
fixtures = json.load(open(sys.argv[1]))
names = {o["id"]: o["name"] for o in fixtures["organizations"]}
user = next(u for u in fixtures["users"] if u["username"] == sys.argv[2])
for membership in user["organizations"]:
    print(membership["id"], names[membership["id"]])
PY
}
organization_name ()
{
  python3 -c 'import json,sys; print(next(o["name"] for o in json.load(open(sys.argv[1]))["organizations"] if o["id"] == sys.argv[2]))' \
    "$FIXTURES" "$1"
}

mapfile -t alice_orgs < <(organizations_of alice)
mapfile -t bob_orgs < <(organizations_of bob)
alice_ids=("${alice_orgs[0]%% *}" "${alice_orgs[1]%% *}")
bob_id=${bob_orgs[0]%% *}
BOGUS_ID="'; DROP TABLE x; --"

# }}}

# {{{ The app

# start_app NAME [PROGRAM [VAR=VALUE...]]: the app (or PROGRAM), its output in app-NAME.log
start_app ()
{
  local log=$work/app-$1.log program=${2:-$app} preload=()
  [ -n "$app_preload" ] && preload=("LD_PRELOAD=$app_preload")
  app_started_ms=$(now_ms)
  "${marked[@]}" "${preload[@]}" ORGDESK_TEST_USER=alice ORGDESK_TEST_PASSWORD=alice-password "${@:3}" \
    "$program" >"$log" 2>&1 &
  app_pid=$!
}

app_alive () { [ -n "$app_pid" ] && is_running "$app_pid"; }

# Waits for the app to exit; sets app_status.  Returns 1 on timeout.
wait_app_exit ()
{
  local deadline=$(($(now_ms) + $1 * 1000))
  while is_running "$app_pid"; do
    [ "$(now_ms)" -ge $deadline ] && return 1
    sleep 0.05
  done
  wait "$app_pid"
  app_status=$?
  app_pid=
  return 0
}

actions () { timeout 10 gdbus call --session --timeout 5 --dest "$APP_ID" --object-path "$APP_PATH" --method "org.gtk.Actions.$1" "${@:2}"; }
describe () { actions Describe "$1" 2>/dev/null; }
is_enabled () { describe "$1" | grep -q '^((true,'; }
is_disabled () { describe "$1" | grep -q '^((false,'; }
activate () { actions Activate "$1" '[]' '{}' >/dev/null; }
# GVariant text of a string: double quotes, escaped for a value that holds ' or "
set_organization ()
{
  local quoted=${1//\\/\\\\}
  quoted=${quoted//\"/\\\"}
  actions SetState organization "<\"$quoted\">" '{}' >/dev/null
}
organization_state () { describe organization | sed -n "s/^((\(true\|false\), signature '', \[<'\([^']*\)'>\]),)$/\2/p"; }

on_bus () { describe sign-in >/dev/null; }
signed_in () { is_enabled sign-out; }
signed_out () { is_enabled sign-in && is_disabled sign-out; }
state_is () { [ "$(organization_state)" = "$1" ]; }
has_organization () { [ -n "$(organization_state)" ]; }
offline_signed_in () { signed_in && is_enabled reconnect; }

# wait_for SECONDS CMD...: polls CMD; 1 on timeout, 2 when the app died meanwhile
wait_for ()
{
  local deadline=$(($(now_ms) + $1 * 1000))
  shift
  while :; do
    "$@" && return 0
    app_alive || return 2
    [ "$(now_ms)" -ge $deadline ] && return 1
    sleep 0.05
  done
}

# The app's mapped top-level window (by _NET_WM_PID)
app_window ()
{
  local w
  for w in $(xwininfo -root -children 2>/dev/null | awk '$1 ~ /^0x/ { print $1 }'); do
    xprop -id "$w" _NET_WM_PID 2>/dev/null | grep -q "= $app_pid\$" || continue
    xwininfo -id "$w" 2>/dev/null | grep -q 'Map State: IsViewable' || continue
    echo "$w"
    return 0
  done
  return 1
}
window_title ()
{
  local w
  w=$(app_window) || return 1
  xprop -id "$w" _NET_WM_NAME 2>/dev/null | sed -n 's/^_NET_WM_NAME(UTF8_STRING) = "\(.*\)"$/\1/p'
}
title_is () { [ "$(window_title)" = "$1" ]; }
window_named_orgdesk () { xwininfo -root -tree 2>/dev/null | grep -qE '^ +0x[0-9a-f]+ "Orgdesk": '; }

browser_launches () { grep -c ': opening ' "$ORGDESK_TEST_BROWSER_LOG" 2>/dev/null || true; }

# screenshot NAME: the root window (the app's window is alone on this X server).
# Non-trivial: a PNG over 4 KB with more than one colour.  (A blank 1280x800 root is
# 396 bytes with 1 colour; the signed-in window about 10 KB with 200+ colours, as
# flat widgets on a black root compress well, so 10 KB would be too tight.)
screenshot ()
{
  local file=$ORGDESK_TEST_SCREENSHOT_DIR/$1 size stats stddev colours geometry format
  screenshot_info=
  rm -f "$file"
  import -window root "$file" 2>>"$work/import.log" || { screenshot_info="import failed"; return 1; }
  size=$(stat -c %s "$file")
  stats=$(convert "$file" -format '%[fx:standard_deviation] %k %wx%h %m' info: 2>/dev/null)
  read -r stddev colours geometry format <<<"$stats"
  screenshot_info="$1: $format $geometry, $size bytes, $colours colours, standard deviation $stddev"
  [ "$format" = PNG ] && [ "$size" -gt 4096 ] && [ "${colours:-0}" -ge 16 ] \
    && python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0 else 1)' "${stddev:-0}"
}

# }}}

# {{{ Keyring and introspection (no token ever printed)

keyring_items () { secret-tool search --all app-id "$KEYRING_APP_ID" 2>/dev/null | grep -c '^\[/' || true; }
keyring_empty () { [ "$(keyring_items)" -eq 0 ]; }

# The refresh token of the (first) Orgdesk item for an endpoint, on stdout for capture only
stored_refresh_token ()
{
  secret-tool lookup app-id "$KEYRING_APP_ID" endpoint "$1" client-id "$CLIENT_ID" 2>/dev/null \
    | python3 -c '
import json, sys
try:
    record = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
token = record.get("refresh_token") if isinstance(record, dict) else None
if not isinstance(token, str) or not token:
    sys.exit(1)
sys.stdout.write(token)'
}

# introspect TOKEN: prints true/false (the token goes through stdin, not argv)
introspect ()
{
  printf '%s' "$1" \
    | curl -sS --max-time 10 -X POST "$endpoint/oidc/token/introspection" \
        -d "client_id=$CLIENT_ID" --data-urlencode "token@-" \
    | python3 -c 'import json,sys; print("true" if json.load(sys.stdin).get("active") is True else "false")'
}

# }}}

echo "1..$PLAN"
diag "app: $app"
diag "Logto stand-in: $endpoint; display $DISPLAY; screenshots in $ORGDESK_TEST_SCREENSHOT_DIR"

if ! settings_set logto-endpoint "$endpoint" || ! settings_set client-id "$CLIENT_ID"; then
  bail "cannot write the app's settings (GSETTINGS_SCHEMA_DIR=$GSETTINGS_SCHEMA_DIR)"
fi

# 1. Signed out at start, with a window
start_app first
wait_for 20 on_bus
rc=$?
[ $rc -eq 0 ] || bail "the app did not appear on D-Bus within 20 s (status $rc)"
# Resuming from an empty keyring disables everything for a moment.
wait_for 10 is_enabled sign-in
if signed_out && wait_for 10 window_named_orgdesk; then
  ok "starts signed out (sign-in enabled, sign-out disabled) with a window named \"Orgdesk\""
else
  not_ok "starts signed out (sign-in enabled, sign-out disabled) with a window named \"Orgdesk\"" \
    "sign-in: $(describe sign-in)" "sign-out: $(describe sign-out)" \
    "windows: $(xwininfo -root -tree 2>&1 | grep -c '^ *0x')"
fi

# 2. Sign-in through the default browser
launches_before=$(browser_launches)
t0=$(now_ms)
activate sign-in || bail "Activate sign-in failed"
wait_for 60 signed_in
rc=$?
t1=$(now_ms)
if [ $rc -eq 0 ]; then
  ok "sign-in through the browser as alice: signed in within 60 s"
  diag "sign-in round trip: $((t1 - t0)) ms"
else
  not_ok "sign-in through the browser as alice: signed in within 60 s" \
    "$([ $rc -eq 2 ] && echo "the app exited" || echo "timed out after $((t1 - t0)) ms")" \
    "browser launches: $(( $(browser_launches) - launches_before ))"
  bail "not signed in"
fi

# 3. Active organization is alice's; the title names it
wait_for 10 has_organization
first_org=$(organization_state)
first_name=
for org in "${alice_orgs[@]}"; do
  [ "${org%% *}" = "$first_org" ] && first_name=${org#* }
done
if [ -n "$first_name" ] && wait_for 10 title_is "$first_name – Orgdesk"; then
  ok "active organization is one of alice's ($first_name) and the window title names it"
else
  not_ok "active organization is one of alice's and the window title names it" \
    "state: '$first_org'; title: '$(window_title)'"
fi
[ -n "$first_name" ] || bail "no organization of alice's is active"

# 4. Switching organizations
if [ "$first_org" = "${alice_ids[0]}" ]; then other_org=${alice_ids[1]}; else other_org=${alice_ids[0]}; fi
other_name=$(organization_name "$other_org")
set_organization "$other_org"
if wait_for 10 state_is "$other_org" && wait_for 10 title_is "$other_name – Orgdesk"; then
  ok "SetState organization to alice's other organization: state and title follow ($other_name)"
else
  not_ok "SetState organization to alice's other organization: state and title follow ($other_name)" \
    "state: '$(organization_state)'; title: '$(window_title)'"
fi

set_organization "$bob_id"
sleep 0.5
if state_is "$other_org" && title_is "$other_name – Orgdesk"; then
  ok "SetState organization to bob's organization is ignored"
else
  not_ok "SetState organization to bob's organization is ignored" "state: '$(organization_state)'; title: '$(window_title)'"
fi

set_organization "$BOGUS_ID"
sleep 0.5
if app_alive && state_is "$other_org" && title_is "$other_name – Orgdesk"; then
  ok "SetState organization to \"$BOGUS_ID\" is ignored"
else
  not_ok "SetState organization to \"$BOGUS_ID\" is ignored" "state: '$(organization_state)'; title: '$(window_title)'"
fi
remembered_org=$(settings_get last-organization-id)
diag "last-organization-id after the switch: $remembered_org"

# 5. Screenshot of the signed-in window (after the organization token request settled)
sleep 1
if screenshot signed-in.png; then
  ok "screenshot signed-in.png is a non-trivial PNG"
  diag "$screenshot_info"
else
  not_ok "screenshot signed-in.png is a non-trivial PNG" "${screenshot_info:-no file}"
fi

# 6. Quit
activate quit
if wait_app_exit 10 && [ "$app_status" -eq 0 ]; then
  ok "Activate quit: the process exits 0 within 10 s"
else
  not_ok "Activate quit: the process exits 0 within 10 s" "status: ${app_status:-still running}"
  [ -n "$app_pid" ] && stop_pids "$app_pid" && app_pid=
fi

# 7. Restart: signed in from the keyring, no browser
launches_before=$(browser_launches)
start_app second
wait_for 15 signed_in
rc=$?
t1=$(now_ms)
if [ $rc -eq 0 ] && [ "$(browser_launches)" = "$launches_before" ]; then
  ok "restart: signed in within 15 s without opening the browser"
  diag "start-up to signed-in window: $((t1 - app_started_ms)) ms"
else
  not_ok "restart: signed in within 15 s without opening the browser" \
    "status $rc after $((t1 - app_started_ms)) ms; browser launches: $(( $(browser_launches) - launches_before ))"
  app_alive || bail "the app exited after the restart"
fi

if wait_for 10 state_is "$remembered_org" && [ "$remembered_org" = "$other_org" ] \
   && wait_for 10 title_is "$other_name – Orgdesk"; then
  ok "restart: the remembered organization ($other_name) is active again"
else
  not_ok "restart: the remembered organization ($other_name) is active again" \
    "last-organization-id: '$remembered_org'; state: '$(organization_state)'; title: '$(window_title)'"
fi

# 8. The keyring record
count=$(keyring_items)
if [ "$count" -eq 1 ] && token=$(stored_refresh_token "$endpoint"); then
  ok "the keyring holds exactly one Orgdesk item, JSON with a refresh_token"
  diag "refresh token length: ${#token}"
else
  not_ok "the keyring holds exactly one Orgdesk item, JSON with a refresh_token" "items: $count"
  token=
fi

# The app rotates the refresh token on each grant; read and ask again if it changed meanwhile.
active=
for _ in 1 2 3 4 5; do
  [ -n "$token" ] || break
  active=$(introspect "$token")
  [ "$active" = true ] && break
  again=$(stored_refresh_token "$endpoint") || break
  [ "$again" = "$token" ] && break
  token=$again
done
if [ "$active" = true ]; then
  ok "the stored refresh token is active at introspection"
else
  not_ok "the stored refresh token is active at introspection" "active: ${active:-not asked}"
fi

# 9. Sign-out
activate sign-out
wait_for 15 signed_out
rc=$?
if [ $rc -eq 0 ]; then
  ok "sign-out: sign-in is enabled again within 15 s"
else
  not_ok "sign-out: sign-in is enabled again within 15 s" "status $rc; sign-in: $(describe sign-in); sign-out: $(describe sign-out)"
fi

wait_for 10 keyring_empty
count=$(keyring_items)
after=false
[ -n "$token" ] && after=$(introspect "$token")
if [ "$count" -eq 0 ] && [ -n "$token" ] && [ "$after" = false ]; then
  ok "sign-out: the keyring has no Orgdesk item and the refresh token is inactive at introspection"
else
  not_ok "sign-out: the keyring has no Orgdesk item and the refresh token is inactive at introspection" \
    "items: $count; token known: $([ -n "$token" ] && echo yes || echo no); active: $after"
fi
token=

wait_for 5 title_is "Orgdesk"
sleep 0.5
if screenshot signed-out.png; then
  ok "screenshot signed-out.png is a non-trivial PNG"
  diag "$screenshot_info"
else
  not_ok "screenshot signed-out.png is a non-trivial PNG" "${screenshot_info:-no file}"
fi

# 10. Still alive and responsive; quit
if app_alive && describe organization >/dev/null && signed_out; then
  ok "the app is still alive and answers Describe after sign-out"
else
  not_ok "the app is still alive and answers Describe after sign-out"
fi
activate quit
if wait_app_exit 10 && [ "$app_status" -eq 0 ]; then
  ok "Activate quit after sign-out: the process exits 0 within 10 s"
else
  not_ok "Activate quit after sign-out: the process exits 0 within 10 s" "status: ${app_status:-still running}"
  [ -n "$app_pid" ] && stop_pids "$app_pid" && app_pid=
fi

# 11. Offline start: a Logto of our own, signed in once, then stopped.  (Not a closed
# port like http://127.0.0.1:9 in the settings: keyring items are keyed by endpoint, so
# the app would find no item there.  The shared stand-in must keep running for others.)
rm -f "$work/logto2.json"
"${marked[@]}" node "$srcdir/tests/logto-stand-in/server.mjs" --port 0 --ready-file "$work/logto2.json" \
  >"$work/logto2.log" 2>&1 &
standin_pid=$!
for _ in $(seq 200); do
  [ -s "$work/logto2.json" ] && break
  is_running "$standin_pid" || break
  sleep 0.05
done
endpoint2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoint"])' "$work/logto2.json" 2>/dev/null)
[ -n "$endpoint2" ] || bail "a second Logto stand-in did not start: $(tail -n 5 "$work/logto2.log")"
settings_set logto-endpoint "$endpoint2"

start_app offline-sign-in
wait_for 20 is_enabled sign-in || bail "the app did not start signed out against the second stand-in"
activate sign-in
wait_for 60 signed_in || bail "sign-in against the second stand-in failed"
# The remembered organization is chosen at sign-in too; make sure it is the one to come back.
wait_for 10 state_is "$other_org" || { diag "sign-in did not pick the remembered organization"; set_organization "$other_org"; }
activate quit
wait_app_exit 10 || bail "the app did not quit"
stop_pids "$standin_pid"
wait "$standin_pid" 2>/dev/null
standin_pid=

launches_before=$(browser_launches)
start_app offline
wait_for 15 offline_signed_in
rc=$?
t1=$(now_ms)
if [ $rc -eq 0 ] && [ "$(browser_launches)" = "$launches_before" ]; then
  ok "start-up with Logto unreachable: signed in from the keyring, reconnect enabled"
  diag "start-up to signed-in window (offline): $((t1 - app_started_ms)) ms"
else
  not_ok "start-up with Logto unreachable: signed in from the keyring, reconnect enabled" \
    "status $rc; sign-out: $(describe sign-out); reconnect: $(describe reconnect)"
fi

screenshot_info=
if wait_for 10 state_is "$other_org" && wait_for 10 title_is "$other_name – Orgdesk" \
   && sleep 0.5 && screenshot offline.png; then
  ok "offline: the remembered organization is active, the title names it; screenshot offline.png"
  diag "$screenshot_info"
else
  not_ok "offline: the remembered organization is active, the title names it; screenshot offline.png" \
    "state: '$(organization_state)'; title: '$(window_title)'; ${screenshot_info:-}"
fi

# Reconnect while still offline: stays signed in and offline, keeps answering
# (reconnect is disabled while one is under way, and enabled again when it failed)
activate reconnect
if wait_for 10 offline_signed_in; then
  activate quit
  if wait_app_exit 10 && [ "$app_status" -eq 0 ]; then
    ok "offline: reconnect keeps the session (still offline); quit exits 0"
  else
    not_ok "offline: reconnect keeps the session (still offline); quit exits 0" "status: ${app_status:-still running}"
  fi
else
  not_ok "offline: reconnect keeps the session (still offline); quit exits 0" \
    "alive: $(app_alive && echo yes || echo no); sign-out: $(describe sign-out); reconnect: $(describe reconnect)"
fi

# 12. Leak check (sanitizer builds): a leak of our own still fails the run.  The same
# start-up from the keyring (offline) as above, with orgdesk-leak-check, which leaks
# LEAK_SIZE bytes once signed in.  Full, deep stacks (fast_unwind_on_malloc=0) give an entry
# of tests/lsan.supp the most frames to match: if any entry matches realloc, GLib, GObject,
# GIO, the main loop, libc or our code, it hides the block and this case fails.  So does
# an entry that names Orgdesk at all, in the suppressions file that LSAN_OPTIONS names.
leak_reported ()
{
  awk -v head="Direct leak of $LEAK_SIZE byte(s) in 1 object(s) allocated from:" '
    $0 == head { block = 1; next }
    block && /^$/ { block = 0 }
    block && / in orgdesk_test_leak_allocate / { found = 1 }
    END { exit !found }' "$1"
}
if [ -n "$leak_check_app" ]; then
  supp_file=$(printf '%s' "${LSAN_OPTIONS:-}" | tr ':' '\n' | sed -n 's/^suppressions=//p' | tail -n 1)
  own_entries=
  [ -n "$supp_file" ] && own_entries=$(grep -v '^[[:space:]]*#' "$supp_file" | grep -i orgdesk | tr '\n' ' ')
  app_status=
  start_app leak-check "$leak_check_app" ORGDESK_TEST_LEAK=1 \
    "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0:malloc_context_size=100"
  wait_for 20 offline_signed_in
  rc=$?
  [ $rc -eq 0 ] && activate quit
  wait_app_exit 20 || { stop_pids "$app_pid"; app_pid=; }
  log=$work/app-leak-check.log
  if [ $rc -eq 0 ] && [ "${app_status:-0}" -ne 0 ] && grep -q 'ERROR: LeakSanitizer: detected memory leaks' "$log" \
     && leak_reported "$log" && [ -z "$own_entries" ]; then
    ok "leak check: LeakSanitizer reports the $LEAK_SIZE bytes orgdesk-leak-check leaks after sign-in; it exits non-zero"
    diag "exit status $app_status; $(grep -m 1 '^SUMMARY: AddressSanitizer' "$log")"
  else
    not_ok "leak check: LeakSanitizer reports the $LEAK_SIZE bytes orgdesk-leak-check leaks after sign-in; it exits non-zero" \
      "signed in: $([ $rc -eq 0 ] && echo yes || echo "no (status $rc)"); exit status: ${app_status:-still running}" \
      "reported: $(grep -c '^Direct leak of\|^Indirect leak of' "$log") leaks; $(grep -m 1 '^SUMMARY: AddressSanitizer' "$log" || echo 'no LeakSanitizer summary')" \
      "entries of ${supp_file:-no suppressions file} that name Orgdesk: ${own_entries:-none}"
  fi
fi

[ "$n" -eq "$PLAN" ] || { echo "# $me: ran $n tests, planned $PLAN" >&2; failed=1; }
[ $failed -eq 0 ] || show_logs
exit $failed
