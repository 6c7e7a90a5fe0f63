#!/bin/bash
# setup-debian.sh: install everything Orgdesk needs to build, run and test on
# Debian 12 (run as root, or through sudo), then the pinned npm packages.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

packages=(
  # build
  build-essential meson ninja-build pkg-config gettext libglib2.0-dev-bin
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev libsecret-1-dev
  libpq-dev libgnutls28-dev
  # the orgdesk_auth extension (src/server/orgdesk-auth), built when its headers are here
  postgresql-server-dev-15
  # data validation
  desktop-file-utils appstream flatpak-builder
  # services and test tools
  xvfb xauth x11-utils dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core
  # the keyring as Flatpak's sandbox sees it (tests/keyring-sandbox.sh)
  bubblewrap xdg-dbus-proxy xdg-desktop-portal
  postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl pgbouncer
  chromium imagemagick python3 curl
)

# The machine image ships Node.js 20 with its own npm; Debian's packages would
# replace it with an older one, so they are only a fallback.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
  "${packages[@]}" >/dev/null

npm ci --prefix "$srcdir/tests" --no-audit --no-fund --loglevel=error
