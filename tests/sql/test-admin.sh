#!/bin/bash
# test-admin.sh: orgdesk-admin migrate and seed against scratch databases (TAP).
#
# Copyright 2026 The Orgdesk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/sql/test-admin.sh ORGDESK-ADMIN MIGRATIONS-DIR
#        (under tests/with-services.sh; through meson: meson test -C BUILD admin)
#
# Creates databases of its own (owned by orgdesk_owner, dropped on exit), so
# the shared test database is never seeded or given a fake version.  Checks
# that migrate applies everything once and then nothing, refuses a database
# from the future, never prints a password, and that seeded rows are visible
# to the app role only within their organization.

# The cleanup function runs from a trap, which shellcheck cannot see.
# shellcheck disable=SC2317

set -uo pipefail

admin=${1:?usage: test-admin.sh ORGDESK-ADMIN MIGRATIONS-DIR}
migrations=${2:?usage: test-admin.sh ORGDESK-ADMIN MIGRATIONS-DIR}

ACME=i65bwzbgujz5kyen4maur
INITECH=spc3ekzs4qh3objiqoqdg
ALICE=l8za4p7ilvu0
BENCH=pgtap-bench-organization

n=0
failed=0

ok ()
{
  local description=$1; shift
  n=$((n + 1))
  if "$@"; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    failed=1
  fi
}

diag ()
{
  local line
  while IFS= read -r line; do
    echo "# $line"
  done <<< "$1"
}

is ()
{
  local got=$1 want=$2 description=$3
  n=$((n + 1))
  if [ "$got" = "$want" ]; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    echo "#   got: '$got'"
    echo "#  want: '$want'"
    failed=1
  fi
}

if [ -z "${ORGDESK_TEST_DATABASE_URI:-}" ]; then
  if [ -n "${CI:-}" ] || [ "${ORGDESK_TEST_REQUIRE_SERVICES:-0}" = 1 ]; then
    echo "1..1"
    echo "not ok 1 - ORGDESK_TEST_DATABASE_URI is not set; CI must start every service"
    exit 1
  fi
  echo "1..0 # SKIP ORGDESK_TEST_DATABASE_URI is not set (run through tests/with-services.sh)"
  exit 0
fi

# The URIs of tests/with-services.sh all end in the database name.
scratch=orgdesk_admin_test_$$
scratch_su=orgdesk_admin_test_su_$$
owner_uri=${ORGDESK_TEST_DATABASE_OWNER_URI%/orgdesk}/$scratch
app_uri=${ORGDESK_TEST_DATABASE_URI%/orgdesk}/$scratch
su_uri=${ORGDESK_TEST_DATABASE_SUPERUSER_URI/\/orgdesk\?//$scratch?}
su_scratch_uri=${ORGDESK_TEST_DATABASE_SUPERUSER_URI/\/orgdesk\?//$scratch_su?}
owner_password=${ORGDESK_TEST_DATABASE_OWNER_URI#*://*:}
owner_password=${owner_password%%@*}

superuser ()
{
  psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$ORGDESK_TEST_DATABASE_SUPERUSER_URI" "$@"
}

cleanup ()
{
  superuser -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" \
            -c "DROP DATABASE IF EXISTS $scratch_su WITH (FORCE)" \
            -c "DROP DATABASE IF EXISTS orgdesk_admin_test_legacy_$$ WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT

superuser -c "CREATE DATABASE $scratch OWNER orgdesk_owner" \
          -c "CREATE DATABASE $scratch_su OWNER orgdesk_owner" \
  || { echo "Bail out! cannot create scratch databases"; exit 1; }

# As the app role, in one transaction with the given context: app ORG USER SQL.
app ()
{
  psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$app_uri" \
    -c "BEGIN" \
    -c "SELECT WHERE pg_catalog.set_config ('orgdesk.organization_id', '$1', true) IS NULL
               OR pg_catalog.set_config ('orgdesk.user_id', '$2', true) IS NULL" \
    -c "$3" \
    -c "COMMIT" 2>&1
}

migrate ()
{
  "$admin" migrate --migrations "$migrations" "$@" 2>&1
}

n_migrations=$(find "$migrations" -name '[0-9][0-9][0-9][0-9]-*.sql' | wc -l)
newest=$(find "$migrations" -name '[0-9][0-9][0-9][0-9]-*.sql' -printf '%f\n' | sort | tail -1)
newest=${newest%.sql}

# --- migrate -------------------------------------------------------------
out=$(migrate --database "$owner_uri"); rc=$?
is "$rc" 0 "migrate on an empty database succeeds"
diag "$out"
ok "it says what it applied" grep -q "^Applied $newest" <<< "$out"
ok "it prints no password" test "${out/$owner_password/}" = "$out"
ok "it prints no URI" test "${out/postgresql:/}" = "$out"
is "$(superuser -d "$owner_uri" -c "SELECT count(*) FROM orgdesk.schema_migrations")" "$n_migrations" \
   "every migration is recorded"

out=$(migrate --database "$owner_uri"); rc=$?
is "$rc" 0 "a second migrate succeeds"
ok "and does nothing" grep -q "^Nothing to do: already at $newest" <<< "$out"
is "$(superuser -d "$owner_uri" -c "SELECT count(*) FROM orgdesk.schema_migrations")" "$n_migrations" \
   "nothing more is recorded"

out=$(migrate --database "$su_scratch_uri"); rc=$?
is "$rc" 0 "migrate as the superuser succeeds"
is "$(superuser -d "$su_scratch_uri" -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'orgdesk'::regnamespace AND relowner <> 'orgdesk_owner'::regrole")" \
   0 "objects migrated by the superuser still belong to orgdesk_owner"

superuser -d "$su_scratch_uri" -c "INSERT INTO orgdesk.schema_migrations (version, name) VALUES (9999, '9999-from-the-future')"
out=$(migrate --database "$su_scratch_uri"); rc=$?
is "$rc" 3 "a database with a newer migration is refused (exit 3)"
ok "saying why" grep -q "9999.*newer" <<< "$out"

superuser -d "$su_scratch_uri" -c "DELETE FROM orgdesk.schema_migrations WHERE version = 9999" \
          -c "UPDATE orgdesk.schema_migrations SET name = '0001-renamed' WHERE version = 1"
out=$(migrate --database "$su_scratch_uri"); rc=$?
is "$rc" 1 "a database that recorded another name for a version is refused"

out=$("$admin" migrate --database "$owner_uri" --migrations /nonexistent 2>&1); rc=$?
is "$rc" 1 "a missing migrations directory is an error"

wrong_uri=${owner_uri/$owner_password/wrong-password-1234}
out=$("$admin" migrate --database "$wrong_uri" --migrations "$migrations" 2>&1); rc=$?
is "$rc" 1 "a wrong password fails to connect"
ok "without printing the password" test "${out/wrong-password-1234/}" = "$out"

# Two migrates at once on a fresh database: the advisory lock lets each
# migration be applied once, and neither run fails.
race=orgdesk_admin_test_race_$$
race_uri=${ORGDESK_TEST_DATABASE_OWNER_URI%/orgdesk}/$race
superuser -c "CREATE DATABASE $race OWNER orgdesk_owner"
migrate --database "$race_uri" > /dev/null & first=$!
migrate --database "$race_uri" > /dev/null & second=$!
wait $first; rc1=$?
wait $second; rc2=$?
is "$rc1,$rc2" "0,0" "two concurrent migrates both succeed"
is "$(superuser -d "$race_uri" -c "SELECT count(*) FROM orgdesk.schema_migrations")" "$n_migrations" \
   "and record each migration once"
superuser -c "DROP DATABASE $race WITH (FORCE)"

# Upgrading a seeded database one migration at a time: 0002 backfills the
# directory of authors from the rows 0001 stored.
upgrade=orgdesk_admin_test_up_$$
upgrade_uri=${ORGDESK_TEST_DATABASE_OWNER_URI%/orgdesk}/$upgrade
only_first=$(mktemp -d)
cp "$migrations"/0001-*.sql "$only_first"/
superuser -c "CREATE DATABASE $upgrade OWNER orgdesk_owner"
migrate --database "$upgrade_uri" --migrations "$only_first" >/dev/null
"$admin" seed --database "$upgrade_uri" >/dev/null 2>&1
out=$(migrate --database "$upgrade_uri"); rc=$?
is "$rc" 0 "a seeded database migrates to the newest version"
is "$(psql -X -q -t -A -d "${ORGDESK_TEST_DATABASE_URI%/orgdesk}/$upgrade" -c "BEGIN" \
        -c "SELECT WHERE pg_catalog.set_config ('orgdesk.organization_id', '$INITECH', true) IS NULL" -c "SELECT string_agg (name, ',') FROM orgdesk.users" -c "COMMIT")" \
   "Bob Example" "and still names the authors of the existing posts"
rm -rf "$only_first"
superuser -c "DROP DATABASE $upgrade WITH (FORCE)"

# A database whose public schema still lets everyone create (one upgraded
# from PostgreSQL 14 or older, or made from such a template): after migrate
# the app role can plant nothing there that would shadow a built-in (0005).
legacy=orgdesk_admin_test_legacy_$$
legacy_app_uri=${ORGDESK_TEST_DATABASE_URI%/orgdesk}/$legacy
legacy_su_uri=${ORGDESK_TEST_DATABASE_SUPERUSER_URI/\/orgdesk\?//$legacy?}
superuser -c "CREATE DATABASE $legacy OWNER orgdesk_owner"
superuser -d "$legacy_su_uri" -c "GRANT CREATE ON SCHEMA public TO PUBLIC"
out=$(migrate --database "${ORGDESK_TEST_DATABASE_OWNER_URI%/orgdesk}/$legacy"); rc=$?
is "$rc" 0 "a database whose public schema grants CREATE to PUBLIC migrates"
diag "$out"
out=$(psql -X -q -t -A -v VERBOSITY=sqlstate -d "$legacy_app_uri" \
        -c "CREATE FUNCTION public.lower (text) RETURNS text LANGUAGE sql RETURN 'x'" 2>&1)
is "$out" "ERROR:  42501" "after it the app role cannot create public.lower (text)"
out=$(psql -X -q -t -A -v VERBOSITY=sqlstate -d "$legacy_app_uri" -c "CREATE TABLE public.x (i int)" 2>&1)
is "$out" "ERROR:  42501" "nor a table in public"

# The same where public belongs to a role orgdesk_owner cannot speak for:
# migrate cannot revoke, so it refuses to finish and names the schema.
superuser -c "DROP DATABASE $legacy WITH (FORCE)" -c "CREATE DATABASE $legacy OWNER orgdesk_owner"
superuser -d "$legacy_su_uri" -c "ALTER SCHEMA public OWNER TO CURRENT_USER" \
          -c "GRANT CREATE ON SCHEMA public TO PUBLIC"
out=$(migrate --database "${ORGDESK_TEST_DATABASE_OWNER_URI%/orgdesk}/$legacy"); rc=$?
ok "where it cannot revoke CREATE on public, migrate fails" test "$rc" -ne 0
ok "naming the schema" grep -q "orgdesk_app can create objects in schema public" <<< "$out"
diag "$out"
superuser -c "DROP DATABASE $legacy WITH (FORCE)"

# --- what the app role may do, logged in as itself ---------------------------
out=$(psql -X -q -t -A -d "$app_uri" -c "SET ROLE orgdesk_owner" 2>&1)
# (refused by orgdesk_auth's confinement, or by PostgreSQL itself without it)
ok "the app role cannot become the owner" grep -Eq "permission denied to set role|SET is not allowed for role" <<< "$out"
out=$(psql -X -q -t -A -d "$app_uri" -c "SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user" 2>&1)
is "$out" f "the app role logs in without BYPASSRLS"

# --- seed ----------------------------------------------------------------
out=$("$admin" seed --database "$owner_uri" 2>&1); rc=$?
is "$rc" 0 "seed (demo data) succeeds"
ok "it seeds the stand-in's organizations" grep -q "^Acme Corporation ($ACME): [0-9]* posts" <<< "$out"
acme_posts=$(app "$ACME" "" "SELECT count(*) FROM orgdesk.posts")
ok "Acme has posts ($acme_posts)" test "$acme_posts" -gt 0
is "$(app "$ACME" "" "SELECT count(*) FROM orgdesk.posts WHERE logto_organization_id <> '$ACME'")" 0 \
   "with Acme's context the app sees only Acme's posts"
ok "Acme has comments" test "$(app "$ACME" "" "SELECT count(*) FROM orgdesk.comments")" -gt 0
is "$(app "$ACME" "" "SELECT count(*) FROM orgdesk.comments WHERE logto_organization_id <> '$ACME'")" 0 \
   "and only Acme's comments"
is "$(app "" "" "SELECT count(*) FROM orgdesk.posts")" 0 "without context the app sees no seeded post"
is "$(app "$INITECH" "" "SELECT string_agg(DISTINCT u.name, ',') FROM orgdesk.posts p JOIN orgdesk.users u ON u.id = p.author_id")" \
   "Bob Example" "Initech's posts show their author, Bob"
is "$(app "$INITECH" "" "SELECT count(*) FROM orgdesk.users WHERE logto_id = '$ALICE'")" 0 \
   "Alice, who writes only elsewhere, is invisible from Initech"
is "$(app "$INITECH" "$ALICE" "SELECT count(*) FROM orgdesk.users WHERE logto_id = '$ALICE'")" 1 \
   "but Alice sees her own row"

fixture=$(cd "$(dirname "$0")/.." && pwd)/logto-stand-in/fixtures.json
want=$(python3 -c 'import json, sys; print("\n".join(sorted(o["id"] for o in json.load(open(sys.argv[1]))["organizations"])))' "$fixture")
# As postgres, which no policy filters.
have=$(superuser -d "$su_uri" -c "SELECT DISTINCT logto_organization_id FROM orgdesk.posts" | LC_ALL=C sort)
is "$have" "$(LC_ALL=C sort <<< "$want")" "every organization of the stand-in's fixture has demo posts"

out=$("$admin" seed --database "$owner_uri" 2>&1); rc=$?
is "$rc" 0 "seed again succeeds"
is "$(app "$ACME" "" "SELECT count(*) FROM orgdesk.posts")" "$acme_posts" "and adds nothing"

out=$("$admin" seed --database "$owner_uri" --organization "$BENCH" --posts 2500 --batch-size 1000 2>&1); rc=$?
is "$rc" 0 "seed --organization --posts succeeds"
diag "${out//$'\r'/$'\n'}"
is "$(app "$BENCH" "" "SELECT count(*) FROM orgdesk.posts")" 2500 "it generates that many posts"
is "$(app "$BENCH" "" "SELECT count(DISTINCT created_at) FROM orgdesk.posts")" 2500 \
   "with distinct creation times for keyset paging"
is "$(app "$ACME" "" "SELECT count(*) FROM orgdesk.posts")" "$acme_posts" "none of them in another organization"
"$admin" seed --database "$owner_uri" --organization "$BENCH" --posts 500 >/dev/null 2>&1
is "$(app "$BENCH" "" "SELECT count(*) FROM orgdesk.posts")" 3000 "a second run adds to them"

out=$("$admin" seed --database "$owner_uri" --posts 10 2>&1); rc=$?
is "$rc" 2 "--posts without --organization is a usage error"
out=$("$admin" frobnicate 2>&1); rc=$?
is "$rc" 2 "an unknown command is a usage error"

echo "1..$n"
exit $failed
