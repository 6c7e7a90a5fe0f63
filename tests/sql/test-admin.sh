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
# to the app role only within their organization.  Then config set/show and
# jwks sync: against a Logto stand-in of its own (its keys are rotated, which
# must not disturb the other tests' shared one) and a small local HTTP server
# playing a broken or hostile issuer.

# The cleanup function runs from a trap, which shellcheck cannot see; and
# orgdesk-admin's messages quote with “”, which the patterns match on purpose.
# shellcheck disable=SC2317,SC1111

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

work=$(mktemp -d)
stand_in_pid=
issuer_pid=

cleanup ()
{
  [ -n "$stand_in_pid" ] && kill "$stand_in_pid" 2>/dev/null
  [ -n "$issuer_pid" ] && kill "$issuer_pid" 2>/dev/null
  rm -rf "$work"
  superuser -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" \
            -c "DROP DATABASE IF EXISTS $scratch_su WITH (FORCE)" \
            -c "DROP DATABASE IF EXISTS orgdesk_admin_test_legacy_$$ WITH (FORCE)" \
            -c "DROP DATABASE IF EXISTS orgdesk_admin_test_keys_$$ WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT

superuser -c "CREATE DATABASE $scratch OWNER orgdesk_owner" \
          -c "CREATE DATABASE $scratch_su OWNER orgdesk_owner" \
  || { echo "Bail out! cannot create scratch databases"; exit 1; }

# As the app role, in one transaction with the given context (empty: none):
# app ORG USER SQL.  The app gets a context from a token only, so a superuser
# assumes it (what orgdesk.authenticate sets for a read-write token) and
# becomes the app role for the statement.
app ()
{
  as_app_in "$su_uri" "$@"
}

as_app_in ()
{
  psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$1" \
    -c "BEGIN" \
    -c "SELECT WHERE orgdesk.assume_context (NULLIF ('$3', ''), NULLIF ('$2', '')) IS NULL" \
    -c "SET LOCAL ROLE orgdesk_app" \
    -c "$4" \
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
# Rows as 0001 stored them (today's seed needs 0006's assume_context).
superuser -d "${ORGDESK_TEST_DATABASE_SUPERUSER_URI/\/orgdesk\?//$upgrade?}" \
  -c "INSERT INTO orgdesk.users (id, logto_id, name) VALUES ('00000000-0000-4000-8000-0000000000b0', 'upgrade-bob', 'Bob Example')" \
  -c "INSERT INTO orgdesk.posts (logto_organization_id, author_id, title)
      VALUES ('$INITECH', '00000000-0000-4000-8000-0000000000b0', 'Written before 0002')" >/dev/null
out=$(migrate --database "$upgrade_uri"); rc=$?
is "$rc" 0 "a seeded database migrates to the newest version"
is "$(as_app_in "${ORGDESK_TEST_DATABASE_SUPERUSER_URI/\/orgdesk\?//$upgrade?}" "$INITECH" "" "SELECT string_agg (name, ',') FROM orgdesk.users")" \
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

# --- config set / show -------------------------------------------------------
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
owner_su_uri=$su_uri


admin_db ()
{
  "$admin" "$@" --database "$owner_uri" 2>&1
}

config_row ()
{
  superuser -d "$owner_su_uri" -F ' ' -c "SELECT issuer, audience, clock_skew_seconds, read_scope, write_scope FROM orgdesk.auth_config"
}

# HTTP for the stand-ins' test hooks, without any proxy: http_json METHOD URL [BODY]
http_json ()
{
  python3 -c '
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
body = sys.argv[3].encode() if len(sys.argv) > 3 else None
request = urllib.request.Request(sys.argv[2], data=body, method=sys.argv[1],
                                 headers={"content-type": "application/json"})
print(opener.open(request, timeout=10).read().decode())' "$@"
}

# The kids a stand-in publishes now, sorted, one a line.
published_kids ()
{
  http_json GET "$1/oidc/jwks" | python3 -c 'import json, sys; print("\n".join(sorted(k["kid"] for k in json.load(sys.stdin)["keys"])))'
}

stored_kids ()
{
  superuser -d "${2:-$owner_su_uri}" -c "SELECT kid FROM orgdesk.auth_keys" | LC_ALL=C sort
}

# A Logto stand-in of our own: rotating the shared one's keys would pull them
# from under the sign-in tests running beside this one.
node "$srcdir/tests/logto-stand-in/server.mjs" --test-hooks --ready-file "$work/stand-in.json" \
  > "$work/stand-in.log" 2>&1 &
stand_in_pid=$!
# Under a loaded machine (the whole suite on two cores) node takes its time.
for _ in $(seq 1 600); do
  [ -s "$work/stand-in.json" ] && break
  kill -0 "$stand_in_pid" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$work/stand-in.json" ]; then
  diag "$(cat "$work/stand-in.log")"
  echo "Bail out! the private Logto stand-in did not start in 60 s"
  exit 1
fi
endpoint=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["endpoint"])' "$work/stand-in.json")
issuer=$endpoint/oidc
audience=https://orgdesk.example.com/db

out=$(admin_db config show); rc=$?
is "$rc" 1 "config show with nothing configured fails"
ok "saying so" grep -q "Nothing is configured" <<< "$out"

out=$(admin_db jwks sync); rc=$?
is "$rc" 1 "jwks sync with no issuer configured and no --issuer fails"
ok "saying so" grep -q "No issuer is configured" <<< "$out"

out=$(admin_db config set clock-skew 30); rc=$?
is "$rc" 1 "a first config set without issuer and audience is refused"
ok "saying that both are needed" grep -q "needs both an issuer and an audience" <<< "$out"
out=$(admin_db config set issuer "$issuer"); rc=$?
is "$rc" 1 "a first config set of the issuer alone is refused"
is "$(config_row)" "" "and nothing is stored"

out=$(admin_db config set issuer "$issuer" audience "$audience"); rc=$?
is "$rc" 0 "config set issuer URL audience RESOURCE creates the configuration"
diag "$out"
is "$(config_row)" "$issuer $audience 60 data:read data:write" "with the defaults for the rest"
ok "and prints it" grep -qx "issuer: $issuer" <<< "$out"

out=$(admin_db config set clock-skew 120 read-scope data:r write-scope data:w); rc=$?
is "$rc" 0 "config set of several keys at once succeeds"
is "$(config_row)" "$issuer $audience 120 data:r data:w" "and stores each"
out=$(admin_db config show); rc=$?
is "$rc" 0 "config show succeeds"
is "$(grep -v '^orgdesk-admin' <<< "$out")" "issuer: $issuer
audience: $audience
clock-skew: 120
read-scope: data:r
write-scope: data:w
keys: none (run orgdesk-admin jwks sync)" "config show prints what config set stored"

for bad in 301 -1 abc 1.5 "" 0x10; do
  out=$(admin_db config set clock-skew "$bad"); rc=$?
  is "$rc" 2 "clock-skew “$bad” is a usage error"
done
ok "saying what is allowed" grep -q "from 0 to 300" <<< "$out"
is "$(config_row)" "$issuer $audience 120 data:r data:w" "and the configuration is unchanged"
out=$(admin_db config set clock-skew 0); rc=$?
is "$rc,$(config_row)" "0,$issuer $audience 0 data:r data:w" "clock-skew 0 is allowed"
admin_db config set clock-skew 300 read-scope data:read write-scope data:write >/dev/null

out=$(admin_db config set issuer http://logto.example.com/oidc); rc=$?
is "$rc" 2 "config set of a plain-http issuer that is not loopback is refused"
ok "saying why" grep -q "use https" <<< "$out"
out=$(admin_db config set issuer "https://user:hunter2@logto.example.com/oidc"); rc=$?
is "$rc" 2 "an issuer with a password in it is refused"
ok "without printing the password" test "${out/hunter2/}" = "$out"
out=$(admin_db config set read-scope "data read"); rc=$?
is "$rc" 2 "a scope with a space is refused"
out=$(admin_db config set audience ""); rc=$?
is "$rc" 2 "an empty audience is refused"
out=$(admin_db config set colour blue); rc=$?
is "$rc" 2 "an unknown key is a usage error"
out=$(admin_db config set audience); rc=$?
is "$rc" 2 "a key without a value is a usage error"
out=$(admin_db config set audience a audience b); rc=$?
is "$rc" 2 "a key given twice is a usage error"
is "$(config_row)" "$issuer $audience 300 data:read data:write" "none of them changed anything"

# --- jwks sync against the stand-in ----------------------------------------
out=$(admin_db jwks sync); rc=$?
is "$rc" 0 "jwks sync into an empty table succeeds"
diag "$out"
first_kid=$(published_kids "$endpoint")
is "$(stored_kids)" "$first_kid" "the table holds the stand-in's kid"
ok "it says it added it" grep -qE "^ +added +$first_kid\$" <<< "$out"
public_x=$(http_json GET "$endpoint/oidc/jwks" | python3 -c 'import json, sys; print(json.load(sys.stdin)["keys"][0]["x"])')
ok "it prints no key material" test "${out/$public_x/}" = "$out"
ok "it prints no password" test "${out/$owner_password/}" = "$out"
is "$(superuser -d "$owner_su_uri" -c "SELECT string_agg (k, ',' ORDER BY k) FROM orgdesk.auth_keys, jsonb_object_keys (jwk) AS k")" \
   "alg,crv,kid,kty,use,x,y" "the stored JWK holds the public members"
stored_x=$(superuser -d "$owner_su_uri" -c "SELECT jwk ->> 'x' FROM orgdesk.auth_keys")
is "$stored_x" "$public_x" "with the stand-in's values"
added_at=$(superuser -d "$owner_su_uri" -c "SELECT added_at FROM orgdesk.auth_keys")

out=$(admin_db jwks sync); rc=$?
is "$rc" 0 "a second jwks sync succeeds"
ok "and changes nothing" grep -q "^Nothing changed: 1 key kept" <<< "$out"
is "$(superuser -d "$owner_su_uri" -c "SELECT added_at FROM orgdesk.auth_keys")" "$added_at" \
   "the key keeps its added_at"
out=$(admin_db config show)
ok "config show lists the stored kid" grep -qx "keys: $first_kid" <<< "$out"

rotated=$(http_json POST "$endpoint/__test/keys/rotate" '{}')
second_kid=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["current"]["kid"])' "$rotated")
out=$(admin_db jwks sync); rc=$?
is "$rc" 0 "jwks sync after a key rotation succeeds"
diag "$out"
is "$(stored_kids)" "$(LC_ALL=C sort <<< "$first_kid
$second_kid")" "the table holds the new kid and still the previous one, as Logto lists both"
ok "it says it added the new one" grep -qE "^ +added +$second_kid\$" <<< "$out"
ok "and kept the old one" grep -qE "^ +kept +$first_kid\$" <<< "$out"

rotated=$(http_json POST "$endpoint/__test/keys/rotate" '{"alg": "RS256"}')
third_kid=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["current"]["kid"])' "$rotated")
out=$(admin_db jwks sync); rc=$?
is "$rc" 0 "jwks sync after a second rotation (to an RSA key) succeeds"
is "$(stored_kids)" "$(published_kids "$endpoint")" "the table holds what the stand-in lists"
ok "which is the two newest kids" test "$(stored_kids)" = "$(LC_ALL=C sort <<< "$second_kid
$third_kid")"
ok "it says it removed the first key, which Logto dropped" grep -qE "^ +removed +$first_kid\$" <<< "$out"
is "$(superuser -d "$owner_su_uri" -c "SELECT jwk ->> 'kty' FROM orgdesk.auth_keys WHERE kid = '$third_kid'")" \
   RSA "the RSA key is stored"

superuser -d "$owner_su_uri" -c "UPDATE orgdesk.auth_keys SET jwk = jwk - 'use' WHERE kid = '$second_kid'"
out=$(admin_db jwks sync); rc=$?
is "$rc" 0 "jwks sync over a stored key that differs from the published one succeeds"
ok "it says it updated it" grep -qE "^ +updated +$second_kid\$" <<< "$out"
is "$(superuser -d "$owner_su_uri" -c "SELECT jwk ->> 'use' FROM orgdesk.auth_keys WHERE kid = '$second_kid'")" \
   sig "and stores the published JWK again"

out=$(admin_db jwks sync --issuer "$issuer"); rc=$?
is "$rc" 0 "jwks sync --issuer naming the configured issuer succeeds"
out=$(admin_db jwks sync --issuer "http://127.0.0.1:1/oidc"); rc=$?
is "$rc" 1 "jwks sync --issuer naming another issuer than the configured one is refused"
ok "saying so" grep -q "is not the configured issuer" <<< "$out"
out=$(admin_db jwks sync --issuer http://logto.example.com/oidc); rc=$?
is "$rc" 2 "jwks sync --issuer over plain http to a host that is not loopback is a usage error"
ok "saying why" grep -q "use https" <<< "$out"

# --- jwks sync refusals: a local server plays a broken or hostile issuer -----
# A database of its own with no configuration (so --issuer may name each case)
# and the stand-in's keys, which every refused sync must leave alone.
keys_db=orgdesk_admin_test_keys_$$
keys_uri=${ORGDESK_TEST_DATABASE_OWNER_URI%/orgdesk}/$keys_db
keys_su_uri=${ORGDESK_TEST_DATABASE_SUPERUSER_URI/\/orgdesk\?//$keys_db?}
superuser -c "CREATE DATABASE $keys_db OWNER orgdesk_owner"
migrate --database "$keys_uri" >/dev/null

out=$("$admin" jwks sync --database "$keys_uri" --issuer "$issuer" 2>&1); rc=$?
is "$rc" 0 "jwks sync --issuer with nothing configured succeeds"
is "$(stored_kids "$keys_su_uri")" "$(published_kids "$endpoint")" "and stores that issuer's keys"
snapshot ()
{
  superuser -d "$keys_su_uri" -c "SELECT kid, jwk, added_at FROM orgdesk.auth_keys ORDER BY kid"
}
before=$(snapshot)

mkdir -p "$work/issuer"
python3 -u - "$work/issuer" > "$work/issuer.port" 2> "$work/issuer.log" <<'PYTHON' &
import http.server, os, sys, time

root = sys.argv[1]

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/hang/jwks":
            time.sleep(120)
            return
        if path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/endless/jwks":
            # No Content-Length: the body ends when the server closes.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                self.wfile.write(b'{"keys":[')
                while True:
                    self.wfile.write(b" " * 65536)
            except OSError:
                return
        file = os.path.normpath(os.path.join(root, path.lstrip("/")))
        if not file.startswith(root + "/") or not os.path.isfile(file):
            self.send_error(404)
            return
        with open(file, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1])
server.serve_forever()
PYTHON
issuer_pid=$!
for _ in $(seq 1 600); do
  [ -s "$work/issuer.port" ] && break
  kill -0 "$issuer_pid" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$work/issuer.port" ]; then
  diag "$(cat "$work/issuer.log")"
  echo "Bail out! the local HTTP server did not start in 60 s"
  exit 1
fi
port=$(cat "$work/issuer.port")
local_issuer=http://127.0.0.1:$port

# case DISCOVERY-ISSUER JWKS-URI JWKS: the files the local issuer serves for
# /case/.well-known/openid-configuration and /case/jwks ("-": no file).
serve ()
{
  local name=$1 discovered=$2 jwks_uri=$3 jwks=$4
  mkdir -p "$work/issuer/$name/.well-known"
  if [ "$discovered" != - ]; then
    python3 -c 'import json, sys; print(json.dumps({"issuer": sys.argv[1], "jwks_uri": sys.argv[2]} if sys.argv[2] else {"issuer": sys.argv[1]}))' \
      "$discovered" "$jwks_uri" > "$work/issuer/$name/.well-known/openid-configuration"
  fi
  if [ "$jwks" != - ]; then
    printf '%s' "$jwks" > "$work/issuer/$name/jwks"
  fi
}

# refused NAME DESCRIPTION PATTERN: jwks sync --issuer <local>/NAME fails, says
# PATTERN, and leaves the table as it was.
refused ()
{
  local name=$1 description=$2 pattern=$3
  out=$("$admin" jwks sync --database "$keys_uri" --issuer "$local_issuer/$name" 2>&1); rc=$?
  is "$rc" 1 "$description is refused"
  ok "  saying so ($pattern)" grep -q -- "$pattern" <<< "$out"
  grep -q -- "$pattern" <<< "$out" || diag "$out"
  is "$(snapshot)" "$before" "  and the table is unchanged"
}

# The stand-in's EC key, for documents that are wrong in one member.
good_key=$(http_json GET "$endpoint/oidc/jwks" | python3 -c 'import json, sys; print(json.dumps([k for k in json.load(sys.stdin)["keys"] if k["kty"] == "EC"][0]))')
with_members ()
{
  python3 -c 'import json, sys; k = json.loads(sys.argv[1]); k.update(json.loads(sys.argv[2])); print(json.dumps(k))' "$good_key" "$1"
}
without_member ()
{
  python3 -c 'import json, sys; k = json.loads(sys.argv[1]); k.pop(sys.argv[2]); print(json.dumps(k))' "$good_key" "$1"
}

serve mismatch "$local_issuer/elsewhere" "$local_issuer/mismatch/jwks" "{\"keys\":[$good_key]}"
refused mismatch "a discovery document naming another issuer" "names the issuer"

serve insecure "$local_issuer/insecure" "http://keys.example.com/jwks" "-"
refused insecure "a jwks_uri over plain http to a host that is not loopback" "plain http"

serve nojwksuri "$local_issuer/nojwksuri" "" "-"
refused nojwksuri "a discovery document without jwks_uri" "no usable jwks_uri"

mkdir -p "$work/issuer/notjson/.well-known"
echo '<html>Sign in</html>' > "$work/issuer/notjson/.well-known/openid-configuration"
refused notjson "a discovery document that is not JSON" "not valid JSON"

refused missing "a missing discovery document (404)" "HTTP 404"

refused redirect "a redirected discovery document" "redirects are not followed"

serve malformed "$local_issuer/malformed" "$local_issuer/malformed/jwks" '{"keys": [{"kty": "EC",'
refused malformed "a key set that is not valid JSON" "not valid JSON"

serve nokeys "$local_issuer/nokeys" "$local_issuer/nokeys/jwks" '{"items": []}'
refused nokeys "a key set without a keys array" "“keys” array"

serve empty "$local_issuer/empty" "$local_issuer/empty/jwks" '{"keys": []}'
refused empty "an empty key set" "is empty"

serve nokid "$local_issuer/nokid" "$local_issuer/nokid/jwks" "{\"keys\":[$(without_member kid)]}"
refused nokid "a key without kid" "has no “kid”"

serve numberkid "$local_issuer/numberkid" "$local_issuer/numberkid/jwks" "{\"keys\":[$(with_members '{"kid": 7}')]}"
refused numberkid "a key whose kid is not a string" "has no “kid”"

serve duplicate "$local_issuer/duplicate" "$local_issuer/duplicate/jwks" "{\"keys\":[$good_key,$good_key]}"
refused duplicate "a key set with a kid twice" "Two keys of the key set have the kid"

for member in d p q dp dq qi k; do
  serve "private-$member" "$local_issuer/private-$member" "$local_issuer/private-$member/jwks" \
        "{\"keys\":[$(with_members "{\"$member\": \"c2VjcmV0LWtleS1tYXRlcmlhbA\"}")]}"
  refused "private-$member" "a key with the private member $member" "private key material (member “$member”)"
  ok "  without printing it" test "${out/c2VjcmV0LWtleS1tYXRlcmlhbA/}" = "$out"
done

serve badcurve "$local_issuer/badcurve" "$local_issuer/badcurve/jwks" "{\"keys\":[$(with_members '{"crv": "P-192"}')]}"
refused badcurve "a key the JOSE code cannot load (unknown curve)" "not a signing key Orgdesk can verify with"

serve offcurve "$local_issuer/offcurve" "$local_issuer/offcurve/jwks" \
      "{\"keys\":[$good_key,$(with_members '{"kid": "off-curve", "y": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}')]}"
refused offcurve "a set with one good key and one not on its curve" "Key “off-curve” is not a signing key"

serve encryption "$local_issuer/encryption" "$local_issuer/encryption/jwks" "{\"keys\":[$(with_members '{"use": "enc"}')]}"
refused encryption "an encryption key" "not a signing key"

serve hmac "$local_issuer/hmac" "$local_issuer/hmac/jwks" "{\"keys\":[$(with_members '{"alg": "HS256"}')]}"
refused hmac "a key for an algorithm that is not allowed (HS256)" "not a signing key"

mkdir -p "$work/issuer/big"
serve big "$local_issuer/big" "$local_issuer/big/jwks" -
python3 -c 'import sys; sys.stdout.write("{\"keys\":[" + " " * (1024 * 1024) + "]}")' > "$work/issuer/big/jwks"
refused big "a key set larger than 1 MiB (Content-Length)" "larger than 1048576 bytes"

serve endless "$local_issuer/endless" "$local_issuer/endless/jwks" -
refused endless "a key set that never ends (no Content-Length)" "larger than 1048576 bytes"

serve hang "$local_issuer/hang" "$local_issuer/hang/jwks" -
start=$SECONDS
refused hang "a key set that never comes" "Could not read the key set\|Could not fetch the key set"
ok "  given up after the timeout (took $((SECONDS - start)) s)" test $((SECONDS - start)) -le 30

out=$("$admin" jwks sync --database "$keys_uri" --issuer "http://127.0.0.1:1/oidc" 2>&1); rc=$?
is "$rc" 1 "an issuer that cannot be reached fails"
is "$(snapshot)" "$before" "  and the table is unchanged"

# What is stored of a key is its public members, whatever else the issuer adds.
serve extra "$local_issuer/extra" "$local_issuer/extra/jwks" \
      "{\"keys\":[$(with_members '{"key_ops": ["verify"], "x5t": "bm90LWEtdGh1bWJwcmludA", "ext": true}')]}"
out=$("$admin" jwks sync --database "$keys_uri" --issuer "$local_issuer/extra" 2>&1); rc=$?
is "$rc" 0 "jwks sync of a key with members beyond the public ones succeeds"
diag "$out"
is "$(superuser -d "$keys_su_uri" -c "SELECT string_agg (k, ',' ORDER BY k) FROM orgdesk.auth_keys, jsonb_object_keys (jwk) AS k")" \
   "alg,crv,kid,kty,use,x,y" "only the public members are stored"

# --- --help ----------------------------------------------------------------
out=$("$admin" jwks sync --help 2>&1); rc=$?
is "$rc" 0 "jwks sync --help succeeds"
ok "and describes --issuer" grep -q -- "--issuer=URL" <<< "$out"
out=$("$admin" config set --help 2>&1); rc=$?
is "$rc" 0 "config set --help succeeds"
ok "and names every key" test "$(grep -cE '^  (issuer URL|audience RESOURCE|clock-skew SECONDS|read-scope SCOPE|write-scope SCOPE) ' <<< "$out")" = 5
out=$("$admin" config show --help 2>&1); rc=$?
is "$rc" 0 "config show --help succeeds"
out=$("$admin" --help 2>&1); rc=$?
ok "orgdesk-admin --help lists jwks sync and config" test "$rc" = 0 -a "$(grep -cE '^  (jwks sync|config set|config show) ' <<< "$out")" = 3
out=$("$admin" jwks 2>&1); rc=$?
is "$rc" 2 "jwks without a subcommand is a usage error"
out=$("$admin" config unset issuer 2>&1); rc=$?
is "$rc" 2 "an unknown config subcommand is a usage error"
out=$("$admin" config show extra --database "$owner_uri" 2>&1); rc=$?
is "$rc" 2 "config show with an argument is a usage error"

echo "1..$n"
exit $failed
