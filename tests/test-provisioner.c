/* test-provisioner.c: orgdesk-provisioner against the test database and the
 * Logto stand-in (tests/with-services.sh).
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real binary, started and stopped (SIGTERM, SIGKILL) like a service;
 * requests made as the database does for carol; what it did read back from
 * the stand-in's Management API.
 */

#include <signal.h>
#include <string.h>

#include <libpq-fe.h>
#include <libsoup/soup.h>

#include "orgdesk-test-logto.h"
#include "orgdesk-test-provisioner.h"
#include "orgdesk-test-utils.h"

#define DONE_CHANNEL "orgdesk_organization_requests_done"

typedef struct
{
  PGconn                 *db;           /* superuser */
  PGconn                 *listener;     /* LISTENs on DONE_CHANNEL */
  char                   *carol;
  OrgdeskTestProvisioner *provisioner;  /* the running one */
  char                   *log;          /* of the last one stopped */
} Fixture;

/* Database {{{ */

static char *
db_value (PGconn     *conn,
          const char *sql,
          const char *param)
{
  const char * const values[] = { param };
  PGresult *result = PQexecParams (conn, sql, param != NULL ? 1 : 0, NULL, values, NULL, NULL, 0);
  char *value = NULL;

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

static void
db_run (PGconn     *conn,
        const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
}

/* Polls @sql (returning a boolean for request @id) until it is true. */
static void
wait_until (Fixture    *fixture,
            const char *sql,
            const char *id,
            guint       timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *value = db_value (fixture->db, sql, id);

      if (g_strcmp0 (value, "t") == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *row = db_value (fixture->db,
                                           "SELECT pg_catalog.row_to_json (r)::text FROM "
                                           "orgdesk.organization_requests r WHERE id = $1::uuid", id);

          g_autofree char *running = NULL;

          /* The run still going has not been logged yet; and it must not
           * outlive the test. */
          if (fixture->provisioner != NULL)
            running = orgdesk_test_provisioner_dup_log (fixture->provisioner);
          g_printerr ("provisioner output so far:\n%s\n%s\n", fixture->log != NULL ? fixture->log : "",
                      running != NULL ? running : "");
          g_clear_pointer (&fixture->provisioner, orgdesk_test_provisioner_free);
          g_error ("Timed out after %u s waiting for: %s (row: %s)", timeout_seconds, sql, row);
        }
      g_usleep (100 * 1000);
    }
}

static char *
request_for_carol (Fixture *fixture)
{
  char *id;

  /* What the app's user-level token does, with the owner's stand-in for it. */
  db_run (fixture->db, "BEGIN");
  g_free (db_value (fixture->db, "SELECT orgdesk.assume_context ($1, NULL)", fixture->carol));
  id = db_value (fixture->db, "SELECT request_id::text FROM orgdesk.request_default_organization ()", NULL);
  db_run (fixture->db, "COMMIT");
  g_assert_nonnull (id);
  return id;
}

/* The NOTIFYs on DONE_CHANNEL so far. */
static gboolean
was_notified_done (Fixture    *fixture,
                   const char *id)
{
  gboolean found = FALSE;
  PGnotify *notify;

  for (guint i = 0; i < 20 && !found; i++)
    {
      g_assert_cmpint (PQconsumeInput (fixture->listener), ==, 1);
      while ((notify = PQnotifies (fixture->listener)) != NULL)
        {
          found |= g_str_equal (notify->relname, DONE_CHANNEL) && g_str_equal (notify->extra, id);
          PQfreemem (notify);
        }
      if (!found)
        g_usleep (100 * 1000);
    }

  return found;
}

/* }}} */

/* The stand-in's Management API, as the test sees it {{{ */

static char *
m2m_token (void)
{
  JsonObject *m2m = orgdesk_test_fixture_m2m_application ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (orgdesk_test_logto_endpoint (), "/oidc/token", NULL);
  g_autofree char *pair = g_strconcat (json_object_get_string_member (m2m, "client_id"), ":",
                                       json_object_get_string_member (m2m, "client_secret"), NULL);
  g_autofree char *basic = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *header = g_strconcat ("Basic ", basic, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  message = soup_message_new_from_encoded_form ("POST", uri,
                                                soup_form_encode ("grant_type", "client_credentials",
                                                                  "resource", "https://default.logto.app/api",
                                                                  "scope", "all", NULL));
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", header);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "access_token"));
}

/* GET @path below /api; %NULL unless 200. */
static JsonNode *
api_get (Fixture    *fixture,
         const char *path,
         guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (orgdesk_test_logto_endpoint (), "/api", path, NULL);
  g_autofree char *token = m2m_token ();
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  message = soup_message_new ("GET", uri);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", bearer);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (message);
  if (*status != 200)
    return NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The stand-in's organizations made for @request_id (customData), by id. */
static GPtrArray *
organizations_of_request (Fixture    *fixture,
                          const char *request_id,
                          GPtrArray **names)
{
  g_autoptr(JsonNode) list = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;
  guint status;

  list = api_get (fixture, "/organizations?q=%27s%20organization&page=1&page_size=100", &status);
  g_assert_cmpuint (status, ==, 200);
  array = json_node_get_array (list);
  *names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *organization = json_array_get_object_element (array, i);
      JsonObject *custom = json_object_get_object_member (organization, "customData");

      if (custom != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (custom, "orgdeskRequestId", NULL),
                     request_id) == 0)
        {
          g_ptr_array_add (ids, g_strdup (json_object_get_string_member (organization, "id")));
          g_ptr_array_add (*names, g_strdup (json_object_get_string_member (organization, "name")));
        }
    }

  return ids;
}

/* carol's organization roles in @organization_id; %NULL when not a member. */
static GPtrArray *
carol_roles (Fixture    *fixture,
             const char *organization_id)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%s/users/%s/roles", organization_id, fixture->carol);
  g_autoptr(JsonNode) roles = NULL;
  GPtrArray *names;
  guint status;

  roles = api_get (fixture, path, &status);
  if (roles == NULL)
    {
      g_assert_cmpuint (status, ==, 422);
      return NULL;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (roles)); i++)
    {
      JsonObject *role = json_array_get_object_element (json_node_get_array (roles), i);

      g_ptr_array_add (names, g_strdup (json_object_get_string_member (role, "name")));
    }
  return names;
}

/* }}} */

/* The provisioner {{{ */

/* @stall_seconds: (nullable): how long it sleeps after creating an organization */
static void
start_provisioner (Fixture    *fixture,
                   const char *stall_seconds)
{
  g_autofree char *stall = NULL;
  const char *extra_env[] = { NULL, NULL };

  g_assert_null (fixture->provisioner);
  if (stall_seconds != NULL)
    extra_env[0] = stall = g_strconcat ("ORGDESK_PROVISIONER_TEST_STALL_AFTER_CREATE=", stall_seconds, NULL);
  fixture->provisioner = orgdesk_test_provisioner_start (extra_env);
  g_assert_nonnull (fixture->provisioner);
}

/* Stops it with @signal_number (see orgdesk_test_provisioner_stop()) and
 * keeps its output in fixture->log. */
static void
stop_provisioner (Fixture *fixture,
                  int      signal_number)
{
  orgdesk_test_provisioner_stop (fixture->provisioner, signal_number);
  g_free (fixture->log);
  fixture->log = orgdesk_test_provisioner_dup_log (fixture->provisioner);
  g_clear_pointer (&fixture->provisioner, orgdesk_test_provisioner_free);
}

/* }}} */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  if (orgdesk_test_logto_endpoint () == NULL ||
      orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_SUPERUSER_URI") == NULL)
    return;

  orgdesk_test_migrate_database ();

  fixture->db = PQconnectdb (g_getenv ("ORGDESK_TEST_DATABASE_SUPERUSER_URI"));
  g_assert_cmpint (PQstatus (fixture->db), ==, CONNECTION_OK);
  fixture->listener = PQconnectdb (g_getenv ("ORGDESK_TEST_DATABASE_SUPERUSER_URI"));
  g_assert_cmpint (PQstatus (fixture->listener), ==, CONNECTION_OK);
  db_run (fixture->listener, "LISTEN " DONE_CHANNEL);
  db_run (fixture->db, "DELETE FROM orgdesk.organization_requests");

  fixture->carol = g_strdup (json_object_get_string_member (orgdesk_test_fixture_user ("carol"), "id"));
  /* carol has no organization in the fixture; other tests count on it. */
  orgdesk_test_remove_memberships_of ("carol");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->provisioner != NULL)
    stop_provisioner (fixture, SIGKILL);

  if (fixture->db != NULL)
    {
      g_autoptr(JsonObject) restored = orgdesk_test_stand_in_call ("POST", "/__test/management/restore", NULL);

      orgdesk_test_remove_memberships_of ("carol");
      db_run (fixture->db, "DELETE FROM orgdesk.organization_requests");
    }

  g_clear_pointer (&fixture->db, PQfinish);
  g_clear_pointer (&fixture->listener, PQfinish);
  g_free (fixture->carol);
  g_free (fixture->log);
}

#define IS_DONE "SELECT status = 'done' FROM orgdesk.organization_requests WHERE id = $1::uuid"

/* Exactly one organization for the request, the recorded one, carol its admin. */
static void
assert_one_organization (Fixture    *fixture,
                         const char *request_id)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) ids = organizations_of_request (fixture, request_id, &names);
  g_autofree char *recorded = db_value (fixture->db,
                                        "SELECT logto_organization_id FROM orgdesk.organization_requests "
                                        "WHERE id = $1::uuid", request_id);
  g_autoptr(GPtrArray) roles = NULL;

  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, recorded);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (names, 0), "Carol"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (names, 0), "'s organization"));

  roles = carol_roles (fixture, recorded);
  g_assert_nonnull (roles);
  g_assert_cmpuint (roles->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (roles, 0), ==, "admin");
}

static void
test_completes_request (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *attempts = NULL;

  if (fixture->db == NULL)
    return;

  start_provisioner (fixture, NULL);
  id = request_for_carol (fixture);
  wait_until (fixture, IS_DONE, id, 30);

  assert_one_organization (fixture, id);
  g_assert_true (was_notified_done (fixture, id));
  attempts = db_value (fixture->db, "SELECT attempts || '/' || coalesce (last_error, '-') "
                                    "FROM orgdesk.organization_requests WHERE id = $1::uuid", id);
  g_assert_cmpstr (attempts, ==, "0/-");

  stop_provisioner (fixture, SIGTERM);
  /* It synced the keys at start, as orgdesk-admin jwks sync does. */
  g_assert_nonnull (strstr (fixture->log, "Nothing changed"));
}

/* data: SIGKILL (nothing is cleaned up) or SIGTERM (the request is released
 * for the next run at once). */
static void
test_stopped_after_create (Fixture       *fixture,
                           gconstpointer  data)
{
  int signal_number = GPOINTER_TO_INT (data);
  g_autofree char *id = NULL;
  g_autofree char *organization_id = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  if (fixture->db == NULL)
    return;

  start_provisioner (fixture, "60");
  id = request_for_carol (fixture);
  wait_until (fixture, "SELECT logto_organization_id IS NOT NULL FROM orgdesk.organization_requests "
                       "WHERE id = $1::uuid", id, 30);
  organization_id = db_value (fixture->db, "SELECT logto_organization_id FROM orgdesk.organization_requests "
                                           "WHERE id = $1::uuid", id);
  stop_provisioner (fixture, signal_number);

  /* Created, not yet hers, still open; after SIGTERM due again now. */
  roles = carol_roles (fixture, organization_id);
  g_assert_null (roles);
  state = db_value (fixture->db, "SELECT status || '/' || (next_attempt_at <= pg_catalog.now ()) "
                                 "FROM orgdesk.organization_requests WHERE id = $1::uuid", id);
  g_assert_cmpstr (state, ==, signal_number == SIGTERM ? "open/true" : "open/false");
  if (signal_number == SIGTERM)
    g_assert_nonnull (strstr (fixture->log, "left open for the next run"));

  start_provisioner (fixture, NULL);
  wait_until (fixture, IS_DONE, id, 30);
  assert_one_organization (fixture, id);
  stop_provisioner (fixture, SIGTERM);
  g_assert_nonnull (strstr (fixture->log, "finishing organization"));
}

/* A 401 from the Management API: one new token, the same call again. */
static void
test_unauthorized_renews_token (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(JsonObject) outage = NULL;
  g_autofree char *id = NULL;
  g_autofree char *attempts = NULL;
  const char *p;
  guint n_tokens = 0;

  if (fixture->db == NULL)
    return;

  start_provisioner (fixture, NULL);
  /* Once its first token is cached (the sweep found nothing yet). */
  g_usleep (G_USEC_PER_SEC / 2);
  outage = orgdesk_test_stand_in_call ("POST", "/__test/management/outage", "{\"status\": 401, \"count\": 1}");
  id = request_for_carol (fixture);
  wait_until (fixture, IS_DONE, id, 30);
  assert_one_organization (fixture, id);

  attempts = db_value (fixture->db, "SELECT attempts::text FROM orgdesk.organization_requests WHERE id = $1::uuid", id);
  g_assert_cmpstr (attempts, ==, "0");
  stop_provisioner (fixture, SIGTERM);

  for (p = fixture->log; (p = strstr (p, "Asking Logto for a Management API token")) != NULL; p++)
    n_tokens++;
  g_assert_cmpuint (n_tokens, ==, 2);
}

/* The database drops the provisioner's connection; it connects again, and
 * finds a request whose NOTIFY it could not hear. */
static void
test_database_reconnect (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *terminated = NULL;

  if (fixture->db == NULL)
    return;

  start_provisioner (fixture, NULL);
  first = request_for_carol (fixture);
  wait_until (fixture, IS_DONE, first, 30);

  terminated = db_value (fixture->db, "SELECT count (*) FILTER (WHERE pg_catalog.pg_terminate_backend (pid))::text "
                                      "FROM pg_catalog.pg_stat_activity "
                                      "WHERE application_name = 'orgdesk-provisioner'", NULL);
  g_assert_cmpstr (terminated, ==, "1");
  /* No NOTIFY: only a sweep finds it. */
  second = db_value (fixture->db, "INSERT INTO orgdesk.organization_requests (logto_user_id) "
                                  "VALUES ($1) RETURNING id::text", fixture->carol);

  wait_until (fixture, IS_DONE, second, 30);
  assert_one_organization (fixture, second);
  stop_provisioner (fixture, SIGTERM);
  g_assert_nonnull (strstr (fixture->log, "connecting again in 1 s"));
}

/* A request whose organization has her as admin already (a run that died
 * after the role, before marking it done): nothing twice, done. */
static void
test_already_member (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *organization_id = orgdesk_test_fixture_organization_of ("bob", 0, NULL);
  g_autofree char *body = g_strdup_printf ("{\"userId\":\"%s\",\"organizationId\":\"%s\",\"roles\":[\"admin\"]}",
                                           fixture->carol, organization_id);
  g_autoptr(JsonObject) added = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  g_autofree char *id = NULL;
  const char *values[2];
  PGresult *result;

  if (fixture->db == NULL)
    return;

  added = orgdesk_test_stand_in_call ("POST", "/__test/memberships/add", body);
  values[0] = fixture->carol;
  values[1] = organization_id;
  result = PQexecParams (fixture->db, "INSERT INTO orgdesk.organization_requests (logto_user_id, logto_organization_id) "
                                      "VALUES ($1, $2) RETURNING id::text", 2, NULL, values, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  id = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);

  start_provisioner (fixture, NULL);
  wait_until (fixture, IS_DONE, id, 30);
  roles = carol_roles (fixture, organization_id);
  g_assert_nonnull (roles);
  g_assert_cmpuint (roles->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (roles, 0), ==, "admin");
  stop_provisioner (fixture, SIGTERM);
  g_assert_null (strstr (fixture->log, "created organization"));
}

typedef struct
{
  const char *body;    /* of POST /__test/management/outage */
  const char *error;   /* in last_error meanwhile */
} Outage;

static const Outage outages[] = {
  { "{\"status\": 503, \"seconds\": 5, \"token\": true}", "token: HTTP 503" },
  { "{\"status\": 502, \"seconds\": 4}", "could not read the user: HTTP 502" },
  { "{\"drop\": true, \"seconds\": 4}", "No answer from Logto (GET http" },
};

static void
test_outage (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonObject) outage = NULL;
  g_autofree char *id = NULL;
  g_autofree char *last_error = NULL;

  if (fixture->db == NULL)
    return;

  const Outage *kind = data;

  outage = orgdesk_test_stand_in_call ("POST", "/__test/management/outage", kind->body);
  start_provisioner (fixture, NULL);
  id = request_for_carol (fixture);

  wait_until (fixture, "SELECT status = 'open' AND attempts >= 2 FROM orgdesk.organization_requests "
                       "WHERE id = $1::uuid", id, 20);
  last_error = db_value (fixture->db, "SELECT last_error FROM orgdesk.organization_requests WHERE id = $1::uuid", id);
  g_test_message ("last_error: %s", last_error);
  g_assert_nonnull (strstr (last_error, kind->error));

  /* Back-off 1 s, 2 s, 4 s…: done soon after the outage ends. */
  wait_until (fixture, IS_DONE, id, 30);
  assert_one_organization (fixture, id);
  stop_provisioner (fixture, SIGTERM);
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *last_error = NULL;

  if (fixture->db == NULL)
    return;

  id = db_value (fixture->db, "INSERT INTO orgdesk.organization_requests (logto_user_id) "
                              "VALUES ('nosuchuser01') RETURNING id::text", NULL);
  start_provisioner (fixture, NULL);
  wait_until (fixture, "SELECT status = 'failed' FROM orgdesk.organization_requests WHERE id = $1::uuid", id, 30);

  last_error = db_value (fixture->db, "SELECT attempts || ' ' || last_error FROM orgdesk.organization_requests "
                                      "WHERE id = $1::uuid", id);
  g_test_message ("failed: %s", last_error);
  g_assert_true (g_str_has_prefix (last_error, "1 Logto refused to read the user: HTTP 404"));
  g_assert_true (was_notified_done (fixture, id));
  stop_provisioner (fixture, SIGTERM);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/provisioner/completes-request", Fixture, NULL, fixture_set_up, test_completes_request, fixture_tear_down);
  g_test_add ("/provisioner/killed-after-create", Fixture, GINT_TO_POINTER (SIGKILL), fixture_set_up,
              test_stopped_after_create, fixture_tear_down);
  g_test_add ("/provisioner/terminated-after-create", Fixture, GINT_TO_POINTER (SIGTERM), fixture_set_up,
              test_stopped_after_create, fixture_tear_down);
  g_test_add ("/provisioner/unauthorized-renews-token", Fixture, NULL, fixture_set_up,
              test_unauthorized_renews_token, fixture_tear_down);
  g_test_add ("/provisioner/database-reconnect", Fixture, NULL, fixture_set_up, test_database_reconnect,
              fixture_tear_down);
  g_test_add ("/provisioner/outage/token", Fixture, &outages[0], fixture_set_up, test_outage, fixture_tear_down);
  g_test_add ("/provisioner/outage/api", Fixture, &outages[1], fixture_set_up, test_outage, fixture_tear_down);
  g_test_add ("/provisioner/outage/no-answer", Fixture, &outages[2], fixture_set_up, test_outage, fixture_tear_down);
  g_test_add ("/provisioner/already-member", Fixture, NULL, fixture_set_up, test_already_member,
              fixture_tear_down);
  g_test_add ("/provisioner/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);

  return g_test_run ();
}
