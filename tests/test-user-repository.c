/* test-user-repository.c: the signed-in user's row in orgdesk.users, written as a
 * real session of the Logto stand-in, against a real PostgreSQL with row-level security
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-database-error.h"
#include "orgdesk-post-repository.h"
#include "orgdesk-repository-private.h"
#include "orgdesk-session.h"
#include "orgdesk-test-database.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"
#include "orgdesk-user-repository.h"

/* alice has two organizations, carol none; carol's profile is changed through the
 * stand-in (nobody else looks at it) and restored at the end. */
static OrgdeskSession *alice;
static OrgdeskSession *carol;
static OrgdeskDatabase *database;
static OrgdeskDatabase *superuser;

typedef struct
{
  const char *name;
  const char *email;
  const char *stored_name;    /* what the row should hold; NULL: name as sent */
  gboolean    email_dropped;  /* too long to be an email: stored as NULL */
} Profile;

/* The row as the superuser (no row-level security) sees it, or NULL */
static OrgdeskQueryResult *
read_row (const char *logto_id)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskQueryResult *rows;
  OrgdeskQuery *query;

  query = orgdesk_query_new ("SELECT id, email, name, updated_at FROM orgdesk.users WHERE logto_id = $1");
  orgdesk_query_add_param (query, logto_id);
  g_ptr_array_add (queries, query);
  results = orgdesk_test_run_queries (superuser, queries, NULL, &error);
  g_assert_no_error (error);
  rows = g_ptr_array_index (results, 0);
  g_assert_cmpuint (orgdesk_query_result_get_n_rows (rows), <=, 1);

  return orgdesk_query_result_get_n_rows (rows) == 1 ? g_object_ref (rows) : NULL;
}

static char *
upsert (OrgdeskSession  *session,
        GCancellable    *cancellable,
        GError         **error)
{
  g_autoptr(OrgdeskUserRepository) repository = orgdesk_user_repository_new (database, session);
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_user_repository_upsert_async (repository, cancellable, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_user_repository_upsert_finish (repository, result, error);
}

static char *
upsert_and_check (OrgdeskSession *session,
                  const char     *email,
                  const char     *name)
{
  g_autofree char *subject = g_strdup (orgdesk_user_get_subject (orgdesk_session_get_user (session)));
  g_autoptr(OrgdeskQueryResult) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = upsert (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (id));

  row = read_row (subject);
  g_assert_nonnull (row);
  g_assert_cmpstr (orgdesk_query_result_get_value (row, 0, 0), ==, id);
  g_assert_cmpstr (orgdesk_query_result_get_value (row, 0, 1), ==, email);
  g_assert_cmpstr (orgdesk_query_result_get_value (row, 0, 2), ==, name);

  return g_steal_pointer (&id);
}

/* Changes carol's profile at the stand-in, as the Logto Console would, and lets the
 * session fetch it again. */
static void
set_carol_profile (const char *name,
                   const char *email)
{
  JsonObject *fixture = orgdesk_test_fixture_user ("carol");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "userId");
  json_builder_add_string_value (builder, json_object_get_string_member (fixture, "id"));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "primary_email");
  if (email != NULL)
    json_builder_add_string_value (builder, email);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, NULL);

  answer = orgdesk_test_stand_in_call ("POST", "/__test/users/profile", body);
  g_assert_cmpstr (json_object_get_string_member (answer, "name"), ==, name);

  orgdesk_session_reconnect_async (carol, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 60);
  g_assert_true (orgdesk_session_reconnect_finish (carol, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_user_get_display_name (orgdesk_session_get_user (carol)), ==, name);
  g_assert_cmpstr (orgdesk_user_get_email (orgdesk_session_get_user (carol)), ==, email);
}

static void
restore_carol_profile (void)
{
  JsonObject *fixture = orgdesk_test_fixture_user ("carol");

  set_carol_profile (json_object_get_string_member (fixture, "name"),
                     json_object_get_string_member (fixture, "primary_email"));
}

static void
test_upsert_creates_row (void)
{
  OrgdeskUser *user;
  g_autofree char *id = NULL;
  g_autofree char *again = NULL;

  if (alice == NULL)
    return;

  user = orgdesk_session_get_user (alice);
  g_assert_cmpstr (orgdesk_user_get_display_name (user), ==, "Alice Example");
  id = upsert_and_check (alice, "alice@example.test", "Alice Example");
  again = upsert_and_check (alice, "alice@example.test", "Alice Example");
  g_assert_cmpstr (again, ==, id);
}

static void
test_upsert_updates_profile (void)
{
  g_autoptr(OrgdeskQueryResult) before = NULL;
  g_autoptr(OrgdeskQueryResult) after = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *id = NULL;
  g_autofree char *renamed = NULL;
  g_autofree char *unchanged = NULL;

  if (carol == NULL)
    return;

  /* Copied: a new profile comes with a new OrgdeskUser */
  subject = g_strdup (orgdesk_user_get_subject (orgdesk_session_get_user (carol)));
  id = upsert_and_check (carol, "carol@example.test", "Carol Example");

  set_carol_profile ("Carol Renamed", "carol.renamed@example.test");
  renamed = upsert_and_check (carol, "carol.renamed@example.test", "Carol Renamed");
  g_assert_cmpstr (renamed, ==, id);

  /* The same profile again writes nothing: no new row version at every sign-in */
  before = read_row (subject);
  unchanged = upsert_and_check (carol, "carol.renamed@example.test", "Carol Renamed");
  after = read_row (subject);
  g_assert_cmpstr (unchanged, ==, id);
  g_assert_cmpstr (orgdesk_query_result_get_value (after, 0, 3), ==, orgdesk_query_result_get_value (before, 0, 3));

  restore_carol_profile ();
  g_free (upsert_and_check (carol, "carol@example.test", "Carol Example"));
}

static void
test_user_without_organization (void)
{
  g_autoptr(OrgdeskPostRepository) posts = NULL;
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (carol == NULL)
    return;

  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (carol)), ==, 0);
  g_assert_null (orgdesk_session_get_active_organization (carol));
  g_free (upsert_and_check (carol, "carol@example.test", "Carol Example"));

  /* The user scope is for the user's row only: organization data still needs an organization */
  posts = orgdesk_post_repository_new (database, carol);
  orgdesk_post_repository_create_async (posts, NULL, "Homeless", "", NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  post = orgdesk_post_repository_create_finish (posts, result, &error);
  g_assert_null (post);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
}

static void
test_hostile_profile_is_data (void)
{
  g_autofree char *long_name = NULL;
  g_autofree char *long_email = NULL;
  g_autofree char *cut_name = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) email = g_string_new (NULL);
  g_autoptr(OrgdeskQueryResult) alice_row = NULL;

  if (carol == NULL || alice == NULL)
    return;

  for (guint i = 0; i < 300; i++)
    g_string_append (name, "\u00e9");
  long_name = g_strdup (name->str);
  cut_name = g_utf8_substring (long_name, 0, 256);
  for (guint i = 0; i < 400; i++)
    g_string_append_c (email, 'm');
  g_string_append (email, "@example.test");
  long_email = g_strdup (email->str);

  {
    const Profile profiles[] = {
      { "'); DROP TABLE orgdesk.users; --", "\"; DELETE FROM orgdesk.users; /*@example.test", NULL, FALSE },
      { "Robert\\'); $1 $$ %s %n \\x00 \\\\", "o'brien+tag@example.test", NULL, FALSE },
      { "Zo\u00eb \U0001F98A \u202eevil\u202c \u65e5\u672c\u8a9e e\u0301", "zo\u00eb@b\u00fccher.example", NULL, FALSE },
      { "line one\nline two\t<b>bold</b> &amp;", NULL, NULL, FALSE },
      { long_name, long_email, cut_name, TRUE },
    };

    id = upsert_and_check (carol, "carol@example.test", "Carol Example");
    for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
      {
        g_autofree char *again = NULL;

        g_test_message ("profile %u", i);
        set_carol_profile (profiles[i].name, profiles[i].email);
        again = upsert_and_check (carol, profiles[i].email_dropped ? NULL : profiles[i].email,
                                  profiles[i].stored_name != NULL ? profiles[i].stored_name : profiles[i].name);
        g_assert_cmpstr (again, ==, id);
      }
  }

  restore_carol_profile ();
  g_free (upsert_and_check (carol, "carol@example.test", "Carol Example"));

  /* The other rows are all still there */
  alice_row = read_row (orgdesk_user_get_subject (orgdesk_session_get_user (alice)));
  g_assert_nonnull (alice_row);
}

/* What the policies allow the app role, whatever SQL it sends: only its own row.
 * (tests/sql/isolation.sql checks the same policies in pgTAP.)  The context is
 * the one a user-level token of @subject gives; a superuser assumes it and
 * becomes the app role for the statement. */
static GError *
run_as (const char *subject,
        const char *sql,
        const char *param)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;

  OrgdeskQuery *context = orgdesk_query_new ("SELECT orgdesk.assume_context ($1, NULL)");
  OrgdeskQuery *query = orgdesk_query_new (sql);

  orgdesk_query_add_param (context, subject);
  orgdesk_query_add_param (query, param);
  g_ptr_array_add (queries, context);
  g_ptr_array_add (queries, orgdesk_query_new ("SET LOCAL ROLE orgdesk_app"));
  g_ptr_array_add (queries, query);
  results = orgdesk_test_run_queries (superuser, queries, NULL, &error);
  if (results != NULL)
    g_assert_cmpuint (orgdesk_query_result_get_affected_rows (g_ptr_array_index (results, 2)), ==, 0);

  return error;
}

static void
test_not_for_another_user (void)
{
  g_autofree char *alice_id = NULL;
  g_autofree char *carol_id = NULL;
  g_autoptr(OrgdeskQueryResult) row = NULL;
  g_autofree char *id = NULL;
  GError *error;

  if (alice == NULL || carol == NULL)
    return;

  alice_id = g_strdup (orgdesk_user_get_subject (orgdesk_session_get_user (alice)));
  carol_id = g_strdup (orgdesk_user_get_subject (orgdesk_session_get_user (carol)));
  id = upsert_and_check (carol, "carol@example.test", "Carol Example");

  error = run_as (alice_id, "INSERT INTO orgdesk.users (logto_id, name) VALUES ($1, 'Mallory')"
                  " ON CONFLICT (logto_id) DO UPDATE SET name = excluded.name", carol_id);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_clear_error (&error);

  error = run_as (alice_id, "INSERT INTO orgdesk.users (logto_id, name) VALUES ($1, 'Mallory')",
                  "orgdesk-test-nobody");
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_clear_error (&error);

  /* An UPDATE of someone else's row finds no row to change */
  error = run_as (alice_id, "UPDATE orgdesk.users SET name = 'Mallory' WHERE logto_id = $1", carol_id);
  g_assert_no_error (error);

  row = read_row (carol_id);
  g_assert_cmpstr (orgdesk_query_result_get_value (row, 0, 0), ==, id);
  g_assert_cmpstr (orgdesk_query_result_get_value (row, 0, 2), ==, "Carol Example");
  g_assert_null (read_row ("orgdesk-test-nobody"));
}

/* What the database verified from the token a request sent: the user and the
 * organization ("none" for a user-level token). */
static char *
context_of (OrgdeskRepository      *repository,
            OrgdeskRepositoryScope *scope,
            char                  **organization_id)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskQueryResult *rows;

  g_ptr_array_add (queries, orgdesk_query_new ("SELECT orgdesk.current_user_id (),"
                                               " coalesce (orgdesk.current_organization_id (), 'none')"));
  _orgdesk_repository_run_async (repository, scope, queries, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  results = _orgdesk_repository_run_finish (repository, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  rows = g_ptr_array_index (results, 0);
  *organization_id = g_strdup (orgdesk_query_result_get_value (rows, 0, 1));
  return g_strdup (orgdesk_query_result_get_value (rows, 0, 0));
}

static gboolean
alice_settled (gconstpointer data)
{
  return !orgdesk_session_get_switching (alice) && orgdesk_session_get_database_token (alice) != NULL;
}

/* A user scope sends a token without an organization, an organization scope
 * one for the organization it was started in, even after a switch. */
static void
test_token_context (void)
{
  g_autoptr(OrgdeskUserRepository) repository = NULL;
  g_autoptr(OrgdeskRepositoryScope) user_scope = NULL;
  g_autoptr(OrgdeskRepositoryScope) acme_scope = NULL;
  g_autoptr(OrgdeskRepositoryScope) globex_scope = NULL;
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  const char *subject;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *organization_id = NULL;

  if (alice == NULL)
    return;

  subject = orgdesk_user_get_subject (orgdesk_session_get_user (alice));
  repository = orgdesk_user_repository_new (database, alice);

  g_assert_true (orgdesk_session_set_active_organization_id (alice, acme));
  orgdesk_test_wait_for_condition (alice_settled, NULL, 30);

  user_scope = _orgdesk_repository_user_scope_new (ORGDESK_REPOSITORY (repository), &error);
  g_assert_no_error (error);
  user_id = context_of (ORGDESK_REPOSITORY (repository), user_scope, &organization_id);
  g_assert_cmpstr (user_id, ==, subject);
  g_assert_cmpstr (organization_id, ==, "none");
  g_clear_pointer (&user_id, g_free);
  g_clear_pointer (&organization_id, g_free);

  /* Started in Acme, sent after the switch to Globex: Acme's token */
  acme_scope = _orgdesk_repository_scope_new (ORGDESK_REPOSITORY (repository), &error);
  g_assert_no_error (error);
  g_assert_true (orgdesk_session_set_active_organization_id (alice, globex));
  user_id = context_of (ORGDESK_REPOSITORY (repository), acme_scope, &organization_id);
  g_assert_cmpstr (user_id, ==, subject);
  g_assert_cmpstr (organization_id, ==, acme);
  g_clear_pointer (&user_id, g_free);
  g_clear_pointer (&organization_id, g_free);

  orgdesk_test_wait_for_condition (alice_settled, NULL, 30);
  globex_scope = _orgdesk_repository_scope_new (ORGDESK_REPOSITORY (repository), &error);
  g_assert_no_error (error);
  user_id = context_of (ORGDESK_REPOSITORY (repository), globex_scope, &organization_id);
  g_assert_cmpstr (organization_id, ==, globex);

  g_assert_true (orgdesk_session_set_active_organization_id (alice, acme));
  orgdesk_test_wait_for_condition (alice_settled, NULL, 30);
}

static void
test_signed_out_and_cancelled (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskSession) nobody = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (alice == NULL)
    return;

  client = orgdesk_logto_client_new (orgdesk_test_logto_endpoint (), ORGDESK_TEST_CLIENT_ID);
  nobody = orgdesk_session_new (client, NULL, ORGDESK_TEST_DATABASE_RESOURCE, NULL);
  id = upsert (nobody, NULL, &error);
  g_assert_null (id);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  id = upsert (alice, cancellable, &error);
  g_assert_null (id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
set_up (void)
{
  alice = orgdesk_test_database_session_new ("alice");
  if (alice == NULL)
    return;

  carol = orgdesk_test_database_session_new ("carol");
  database = orgdesk_database_new (g_getenv ("ORGDESK_TEST_DATABASE_URI"));
  superuser = orgdesk_database_new (orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_SUPERUSER_URI"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/data/users/upsert-creates-row", test_upsert_creates_row);
  g_test_add_func ("/orgdesk/data/users/upsert-updates-profile", test_upsert_updates_profile);
  g_test_add_func ("/orgdesk/data/users/without-organization", test_user_without_organization);
  g_test_add_func ("/orgdesk/data/users/hostile-profile-is-data", test_hostile_profile_is_data);
  g_test_add_func ("/orgdesk/data/users/not-for-another-user", test_not_for_another_user);
  g_test_add_func ("/orgdesk/data/users/signed-out-and-cancelled", test_signed_out_and_cancelled);
  g_test_add_func ("/orgdesk/data/users/token-context", test_token_context);

  set_up ();
  status = g_test_run ();

  g_clear_object (&superuser);
  g_clear_object (&database);
  g_clear_object (&carol);
  g_clear_object (&alice);

  return status;
}
