/* test-key-rotation.c: the database follows a signing-key rotation at Logto
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the stand-in (which, like Logto, keeps the previous key listed after
 * a rotation, two keys at most) and the test database: a token of the new key
 * is refused until `orgdesk-admin jwks sync`, then accepted; a token of the old
 * key stays accepted until a second rotation drops its key from the issuer's
 * set and the next sync from the database.  Tokens come from a signed-in
 * session, as the app gets them; they are checked as the app role.
 */

#include "config.h"

#include "orgdesk-database.h"
#include "orgdesk-database-error.h"
#include "orgdesk-test-database.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"

static OrgdeskSession *session;
static OrgdeskDatabase *database;

/* NULL when the database accepts @token, else the error */
static GError *
authenticate (const char *token)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = NULL;
  OrgdeskQuery *query = orgdesk_query_new ("SELECT orgdesk.authenticate ($1)");
  GError *error = NULL;

  orgdesk_query_add_param (query, token);
  g_ptr_array_add (queries, query);
  results = orgdesk_test_run_queries (database, queries, NULL, &error);
  return error;
}

static void
assert_accepted (const char *token,
                 const char *what)
{
  g_autoptr(GError) error = authenticate (token);

  g_test_message ("%s: %s", what, error == NULL ? "accepted" : error->message);
  g_assert_no_error (error);
}

static void
assert_refused (const char *token,
                const char *what)
{
  g_autoptr(GError) error = authenticate (token);

  g_test_message ("%s: %s", what, error == NULL ? "accepted" : error->message);
  g_assert_nonnull (error);
  g_assert_cmpstr (orgdesk_database_error_get_sqlstate (error), ==, "28000");
}

static char *
rotate (void)
{
  g_autoptr(JsonObject) rotation = orgdesk_test_stand_in_call ("POST", "/__test/keys/rotate", "{}");

  return g_strdup (json_object_get_string_member (json_object_get_object_member (rotation, "current"), "kid"));
}

/* A fresh database token: the grant caches one per organization, so the first
 * token of an organization that was never active is signed with the key
 * current now. */
static char *
token_in_another_organization (void)
{
  const char *active = orgdesk_organization_get_id (orgdesk_session_get_active_organization (session));
  const char *other = orgdesk_test_fixture_organization_of ("alice", 0, NULL);

  if (g_str_equal (other, active))
    other = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  g_assert_true (orgdesk_session_set_active_organization_id (session, other));
  return orgdesk_test_dup_database_access_token (session);
}

static void
test_rotation_then_sync (void)
{
  g_autofree char *old_token = NULL;
  g_autofree char *new_token = NULL;
  g_autofree char *second_kid = NULL;
  g_autofree char *third_kid = NULL;

  if (session == NULL)
    return;

  old_token = orgdesk_test_dup_database_access_token (session);
  assert_accepted (old_token, "a token of the synced key");

  second_kid = rotate ();
  new_token = token_in_another_organization ();
  assert_refused (new_token, "a token of the new key before jwks sync");
  orgdesk_test_sync_database_keys ();
  assert_accepted (new_token, "a token of the new key after jwks sync");
  assert_accepted (old_token, "a token of the previous key, still listed");

  third_kid = rotate ();
  g_assert_cmpstr (third_kid, !=, second_kid);
  assert_accepted (old_token, "a token of a key Logto dropped, before jwks sync");
  orgdesk_test_sync_database_keys ();
  assert_refused (old_token, "a token of a key Logto dropped, after jwks sync");
  assert_accepted (new_token, "a token of the previous key after the second rotation");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  session = orgdesk_test_database_session_new ("alice");
  if (session != NULL)
    database = orgdesk_database_new (g_getenv ("ORGDESK_TEST_DATABASE_URI"));

  g_test_add_func ("/orgdesk/database/key-rotation/rotation-then-sync", test_rotation_then_sync);
  ret = g_test_run ();

  /* The stand-in's newest key is the current one for every test after us. */
  if (session != NULL)
    orgdesk_test_sync_database_keys ();
  orgdesk_test_finalize_eventually (g_steal_pointer (&database));
  g_clear_object (&session);
  return ret;
}
