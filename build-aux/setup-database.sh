#!/bin/bash
# setup-database.sh: the schema, the database's trust in a Logto issuer, and the
# demo posts, in one database: what run-local.sh and take-screenshots.sh need.
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/setup-database.sh ORGDESK-ADMIN OWNER-URI LOGTO-ENDPOINT [AUDIENCE]
#
# As the owner: orgdesk-admin migrate (the shipped migrations), config set
# issuer <endpoint>/oidc and audience (the database API resource, by default
# Orgdesk's default setting), jwks sync (the issuer's signing keys, so the
# orgdesk_auth extension accepts its tokens), and seed (demo posts).  Prints
# what orgdesk-admin says; exits non-zero at the first step that fails.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
admin=${1:?usage: setup-database.sh ORGDESK-ADMIN OWNER-URI LOGTO-ENDPOINT [AUDIENCE]}
owner_uri=${2:?usage: setup-database.sh ORGDESK-ADMIN OWNER-URI LOGTO-ENDPOINT [AUDIENCE]}
endpoint=${3:?usage: setup-database.sh ORGDESK-ADMIN OWNER-URI LOGTO-ENDPOINT [AUDIENCE]}
audience=${4:-https://orgdesk.example.com/db}

"$admin" migrate --database "$owner_uri" --migrations "$here/../src/server/migrations"
"$admin" config set issuer "${endpoint%/}/oidc" audience "$audience" --database "$owner_uri"
"$admin" jwks sync --database "$owner_uri"
"$admin" seed --database "$owner_uri"
