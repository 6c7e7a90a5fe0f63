/* test-organization-request-repository.c: carol's requests for a default
 * organization, asked for and followed as a real session of the Logto stand-in,
 * against a real PostgreSQL with row-level security
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No orgdesk-provisioner runs: the database owner plays its part and moves
 * carol's requests on.  carol has no organization, and other tests count on
 * her having no requests either, so hers are deleted before and after.
 */

#include "config.h"

#include <string.h>

#include <libpq-fe.h>

#include "orgdesk-database-error.h"
#include "orgdesk-organization-request-private.h"
#include "orgdesk-organization-request-repository.h"
#include "orgdesk-query-result-private.h"
#include "orgdesk-repository-private.h"
#include "orgdesk-session.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"

static OrgdeskSession *carol;
static OrgdeskDatabase *database;

/* Each case starts with carol asking for the first time. */
typedef struct
{
  OrgdeskOrganizationRequestRepository *requests;   /* NULL: services missing */
} Fixture;

/* As the owner {{{ */

/* Runs @sql as the database owner, the role orgdesk-provisioner works as (the
 * table's row-level security is not forced on it), with up to two parameters.
 * Returns the first value of the first row, if any. */
static char *
as_owner (const char *sql,
          const char *param1,
          const char *param2)
{
  const char * const params[] = { param1, param2 };
  PGconn *conn = PQconnectdb (g_getenv ("ORGDESK_TEST_DATABASE_OWNER_URI"));
  PGresult *result;
  char *value = NULL;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test database as its owner: %s", PQerrorMessage (conn));

  result = PQexecParams (conn, sql, param2 != NULL ? 2 : param1 != NULL ? 1 : 0, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  if (PQntuples (result) > 0 && PQnfields (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));

  PQclear (result);
  PQfinish (conn);
  return value;
}

static const char *
logto_id_of (const char *username)
{
  return json_object_get_string_member (orgdesk_test_fixture_user (username), "id");
}

static void
delete_requests_of_carol (void)
{
  g_free (as_owner ("DELETE FROM orgdesk.organization_requests WHERE logto_user_id = $1", logto_id_of ("carol"), NULL));
}

/* }}} */

/* Through the repository {{{ */

static OrgdeskOrganizationRequest *
request (OrgdeskOrganizationRequestRepository  *requests,
         GCancellable                          *cancellable,
         GError                               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_organization_request_repository_request_async (requests, cancellable, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_organization_request_repository_request_finish (requests, result, error);
}

static OrgdeskOrganizationRequest *
request_and_check (Fixture *fixture)
{
  g_autoptr(OrgdeskOrganizationRequest) open = NULL;
  g_autoptr(GError) error = NULL;

  open = request (fixture->requests, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (open);
  g_assert_true (g_uuid_string_is_valid (orgdesk_organization_request_get_id (open)));
  g_assert_cmpint (orgdesk_organization_request_get_status (open), ==, ORGDESK_ORGANIZATION_REQUEST_OPEN);

  return g_steal_pointer (&open);
}

/* With @cancel_at_once, @cancellable is cancelled while the call is on its way. */
static OrgdeskOrganizationRequest *
fetch_full (OrgdeskOrganizationRequestRepository  *requests,
            const char                            *request_id,
            GCancellable                          *cancellable,
            gboolean                               cancel_at_once,
            GError                               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_organization_request_repository_fetch_async (requests, request_id, cancellable,
                                                       orgdesk_test_store_result_cb, &result);
  if (cancel_at_once)
    g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_organization_request_repository_fetch_finish (requests, result, error);
}

static void
assert_fetched (Fixture                          *fixture,
                const char                       *request_id,
                OrgdeskOrganizationRequestStatus  status,
                guint                             attempts,
                const char                       *last_error,
                const char                       *organization_id)
{
  g_autoptr(OrgdeskOrganizationRequest) fetched = NULL;
  g_autoptr(GError) error = NULL;

  fetched = fetch_full (fixture->requests, request_id, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_organization_request_get_id (fetched), ==, request_id);
  g_assert_cmpint (orgdesk_organization_request_get_status (fetched), ==, status);
  g_assert_cmpuint (orgdesk_organization_request_get_attempts (fetched), ==, attempts);
  g_assert_cmpstr (orgdesk_organization_request_get_last_error (fetched), ==, last_error);
  g_assert_cmpstr (orgdesk_organization_request_get_organization_id (fetched), ==, organization_id);
}

/* }}} */

static void
test_request_is_open_and_the_same (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(OrgdeskOrganizationRequest) first = NULL;
  g_autoptr(OrgdeskOrganizationRequest) again = NULL;
  g_autofree char *recorded = NULL;
  const char *id;

  if (fixture->requests == NULL)
    return;

  first = request_and_check (fixture);
  id = orgdesk_organization_request_get_id (first);
  g_assert_cmpuint (orgdesk_organization_request_get_attempts (first), ==, 0);
  g_assert_null (orgdesk_organization_request_get_last_error (first));
  g_assert_null (orgdesk_organization_request_get_organization_id (first));

  again = request_and_check (fixture);
  g_assert_cmpstr (orgdesk_organization_request_get_id (again), ==, id);

  /* One row, carol's, open: the database took her from the token */
  recorded = as_owner ("SELECT pg_catalog.string_agg (id::text || ' ' || status, ',')"
                       " FROM orgdesk.organization_requests WHERE logto_user_id = $1",
                       logto_id_of ("carol"), NULL);
  g_assert_nonnull (recorded);
  g_assert_true (g_str_has_prefix (recorded, id));
  g_assert_cmpstr (recorded + strlen (id), ==, " open");
}

/* Asked again while the provisioner is trying: how far it got, from the table */
static void
test_request_again_shows_progress (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(OrgdeskOrganizationRequest) first = NULL;
  g_autoptr(OrgdeskOrganizationRequest) again = NULL;
  const char *id;

  if (fixture->requests == NULL)
    return;

  first = request_and_check (fixture);
  id = orgdesk_organization_request_get_id (first);
  g_free (as_owner ("UPDATE orgdesk.organization_requests SET attempts = 3, last_error = $2,"
                    " logto_organization_id = 'org-being-made' WHERE id = $1::uuid",
                    id, "could not add the member: HTTP 502"));

  again = request_and_check (fixture);
  g_assert_cmpstr (orgdesk_organization_request_get_id (again), ==, id);
  g_assert_cmpuint (orgdesk_organization_request_get_attempts (again), ==, 3);
  g_assert_cmpstr (orgdesk_organization_request_get_last_error (again), ==, "could not add the member: HTTP 502");
  g_assert_cmpstr (orgdesk_organization_request_get_organization_id (again), ==, "org-being-made");
}

static void
test_fetch_follows_the_provisioner (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(OrgdeskOrganizationRequest) first = NULL;
  g_autoptr(OrgdeskOrganizationRequest) second = NULL;
  g_autofree char *id = NULL;
  const char *second_id;

  if (fixture->requests == NULL)
    return;

  first = request_and_check (fixture);
  id = g_strdup (orgdesk_organization_request_get_id (first));
  assert_fetched (fixture, id, ORGDESK_ORGANIZATION_REQUEST_OPEN, 0, NULL, NULL);

  g_free (as_owner ("UPDATE orgdesk.organization_requests SET attempts = 2, last_error = $2 WHERE id = $1::uuid",
                    id, "could not read the user: HTTP 503"));
  assert_fetched (fixture, id, ORGDESK_ORGANIZATION_REQUEST_OPEN, 2, "could not read the user: HTTP 503", NULL);

  g_free (as_owner ("UPDATE orgdesk.organization_requests SET status = 'done', logto_organization_id = $2"
                    " WHERE id = $1::uuid", id, "org-made-for-carol"));
  assert_fetched (fixture, id, ORGDESK_ORGANIZATION_REQUEST_DONE, 2, "could not read the user: HTTP 503", "org-made-for-carol");

  /* That one is done: asking again is a new request */
  second = request_and_check (fixture);
  second_id = orgdesk_organization_request_get_id (second);
  g_assert_cmpstr (second_id, !=, id);

  g_free (as_owner ("UPDATE orgdesk.organization_requests SET status = 'failed', attempts = 1, last_error = $2"
                    " WHERE id = $1::uuid", second_id, "Logto refused to read the user: HTTP 404"));
  assert_fetched (fixture, second_id, ORGDESK_ORGANIZATION_REQUEST_FAILED, 1, "Logto refused to read the user: HTTP 404", NULL);
  assert_fetched (fixture, id, ORGDESK_ORGANIZATION_REQUEST_DONE, 2, "could not read the user: HTTP 503", "org-made-for-carol");
}

static void
test_fetch_not_hers (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(OrgdeskOrganizationRequest) fetched = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *alices = NULL;
  g_autofree char *unknown = g_uuid_string_random ();

  if (fixture->requests == NULL)
    return;

  /* Failed, so that no provisioner would ever act on it */
  alices = as_owner ("INSERT INTO orgdesk.organization_requests (logto_user_id, status, last_error)"
                     " VALUES ($1, 'failed', 'alice''s') RETURNING id::text", logto_id_of ("alice"), NULL);

  fetched = fetch_full (fixture->requests, alices, NULL, FALSE, &error);
  g_assert_null (fetched);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  fetched = fetch_full (fixture->requests, unknown, NULL, FALSE, &error);
  g_assert_null (fetched);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_free (as_owner ("DELETE FROM orgdesk.organization_requests WHERE id = $1::uuid", alices, NULL));
}

/* An id that is not a UUID fails before anything is sent: the database behind
 * this repository is never even connected. */
static void
test_fetch_malformed_id (Fixture       *fixture,
                         gconstpointer  data)
{
  const char * const malformed[] = {
    "", "not-a-uuid", "1234567-1234-1234-1234-123456789012", "12345678-1234-1234-1234-1234567890123",
    "12345678x1234-1234-1234-123456789012", "' OR true --", "12345678-1234-1234-1234-12345678901g",
  };
  g_autoptr(OrgdeskDatabase) unconnected = NULL;
  g_autoptr(OrgdeskOrganizationRequestRepository) requests = NULL;

  if (fixture->requests == NULL)
    return;

  unconnected = orgdesk_database_new (g_getenv ("ORGDESK_TEST_DATABASE_URI"));
  requests = orgdesk_organization_request_repository_new (unconnected, carol);
  for (guint i = 0; i <= G_N_ELEMENTS (malformed); i++)
    {
      const char *id = i < G_N_ELEMENTS (malformed) ? malformed[i] : NULL;
      g_autoptr(OrgdeskOrganizationRequest) fetched = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("id “%s”", id != NULL ? id : "(null)");
      fetched = fetch_full (requests, id, NULL, FALSE, &error);
      g_assert_null (fetched);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }

  g_assert_cmpint (orgdesk_database_get_state (unconnected), ==, ORGDESK_DATABASE_STATE_DISCONNECTED);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(OrgdeskOrganizationRequest) open = NULL;
  g_autoptr(OrgdeskOrganizationRequest) fetched = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->requests == NULL)
    return;

  open = request_and_check (fixture);

  /* Cancelled before it is sent */
  cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  fetched = request (fixture->requests, cancellable, &error);
  g_assert_null (fetched);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelled on its way, before the answer */
  g_clear_object (&cancellable);
  cancellable = g_cancellable_new ();
  fetched = fetch_full (fixture->requests, orgdesk_organization_request_get_id (open), cancellable, TRUE, &error);
  g_assert_null (fetched);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The repository and its connection still work */
  assert_fetched (fixture, orgdesk_organization_request_get_id (open), ORGDESK_ORGANIZATION_REQUEST_OPEN, 0, NULL, NULL);
}

static void
test_signed_out (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskSession) nobody = NULL;
  g_autoptr(OrgdeskOrganizationRequestRepository) requests = NULL;
  g_autoptr(OrgdeskOrganizationRequest) open = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();

  if (fixture->requests == NULL)
    return;

  client = orgdesk_logto_client_new (orgdesk_test_logto_endpoint (), ORGDESK_TEST_CLIENT_ID);
  nobody = orgdesk_session_new (client, NULL, ORGDESK_TEST_DATABASE_RESOURCE, NULL);
  requests = orgdesk_organization_request_repository_new (database, nobody);

  open = request (requests, NULL, &error);
  g_assert_null (open);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_clear_error (&error);

  open = fetch_full (requests, id, NULL, FALSE, &error);
  g_assert_null (open);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
}

/* Reading rows {{{ */

/* One row of the repository's columns, made without a database. */
static OrgdeskQueryResult *
row_of (const char *status,
        const char *attempts,
        const char *last_error,
        const char *organization_id)
{
  const char * const names[] = { "id", "status", "attempts", "last_error", "logto_organization_id" };
  const char * const values[] = { "0b4e7a3c-1d2f-4e5a-8b6c-7d8e9f0a1b2c", status, attempts, last_error, organization_id };
  PGresAttDesc columns[ORGDESK_ORGANIZATION_REQUEST_N_COLUMNS] = { 0 };
  PGresult *result = PQmakeEmptyPGresult (NULL, PGRES_TUPLES_OK);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      columns[i].name = (char *) names[i];
      columns[i].typlen = -1;
      columns[i].atttypmod = -1;
    }
  g_assert_cmpint (PQsetResultAttrs (result, G_N_ELEMENTS (columns), columns), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_cmpint (PQsetvalue (result, 0, i, (char *) values[i], values[i] != NULL ? (int) strlen (values[i]) : -1), ==, 1);

  return _orgdesk_query_result_new_take (result);
}

typedef struct
{
  const char                       *status;
  const char                       *attempts;
  const char                       *last_error;
  const char                       *organization_id;
  OrgdeskOrganizationRequestStatus  expected;   /* when readable */
  gboolean                          readable;
} Row;

static const Row rows[] = {
  { "open", "0", NULL, NULL, ORGDESK_ORGANIZATION_REQUEST_OPEN, TRUE },
  { "open", "4", "No answer from Logto", "org-1", ORGDESK_ORGANIZATION_REQUEST_OPEN, TRUE },
  { "done", "1", "token: HTTP 503", "org-2", ORGDESK_ORGANIZATION_REQUEST_DONE, TRUE },
  { "failed", "1", "Logto refused", NULL, ORGDESK_ORGANIZATION_REQUEST_FAILED, TRUE },
  { "cancelled", "0", NULL, NULL, 0, FALSE },
  { "OPEN", "0", NULL, NULL, 0, FALSE },
  { "", "0", NULL, NULL, 0, FALSE },
  { NULL, "0", NULL, NULL, 0, FALSE },
  { "open", "-1", NULL, NULL, 0, FALSE },
  { "open", "many", NULL, NULL, 0, FALSE },
  { "open", "99999999999", NULL, NULL, 0, FALSE },
  { "open", NULL, NULL, NULL, 0, FALSE },
  { "done", "0", NULL, NULL, 0, FALSE },
};

static void
test_read_row (gconstpointer data)
{
  const Row *row = data;
  g_autoptr(OrgdeskQueryResult) result = row_of (row->status, row->attempts, row->last_error, row->organization_id);
  g_autoptr(OrgdeskOrganizationRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskOrganizationRequestStatus status;
  g_autofree char *id = NULL;
  g_autofree char *last_error = NULL;
  g_autofree char *organization_id = NULL;
  guint attempts;

  request = _orgdesk_organization_request_new_from_result (result, 0, &error);
  if (!row->readable)
    {
      g_assert_null (request);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      return;
    }

  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_organization_request_get_id (request), ==, "0b4e7a3c-1d2f-4e5a-8b6c-7d8e9f0a1b2c");
  g_assert_cmpint (orgdesk_organization_request_get_status (request), ==, row->expected);
  g_assert_cmpuint (orgdesk_organization_request_get_attempts (request), ==, g_ascii_strtoull (row->attempts, NULL, 10));
  g_assert_cmpstr (orgdesk_organization_request_get_last_error (request), ==, row->last_error);
  g_assert_cmpstr (orgdesk_organization_request_get_organization_id (request), ==, row->organization_id);

  /* The properties say the same */
  g_object_get (request, "id", &id, "status", &status, "attempts", &attempts, "last-error", &last_error,
                "organization-id", &organization_id, NULL);
  g_assert_cmpstr (id, ==, orgdesk_organization_request_get_id (request));
  g_assert_cmpint (status, ==, row->expected);
  g_assert_cmpuint (attempts, ==, orgdesk_organization_request_get_attempts (request));
  g_assert_cmpstr (last_error, ==, row->last_error);
  g_assert_cmpstr (organization_id, ==, row->organization_id);

  g_assert_finalize_object (g_steal_pointer (&request));
}

/* The enum's nicks are the table's values: what the app reads is what it names. */
static void
test_status_nicks (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ORGDESK_TYPE_ORGANIZATION_REQUEST_STATUS);

  g_assert_cmpint (g_enum_get_value_by_nick (klass, "open")->value, ==, ORGDESK_ORGANIZATION_REQUEST_OPEN);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "done")->value, ==, ORGDESK_ORGANIZATION_REQUEST_DONE);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "failed")->value, ==, ORGDESK_ORGANIZATION_REQUEST_FAILED);
  g_assert_cmpuint (klass->n_values, ==, 3);
}

static gpointer
unreadable_row (OrgdeskQueryResult *result,
                guint               row)
{
  return NULL;
}

/* What the repository does with a row it cannot read, through the real
 * database: the request fails, for one row and for a list alike. */
static void
test_unreadable_row_fails (Fixture       *fixture,
                           gconstpointer  data)
{
  gboolean list;

  if (fixture->requests == NULL)
    return;

  for (list = FALSE; list <= TRUE; list++)
    {
      g_autoptr(OrgdeskRepositoryScope) scope = NULL;
      g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gpointer answer;
      GTask *task;

      task = _orgdesk_repository_start_user_task (ORGDESK_REPOSITORY (fixture->requests), test_unreadable_row_fails,
                                                  NULL, orgdesk_test_store_result_cb, &result, &scope);
      g_assert_nonnull (task);
      g_ptr_array_add (queries, orgdesk_query_new ("SELECT 'no such status' UNION ALL SELECT 'open'"));
      if (list)
        _orgdesk_repository_run_for_rows (ORGDESK_REPOSITORY (fixture->requests), scope, queries, task,
                                          unreadable_row, g_object_unref);
      else
        _orgdesk_repository_run_for_row (ORGDESK_REPOSITORY (fixture->requests), scope, queries, task,
                                         unreadable_row, g_object_unref, "not found");
      orgdesk_test_wait_for_result (&result, 30);
      answer = g_task_propagate_pointer (G_TASK (result), &error);
      g_assert_null (answer);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

/* }}} */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  if (carol == NULL)
    return;

  delete_requests_of_carol ();
  fixture->requests = orgdesk_organization_request_repository_new (database, carol);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->requests == NULL)
    return;

  orgdesk_test_finalize_eventually (g_steal_pointer (&fixture->requests));
  delete_requests_of_carol ();
}

#define add_case(path, func) \
  g_test_add ("/orgdesk/data/organization-requests/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/orgdesk/data/organization-requests/read-row/%u", i);

      g_test_add_data_func (path, &rows[i], test_read_row);
    }
  g_test_add_func ("/orgdesk/data/organization-requests/status-nicks", test_status_nicks);

  add_case ("request/open-and-the-same", test_request_is_open_and_the_same);
  add_case ("request/again-shows-progress", test_request_again_shows_progress);
  add_case ("fetch/follows-the-provisioner", test_fetch_follows_the_provisioner);
  add_case ("fetch/not-hers", test_fetch_not_hers);
  add_case ("fetch/malformed-id", test_fetch_malformed_id);
  add_case ("cancelled", test_cancelled);
  add_case ("signed-out", test_signed_out);
  add_case ("unreadable-row-fails", test_unreadable_row_fails);

  carol = orgdesk_test_database_session_new ("carol");
  if (carol != NULL)
    {
      g_assert_null (orgdesk_session_get_active_organization (carol));
      database = orgdesk_database_new (g_getenv ("ORGDESK_TEST_DATABASE_URI"));
    }
  status = g_test_run ();

  g_clear_object (&database);
  g_clear_object (&carol);

  return status;
}
