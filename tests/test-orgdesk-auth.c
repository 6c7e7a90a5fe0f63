/* test-orgdesk-auth.c: the orgdesk_auth extension, in a real PostgreSQL server
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scratch database of its own (orgdesk_auth_test) with the extension
 * created by orgdesk_owner as a migration does, a configuration and keys made
 * here at run time, and every check as orgdesk_app over TCP: what a client
 * holding the app role's password can and cannot do with and without a token.
 */

#include "config.h"

#include <string.h>

#include <libpq-fe.h>

#include "orgdesk-base64url.h"
#include "orgdesk-test-jwt-signer.h"
#include "orgdesk-test-utils.h"

#define TEST_DATABASE "orgdesk_auth_test"
#define ISSUER "https://logto.test/oidc"
#define AUDIENCE "https://orgdesk.example.com/db"
#define ORGANIZATION_A "org-a-0001"
#define ORGANIZATION_B "org-b-0002"
#define SUBJECT "user-0001"

static OrgdeskTestJwtSigner *signer;       /* its key is stored */
static OrgdeskTestJwtSigner *second_signer; /* stored too: a rotation */
static OrgdeskTestJwtSigner *stranger;     /* same kid as signer, never stored */

/* Connections {{{ */

static PGconn *
connect_as (const char *uri_variable)
{
  const char *uri = g_getenv (uri_variable);
  const char *keywords[] = { "dbname", "dbname", NULL };
  const char *values[] = { uri, TEST_DATABASE, NULL };
  PGconn *conn = PQconnectdbParams (keywords, values, 1);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("connecting with %s: %s", uri_variable, PQerrorMessage (conn));
  return conn;
}

static PGconn *
connect_app (void)
{
  return connect_as ("ORGDESK_TEST_DATABASE_URI");
}

/* Runs @sql with one optional parameter; returns the result whatever it is. */
static PGresult *
run (PGconn     *conn,
     const char *sql,
     const char *param)
{
  const char *params[] = { param };

  return PQexecParams (conn, sql, param != NULL ? 1 : 0, NULL, params, NULL, NULL, 0);
}

static void
run_ok (PGconn     *conn,
        const char *sql,
        const char *param)
{
  PGresult *result = run (conn, sql, param);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
}

/* The SQLSTATE @sql fails with, or NULL if it succeeds. */
static char *
run_error (PGconn     *conn,
           const char *sql,
           const char *param)
{
  PGresult *result = run (conn, sql, param);
  char *state = NULL;

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    state = g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
  PQclear (result);
  return state;
}

/* First column of the first row, or NULL for SQL NULL. */
static char *
value_of (PGconn     *conn,
          const char *sql,
          const char *param)
{
  PGresult *result = run (conn, sql, param);
  char *value = NULL;

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

/* }}} */

/* Tokens {{{ */

static JsonObject *
claims_new (const char *organization_id,
            const char *scope)
{
  JsonObject *claims = json_object_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  json_object_set_string_member (claims, "iss", ISSUER);
  json_object_set_string_member (claims, "aud", AUDIENCE);
  json_object_set_string_member (claims, "sub", SUBJECT);
  json_object_set_string_member (claims, "client_id", "orgdesk-desktop");
  json_object_set_string_member (claims, "jti", "jti-0001");
  json_object_set_int_member (claims, "iat", now);
  json_object_set_int_member (claims, "exp", now + 3600);
  if (scope != NULL)
    json_object_set_string_member (claims, "scope", scope);
  if (organization_id != NULL)
    json_object_set_string_member (claims, "organization_id", organization_id);
  return claims;
}

static char *
to_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* A Logto resource token: header {"alg", "typ": "at+jwt", "kid"}. */
static char *
sign_with (OrgdeskTestJwtSigner *key,
           JsonObject           *claims)
{
  g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}",
                                             orgdesk_test_jwt_signer_get_alg (key),
                                             orgdesk_test_jwt_signer_get_kid (key));
  g_autofree char *payload = to_json (claims);

  return orgdesk_test_jwt_signer_sign_raw (key, orgdesk_test_jwt_signer_get_alg (key), header, payload);
}

static char *
token_for (const char *organization_id,
           const char *scope)
{
  g_autoptr(JsonObject) claims = claims_new (organization_id, scope);

  return sign_with (signer, claims);
}

static char *
b64 (const char *text)
{
  return orgdesk_base64url_encode ((const guint8 *) text, strlen (text));
}

/* }}} */

/* Fixture: the scratch database {{{ */

static void
store_keys (PGconn *owner)
{
  OrgdeskTestJwtSigner *keys[] = { signer, second_signer };

  run_ok (owner, "DELETE FROM orgdesk.auth_keys", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *jwk = to_json (orgdesk_test_jwt_signer_get_jwk (keys[i]));

      run_ok (owner, "INSERT INTO orgdesk.auth_keys (kid, jwk)"
                     " SELECT $1::pg_catalog.jsonb ->> 'kid', $1::pg_catalog.jsonb", jwk);
    }
}

/* The shipped migrations, as an operator applies them (the owner, no
 * superuser: the extension is trusted), into the scratch database. */
static void
migrate_database (void)
{
  const char *owner_uri = g_getenv ("ORGDESK_TEST_DATABASE_OWNER_URI");
  g_autofree char *base = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *standard_error = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_str_has_suffix (owner_uri, "/orgdesk"));
  base = g_strndup (owner_uri, strlen (owner_uri) - strlen ("/orgdesk"));
  uri = g_strconcat (base, "/" TEST_DATABASE, NULL);
  {
    const char *argv[] = {
      g_getenv ("ORGDESK_TEST_ADMIN"), "migrate", "--database", uri,
      "--migrations", g_getenv ("ORGDESK_TEST_MIGRATIONS"), NULL
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, &standard_error, &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("orgdesk-admin migrate failed: %s", standard_error);
}

/* Rows of two organizations, written by user-0002 (a superuser bypasses RLS) */
#define FIXTURE_USERS_SQL \
  "INSERT INTO orgdesk.users (id, logto_id, name) VALUES" \
  " ('00000000-0000-4000-8000-000000000001', '" SUBJECT "', 'The Signer')," \
  " ('00000000-0000-4000-8000-000000000002', 'user-0002', 'Someone Else')"
#define FIXTURE_POSTS_SQL \
  "INSERT INTO orgdesk.posts (logto_organization_id, id, author_id, title) VALUES" \
  " ('" ORGANIZATION_A "', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000002', 'A post')," \
  " ('" ORGANIZATION_B "', '00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-000000000002', 'B post')"

static void
create_database (void)
{
  PGconn *superuser = PQconnectdb (g_getenv ("ORGDESK_TEST_DATABASE_SUPERUSER_URI"));
  PGconn *owner;

  g_assert_cmpint (PQstatus (superuser), ==, CONNECTION_OK);
  run_ok (superuser, "DROP DATABASE IF EXISTS " TEST_DATABASE " WITH (FORCE)", NULL);
  run_ok (superuser, "CREATE DATABASE " TEST_DATABASE " OWNER orgdesk_owner", NULL);
  PQfinish (superuser);

  migrate_database ();
  owner = connect_as ("ORGDESK_TEST_DATABASE_OWNER_URI");
  run_ok (owner, "INSERT INTO orgdesk.auth_config (issuer, audience) VALUES ('" ISSUER "', '" AUDIENCE "')", NULL);
  store_keys (owner);
  PQfinish (owner);

  superuser = connect_as ("ORGDESK_TEST_DATABASE_SUPERUSER_URI");
  run_ok (superuser, FIXTURE_USERS_SQL, NULL);
  run_ok (superuser, FIXTURE_POSTS_SQL, NULL);
  PQfinish (superuser);
}

/* }}} */

/* A valid token {{{ */

static void
test_valid_token_sets_context (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token = token_for (ORGANIZATION_A, "data:read data:write");
  g_autofree char *sub = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *can = NULL;
  g_autofree char *after = NULL;

  run_ok (app, "BEGIN", NULL);
  sub = value_of (app, "SELECT orgdesk.authenticate ($1)", token);
  organization = value_of (app, "SELECT orgdesk.current_organization_id ()", NULL);
  scopes = value_of (app, "SELECT orgdesk.current_scopes ()::text", NULL);
  can = value_of (app, "SELECT orgdesk.can_read ()::text || orgdesk.can_write ()::text"
                       " || orgdesk.has_scope ('data:write')::text || orgdesk.has_scope ('data')::text", NULL);
  g_assert_cmpstr (sub, ==, SUBJECT);
  g_assert_cmpstr (organization, ==, ORGANIZATION_A);
  g_assert_cmpstr (scopes, ==, "{data:read,data:write}");
  g_assert_cmpstr (can, ==, "truetruetruefalse");
  run_ok (app, "COMMIT", NULL);

  after = value_of (app, "SELECT coalesce (orgdesk.current_organization_id (), 'none')"
                         " || coalesce (orgdesk.current_user_id (), 'none')", NULL);
  g_assert_cmpstr (after, ==, "nonenone");
  PQfinish (app);
}

static void
test_read_only_token (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token = token_for (ORGANIZATION_B, "data:read");
  g_autofree char *can = NULL;

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  can = value_of (app, "SELECT orgdesk.can_read ()::text || orgdesk.can_write ()::text", NULL);
  g_assert_cmpstr (can, ==, "truefalse");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

static void
test_user_level_token (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token = token_for (NULL, "");
  g_autofree char *values = NULL;

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  values = value_of (app, "SELECT orgdesk.current_user_id () || '/' || coalesce (orgdesk.current_organization_id (), 'none')"
                          " || '/' || orgdesk.current_scopes ()::text", NULL);
  g_assert_cmpstr (values, ==, SUBJECT "/none/{}");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

static void
test_second_key_accepted (void)
{
  PGconn *app = connect_app ();
  g_autoptr(JsonObject) claims = claims_new (ORGANIZATION_A, "data:read");
  g_autofree char *token = sign_with (second_signer, claims);

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

/* }}} */

/* The context's lifetime {{{ */

static char *
organization_now (PGconn *app)
{
  return value_of (app, "SELECT coalesce (orgdesk.current_organization_id (), 'none')", NULL);
}

static void
test_context_ends_with_transaction (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token = token_for (ORGANIZATION_A, "data:read");
  g_autofree char *after_rollback = NULL;
  g_autofree char *after_error = NULL;
  g_autofree char *state = NULL;

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  run_ok (app, "ROLLBACK", NULL);
  after_rollback = organization_now (app);
  g_assert_cmpstr (after_rollback, ==, "none");

  /* An error aborts the transaction: afterwards, nothing. */
  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  state = run_error (app, "SELECT 1 / 0", NULL);
  g_assert_cmpstr (state, ==, "22012");
  run_ok (app, "ROLLBACK", NULL);
  after_error = organization_now (app);
  g_assert_cmpstr (after_error, ==, "none");
  PQfinish (app);
}

static void
test_context_and_savepoints (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token = token_for (ORGANIZATION_A, "data:read");
  g_autofree char *after_rollback_to = NULL;
  g_autofree char *after_release = NULL;
  g_autofree char *outer = NULL;

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SAVEPOINT s1", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  run_ok (app, "ROLLBACK TO SAVEPOINT s1", NULL);
  after_rollback_to = organization_now (app);
  g_assert_cmpstr (after_rollback_to, ==, "none");

  run_ok (app, "SAVEPOINT s2", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  run_ok (app, "RELEASE SAVEPOINT s2", NULL);
  after_release = organization_now (app);
  g_assert_cmpstr (after_release, ==, ORGANIZATION_A);

  /* Set before a savepoint: rolling back to it keeps the context. */
  run_ok (app, "SAVEPOINT s3", NULL);
  run_ok (app, "ROLLBACK TO SAVEPOINT s3", NULL);
  outer = organization_now (app);
  g_assert_cmpstr (outer, ==, ORGANIZATION_A);
  run_ok (app, "COMMIT", NULL);
  PQfinish (app);
}

static void
test_one_identity_per_transaction (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token_a = token_for (ORGANIZATION_A, "data:read");
  g_autofree char *token_b = token_for (ORGANIZATION_B, "data:read");
  g_autofree char *outside = NULL;
  g_autofree char *second = NULL;
  g_autofree char *prepare = NULL;

  outside = run_error (app, "SELECT orgdesk.authenticate ($1)", token_a);
  g_assert_cmpstr (outside, ==, "25P01");

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token_a);
  second = run_error (app, "SELECT orgdesk.authenticate ($1)", token_b);
  g_assert_cmpstr (second, ==, "25000");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);

  /* PREPARE TRANSACTION is refused to the app role anyway; as the owner the
   * extension refuses it with a context. */
  app = connect_as ("ORGDESK_TEST_DATABASE_OWNER_URI");
  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.assume_context ('owner', $1)", ORGANIZATION_A);
  prepare = run_error (app, "PREPARE TRANSACTION 'orgdesk-auth-test'", NULL);
  g_assert_nonnull (prepare);
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

/* Nothing that sets a setting changes what the functions return. */
static void
test_settings_cannot_forge_context (void)
{
  PGconn *app = connect_app ();
  const char *names[] = { "orgdesk.organization_id", "orgdesk.user_id", "orgdesk_auth.organization_id" };
  g_autofree char *organization = NULL;

  run_ok (app, "BEGIN", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *set_config = run_error (app, "SELECT pg_catalog.set_config ($1, 'org-b-0002', true)", names[i]);
      g_autofree char *sql = g_strdup_printf ("SET LOCAL \"%s\" = 'org-b-0002'", names[i]);
      g_autofree char *set_local = NULL;

      g_assert_cmpstr (set_config, ==, "42501");
      run_ok (app, "ROLLBACK", NULL);
      run_ok (app, "BEGIN", NULL);
      set_local = run_error (app, sql, NULL);
      g_assert_cmpstr (set_local, ==, "42501");
      run_ok (app, "ROLLBACK", NULL);
      run_ok (app, "BEGIN", NULL);
    }
  organization = organization_now (app);
  g_assert_cmpstr (organization, ==, "none");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

static void
test_assume_context_is_owner_only (void)
{
  PGconn *app = connect_app ();
  g_autofree char *state = NULL;

  run_ok (app, "BEGIN", NULL);
  state = run_error (app, "SELECT orgdesk.assume_context ('x', $1)", ORGANIZATION_A);
  g_assert_cmpstr (state, ==, "42501");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

/* }}} */

/* Refused tokens {{{ */

typedef enum
{
  FORGE_EXPIRED,
  FORGE_NOT_YET_VALID,
  FORGE_ISSUED_IN_FUTURE,
  FORGE_WRONG_ISSUER,
  FORGE_WRONG_AUDIENCE,
  FORGE_NO_AUDIENCE,
  FORGE_TWO_AUDIENCES,
  FORGE_NO_SUBJECT,
  FORGE_ID_TOKEN_TYPE,
  FORGE_NO_KID,
  FORGE_ALG_NONE,
  FORGE_HS256_PUBLIC_KEY,
  FORGE_STRANGER_KEY,
  FORGE_UNKNOWN_KID,
  FORGE_TAMPERED_PAYLOAD,
  FORGE_TRUNCATED,
  FORGE_GARBAGE,
  FORGE_TOO_LONG,
  FORGE_ORGANIZATION_NOT_STRING,
} Forgery;

static char *
forge (Forgery forgery)
{
  g_autoptr(JsonObject) claims = claims_new (ORGANIZATION_B, "data:read data:write");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *good = NULL;

  switch (forgery)
    {
    case FORGE_EXPIRED:
      json_object_set_int_member (claims, "exp", now - 120);
      return sign_with (signer, claims);
    case FORGE_NOT_YET_VALID:
      json_object_set_int_member (claims, "nbf", now + 600);
      return sign_with (signer, claims);
    case FORGE_ISSUED_IN_FUTURE:
      json_object_set_int_member (claims, "iat", now + 600);
      return sign_with (signer, claims);
    case FORGE_WRONG_ISSUER:
      json_object_set_string_member (claims, "iss", "https://evil.test/oidc");
      return sign_with (signer, claims);
    case FORGE_WRONG_AUDIENCE:
      json_object_set_string_member (claims, "aud", "urn:logto:organization:" ORGANIZATION_B);
      return sign_with (signer, claims);
    case FORGE_NO_AUDIENCE:
      json_object_remove_member (claims, "aud");
      return sign_with (signer, claims);
    case FORGE_TWO_AUDIENCES:
      {
        JsonArray *audiences = json_array_new ();

        json_array_add_string_element (audiences, AUDIENCE);
        json_array_add_string_element (audiences, "https://other.test");
        json_object_set_array_member (claims, "aud", audiences);
        return sign_with (signer, claims);
      }
    case FORGE_NO_SUBJECT:
      json_object_remove_member (claims, "sub");
      return sign_with (signer, claims);
    case FORGE_ID_TOKEN_TYPE:
      {
        g_autofree char *payload = to_json (claims);
        g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
                                                   orgdesk_test_jwt_signer_get_alg (signer),
                                                   orgdesk_test_jwt_signer_get_kid (signer));

        return orgdesk_test_jwt_signer_sign_raw (signer, orgdesk_test_jwt_signer_get_alg (signer), header, payload);
      }
    case FORGE_NO_KID:
      {
        g_autofree char *payload = to_json (claims);
        g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"typ\":\"at+jwt\"}",
                                                   orgdesk_test_jwt_signer_get_alg (signer));

        return orgdesk_test_jwt_signer_sign_raw (signer, orgdesk_test_jwt_signer_get_alg (signer), header, payload);
      }
    case FORGE_ALG_NONE:
      {
        g_autofree char *payload = to_json (claims);
        g_autofree char *header = g_strdup_printf ("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}",
                                                   orgdesk_test_jwt_signer_get_kid (signer));
        g_autofree char *header64 = b64 (header);
        g_autofree char *payload64 = b64 (payload);

        return g_strconcat (header64, ".", payload64, ".", NULL);
      }
    case FORGE_HS256_PUBLIC_KEY:
      {
        g_autofree char *pem = orgdesk_test_jwt_signer_get_public_pem (signer);
        g_autofree char *payload = to_json (claims);
        g_autofree char *header = g_strdup_printf ("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}",
                                                   orgdesk_test_jwt_signer_get_kid (signer));
        g_autofree char *header64 = b64 (header);
        g_autofree char *payload64 = b64 (payload);
        g_autofree char *input = g_strconcat (header64, ".", payload64, NULL);
        g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) pem, strlen (pem));
        guint8 digest[32];
        gsize digest_len = sizeof digest;
        g_autofree char *mac = NULL;

        g_hmac_update (hmac, (const guchar *) input, -1);
        g_hmac_get_digest (hmac, digest, &digest_len);
        mac = orgdesk_base64url_encode (digest, digest_len);
        return g_strconcat (input, ".", mac, NULL);
      }
    case FORGE_STRANGER_KEY:
      return sign_with (stranger, claims);
    case FORGE_UNKNOWN_KID:
      {
        g_autofree char *payload = to_json (claims);
        g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"typ\":\"at+jwt\",\"kid\":\"no-such-key\"}",
                                                   orgdesk_test_jwt_signer_get_alg (signer));

        return orgdesk_test_jwt_signer_sign_raw (signer, orgdesk_test_jwt_signer_get_alg (signer), header, payload);
      }
    case FORGE_TAMPERED_PAYLOAD:
      {
        g_auto(GStrv) parts = NULL;
        g_autofree char *payload = NULL;
        g_autofree char *payload64 = NULL;

        good = sign_with (signer, claims);
        parts = g_strsplit (good, ".", 3);
        json_object_set_string_member (claims, "organization_id", ORGANIZATION_A);
        payload = to_json (claims);
        payload64 = b64 (payload);
        return g_strjoin (".", parts[0], payload64, parts[2], NULL);
      }
    case FORGE_TRUNCATED:
      good = sign_with (signer, claims);
      return g_strndup (good, strlen (good) - 10);
    case FORGE_GARBAGE:
      return g_strdup ("not.a.token\x01");
    case FORGE_TOO_LONG:
      {
        GString *padding = g_string_new (NULL);

        while (padding->len <= 16 * 1024)
          g_string_append (padding, "padding-padding-");
        json_object_set_string_member (claims, "padding", padding->str);
        g_string_free (padding, TRUE);
        return sign_with (signer, claims);
      }
    case FORGE_ORGANIZATION_NOT_STRING:
      json_object_set_int_member (claims, "organization_id", 42);
      return sign_with (signer, claims);
    }
  g_assert_not_reached ();
}

static void
test_refused_token (gconstpointer data)
{
  Forgery forgery = GPOINTER_TO_INT (data);
  g_autofree char *token = forge (forgery);
  PGconn *app = connect_app ();
  g_autofree char *state = NULL;
  g_autofree char *organization = NULL;

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SAVEPOINT attempt", NULL);
  state = run_error (app, "SELECT orgdesk.authenticate ($1)", token);
  g_assert_cmpstr (state, ==, "28000");
  run_ok (app, "ROLLBACK TO SAVEPOINT attempt", NULL);
  organization = organization_now (app);
  g_assert_cmpstr (organization, ==, "none");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

/* }}} */

/* Keys change {{{ */

/* A token verified once and then served from the backend's cache is refused
 * after @change (as the owner) and accepted again after @restore. */
static void
assert_change_ends_cached_token (void (*change) (PGconn *owner),
                                 void (*restore) (PGconn *owner))
{
  PGconn *app = connect_app ();
  PGconn *owner = connect_as ("ORGDESK_TEST_DATABASE_OWNER_URI");
  g_autofree char *token = token_for (ORGANIZATION_A, "data:read");
  g_autofree char *state = NULL;

  for (guint i = 0; i < 2; i++)
    {
      run_ok (app, "BEGIN", NULL);
      run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
      run_ok (app, "COMMIT", NULL);
    }

  change (owner);
  run_ok (app, "BEGIN", NULL);
  state = run_error (app, "SELECT orgdesk.authenticate ($1)", token);
  g_assert_cmpstr (state, ==, "28000");
  run_ok (app, "ROLLBACK", NULL);

  restore (owner);
  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  run_ok (app, "COMMIT", NULL);
  PQfinish (owner);
  PQfinish (app);
}

static void
remove_signing_key (PGconn *owner)
{
  run_ok (owner, "DELETE FROM orgdesk.auth_keys WHERE kid = $1", orgdesk_test_jwt_signer_get_kid (signer));
}

static void
change_audience (PGconn *owner)
{
  run_ok (owner, "UPDATE orgdesk.auth_config SET audience = 'https://elsewhere.test/db'", NULL);
}

static void
restore_audience (PGconn *owner)
{
  run_ok (owner, "UPDATE orgdesk.auth_config SET audience = '" AUDIENCE "'", NULL);
}

static void
remove_config (PGconn *owner)
{
  run_ok (owner, "DELETE FROM orgdesk.auth_config", NULL);
}

static void
restore_config (PGconn *owner)
{
  run_ok (owner, "INSERT INTO orgdesk.auth_config (issuer, audience) VALUES ('" ISSUER "', '" AUDIENCE "')", NULL);
}

static void
test_removed_key_ends_cached_token (void)
{
  assert_change_ends_cached_token (remove_signing_key, store_keys);
}

static void
test_changed_audience_ends_cached_token (void)
{
  assert_change_ends_cached_token (change_audience, restore_audience);
}

/* Without a configuration row nothing authenticates, a cached token included. */
static void
test_unconfigured_refuses (void)
{
  assert_change_ends_cached_token (remove_config, restore_config);
}

/* A cached token is not a pass beyond its exp: the hit re-checks the times. */
static void
test_cached_token_expires (void)
{
  PGconn *app = connect_app ();
  PGconn *owner = connect_as ("ORGDESK_TEST_DATABASE_OWNER_URI");
  g_autoptr(JsonObject) claims = claims_new (ORGANIZATION_A, "data:read");
  gint64 exp = g_get_real_time () / G_USEC_PER_SEC + 2;
  g_autofree char *token = NULL;
  g_autofree char *state = NULL;

  run_ok (owner, "UPDATE orgdesk.auth_config SET clock_skew_seconds = 0", NULL);
  json_object_set_int_member (claims, "exp", exp);
  token = sign_with (signer, claims);

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  run_ok (app, "COMMIT", NULL);

  /* The same backend, the same token, now cached: past exp it is refused */
  while (g_get_real_time () / G_USEC_PER_SEC <= exp)
    g_usleep (100 * 1000);
  run_ok (app, "BEGIN", NULL);
  state = run_error (app, "SELECT orgdesk.authenticate ($1)", token);
  g_assert_cmpstr (state, ==, "28000");
  run_ok (app, "ROLLBACK", NULL);

  run_ok (owner, "UPDATE orgdesk.auth_config SET clock_skew_seconds = 60", NULL);
  PQfinish (owner);
  PQfinish (app);
}

static void
test_app_cannot_change_keys (void)
{
  PGconn *app = connect_app ();
  g_autofree char *insert = run_error (app, "INSERT INTO orgdesk.auth_keys (kid, jwk) VALUES ('x', '{\"kid\":\"x\"}')", NULL);
  g_autofree char *update = run_error (app, "UPDATE orgdesk.auth_config SET issuer = 'https://evil.test/oidc'", NULL);

  g_assert_cmpstr (insert, ==, "42501");
  g_assert_cmpstr (update, ==, "42501");
  PQfinish (app);
}

/* }}} */

/* The confined app role {{{ */

static void
test_confined_statement (gconstpointer data)
{
  const char *sql = data;
  PGconn *app = connect_app ();
  g_autofree char *state = run_error (app, sql, NULL);

  g_assert_cmpstr (state, ==, "42501");
  PQfinish (app);
}

static void
test_allowed_statements (void)
{
  PGconn *app = connect_app ();
  const char *allowed[] = {
    /* What PgBouncer sends to a server connection */
    "SET client_encoding = 'UTF8'", "SET DateStyle = 'ISO, MDY'", "SET TimeZone = 'UTC'",
    "SET standard_conforming_strings = on", "SET application_name = 'orgdesk-test'",
    "LISTEN orgdesk_test", "UNLISTEN *",
    "BEGIN", "SAVEPOINT a", "RELEASE SAVEPOINT a", "COMMIT",
    "START TRANSACTION READ ONLY", "ROLLBACK",
  };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autofree char *state = run_error (app, allowed[i], NULL);

      if (state != NULL)
        g_error ("%s failed with %s", allowed[i], state);
    }
  PQfinish (app);
}

/* }}} */

static const char * const confined_statements[] = {
  "ALTER ROLE orgdesk_app PASSWORD 'taken-over'",
  "ALTER ROLE orgdesk_app SET search_path = evil",
  "ALTER ROLE orgdesk_app SET statement_timeout = 1",
  "SET search_path = public",
  "SET statement_timeout = 1",
  "SET ROLE orgdesk_owner",
  "SET SESSION AUTHORIZATION orgdesk_owner",
  "RESET ALL",
  "DISCARD ALL",
  "CREATE FUNCTION public.f () RETURNS int LANGUAGE sql RETURN 1",
  "CREATE TEMPORARY TABLE t (x int)",
  "DO $$ BEGIN END $$",
  "PREPARE p AS SELECT 1",
  "PREPARE TRANSACTION 'x'",
  "COMMIT PREPARED 'x'",
  "EXPLAIN SELECT 1",
  "COPY (SELECT 1) TO STDOUT",
  "SELECT pg_catalog.set_config ('search_path', 'evil', false)",
  "UPDATE pg_catalog.pg_settings SET setting = 'evil' WHERE name = 'search_path'",
};

static const char * const forgery_names[] = {
  "expired", "not-yet-valid", "issued-in-future", "wrong-issuer", "wrong-audience", "no-audience",
  "two-audiences", "no-subject", "id-token-type", "no-kid", "alg-none", "hs256-public-key",
  "stranger-key", "unknown-kid", "tampered-payload", "truncated", "garbage", "too-long",
  "organization-not-string",
};

/* The schema under real tokens {{{ */

/* What the superuser (no row-level security) sees */
static char *
stored (const char *sql)
{
  PGconn *superuser = connect_as ("ORGDESK_TEST_DATABASE_SUPERUSER_URI");
  char *value = value_of (superuser, sql, NULL);

  PQfinish (superuser);
  return value;
}

static void
test_schema_token_reads_its_organization_only (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token = token_for (ORGANIZATION_A, "data:read data:write");
  g_autofree char *titles = NULL;
  g_autofree char *b_by_name = NULL;
  g_autofree char *insert_b = NULL;

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  titles = value_of (app, "SELECT pg_catalog.string_agg (title, ',') FROM orgdesk.posts", NULL);
  b_by_name = value_of (app, "SELECT pg_catalog.count (*)::text FROM orgdesk.posts"
                             " WHERE logto_organization_id = '" ORGANIZATION_B "'", NULL);
  g_assert_cmpstr (titles, ==, "A post");
  g_assert_cmpstr (b_by_name, ==, "0");
  insert_b = run_error (app, "INSERT INTO orgdesk.posts (logto_organization_id, title)"
                             " VALUES ('" ORGANIZATION_B "', 'Into B')", NULL);
  g_assert_cmpstr (insert_b, ==, "42501");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

static void
test_schema_read_only_member_cannot_write (void)
{
  const char *writes[] = {
    "INSERT INTO orgdesk.posts (logto_organization_id, title) VALUES ('" ORGANIZATION_B "', 'Not allowed')",
    "UPDATE orgdesk.posts SET title = 'Changed' WHERE id = '00000000-0000-4000-8000-0000000000b1'",
    "DELETE FROM orgdesk.posts WHERE id = '00000000-0000-4000-8000-0000000000b1'",
    "INSERT INTO orgdesk.comments (logto_organization_id, post_id, body)"
    " VALUES ('" ORGANIZATION_B "', '00000000-0000-4000-8000-0000000000b1', 'Not allowed')",
  };
  g_autofree char *token = token_for (ORGANIZATION_B, "data:read");
  g_autofree char *after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      PGconn *app = connect_app ();
      g_autofree char *visible = NULL;
      g_autofree char *state = NULL;

      run_ok (app, "BEGIN", NULL);
      run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
      visible = value_of (app, "SELECT pg_catalog.string_agg (title, ',') FROM orgdesk.posts", NULL);
      g_assert_cmpstr (visible, ==, "B post");
      state = run_error (app, writes[i], NULL);
      g_assert_cmpstr (state, ==, "42501");
      run_ok (app, "ROLLBACK", NULL);
      PQfinish (app);
    }

  after = stored ("SELECT pg_catalog.string_agg (title, ',') || '/' ||"
                  " (SELECT pg_catalog.count (*) FROM orgdesk.comments)::text"
                  " FROM orgdesk.posts WHERE logto_organization_id = '" ORGANIZATION_B "'");
  g_assert_cmpstr (after, ==, "B post/0");
}

static void
test_schema_without_token_nothing (void)
{
  PGconn *app = connect_app ();
  g_autofree char *count = NULL;
  g_autofree char *state = NULL;

  run_ok (app, "BEGIN", NULL);
  count = value_of (app, "SELECT pg_catalog.count (*)::text FROM orgdesk.posts", NULL);
  g_assert_cmpstr (count, ==, "0");
  state = run_error (app, "INSERT INTO orgdesk.posts (logto_organization_id, title)"
                          " VALUES ('" ORGANIZATION_A "', 'Anonymous')", NULL);
  g_assert_cmpstr (state, ==, "42501");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

static void
test_schema_author_is_the_signer (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token = token_for (ORGANIZATION_A, "data:read data:write");
  g_autofree char *author = NULL;
  g_autofree char *state = NULL;

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  author = value_of (app, "INSERT INTO orgdesk.posts (logto_organization_id, author_id, title)"
                          " VALUES ('" ORGANIZATION_A "', '00000000-0000-4000-8000-000000000002', 'Forged')"
                          " RETURNING author_id::text", NULL);
  g_assert_cmpstr (author, ==, "00000000-0000-4000-8000-000000000001");
  state = run_error (app, "UPDATE orgdesk.posts SET author_id = '00000000-0000-4000-8000-000000000002'"
                          " WHERE title = 'Forged'", NULL);
  g_assert_cmpstr (state, ==, "42501");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

static void
test_schema_user_level_token_own_row_only (void)
{
  PGconn *app = connect_app ();
  g_autofree char *token = token_for (NULL, "");
  g_autofree char *count = NULL;
  g_autofree char *state = NULL;
  g_autofree char *names = NULL;

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", token);
  count = value_of (app, "SELECT pg_catalog.count (*)::text FROM orgdesk.posts", NULL);
  g_assert_cmpstr (count, ==, "0");
  names = value_of (app, "SELECT pg_catalog.string_agg (name, ',') FROM orgdesk.users", NULL);
  g_assert_cmpstr (names, ==, "The Signer");
  state = run_error (app, "INSERT INTO orgdesk.users (logto_id, name) VALUES ('user-0003', 'Planted')", NULL);
  g_assert_cmpstr (state, ==, "42501");
  run_ok (app, "ROLLBACK", NULL);
  PQfinish (app);
}

/* A new user asks for a default organization with her user-level token; the
 * request is hers, and the provisioner (LISTENing as the owner) hears of it. */
static void
test_schema_request_default_organization (void)
{
  PGconn *owner = connect_as ("ORGDESK_TEST_DATABASE_OWNER_URI");
  PGconn *app = connect_app ();
  g_autofree char *user_token = token_for (NULL, "");
  g_autofree char *organization_token = token_for (ORGANIZATION_A, "data:read data:write");
  g_autofree char *request_id = NULL;
  g_autofree char *requester = NULL;
  g_autofree char *state = NULL;
  PGnotify *notification = NULL;

  run_ok (owner, "LISTEN orgdesk_organization_requests", NULL);

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", organization_token);
  state = run_error (app, "SELECT * FROM orgdesk.request_default_organization ()", NULL);
  g_assert_cmpstr (state, ==, "42501");
  run_ok (app, "ROLLBACK", NULL);

  run_ok (app, "BEGIN", NULL);
  run_ok (app, "SELECT orgdesk.authenticate ($1)", user_token);
  request_id = value_of (app, "SELECT request_id::text FROM orgdesk.request_default_organization ()", NULL);
  run_ok (app, "COMMIT", NULL);
  g_assert_nonnull (request_id);

  for (guint i = 0; i < 50 && notification == NULL; i++)
    {
      g_assert_cmpint (PQconsumeInput (owner), ==, 1);
      notification = PQnotifies (owner);
      if (notification == NULL)
        g_usleep (100 * 1000);
    }
  g_assert_nonnull (notification);
  g_assert_cmpstr (notification->relname, ==, "orgdesk_organization_requests");
  g_assert_cmpstr (notification->extra, ==, request_id);
  PQfreemem (notification);

  requester = value_of (owner, "SELECT logto_user_id || '/' || status FROM orgdesk.organization_requests"
                               " WHERE id = $1::uuid", request_id);
  g_assert_cmpstr (requester, ==, SUBJECT "/open");
  run_ok (owner, "DELETE FROM orgdesk.organization_requests", NULL);
  PQfinish (app);
  PQfinish (owner);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_URI") == NULL)
    return g_test_run ();

  signer = orgdesk_test_jwt_signer_new ("ES384", "key-2026-a");
  second_signer = orgdesk_test_jwt_signer_new ("ES256", "key-2026-b");
  stranger = orgdesk_test_jwt_signer_new ("ES384", "key-2026-a");
  create_database ();

  g_test_add_func ("/orgdesk-auth/valid-token-sets-context", test_valid_token_sets_context);
  g_test_add_func ("/orgdesk-auth/read-only-token", test_read_only_token);
  g_test_add_func ("/orgdesk-auth/user-level-token", test_user_level_token);
  g_test_add_func ("/orgdesk-auth/second-key-accepted", test_second_key_accepted);
  g_test_add_func ("/orgdesk-auth/context-ends-with-transaction", test_context_ends_with_transaction);
  g_test_add_func ("/orgdesk-auth/context-and-savepoints", test_context_and_savepoints);
  g_test_add_func ("/orgdesk-auth/one-identity-per-transaction", test_one_identity_per_transaction);
  g_test_add_func ("/orgdesk-auth/settings-cannot-forge-context", test_settings_cannot_forge_context);
  g_test_add_func ("/orgdesk-auth/assume-context-is-owner-only", test_assume_context_is_owner_only);
  for (guint i = 0; i < G_N_ELEMENTS (forgery_names); i++)
    {
      g_autofree char *path = g_strdup_printf ("/orgdesk-auth/refused/%s", forgery_names[i]);

      g_test_add_data_func (path, GINT_TO_POINTER (i), test_refused_token);
    }
  g_test_add_func ("/orgdesk-auth/removed-key-ends-cached-token", test_removed_key_ends_cached_token);
  g_test_add_func ("/orgdesk-auth/changed-audience-ends-cached-token", test_changed_audience_ends_cached_token);
  g_test_add_func ("/orgdesk-auth/unconfigured-refuses", test_unconfigured_refuses);
  g_test_add_func ("/orgdesk-auth/cached-token-expires", test_cached_token_expires);
  g_test_add_func ("/orgdesk-auth/app-cannot-change-keys", test_app_cannot_change_keys);
  for (guint i = 0; i < G_N_ELEMENTS (confined_statements); i++)
    {
      g_autofree char *path = g_strdup_printf ("/orgdesk-auth/confined/%u", i);

      g_test_add_data_func (path, confined_statements[i], test_confined_statement);
    }
  g_test_add_func ("/orgdesk-auth/allowed-statements", test_allowed_statements);
  g_test_add_func ("/orgdesk-auth/schema/token-reads-its-organization-only", test_schema_token_reads_its_organization_only);
  g_test_add_func ("/orgdesk-auth/schema/read-only-member-cannot-write", test_schema_read_only_member_cannot_write);
  g_test_add_func ("/orgdesk-auth/schema/without-token-nothing", test_schema_without_token_nothing);
  g_test_add_func ("/orgdesk-auth/schema/author-is-the-signer", test_schema_author_is_the_signer);
  g_test_add_func ("/orgdesk-auth/schema/user-level-token-own-row-only", test_schema_user_level_token_own_row_only);
  g_test_add_func ("/orgdesk-auth/schema/request-default-organization", test_schema_request_default_organization);

  ret = g_test_run ();

  g_clear_object (&signer);
  g_clear_object (&second_signer);
  g_clear_object (&stranger);
  return ret;
}
