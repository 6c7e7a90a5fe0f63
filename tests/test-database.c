/* test-database.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "orgdesk-conninfo.h"
#include "orgdesk-database.h"
#include "orgdesk-database-error.h"
#include "orgdesk-test-database.h"
#include "orgdesk-test-proxy.h"
#include "orgdesk-test-utils.h"

/* Tests of OrgdeskDatabase against the PostgreSQL of tests/with-services.sh:
 * results, parameters, atomic transactions, one round trip per transaction, a
 * main context that never blocks, FIFO order, cancellation, a lost connection and
 * connection failures that do not leak the password. */

/* A scratch table per test, made with the superuser's plain libpq connection */
typedef struct
{
  const char *uri;
  PGconn     *admin;
  char       *schema;
  char       *table;
  OrgdeskDatabase *db;
} Fixture;

static PGconn *
admin_connect (void)
{
  const char *uri = orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_SUPERUSER_URI");
  PGconn *conn;

  if (uri == NULL)
    return NULL;

  conn = PQconnectdb (uri);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  return conn;
}

static void
admin_exec (PGconn     *admin,
            const char *sql)
{
  PGresult *result = PQexec (admin, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
}

/* The first value of the first row, or NULL */
static char *
admin_value (PGconn     *admin,
             const char *sql,
             const char *param)
{
  PGresult *result = PQexecParams (admin, sql, param != NULL ? 1 : 0, NULL, &param, NULL, NULL, 0);
  char *value = NULL;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);

  return value;
}

static gint64
admin_count (Fixture *fixture)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", fixture->table);
  g_autofree char *count = admin_value (fixture->admin, sql, NULL);

  return g_ascii_strtoll (count, NULL, 10);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  static guint counter;
  g_autofree char *sql = NULL;

  fixture->uri = orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_URI");
  if (fixture->uri == NULL)
    return;
  fixture->admin = admin_connect ();
  if (fixture->admin == NULL)
    {
      fixture->uri = NULL;
      return;
    }

  /* A schema of its own: tests run in parallel, and the shared public schema is
   * the migrations' business */
  fixture->schema = g_strdup_printf ("orgdesk_test_database_%d_%u", (int) getpid (), counter++);
  fixture->table = g_strdup_printf ("%s.items", fixture->schema);
  sql = g_strdup_printf ("CREATE SCHEMA %2$s; GRANT USAGE ON SCHEMA %2$s TO PUBLIC;"
                         "CREATE TABLE %1$s (id serial PRIMARY KEY, name text UNIQUE, note text);"
                         "GRANT SELECT, INSERT, UPDATE, DELETE ON %1$s TO PUBLIC;"
                         "GRANT USAGE ON SEQUENCE %1$s_id_seq TO PUBLIC;"
                         "CREATE TABLE %1$s_private (id int);",
                         fixture->table, fixture->schema);
  admin_exec (fixture->admin, sql);

  fixture->db = orgdesk_database_new (fixture->uri);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->db != NULL)
    orgdesk_test_finalize_eventually (g_steal_pointer (&fixture->db));

  if (fixture->admin != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("DROP SCHEMA %s CASCADE", fixture->schema);

      admin_exec (fixture->admin, sql);
      PQfinish (fixture->admin);
    }
  g_free (fixture->table);
  g_free (fixture->schema);
}

/* Helpers */

/* A query with @n_params text parameters (NULL allowed) */
static OrgdeskQuery *
query_new (const char *sql,
           guint       n_params,
           ...)
{
  OrgdeskQuery *query = orgdesk_query_new (sql);
  va_list args;

  va_start (args, n_params);
  for (guint i = 0; i < n_params; i++)
    orgdesk_query_add_param (query, va_arg (args, const char *));
  va_end (args);

  return query;
}

static GPtrArray *
queries_new (OrgdeskQuery *first,
             ...)
{
  GPtrArray *queries = g_ptr_array_new_with_free_func (g_object_unref);
  va_list args;

  va_start (args, first);
  for (OrgdeskQuery *q = first; q != NULL; q = va_arg (args, OrgdeskQuery *))
    g_ptr_array_add (queries, q);
  va_end (args);

  return queries;
}

/* Runs @queries (taken) and waits for the outcome */
static GPtrArray *
run (OrgdeskDatabase  *db,
     GPtrArray        *queries,
     GCancellable     *cancellable,
     GError          **error)
{
  g_autoptr(GPtrArray) owned = queries;

  return orgdesk_test_run_queries (db, owned, cancellable, error);
}

/* Runs one query that must succeed and returns its result */
static OrgdeskQueryResult *
run_one (OrgdeskDatabase *db,
         OrgdeskQuery    *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = run (db, queries_new (query, NULL), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_cmpuint (results->len, ==, 1);

  return g_object_ref (g_ptr_array_index (results, 0));
}

static char *
run_value (OrgdeskDatabase *db,
           const char      *sql)
{
  g_autoptr(OrgdeskQueryResult) result = run_one (db, orgdesk_query_new (sql));

  return g_strdup (orgdesk_query_result_get_value (result, 0, 0));
}

/* A libpq key=value string from @uri with some keywords replaced (pairs, NULL-ended) */
static char *
conninfo_with (const char *uri,
               ...)
{
  g_autoptr(GHashTable) overrides = g_hash_table_new (g_str_hash, g_str_equal);
  GString *s = g_string_new (NULL);
  PQconninfoOption *options = PQconninfoParse (uri, NULL);
  GHashTableIter iter;
  gpointer key, value;
  va_list args;

  g_assert_nonnull (options);

  va_start (args, uri);
  for (const char *k = va_arg (args, const char *); k != NULL; k = va_arg (args, const char *))
    g_hash_table_insert (overrides, (gpointer) k, va_arg (args, char *));
  va_end (args);

  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val != NULL && !g_hash_table_contains (overrides, o->keyword))
        g_hash_table_insert (overrides, o->keyword, o->val);
    }

  g_hash_table_iter_init (&iter, overrides);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (value == NULL)
        continue;
      g_string_append_printf (s, "%s='", (char *) key);
      for (const char *c = value; *c; c++)
        {
          if (*c == '\'' || *c == '\\')
            g_string_append_c (s, '\\');
          g_string_append_c (s, *c);
        }
      g_string_append (s, "' ");
    }
  PQconninfoFree (options);

  return g_string_free (s, FALSE);
}

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);

  /* Closed when @socket goes: nothing listens there */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
is_connected (gconstpointer db)
{
  return orgdesk_database_get_state ((OrgdeskDatabase *) db) == ORGDESK_DATABASE_STATE_CONNECTED;
}

static void
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_is_set (gconstpointer data)
{
  return *(const gboolean *) data;
}

/* Runs the main context for @ms milliseconds */
static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, set_flag_cb, &done);
  orgdesk_test_wait_for_condition (flag_is_set, &done, ms / 1000 + 10);
}

/* Tests */

static void
test_connect (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (OrgdeskDatabaseState));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskQueryResult) rows = NULL;
  g_autofree char *description = NULL;
  OrgdeskDatabaseState state;

  if (fixture->db == NULL)
    return;

  g_assert_cmpint (orgdesk_database_get_state (fixture->db), ==, ORGDESK_DATABASE_STATE_DISCONNECTED);
  g_signal_connect (fixture->db, "notify::state", G_CALLBACK (orgdesk_test_record_state_cb), states);

  orgdesk_database_connect_async (fixture->db, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_database_connect_finish (fixture->db, result, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (states->len, ==, 2);
  g_assert_cmpint (g_array_index (states, OrgdeskDatabaseState, 0), ==, ORGDESK_DATABASE_STATE_CONNECTING);
  g_assert_cmpint (g_array_index (states, OrgdeskDatabaseState, 1), ==, ORGDESK_DATABASE_STATE_CONNECTED);
  g_object_get (fixture->db, "state", &state, NULL);
  g_assert_cmpint (state, ==, ORGDESK_DATABASE_STATE_CONNECTED);
  g_assert_null (orgdesk_database_get_last_error (fixture->db));
  g_signal_handlers_disconnect_by_data (fixture->db, states);

  description = orgdesk_database_dup_description (fixture->db);
  g_assert_null (strstr (description, "password"));
  g_assert_nonnull (strstr (description, "dbname="));

  rows = run_one (fixture->db,
                  orgdesk_query_new ("SELECT 1 AS one, NULL::text AS nothing, ''::text AS empty "
                                     "UNION ALL SELECT 2, 'x', 'y'"));
  g_assert_cmpuint (orgdesk_query_result_get_n_rows (rows), ==, 2);
  g_assert_cmpuint (orgdesk_query_result_get_n_columns (rows), ==, 3);
  g_assert_cmpstr (orgdesk_query_result_get_column_name (rows, 0), ==, "one");
  g_assert_cmpstr (orgdesk_query_result_get_column_name (rows, 2), ==, "empty");
  g_assert_cmpint (orgdesk_query_result_get_column_index (rows, "nothing"), ==, 1);
  g_assert_cmpint (orgdesk_query_result_get_column_index (rows, "NOTHING"), ==, -1);
  g_assert_cmpstr (orgdesk_query_result_get_value (rows, 0, 0), ==, "1");
  g_assert_null (orgdesk_query_result_get_value (rows, 0, 1));
  g_assert_true (orgdesk_query_result_is_null (rows, 0, 1));
  g_assert_cmpstr (orgdesk_query_result_get_value (rows, 0, 2), ==, "");
  g_assert_false (orgdesk_query_result_is_null (rows, 0, 2));
  g_assert_cmpstr (orgdesk_query_result_get_value_by_name (rows, 1, "nothing"), ==, "x");
  g_assert_cmpint (orgdesk_query_result_get_affected_rows (rows), ==, 2);
  g_assert_cmpstr (orgdesk_query_result_get_command_tag (rows), ==, "SELECT 2");
  g_assert_cmpstr (orgdesk_query_result_get_sqlstate (rows), ==, "00000");
}

static void
test_lazy_connect (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *sql = NULL;
  OrgdeskQueryResult *inserted;

  if (fixture->db == NULL)
    return;

  /* The first request connects; the statement runs on the app role */
  sql = g_strdup_printf ("INSERT INTO %s (name, note) VALUES ($1, $2), ($3, $4)", fixture->table);
  results = run (fixture->db,
                 queries_new (query_new (sql, 4, "a", "1", "b", NULL),
                              query_new ("SELECT current_user", 0),
                              NULL),
                 NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  inserted = g_ptr_array_index (results, 0);
  g_assert_cmpint (orgdesk_query_result_get_affected_rows (inserted), ==, 2);
  g_assert_cmpstr (orgdesk_query_result_get_command_tag (inserted), ==, "INSERT 0 2");
  g_assert_cmpuint (orgdesk_query_result_get_n_columns (inserted), ==, 0);
  g_assert_cmpint (orgdesk_database_get_state (fixture->db), ==, ORGDESK_DATABASE_STATE_CONNECTED);
  g_assert_cmpint (admin_count (fixture), ==, 2);
}

static void
test_hostile_parameters (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GString) emoji = g_string_new (NULL);
  g_autofree char *insert = NULL;
  g_autofree char *exists = NULL;
  const char *values[] = {
    "it's", "\"double\"", "'; DROP TABLE orgdesk_x; --", "'); DROP TABLE %s; --",
    "back\\slash\\\\", "\\x00", "$1", "$$ dollar $$", "", NULL, "line\nbreak\ttab\r",
    "\xe2\x80\x8b\xe2\x80\xae", "%s%n%d", NULL,
  };

  if (fixture->db == NULL)
    return;

  for (guint i = 0; i < 1024; i++)
    g_string_append (emoji, "\xf0\x9f\x98\x80");   /* 4 KB of U+1F600 */
  values[G_N_ELEMENTS (values) - 1] = emoji->str;

  insert = g_strdup_printf ("INSERT INTO %s (name, note) VALUES ($1, $2) RETURNING note, note IS NULL, length(note)",
                            fixture->table);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *name = g_strdup_printf ("value %u", i);
      g_autoptr(OrgdeskQueryResult) echo = run_one (fixture->db, query_new ("SELECT $1::text", 1, values[i]));
      g_autoptr(OrgdeskQueryResult) stored = run_one (fixture->db, query_new (insert, 2, name, values[i]));

      g_assert_cmpstr (orgdesk_query_result_get_value (echo, 0, 0), ==, values[i]);
      g_assert_cmpstr (orgdesk_query_result_get_value (stored, 0, 0), ==, values[i]);
      g_assert_cmpstr (orgdesk_query_result_get_value (stored, 0, 1), ==, values[i] == NULL ? "t" : "f");
    }

  /* The emoji are 1024 characters, not 4096 bytes mangled */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT length(note) FROM %s WHERE name = $1", fixture->table);
    g_autofree char *name = g_strdup_printf ("value %u", (guint) G_N_ELEMENTS (values) - 1);
    g_autoptr(OrgdeskQueryResult) length = run_one (fixture->db, query_new (sql, 1, name));

    g_assert_cmpstr (orgdesk_query_result_get_value (length, 0, 0), ==, "1024");
  }

  exists = admin_value (fixture->admin, "SELECT to_regclass($1)::text", fixture->table);
  g_assert_cmpstr (exists, ==, fixture->table);
  g_assert_cmpint (admin_count (fixture), ==, G_N_ELEMENTS (values));
}

static void
test_large_values (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *big = NULL;
  g_autoptr(OrgdeskQueryResult) echo = NULL;
  g_autoptr(OrgdeskQueryResult) generated = NULL;

  if (fixture->db == NULL)
    return;

  /* More than the socket takes at once: the write waits for the socket, the
   * read gathers many packets */
  big = g_strnfill (8 * 1024 * 1024, 'x');
  echo = run_one (fixture->db, query_new ("SELECT length($1), md5($1) = md5(repeat('x', 8388608))", 1, big));
  g_assert_cmpstr (orgdesk_query_result_get_value (echo, 0, 0), ==, "8388608");
  g_assert_cmpstr (orgdesk_query_result_get_value (echo, 0, 1), ==, "t");

  generated = run_one (fixture->db, orgdesk_query_new ("SELECT repeat('x', 8388608), g FROM generate_series(1, 2) g"));
  g_assert_cmpuint (orgdesk_query_result_get_n_rows (generated), ==, 2);
  g_assert_cmpstr (orgdesk_query_result_get_value (generated, 1, 0), ==, big);
  g_assert_cmpstr (orgdesk_query_result_get_value (generated, 1, 1), ==, "2");
}

static void
test_atomic (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *insert = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *status = NULL;

  if (fixture->db == NULL)
    return;

  insert = g_strdup_printf ("INSERT INTO %s (name, note) VALUES ($1, $2)", fixture->table);

  /* The second statement violates the unique key: the first is rolled back */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) results = run (fixture->db,
                                        queries_new (query_new (insert, 2, "twice", "secret-value-1"),
                                                     query_new (insert, 2, "twice", "secret-value-2"),
                                                     query_new ("SELECT 1", 0),
                                                     NULL),
                                        NULL, &error);

    g_assert_null (results);
    g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONSTRAINT);
    g_assert_cmpstr (orgdesk_database_error_get_sqlstate (error), ==, "23505");
    g_assert_cmpint (orgdesk_database_error_get_statement_index (error), ==, 1);
    g_assert_nonnull (strstr (error->message, "duplicate key"));
    g_assert_null (strstr (error->message, "secret-value"));
    g_assert_null (strstr (error->message, "twice"));
    g_assert_cmpint (admin_count (fixture), ==, 0);
  }

  /* Other failures: division by zero, syntax, two statements in one */
  {
    struct { const char *sql; OrgdeskDatabaseError code; const char *sqlstate; } cases[] = {
      { "SELECT 1/0", ORGDESK_DATABASE_ERROR_QUERY, "22012" },
      { "SELEC 1", ORGDESK_DATABASE_ERROR_QUERY, "42601" },
      { "SELECT 1; SELECT 2", ORGDESK_DATABASE_ERROR_QUERY, "42601" },
      { "INSERT INTO TABLE_private VALUES (1)", ORGDESK_DATABASE_ERROR_PERMISSION, "42501" },
      { "SET ROLE postgres", ORGDESK_DATABASE_ERROR_PERMISSION, "42501" },
      { "INSERT INTO TABLE (id) VALUES (NULL)", ORGDESK_DATABASE_ERROR_CONSTRAINT, "23502" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) parts = g_strsplit (cases[i].sql, "TABLE", -1);
        g_autofree char *failing = g_strjoinv (fixture->table, parts);
        g_autoptr(GPtrArray) results = run (fixture->db,
                                            queries_new (query_new (insert, 2, "first", NULL),
                                                         orgdesk_query_new (failing),
                                                         NULL),
                                            NULL, &error);

        g_test_message ("%s: %s", cases[i].sql, error != NULL ? error->message : "(no error)");
        g_assert_null (results);
        g_assert_error (error, ORGDESK_DATABASE_ERROR, (int) cases[i].code);
        g_assert_cmpstr (orgdesk_database_error_get_sqlstate (error), ==, cases[i].sqlstate);
        g_assert_cmpint (admin_count (fixture), ==, 0);
      }
  }

  /* The connection is clean afterwards: no transaction left open */
  {
    g_autoptr(GPtrArray) results = NULL;
    g_autoptr(GError) error = NULL;

    results = run (fixture->db, queries_new (query_new (insert, 2, "once", "ok"), NULL), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (admin_count (fixture), ==, 1);
  }

  status = run_value (fixture->db, "SELECT pg_backend_pid()::text");
  sql = g_strdup_printf ("SELECT state FROM pg_stat_activity WHERE pid = %s", status);
  g_clear_pointer (&status, g_free);
  status = admin_value (fixture->admin, sql, NULL);
  g_assert_cmpstr (status, ==, "idle");
}

static void
test_one_round_trip (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(OrgdeskTestProxy) proxy = NULL;
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *insert = NULL;
  guint client_turns, server_turns;

  if (fixture->db == NULL)
    return;

  proxy = orgdesk_test_proxy_new_for_conninfo (fixture->uri, &error);
  g_assert_no_error (error);
  conninfo = orgdesk_test_proxy_dup_conninfo (proxy, fixture->uri);
  db = orgdesk_database_new (conninfo);
  g_free (run_value (db, "SELECT 1"));

  insert = g_strdup_printf ("INSERT INTO %s (name, note) VALUES ($1, $2)", fixture->table);
  client_turns = orgdesk_test_proxy_get_client_turns (proxy);
  server_turns = orgdesk_test_proxy_get_server_turns (proxy);
  results = run (db,
                 queries_new (query_new ("SELECT pg_catalog.pg_current_xact_id ()::text", 0),
                              query_new (insert, 2, "x", "y"),
                              query_new ("SELECT pg_catalog.pg_current_xact_id_if_assigned ()::text", 0),
                              NULL),
                 NULL, &error);
  g_assert_no_error (error);
  /* One transaction: the last statement still has the first one's id */
  g_assert_nonnull (orgdesk_query_result_get_value (g_ptr_array_index (results, 0), 0, 0));
  g_assert_cmpstr (orgdesk_query_result_get_value (g_ptr_array_index (results, 2), 0, 0), ==,
                   orgdesk_query_result_get_value (g_ptr_array_index (results, 0), 0, 0));

  /* BEGIN, three statements and COMMIT went out together and came back together */
  g_assert_cmpuint (orgdesk_test_proxy_get_client_turns (proxy) - client_turns, ==, 1);
  g_assert_cmpuint (orgdesk_test_proxy_get_server_turns (proxy) - server_turns, ==, 1);

  /* It ended: the next transaction has no id yet */
  {
    g_autofree char *after = run_value (db, "SELECT pg_catalog.pg_current_xact_id_if_assigned ()::text");

    g_assert_null (after);
  }

  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
}

static void
on_tick_cb (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
}

static gboolean
count_tick_cb (gpointer user_data)
{
  on_tick_cb (user_data);
  return G_SOURCE_CONTINUE;
}

static void
test_main_thread_free (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  guint ticks = 0;
  guint timeout_id;
  gint64 start;

  if (fixture->db == NULL)
    return;

  /* Connecting and the one-second statement both happen while the clock ticks */
  queries = queries_new (orgdesk_query_new ("SELECT pg_sleep(1)"), NULL);
  timeout_id = g_timeout_add (50, count_tick_cb, &ticks);
  start = g_get_monotonic_time ();
  orgdesk_database_run_async (fixture->db, queries, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_source_remove (timeout_id);

  results = orgdesk_database_run_finish (fixture->db, result, &error);
  g_assert_no_error (error);
  g_test_message ("%u ticks in %" G_GINT64_FORMAT " ms", ticks, (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (ticks, >=, 15);
}

typedef struct
{
  OrgdeskDatabase *db;
  GArray          *order;
  guint            index;
  gboolean         ok;
} FifoCall;

static void
on_fifo_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FifoCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = orgdesk_database_run_finish (call->db, result, &error);
  g_autofree char *expected = g_strdup_printf ("%u", call->index);

  g_assert_no_error (error);
  call->ok = g_strcmp0 (orgdesk_query_result_get_value (g_ptr_array_index (results, 0), 0, 0), expected) == 0;
  g_array_append_val (call->order, call->index);
}

static gboolean
order_is_complete (gconstpointer data)
{
  return ((const GArray *) data)->len == 100;
}

static void
test_fifo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  FifoCall calls[100];

  if (fixture->db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(GPtrArray) queries = NULL;
      g_autofree char *n = g_strdup_printf ("%u", i);

      calls[i] = (FifoCall) { fixture->db, order, i, FALSE };
      /* Some slower than others: the order is still the order of the requests */
      queries = queries_new (query_new ("SELECT $1::int, pg_sleep(CASE WHEN $1::int % 7 = 0 THEN 0.01 ELSE 0 END)",
                                        1, n),
                             NULL);
      orgdesk_database_run_async (fixture->db, queries, NULL, on_fifo_done_cb, &calls[i]);
    }

  orgdesk_test_wait_for_condition (order_is_complete, order, 60);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_assert_cmpuint (g_array_index (order, guint, i), ==, i);
      g_assert_true (calls[i].ok);
    }
}

static void
test_cancel_queued (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GAsyncResult) slow_result = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) slow = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *insert = NULL;

  if (fixture->db == NULL)
    return;

  insert = g_strdup_printf ("INSERT INTO %s (name) VALUES ('never')", fixture->table);
  slow = queries_new (orgdesk_query_new ("SELECT pg_sleep(0.3)"), NULL);
  queries = queries_new (orgdesk_query_new (insert), NULL);

  orgdesk_database_run_async (fixture->db, slow, NULL, orgdesk_test_store_result_cb, &slow_result);
  orgdesk_database_run_async (fixture->db, queries, cancellable, orgdesk_test_store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 5);
  g_assert_null (slow_result);
  results = orgdesk_database_run_finish (fixture->db, result, &error);
  g_assert_null (results);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  orgdesk_test_wait_for_result (&slow_result, 10);
  g_clear_pointer (&results, g_ptr_array_unref);
  g_clear_error (&error);
  results = orgdesk_database_run_finish (fixture->db, slow_result, &error);
  g_assert_no_error (error);

  /* Already cancelled before the call */
  g_clear_object (&result);
  g_clear_pointer (&results, g_ptr_array_unref);
  g_clear_error (&error);
  g_cancellable_cancel (cancelled);
  results = run (fixture->db, g_ptr_array_ref (queries), cancelled, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Neither insert ever ran */
  g_free (run_value (fixture->db, "SELECT 1"));
  g_assert_cmpint (admin_count (fixture), ==, 0);
}

static void
on_cancel_timeout_cb (gpointer user_data)
{
  gint64 *cancelled_at = user_data;

  *cancelled_at = g_get_monotonic_time ();
}

static void
test_cancel_running (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *pid_after = NULL;
  g_autofree char *activity = NULL;
  g_autofree char *insert = NULL;
  gint64 cancelled_at = 0;
  gint64 answered_at;

  if (fixture->db == NULL)
    return;

  pid = run_value (fixture->db, "SELECT pg_backend_pid()::text");
  insert = g_strdup_printf ("INSERT INTO %s (name) VALUES ('before the sleep')", fixture->table);
  queries = queries_new (orgdesk_query_new (insert), orgdesk_query_new ("SELECT pg_sleep(5)"), NULL);

  orgdesk_database_run_async (fixture->db, queries, cancellable, orgdesk_test_store_result_cb, &result);
  g_timeout_add_once (300, on_cancel_timeout_cb, &cancelled_at);
  while (cancelled_at == 0)
    g_main_context_iteration (NULL, TRUE);

  /* The statement is running on the server now */
  activity = admin_value (fixture->admin, "SELECT query FROM pg_stat_activity WHERE pid = $1::int AND state = 'active'", pid);
  g_assert_cmpstr (activity, ==, "SELECT pg_sleep(5)");
  g_clear_pointer (&activity, g_free);

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 5);
  answered_at = g_get_monotonic_time ();
  results = orgdesk_database_run_finish (fixture->db, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancelled after %" G_GINT64_FORMAT " µs", answered_at - cancelled_at);
  g_assert_cmpint (answered_at - cancelled_at, <, 200 * G_TIME_SPAN_MILLISECOND);

  /* The backend stops sleeping: it was cancelled, not left to finish */
  for (guint i = 0; i < 100; i++)
    {
      g_clear_pointer (&activity, g_free);
      activity = admin_value (fixture->admin, "SELECT state FROM pg_stat_activity WHERE pid = $1::int", pid);
      if (g_strcmp0 (activity, "active") != 0)
        break;
      g_usleep (20 * 1000);
    }
  g_assert_cmpstr (activity, !=, "active");
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 3 * G_TIME_SPAN_SECOND);

  /* Same connection, rolled back, usable */
  pid_after = run_value (fixture->db, "SELECT pg_backend_pid()::text");
  g_assert_cmpstr (pid_after, ==, pid);
  g_assert_cmpint (admin_count (fixture), ==, 0);
}

static void
test_cancel_then_finalize (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) connect_cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) connect_result = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *state = NULL;

  if (fixture->db == NULL)
    return;

  /* A connect that is cancelled answers at once; the connection still comes */
  db = orgdesk_database_new (fixture->uri);
  orgdesk_database_connect_async (db, connect_cancellable, orgdesk_test_store_result_cb, &connect_result);
  g_cancellable_cancel (connect_cancellable);
  orgdesk_test_wait_for_result (&connect_result, 5);
  g_assert_false (orgdesk_database_connect_finish (db, connect_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  pid = run_value (db, "SELECT pg_backend_pid()::text");
  queries = queries_new (orgdesk_query_new ("SELECT pg_sleep(5)"), NULL);
  orgdesk_database_run_async (db, queries, cancellable, orgdesk_test_store_result_cb, &result);
  wait_ms (100);
  g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 5);
  g_assert_null (orgdesk_database_run_finish (db, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Dropped while the cancelled statement's results are still due: it goes */
  g_clear_object (&result);
  g_clear_object (&connect_result);
  orgdesk_test_finalize_eventually (g_steal_pointer (&db));

  for (guint i = 0; i < 100; i++)
    {
      g_clear_pointer (&state, g_free);
      state = admin_value (fixture->admin, "SELECT state FROM pg_stat_activity WHERE pid = $1::int", pid);
      if (state == NULL)
        break;
      g_usleep (20 * 1000);
    }
  g_assert_null (state);
}

static void
test_connection_lost (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) queued_result = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *pid_after = NULL;
  g_autofree char *terminated = NULL;
  gint64 deadline;

  if (fixture->db == NULL)
    return;

  pid = run_value (fixture->db, "SELECT pg_backend_pid()::text");
  queries = queries_new (orgdesk_query_new ("SELECT pg_sleep(10)"), NULL);
  queued = queries_new (orgdesk_query_new ("SELECT 1"), NULL);
  orgdesk_database_run_async (fixture->db, queries, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_database_run_async (fixture->db, queued, NULL, orgdesk_test_store_result_cb, &queued_result);

  wait_ms (200);
  terminated = admin_value (fixture->admin, "SELECT pg_terminate_backend($1::int)::text", pid);
  g_assert_cmpstr (terminated, ==, "true");

  orgdesk_test_wait_for_result (&result, 5);
  results = orgdesk_database_run_finish (fixture->db, result, &error);
  g_assert_null (results);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  orgdesk_test_wait_for_result (&queued_result, 5);
  results = orgdesk_database_run_finish (fixture->db, queued_result, &error);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);

  g_assert_cmpint (orgdesk_database_get_state (fixture->db), ==, ORGDESK_DATABASE_STATE_WAITING_TO_RETRY);
  g_assert_error (orgdesk_database_get_last_error (fixture->db), ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);

  /* The next request reconnects at once */
  deadline = g_get_monotonic_time () + 400 * G_TIME_SPAN_MILLISECOND;
  pid_after = run_value (fixture->db, "SELECT pg_backend_pid()::text");
  g_assert_cmpint (g_get_monotonic_time (), <, deadline);
  g_assert_cmpstr (pid_after, !=, pid);
  g_assert_cmpint (orgdesk_database_get_state (fixture->db), ==, ORGDESK_DATABASE_STATE_CONNECTED);
  g_assert_null (orgdesk_database_get_last_error (fixture->db));

  /* And without a request, the back-off brings it back by itself */
  g_clear_pointer (&terminated, g_free);
  terminated = admin_value (fixture->admin, "SELECT pg_terminate_backend($1::int)::text", pid_after);
  g_assert_cmpstr (terminated, ==, "true");
  orgdesk_test_wait_for_condition (is_connected, fixture->db, 10);
}

static void
count_connecting_cb (OrgdeskDatabase *db,
                     GParamSpec      *pspec,
                     guint           *attempts)
{
  if (orgdesk_database_get_state (db) == ORGDESK_DATABASE_STATE_CONNECTING)
    (*attempts)++;
}

static void
assert_connect_fails (OrgdeskDatabase *db,
                      const char      *secret)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = orgdesk_database_dup_description (db);

  orgdesk_database_connect_async (db, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_false (orgdesk_database_connect_finish (db, result, &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);
  g_test_message ("%s", error->message);
  g_assert_null (strstr (error->message, secret));
  g_assert_null (strstr (description, secret));
  g_assert_cmpint (orgdesk_database_get_state (db), ==, ORGDESK_DATABASE_STATE_WAITING_TO_RETRY);
  g_assert_error (orgdesk_database_get_last_error (db), ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);
}

static void
test_bad_password (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autoptr(OrgdeskDatabase) keyring_db = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *without = NULL;
  PQconninfoOption *options;
  char *password = NULL;

  if (fixture->db == NULL)
    return;

  conninfo = conninfo_with (fixture->uri, "password", "wrong-password-xyzzy", NULL);
  db = orgdesk_database_new (conninfo);
  assert_connect_fails (db, "wrong-password-xyzzy");

  /* A password from the keyring, in place of one in the string */
  options = PQconninfoParse (fixture->uri, NULL);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (strcmp (o->keyword, "password") == 0)
      password = g_strdup (o->val);
  PQconninfoFree (options);
  g_assert_nonnull (password);

  without = conninfo_with (fixture->uri, "password", NULL, NULL);
  keyring_db = orgdesk_database_new (without);
  orgdesk_database_set_password (keyring_db, "wrong-keyring-password");
  assert_connect_fails (keyring_db, "wrong-keyring-password");
  orgdesk_database_set_password (keyring_db, password);
  orgdesk_database_reconnect (keyring_db);
  g_assert_cmpint (orgdesk_database_get_state (keyring_db), ==, ORGDESK_DATABASE_STATE_CONNECTING);
  orgdesk_test_wait_for_condition (is_connected, keyring_db, 10);
  g_free (password);

  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
  orgdesk_test_finalize_eventually (g_steal_pointer (&keyring_db));
}

static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *port = g_strdup_printf ("%u", closed_port ());
  guint attempts = 0;

  if (fixture->db == NULL)
    return;

  conninfo = conninfo_with (fixture->uri, "host", "127.0.0.1", "port", port, NULL);
  db = orgdesk_database_new (conninfo);
  assert_connect_fails (db, "apppw-not-there");

  /* Back-off: 0.5 s, then 1 s, … — no busy loop while the server is away */
  g_signal_connect (db, "notify::state", G_CALLBACK (count_connecting_cb), &attempts);
  wait_ms (1700);
  g_test_message ("%u attempts in 1.7 s", attempts);
  g_assert_cmpuint (attempts, >=, 1);
  g_assert_cmpuint (attempts, <=, 2);
  g_signal_handlers_disconnect_by_data (db, &attempts);

  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
}

static void
test_connect_timeout (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autoptr(GSocket) silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *port = NULL;
  gint64 start;

  if (fixture->db == NULL)
    return;

  /* The kernel accepts the connection, nobody ever answers */
  g_assert_true (g_socket_bind (silent, address, TRUE, NULL));
  g_assert_true (g_socket_listen (silent, NULL));
  bound = g_socket_get_local_address (silent, NULL);
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  conninfo = conninfo_with (fixture->uri, "host", "127.0.0.1", "port", port, "connect_timeout", "2", NULL);
  db = orgdesk_database_new (conninfo);
  start = g_get_monotonic_time ();
  assert_connect_fails (db, "not-there");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_TIME_SPAN_SECOND);
  g_assert_nonnull (strstr (orgdesk_database_get_last_error (db)->message, "timeout"));

  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
}

static void
test_invalid_conninfo (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(OrgdeskDatabase) db = NULL;

  if (fixture->db == NULL)
    return;

  db = orgdesk_database_new ("postgresql://user:sekrit%zz@127.0.0.1:1/db");
  assert_connect_fails (db, "sekrit");
  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
}

static void
test_host_name (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *one = NULL;

  if (fixture->db == NULL)
    return;

  /* Resolved with GResolver; localhost may give ::1 first, where nothing listens */
  conninfo = conninfo_with (fixture->uri, "host", "localhost", NULL);
  db = orgdesk_database_new (conninfo);
  one = run_value (db, "SELECT 1");
  g_assert_cmpstr (one, ==, "1");
  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
}

/* libpq connects to hostaddr and verifies the certificate against host: a
 * remote name at the test server's loopback address needs TLS, which the test
 * cluster does not offer */
static void
test_tls_by_default (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autoptr(OrgdeskDatabase) plain_db = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *disabled = NULL;
  g_autofree char *one = NULL;
  g_autofree char *password = NULL;
  PQconninfoOption *options;
  const char *message;

  if (fixture->db == NULL)
    return;

  options = PQconninfoParse (fixture->uri, NULL);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (strcmp (o->keyword, "password") == 0)
      password = g_strdup (o->val);
  PQconninfoFree (options);
  g_assert_nonnull (password);

  g_unsetenv ("PGSSLMODE");
  g_unsetenv ("PGSERVICE");
  conninfo = conninfo_with (fixture->uri, "host", "db.example.test", "hostaddr", "127.0.0.1",
                            "sslmode", NULL, NULL);
  db = orgdesk_database_new (conninfo);
  assert_connect_fails (db, password);
  message = orgdesk_database_get_last_error (db)->message;
  g_assert_nonnull (strstr (message, "SSL"));

  /* An sslmode in the string is kept */
  disabled = conninfo_with (fixture->uri, "host", "db.example.test", "hostaddr", "127.0.0.1",
                            "sslmode", "disable", NULL);
  plain_db = orgdesk_database_new (disabled);
  one = run_value (plain_db, "SELECT 1");
  g_assert_cmpstr (one, ==, "1");

  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
  orgdesk_test_finalize_eventually (g_steal_pointer (&plain_db));
}

/* Connection parameters, no server needed */

static const char *
param_value (OrgdeskConnParams *params,
             const char        *keyword)
{
  const char *value = NULL;

  for (guint i = 0; g_ptr_array_index (params->keywords, i) != NULL; i++)
    {
      if (strcmp (g_ptr_array_index (params->keywords, i), keyword) == 0)
        value = g_ptr_array_index (params->values, i);
    }

  return value;
}

static OrgdeskConnParams *
resolve (const char  *conninfo,
         const char  *password,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  _orgdesk_conn_params_resolve_async (conninfo, password, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);

  return _orgdesk_conn_params_resolve_finish (result, error);
}

static void
test_conninfo_resolve (void)
{
  g_autoptr(OrgdeskConnParams) params = NULL;
  g_autoptr(OrgdeskConnParams) plain = NULL;
  g_autoptr(OrgdeskConnParams) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) hosts = NULL;
  g_auto(GStrv) addrs = NULL;
  g_auto(GStrv) ports = NULL;
  guint n_localhost = 0;

  /* localhost is looked up (one entry per address), an address and a socket directory are kept */
  params = resolve ("host=localhost,127.0.0.2,/tmp port=1,2,3 password=in-string keepalives_idle=5",
                    "from-keyring", &error);
  g_assert_no_error (error);
  hosts = g_strsplit (param_value (params, "host"), ",", -1);
  addrs = g_strsplit (param_value (params, "hostaddr"), ",", -1);
  ports = g_strsplit (param_value (params, "port"), ",", -1);
  g_assert_cmpuint (g_strv_length (hosts), ==, g_strv_length (addrs));
  g_assert_cmpuint (g_strv_length (hosts), ==, g_strv_length (ports));
  for (guint i = 0; hosts[i] != NULL; i++)
    {
      if (strcmp (hosts[i], "localhost") == 0)
        {
          n_localhost++;
          g_assert_true (g_hostname_is_ip_address (addrs[i]));
          g_assert_cmpstr (ports[i], ==, "1");
        }
      else if (strcmp (hosts[i], "127.0.0.2") == 0)
        {
          g_assert_cmpstr (addrs[i], ==, "127.0.0.2");
          g_assert_cmpstr (ports[i], ==, "2");
        }
      else
        {
          g_assert_cmpstr (hosts[i], ==, "/tmp");
          g_assert_cmpstr (addrs[i], ==, "");
          g_assert_cmpstr (ports[i], ==, "3");
        }
    }
  g_assert_cmpuint (n_localhost, >=, 1);
  g_assert_cmpstr (param_value (params, "password"), ==, "from-keyring");
  g_assert_cmpstr (param_value (params, "keepalives_idle"), ==, "5");
  g_assert_cmpstr (param_value (params, "tcp_user_timeout"), ==, "60000");

  /* Nothing to look up: the string as it is, with our defaults */
  plain = resolve ("postgresql://u:in-uri@127.0.0.1:5/db", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (param_value (plain, "host"), ==, "127.0.0.1");
  g_assert_null (param_value (plain, "hostaddr"));
  g_assert_cmpstr (param_value (plain, "password"), ==, "in-uri");
  g_assert_cmpstr (param_value (plain, "keepalives_count"), ==, "3");

  none = resolve ("host=orgdesk-test.invalid", NULL, &error);
  g_assert_null (none);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "orgdesk-test.invalid"));

  description = _orgdesk_conninfo_describe ("postgresql://u:in-uri@127.0.0.1:5/db?sslpassword=x");
  g_assert_cmpstr (description, ==, "user=u dbname=db host=127.0.0.1 port=5");
  g_assert_cmpint (_orgdesk_conninfo_get_connect_timeout ("host=x"), ==, 10);
  g_assert_cmpint (_orgdesk_conninfo_get_connect_timeout ("host=x connect_timeout=1"), ==, 2);
  g_assert_cmpint (_orgdesk_conninfo_get_connect_timeout ("host=x connect_timeout=0"), ==, 0);
}

static void
assert_default_sslmode (const char *conninfo,
                        const char *expected)
{
  g_autoptr(GError) error = NULL;
  const char *sslmode = "unset";

  g_test_message ("%s", conninfo);
  g_assert_true (_orgdesk_conninfo_get_default_sslmode (conninfo, &sslmode, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sslmode, ==, expected);
}

/* The parameters libpq gets (no lookup needed: addresses, or hostaddr) */
static void
assert_resolved_sslmode (const char *conninfo,
                         const char *expected)
{
  g_autoptr(OrgdeskConnParams) params = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_test_message ("%s", conninfo);
  params = resolve (conninfo, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (param_value (params, "sslmode"), ==, expected);
  for (guint i = 0; g_ptr_array_index (params->keywords, i) != NULL; i++)
    n += strcmp (g_ptr_array_index (params->keywords, i), "sslmode") == 0;
  g_assert_cmpuint (n, <=, 1);
}

static void
assert_sslmode_error (const char *conninfo,
                      const char *in_message,
                      const char *secret)
{
  g_autoptr(OrgdeskConnParams) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) resolve_error = NULL;
  const char *sslmode = "unset";

  g_test_message ("%s", conninfo);
  g_assert_false (_orgdesk_conninfo_get_default_sslmode (conninfo, &sslmode, &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);
  g_assert_null (sslmode);
  g_assert_nonnull (strstr (error->message, in_message));
  if (secret != NULL)
    g_assert_null (strstr (error->message, secret));

  /* And no parameters at all */
  params = resolve (conninfo, NULL, &resolve_error);
  g_assert_null (params);
  g_assert_error (resolve_error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);
  g_assert_cmpstr (resolve_error->message, ==, error->message);
}

/* What the application reacts to: a refused token (class 28) is not a lost
 * connection, a refused write (42501) is a permission. */
static void
test_error_codes (void)
{
  static const struct { const char *sqlstate; OrgdeskDatabaseError code; } cases[] = {
    { "28000", ORGDESK_DATABASE_ERROR_AUTHENTICATION },
    { "28P01", ORGDESK_DATABASE_ERROR_AUTHENTICATION },
    { "42501", ORGDESK_DATABASE_ERROR_PERMISSION },
    { "23503", ORGDESK_DATABASE_ERROR_CONSTRAINT },
    { "40001", ORGDESK_DATABASE_ERROR_SERIALIZATION },
    { "08006", ORGDESK_DATABASE_ERROR_CONNECTION },
    { "57P01", ORGDESK_DATABASE_ERROR_CONNECTION },
    { "25P01", ORGDESK_DATABASE_ERROR_QUERY },
    { "2800", ORGDESK_DATABASE_ERROR_QUERY },
    { NULL, ORGDESK_DATABASE_ERROR_QUERY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (orgdesk_database_error_code_for_sqlstate (cases[i].sqlstate), ==, cases[i].code);
}

static void
test_conninfo_sslmode (void)
{
  g_unsetenv ("PGSSLMODE");
  g_unsetenv ("PGSERVICE");
  g_unsetenv ("PGHOST");
  g_unsetenv ("PGHOSTADDR");

  /* Remote: a name, IPv4, IPv6, in both forms */
  assert_default_sslmode ("host=db.example.com", "verify-full");
  assert_default_sslmode ("postgresql://orgdesk_app@db.example.com:5432/orgdesk", "verify-full");
  assert_default_sslmode ("host=localhost.example.com", "verify-full");
  assert_default_sslmode ("host=127.0.0.1.example.com", "verify-full");
  assert_resolved_sslmode ("host=192.0.2.10 dbname=orgdesk", "verify-full");
  assert_resolved_sslmode ("postgresql://u@192.0.2.10:5432/orgdesk", "verify-full");
  assert_resolved_sslmode ("host=2001:db8::1", "verify-full");
  assert_resolved_sslmode ("postgresql://u@[2001:db8::1]:5432/orgdesk", "verify-full");
  assert_resolved_sslmode ("host=::ffff:127.0.0.1", "verify-full");
  assert_resolved_sslmode ("host=0.0.0.0", "verify-full");

  /* Loopback and Unix sockets: libpq's default */
  assert_resolved_sslmode ("host=127.0.0.1", NULL);
  assert_resolved_sslmode ("host=127.45.6.7 port=5", NULL);
  assert_resolved_sslmode ("postgresql://u:pw@127.0.0.1:5/db", NULL);
  assert_resolved_sslmode ("host=::1", NULL);
  assert_resolved_sslmode ("postgresql://u@[::1]:5432/db", NULL);
  assert_default_sslmode ("host=localhost", NULL);
  assert_default_sslmode ("host=LocalHost", NULL);
  assert_default_sslmode ("postgresql://u@localhost/db", NULL);
  assert_resolved_sslmode ("host=/var/run/postgresql", NULL);
  assert_resolved_sslmode ("host=@orgdesk-abstract", NULL);
  assert_resolved_sslmode ("postgresql://%2Fvar%2Frun%2Fpostgresql/db", NULL);
  assert_resolved_sslmode ("postgresql:///db", NULL);
  assert_resolved_sslmode ("dbname=orgdesk", NULL);
  assert_resolved_sslmode ("", NULL);
  assert_resolved_sslmode ("hostaddr=127.0.0.1", NULL);
  assert_resolved_sslmode ("host=/tmp hostaddr=127.0.0.1", NULL);

  /* Several hosts: verify-full unless every one is local */
  assert_default_sslmode ("host=localhost,db.example.com", "verify-full");
  assert_resolved_sslmode ("host=127.0.0.1,192.0.2.10 port=5,6", "verify-full");
  assert_resolved_sslmode ("postgresql://u@127.0.0.1:5,[2001:db8::1]:6/db", "verify-full");
  assert_default_sslmode ("host=localhost,127.0.0.2,/tmp,::1,,@a", NULL);
  assert_resolved_sslmode ("postgresql://u@127.0.0.1:5,[::1]:6/db", NULL);

  /* hostaddr is where libpq connects, host what it verifies: both must be local */
  assert_resolved_sslmode ("host=db.example.test hostaddr=127.0.0.1", "verify-full");
  assert_resolved_sslmode ("postgresql://u@127.0.0.1:5/db?host=db.example.test&hostaddr=127.0.0.1", "verify-full");
  assert_resolved_sslmode ("host=localhost hostaddr=192.0.2.10", "verify-full");
  assert_resolved_sslmode ("hostaddr=192.0.2.10", "verify-full");
  assert_resolved_sslmode ("host=localhost,localhost hostaddr=127.0.0.1,2001:db8::1", "verify-full");
  assert_resolved_sslmode ("host=localhost,/tmp hostaddr=127.0.0.1,::1", NULL);

  /* An sslmode in the string is kept, whatever the host */
  assert_default_sslmode ("host=db.example.com sslmode=disable", NULL);
  assert_resolved_sslmode ("host=192.0.2.10 sslmode=disable", "disable");
  assert_resolved_sslmode ("postgresql://u@192.0.2.10/db?sslmode=require", "require");
  assert_resolved_sslmode ("host=127.0.0.1 sslmode=verify-ca", "verify-ca");

  /* So is PGSSLMODE (libpq reads it when the string names none), and a service file's say */
  g_setenv ("PGSSLMODE", "disable", TRUE);
  assert_resolved_sslmode ("host=192.0.2.10", NULL);
  g_unsetenv ("PGSSLMODE");
  assert_resolved_sslmode ("service=orgdesk host=192.0.2.10", NULL);
  g_setenv ("PGSERVICE", "orgdesk", TRUE);
  assert_resolved_sslmode ("host=192.0.2.10", NULL);
  g_unsetenv ("PGSERVICE");

  /* The host from PGHOST/PGHOSTADDR when the string names none, as libpq does */
  g_setenv ("PGHOST", "192.0.2.10", TRUE);
  assert_resolved_sslmode ("dbname=orgdesk", "verify-full");
  assert_resolved_sslmode ("host=127.0.0.1", NULL);
  g_unsetenv ("PGHOST");
  g_setenv ("PGHOSTADDR", "192.0.2.10", TRUE);
  assert_resolved_sslmode ("dbname=orgdesk", "verify-full");
  g_unsetenv ("PGHOSTADDR");

  /* Invalid or inconsistent: an error, and no parameters */
  assert_sslmode_error ("postgresql://user:sekrit%zz@db.example.com/db", "not valid", "sekrit");
  assert_sslmode_error ("host='db.example.com password=sekrit", "not valid", "sekrit");
  assert_sslmode_error ("host=db.example.com nonsense=1", "not valid", NULL);
  assert_sslmode_error ("host=a,b,c hostaddr=127.0.0.1,127.0.0.2", "3 hosts but 2 host addresses", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/orgdesk/data/database/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("connect", test_connect);
  ADD ("lazy-connect", test_lazy_connect);
  ADD ("hostile-parameters", test_hostile_parameters);
  ADD ("large-values", test_large_values);
  ADD ("atomic", test_atomic);
  ADD ("one-round-trip", test_one_round_trip);
  ADD ("main-thread-free", test_main_thread_free);
  ADD ("fifo", test_fifo);
  ADD ("cancel/queued", test_cancel_queued);
  ADD ("cancel/running", test_cancel_running);
  ADD ("cancel/then-finalize", test_cancel_then_finalize);
  ADD ("connection-lost", test_connection_lost);
  ADD ("bad-password", test_bad_password);
  ADD ("unreachable", test_unreachable);
  ADD ("connect-timeout", test_connect_timeout);
  ADD ("invalid-conninfo", test_invalid_conninfo);
  ADD ("host-name", test_host_name);
  ADD ("tls-by-default", test_tls_by_default);

#undef ADD

  g_test_add_func ("/orgdesk/data/database/conninfo/resolve", test_conninfo_resolve);
  g_test_add_func ("/orgdesk/data/database/conninfo/sslmode", test_conninfo_sslmode);
  g_test_add_func ("/orgdesk/data/database/error-codes", test_error_codes);

  return g_test_run ();
}
