/* test-pgbouncer.c: the app role's transactions through PgBouncer's transaction pooling
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "orgdesk-test-database.h"
#include "orgdesk-test-utils.h"

/* With libpq directly, as orgdesk_app through the PgBouncer of
 * tests/with-services.sh (build-aux/pgbouncer.sh: pool_mode = transaction, two
 * server connections per role, empty server_reset_query):
 *
 *  - a pipelined BEGIN; SELECT …; COMMIT with one sync, as OrgdeskDatabase
 *    sends it, is one transaction on one server connection;
 *  - several clients share the two server connections, and a client waits for
 *    one while both are taken;
 *  - what client A's transaction sets is either refused or not seen by client
 *    C's next transaction on the same server connection (checked with
 *    pg_backend_pid ()).  A transaction-local setting never is.  A session-level
 *    one is, as long as nothing refuses it to the app role: orgdesk_auth's
 *    utility hook refuses SET to a confined role, and its CREATE EXTENSION
 *    revokes set_config () (DESIGN.md, "Data and isolation").  Where neither is
 *    in place yet the case is a TODO; where it is, a setting that gets through
 *    fails it.
 *  - the context orgdesk.authenticate () sets from alice's database token
 *    (a signed-in session of the stand-in) is A's only: C's next transaction
 *    on the same server connection has none and sees no posts.
 *
 * The test holds both of orgdesk_app's server connections at times, so it runs
 * alone (tests/pgbouncer/meson.build). */

#define POOL_SIZE  2    /* default_pool_size in build-aux/pgbouncer.sh */
#define N_CLIENTS  6
#define WAIT_MS    300  /* how long a client that must wait is watched */
#define PROBE      "pgbouncer-probe-organization"

/* One transaction {{{ */

/* What one transaction of transaction_send() saw */
typedef struct
{
  gboolean  has_setup;
  gboolean  ends;          /* COMMIT was sent too */
  int       backend_pid;   /* of the server connection PgBouncer gave it */
  char     *value;         /* (nullable) the value it read, NULL for SQL NULL or when refused */
  char     *refused;       /* (nullable) the SQLSTATE of its setup statement, if that failed */
} Transaction;

static void
transaction_free (Transaction *t)
{
  g_free (t->value);
  g_free (t->refused);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Transaction, transaction_free)

static void
ignore_notice_cb (void       *arg,
                  const char *message)
{
}

static PGconn *
connect_app (const char *uri)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect through PgBouncer: %s", PQerrorMessage (conn));
  PQsetNoticeProcessor (conn, ignore_notice_cb, NULL);

  return conn;
}

static void
send_statement (PGconn     *conn,
                const char *sql,
                const char *param)
{
  const char * const params[] = { param };

  if (!PQsendQueryParams (conn, sql, param != NULL ? 1 : 0, NULL, params, NULL, NULL, 0))
    g_error ("%s: %s", sql, PQerrorMessage (conn));
}

/**
 * transaction_send:
 * @conn: a connection of orgdesk_app through PgBouncer, idle
 * @setup_sql: (nullable): a statement to run first, whose $1 (if any) is @setup_param
 * @setup_param: (nullable): the value of $1
 * @value_sql: an expression to read after it, e.g. "orgdesk.current_organization_id ()"
 * @end: whether to COMMIT; if not, the transaction stays open for transaction_close()
 *
 * Sends `BEGIN; SELECT pg_backend_pid (); <setup_sql>; SELECT (<value_sql>)::text;
 * COMMIT` in one pipeline with one sync, without waiting for the answer.
 *
 * Returns: (transfer full): what transaction_finish() fills in
 */
static Transaction *
transaction_send (PGconn     *conn,
                  const char *setup_sql,
                  const char *setup_param,
                  const char *value_sql,
                  gboolean    end)
{
  g_autofree char *value_query = NULL;
  Transaction *t = g_new0 (Transaction, 1);

  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_IDLE);
  g_assert_true (PQenterPipelineMode (conn));

  t->has_setup = setup_sql != NULL;
  t->ends = end;
  value_query = g_strdup_printf ("SELECT pg_catalog.pg_backend_pid (), pg_catalog.pg_current_xact_id ()::text,"
                                 " (%s)::text", value_sql);
  send_statement (conn, "BEGIN", NULL);
  send_statement (conn, "SELECT pg_catalog.pg_backend_pid (), pg_catalog.pg_current_xact_id ()::text", NULL);
  if (setup_sql != NULL)
    send_statement (conn, setup_sql, setup_param);
  send_statement (conn, value_query, NULL);
  if (end)
    send_statement (conn, "COMMIT", NULL);
  if (!PQpipelineSync (conn))
    g_error ("Cannot send the pipeline: %s", PQerrorMessage (conn));

  return t;
}

/* The result of the next statement in the pipeline, and the NULL after it */
static PGresult *
next_result (PGconn *conn)
{
  PGresult *result = PQgetResult (conn);

  g_assert_nonnull (result);
  g_assert_null (PQgetResult (conn));

  return result;
}

static void
assert_status (PGresult       *result,
               ExecStatusType  status)
{
  if (PQresultStatus (result) != status)
    g_error ("%s instead of %s: %s", PQresStatus (PQresultStatus (result)), PQresStatus (status),
             PQresultErrorMessage (result));
}

/* Waits for the answer to transaction_send() and fills @t in.  Every statement
 * ran on one server connection in one transaction.  If @t ends, the connection
 * is idle again (after a ROLLBACK if the setup statement was refused). */
static Transaction *
transaction_finish (PGconn      *conn,
                    Transaction *t)
{
  g_autofree char *xid = NULL;
  PGresult *result;

  assert_status (result = next_result (conn), PGRES_COMMAND_OK);
  PQclear (result);

  assert_status (result = next_result (conn), PGRES_TUPLES_OK);
  t->backend_pid = atoi (PQgetvalue (result, 0, 0));
  xid = g_strdup (PQgetvalue (result, 0, 1));
  PQclear (result);

  if (t->has_setup)
    {
      result = next_result (conn);
      if (PQresultStatus (result) == PGRES_FATAL_ERROR)
        {
          t->refused = g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
          g_test_message ("refused (%s): %s", t->refused, PQresultErrorMessage (result));
        }
      else if (PQresultStatus (result) != PGRES_TUPLES_OK)
        assert_status (result, PGRES_COMMAND_OK);
      PQclear (result);
    }

  result = next_result (conn);
  if (t->refused != NULL)
    assert_status (result, PGRES_PIPELINE_ABORTED);
  else
    {
      assert_status (result, PGRES_TUPLES_OK);
      g_assert_cmpint (atoi (PQgetvalue (result, 0, 0)), ==, t->backend_pid);
      g_assert_cmpstr (PQgetvalue (result, 0, 1), ==, xid);
      if (!PQgetisnull (result, 0, 2))
        t->value = g_strdup (PQgetvalue (result, 0, 2));
    }
  PQclear (result);

  if (t->ends)
    {
      assert_status (result = next_result (conn), t->refused != NULL ? PGRES_PIPELINE_ABORTED : PGRES_COMMAND_OK);
      PQclear (result);
    }

  result = PQgetResult (conn);
  assert_status (result, PGRES_PIPELINE_SYNC);
  PQclear (result);
  g_assert_true (PQexitPipelineMode (conn));

  if (t->ends && PQtransactionStatus (conn) == PQTRANS_INERROR)
    {
      assert_status (result = PQexec (conn, "ROLLBACK"), PGRES_COMMAND_OK);
      PQclear (result);
    }
  g_assert_cmpint (PQtransactionStatus (conn), ==, t->ends ? PQTRANS_IDLE : t->refused ? PQTRANS_INERROR : PQTRANS_INTRANS);

  return t;
}

/**
 * transaction_run:
 *
 * transaction_send() with COMMIT, and transaction_finish(): one whole
 * transaction, e.g. (once the orgdesk_auth extension is there)
 * `transaction_run (conn, "SELECT orgdesk.authenticate ($1)", token,
 * "orgdesk.current_organization_id ()")`.
 *
 * Returns: (transfer full): its backend pid, the value it read, or the refusal
 */
static Transaction *
transaction_run (PGconn     *conn,
                 const char *setup_sql,
                 const char *setup_param,
                 const char *value_sql)
{
  return transaction_finish (conn, transaction_send (conn, setup_sql, setup_param, value_sql, TRUE));
}

/* The same, left open: @conn keeps its server connection until transaction_close() */
static Transaction *
transaction_open (PGconn     *conn,
                  const char *setup_sql,
                  const char *setup_param,
                  const char *value_sql)
{
  return transaction_finish (conn, transaction_send (conn, setup_sql, setup_param, value_sql, FALSE));
}

static void
transaction_close (PGconn *conn)
{
  gboolean failed = PQtransactionStatus (conn) == PQTRANS_INERROR;
  PGresult *result = PQexec (conn, failed ? "ROLLBACK" : "COMMIT");

  assert_status (result, PGRES_COMMAND_OK);
  PQclear (result);
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_IDLE);
}

/* Whether an answer to what @conn sent arrives within @ms */
static gboolean
answers_within (PGconn *conn,
                guint   ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  GPollFD fd = { PQsocket (conn), G_IO_IN, 0 };
  gint64 left;

  while ((left = deadline - g_get_monotonic_time ()) > 0)
    {
      if (g_poll (&fd, 1, (int) MAX (1, left / G_TIME_SPAN_MILLISECOND)) > 0)
        {
          g_assert_true (PQconsumeInput (conn));
          if (!PQisBusy (conn))
            return TRUE;
        }
    }

  return FALSE;
}

/* }}} */

/* Three clients {{{ */

typedef struct
{
  PGconn *a;
  PGconn *b;
  PGconn *c;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *uri = orgdesk_test_require_service ("ORGDESK_TEST_PGBOUNCER_URI");

  if (uri == NULL)
    return;

  fixture->a = connect_app (uri);
  fixture->b = connect_app (uri);
  fixture->c = connect_app (uri);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, PQfinish);
  g_clear_pointer (&fixture->b, PQfinish);
  g_clear_pointer (&fixture->c, PQfinish);
}

/**
 * hand_over:
 * @fixture: three idle clients
 * @setup_sql, @setup_param, @value_sql: as for transaction_send()
 * @a_out: (out): client A's transaction
 * @c_out: (out): client C's transaction
 *
 * Client A runs @setup_sql and reads @value_sql in a transaction it keeps open
 * while client B takes the pool's other server connection.  Client C's
 * transaction, sent then, reads @value_sql; it has to wait until A commits,
 * and then runs on A's server connection.  B keeps its transaction open, so
 * the next transaction of A or C lands on that server connection again; end it
 * with transaction_close (fixture->b).
 */
static void
hand_over (Fixture      *fixture,
           const char   *setup_sql,
           const char   *setup_param,
           const char   *value_sql,
           Transaction **a_out,
           Transaction **c_out)
{
  g_autoptr(Transaction) a = NULL;
  g_autoptr(Transaction) b = NULL;
  g_autoptr(Transaction) c = NULL;

  a = transaction_open (fixture->a, setup_sql, setup_param, value_sql);
  b = transaction_open (fixture->b, NULL, NULL, "1");
  g_assert_cmpint (a->backend_pid, !=, b->backend_pid);

  c = transaction_send (fixture->c, NULL, NULL, value_sql, TRUE);
  g_assert_false (answers_within (fixture->c, WAIT_MS));

  transaction_close (fixture->a);
  transaction_finish (fixture->c, c);
  g_assert_cmpint (c->backend_pid, ==, a->backend_pid);

  *a_out = g_steal_pointer (&a);
  *c_out = g_steal_pointer (&c);
}

/* }}} */

/* The tests {{{ */

static void
test_pipeline_is_one_transaction (Fixture       *fixture,
                                  gconstpointer  data)
{
  if (fixture->a == NULL)
    return;

  /* transaction_finish() checks one backend and one transaction id throughout */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Transaction) t = transaction_run (fixture->a, NULL, NULL, "'pipelined'");

      g_assert_cmpstr (t->value, ==, "pipelined");
      g_assert_null (t->refused);
    }

  /* A failed statement ends its transaction (ROLLBACK), and the client goes on */
  {
    g_autoptr(Transaction) failed = transaction_run (fixture->a, "SELECT 1 / 0", NULL, "'not reached'");
    g_autoptr(Transaction) next = transaction_run (fixture->a, NULL, NULL, "'after the error'");

    g_assert_cmpstr (failed->refused, ==, "22012");
    g_assert_null (failed->value);
    g_assert_cmpstr (next->value, ==, "after the error");
  }
}

static void
test_clients_share_the_pool (Fixture       *fixture,
                             gconstpointer  data)
{
  const char *uri = g_getenv ("ORGDESK_TEST_PGBOUNCER_URI");
  g_autoptr(GHashTable) pids = g_hash_table_new (NULL, NULL);
  PGconn *clients[N_CLIENTS];
  Transaction *sent[N_CLIENTS];

  if (fixture->a == NULL)
    return;

  /* All at once: PgBouncer queues what its two server connections cannot take */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *value = g_strdup_printf ("'client %u'", i);

      clients[i] = connect_app (uri);
      sent[i] = transaction_send (clients[i], NULL, NULL, value, TRUE);
    }
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autoptr(Transaction) t = transaction_finish (clients[i], sent[i]);
      g_autofree char *expected = g_strdup_printf ("client %u", i);

      g_assert_cmpstr (t->value, ==, expected);
      g_hash_table_add (pids, GINT_TO_POINTER (t->backend_pid));
      PQfinish (clients[i]);
    }

  g_test_message ("%u clients on %u server connections", N_CLIENTS, g_hash_table_size (pids));
  g_assert_cmpuint (g_hash_table_size (pids), >=, 1);
  g_assert_cmpuint (g_hash_table_size (pids), <=, POOL_SIZE);
}

static void
test_client_waits_for_a_server_connection (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(Transaction) a = NULL;
  g_autoptr(Transaction) c = NULL;

  if (fixture->a == NULL)
    return;

  /* hand_over() checks that C waits for A and gets A's server connection */
  hand_over (fixture, NULL, NULL, "'mine'", &a, &c);
  g_assert_cmpstr (a->value, ==, "mine");
  g_assert_cmpstr (c->value, ==, "mine");
  transaction_close (fixture->b);
}

/* A setting of client A's transaction, and whether it outlives the transaction */
typedef struct
{
  const char *path;
  const char *setup_sql;    /* $1, if any, is PROBE */
  gboolean    session_level;
  /* For a session-level setting: a superuser query, 't' when something is
   * meant to refuse it to orgdesk_app, and what to say when nothing is yet */
  const char *meant_refused_sql;
  const char *not_yet;
} Setting;

/* orgdesk_auth is preloaded and orgdesk_auth.confined_roles names orgdesk_app
 * or a role it is a member of: its utility hook refuses SET */
#define CONFINED_SQL \
  "SELECT EXISTS (SELECT FROM pg_catalog.unnest (pg_catalog.string_to_array (" \
  "    pg_catalog.current_setting ('orgdesk_auth.confined_roles', true), ',')) AS r (name)" \
  "  JOIN pg_catalog.pg_roles g ON g.rolname = pg_catalog.btrim (r.name, ' \"')" \
  " WHERE pg_catalog.pg_has_role ('orgdesk_app', g.oid, 'MEMBER'))"

/* CREATE EXTENSION orgdesk_auth revokes set_config() from PUBLIC in its database */
#define EXTENSION_SQL \
  "SELECT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'orgdesk_auth')"

static const Setting settings[] = {
  { "set-config-local", "SELECT pg_catalog.set_config ('orgdesk.organization_id', $1, true)", FALSE, NULL, NULL },
  { "set-local", "SET LOCAL orgdesk.organization_id = '" PROBE "'", FALSE, NULL, NULL },
  { "set-config-session", "SELECT pg_catalog.set_config ('orgdesk.organization_id', $1, false)", TRUE,
    EXTENSION_SQL, "set_config () is revoked from orgdesk_app only where the schema has created orgdesk_auth" },
  { "set-session", "SET orgdesk.organization_id = '" PROBE "'", TRUE,
    CONFINED_SQL, "orgdesk_auth is not preloaded, so nothing refuses SET to orgdesk_app" },
};

#define SETTING_VALUE_SQL "pg_catalog.current_setting ('orgdesk.organization_id', true)"

static gboolean
superuser_says (const char *sql)
{
  g_autofree char *answer = orgdesk_test_database_dup_value (sql, NULL);

  return g_strcmp0 (answer, "t") == 0;
}

static void
test_setting_is_not_inherited (Fixture       *fixture,
                               gconstpointer  data)
{
  const Setting *setting = data;
  const char *param = strchr (setting->setup_sql, '$') != NULL ? PROBE : NULL;
  g_autoptr(Transaction) a = NULL;
  g_autoptr(Transaction) c = NULL;

  if (fixture->a == NULL)
    return;

  hand_over (fixture, setting->setup_sql, param, SETTING_VALUE_SQL, &a, &c);

  /* Refused to the app role (insufficient_privilege: the utility hook, or no
   * EXECUTE on set_config ()): nothing to inherit */
  if (a->refused != NULL)
    {
      g_assert_cmpstr (a->refused, ==, "42501");
      g_assert_cmpstr (c->value != NULL ? c->value : "", ==, "");
      transaction_close (fixture->b);
      return;
    }

  /* Accepted: A's own transaction sees it, C's (on the same server connection) must not */
  g_assert_cmpstr (a->value, ==, PROBE);
  if (c->value == NULL || *c->value == '\0')
    {
      transaction_close (fixture->b);
      return;
    }

  g_assert_cmpstr (c->value, ==, PROBE);
  g_assert_true (setting->session_level);
  if (superuser_says (setting->meant_refused_sql))
    g_test_fail_printf ("%s was to be refused to orgdesk_app, yet it reached the next client of its"
                        " server connection", setting->path);
  else
    g_test_incomplete_printf ("a session-level setting reaches the next client of the server connection:"
                              " %s (issue 8)", setting->not_yet);

  /* Leave the pool's connection clean: while B holds the other one, C lands
   * there again.  RESET is a utility statement, which a confined role may not run. */
  {
    g_autoptr(Transaction) reset = transaction_run (fixture->c, "RESET orgdesk.organization_id", NULL,
                                                    SETTING_VALUE_SQL);

    if (reset->refused != NULL)
      {
        g_clear_pointer (&reset, transaction_free);
        reset = transaction_run (fixture->c, "SELECT pg_catalog.set_config ('orgdesk.organization_id', '', false)",
                                 NULL, SETTING_VALUE_SQL);
      }
    g_assert_null (reset->refused);
    g_assert_cmpint (reset->backend_pid, ==, a->backend_pid);
    g_assert_cmpstr (reset->value != NULL ? reset->value : "", ==, "");
  }
  transaction_close (fixture->b);
}

/* A signed-in session of the stand-in's alice, for a real database token */
static OrgdeskSession *session;

/* What orgdesk.authenticate() verified lives in the backend's memory for one
 * transaction: the next client on the same server connection has no context
 * and sees no posts. */
#define CONTEXT_VALUE_SQL \
  "COALESCE (orgdesk.current_organization_id (), 'none') || '/'" \
  " || (SELECT pg_catalog.count (*) > 0 FROM orgdesk.posts)::text"

static void
test_context_is_not_inherited (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *post_id = NULL;
  const char *organization_id;
  g_autoptr(Transaction) a = NULL;
  g_autoptr(Transaction) c = NULL;

  if (fixture->a == NULL || session == NULL)
    return;

  token = orgdesk_test_dup_database_access_token (session);
  organization_id = orgdesk_organization_get_id (orgdesk_session_get_active_organization (session));
  post_id = orgdesk_test_database_dup_value ("INSERT INTO orgdesk.posts (logto_organization_id, title)"
                                             " VALUES ($1, 'Seen by its organization only') RETURNING id::text",
                                             organization_id);
  expected = g_strconcat (organization_id, "/true", NULL);
  hand_over (fixture, "SELECT orgdesk.authenticate ($1)", token, CONTEXT_VALUE_SQL, &a, &c);
  g_assert_null (a->refused);
  g_assert_cmpstr (a->value, ==, expected);
  g_assert_cmpstr (c->value, ==, "none/false");
  transaction_close (fixture->b);
  g_free (orgdesk_test_database_dup_value ("DELETE FROM orgdesk.posts WHERE id = $1::uuid RETURNING id", post_id));
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, data, func) \
  g_test_add ("/orgdesk/pgbouncer/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("pipeline/one-transaction", NULL, test_pipeline_is_one_transaction);
  ADD ("pool/shared-by-clients", NULL, test_clients_share_the_pool);
  ADD ("pool/client-waits-for-a-server-connection", NULL, test_client_waits_for_a_server_connection);
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *path = g_strdup_printf ("/orgdesk/pgbouncer/not-inherited/%s", settings[i].path);

      g_test_add (path, Fixture, &settings[i], fixture_setup, test_setting_is_not_inherited, fixture_teardown);
    }

  session = orgdesk_test_database_session_new ("alice");
  ADD ("not-inherited/authenticated-context", NULL, test_context_is_not_inherited);

#undef ADD

  {
    int ret = g_test_run ();

    g_clear_object (&session);
    return ret;
  }
}
