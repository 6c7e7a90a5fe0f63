/* orgdesk-test-database.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libpq-fe.h>

#include "orgdesk-test-database.h"
#include "orgdesk-test-utils.h"

/* Superuser access {{{ */

static void
ignore_notice_cb (void       *arg,
                  const char *message)
{
  /* "… does not exist, skipping" and the like: noise in a test log */
}

static PGconn *
superuser_connect (void)
{
  const char *uri = g_getenv ("ORGDESK_TEST_DATABASE_SUPERUSER_URI");
  PGconn *conn;

  if (uri == NULL || *uri == '\0')
    g_error ("ORGDESK_TEST_DATABASE_SUPERUSER_URI is not set (run through tests/with-services.sh)");

  conn = PQconnectdb (uri);
  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test database as its superuser: %s", PQerrorMessage (conn));
  PQsetNoticeProcessor (conn, ignore_notice_cb, NULL);

  return conn;
}

/* Runs @sql with @n_params text parameters; fails the test if it fails. */
static PGresult *
superuser_run (const char         *sql,
               int                 n_params,
               const char * const *params)
{
  PGconn *conn = superuser_connect ();
  PGresult *result;

  if (n_params > 0)
    result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  else
    result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));

  PQfinish (conn);
  return result;
}

/**
 * orgdesk_test_database_exec:
 * @sql: one or more statements
 *
 * Runs @sql as the superuser (no row-level security applies).
 */
void
orgdesk_test_database_exec (const char *sql)
{
  PQclear (superuser_run (sql, 0, NULL));
}

char *
orgdesk_test_database_insert_post (const char *organization_id,
                                   const char *post_id,
                                   const char *title)
{
  const char *params[] = { organization_id, post_id, title };
  PGresult *result;
  char *id;

  result = superuser_run ("INSERT INTO orgdesk.posts (logto_organization_id, id, title, body)"
                          " VALUES ($1, coalesce ($2::pg_catalog.uuid, pg_catalog.gen_random_uuid ()), $3, '')"
                          " RETURNING id",
                          G_N_ELEMENTS (params), params);
  id = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return id;
}

/**
 * orgdesk_test_database_dup_value:
 * @sql: one statement, whose $1 (if any) is @param
 * @param: (nullable): the value of $1
 *
 * Returns: (transfer full) (nullable): the first column of the first row that
 *   @sql returns as the superuser, or %NULL
 */
char *
orgdesk_test_database_dup_value (const char *sql,
                                 const char *param)
{
  const char * const params[] = { param };
  PGresult *result = superuser_run (sql, param != NULL ? 1 : 0, params);
  char *value = NULL;

  if (PQntuples (result) > 0 && PQnfields (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);

  return value;
}

/**
 * orgdesk_test_database_count_posts:
 * @organization_id: a Logto organization id
 *
 * Counts the organization's rows in orgdesk.posts, and checks that the
 * organization's post counter (migration 0003) agrees: a write is in both or in
 * neither.
 *
 * Returns: the number of posts
 */
gint64
orgdesk_test_database_count_posts (const char *organization_id)
{
  g_autofree char *rows = NULL;
  g_autofree char *counted = NULL;

  rows = orgdesk_test_database_dup_value ("SELECT count (*) FROM orgdesk.posts WHERE logto_organization_id = $1",
                                          organization_id);
  counted = orgdesk_test_database_dup_value ("SELECT coalesce ((SELECT posts FROM orgdesk.organization_post_counts"
                                             "                  WHERE logto_organization_id = $1), 0)",
                                             organization_id);
  g_assert_cmpstr (counted, ==, rows);

  return g_ascii_strtoll (rows, NULL, 10);
}

/**
 * orgdesk_test_database_dup_post_organization:
 * @post_id: a post's id
 *
 * Returns: (transfer full) (nullable): the organization the post belongs to in
 *   the database, or %NULL if there is no such post
 */
char *
orgdesk_test_database_dup_post_organization (const char *post_id)
{
  return orgdesk_test_database_dup_value ("SELECT logto_organization_id FROM orgdesk.posts WHERE id = $1::uuid",
                                          post_id);
}

/* }}} */

/* The app's connection {{{ */

GPtrArray *
orgdesk_test_run_queries (OrgdeskDatabase  *database,
                          GPtrArray        *queries,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_database_run_async (database, queries, cancellable, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_database_run_finish (database, result, error);
}

void
orgdesk_test_record_state_cb (OrgdeskDatabase *database,
                              GParamSpec      *pspec,
                              GArray          *states)
{
  OrgdeskDatabaseState state = orgdesk_database_get_state (database);

  g_array_append_val (states, state);
}

/* }}} */

/* The delay hook {{{ */

/* The flag is transaction-local, so the next transaction on the same backend
 * (the app keeps one connection) sleeps again.  SECURITY DEFINER (a superuser
 * installs it): set_config is not the app role's to call. */
#define DELAY_HOOK_SQL \
  "SET client_min_messages = warning;" \
  "CREATE SCHEMA IF NOT EXISTS orgdesk_test;" \
  "CREATE TABLE IF NOT EXISTS orgdesk_test.delays (" \
  "  logto_organization_id text PRIMARY KEY," \
  "  delay_ms integer NOT NULL CHECK (delay_ms > 0));" \
  "CREATE OR REPLACE FUNCTION orgdesk_test.maybe_delay (organization_id text)" \
  "  RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER" \
  "  SET search_path = pg_catalog, pg_temp AS $$" \
  "DECLARE" \
  "  delay integer;" \
  "BEGIN" \
  "  IF current_setting ('orgdesk_test.delayed', true) = 'on' THEN" \
  "    RETURN true;" \
  "  END IF;" \
  "  SELECT d.delay_ms INTO delay FROM orgdesk_test.delays d" \
  "   WHERE d.logto_organization_id = organization_id;" \
  "  IF delay IS NOT NULL THEN" \
  "    PERFORM set_config ('orgdesk_test.delayed', 'on', true);" \
  "    PERFORM pg_sleep (delay / 1000.0);" \
  "  END IF;" \
  "  RETURN true;" \
  "END $$;" \
  "REVOKE ALL ON FUNCTION orgdesk_test.maybe_delay (text) FROM PUBLIC;" \
  "GRANT USAGE ON SCHEMA orgdesk_test TO orgdesk_app;" \
  "GRANT SELECT ON orgdesk_test.delays TO orgdesk_app;" \
  "GRANT EXECUTE ON FUNCTION orgdesk_test.maybe_delay (text) TO orgdesk_app;" \
  "DROP POLICY IF EXISTS orgdesk_test_delay ON orgdesk.posts;" \
  "CREATE POLICY orgdesk_test_delay ON orgdesk.posts AS RESTRICTIVE FOR SELECT TO orgdesk_app" \
  "  USING (orgdesk_test.maybe_delay (logto_organization_id));" \
  "TRUNCATE orgdesk_test.delays;"

/**
 * orgdesk_test_database_install_delay_hook:
 *
 * Installs the delay hook (again: it is idempotent), with no delay set.  The
 * schema must be migrated first.
 */
void
orgdesk_test_database_install_delay_hook (void)
{
  orgdesk_test_database_exec (DELAY_HOOK_SQL);
}

/**
 * orgdesk_test_database_uninstall_delay_hook:
 *
 * Removes the policy and the orgdesk_test schema, if they are there.
 */
void
orgdesk_test_database_uninstall_delay_hook (void)
{
  orgdesk_test_database_exec ("SET client_min_messages = warning;"
                              "DROP POLICY IF EXISTS orgdesk_test_delay ON orgdesk.posts;"
                              "DROP SCHEMA IF EXISTS orgdesk_test CASCADE;");
}

/**
 * orgdesk_test_database_set_delay:
 * @organization_id: a Logto organization id
 * @delay_ms: how long the first read of its posts in each transaction of
 *   orgdesk_app sleeps, or 0 for no delay
 *
 * Takes effect for transactions that start afterwards.
 */
void
orgdesk_test_database_set_delay (const char *organization_id,
                                 guint       delay_ms)
{
  g_autofree char *delay = g_strdup_printf ("%u", delay_ms);
  const char * const params[] = { organization_id, delay };

  g_return_if_fail (organization_id != NULL);

  if (delay_ms == 0)
    PQclear (superuser_run ("DELETE FROM orgdesk_test.delays WHERE logto_organization_id = $1", 1, params));
  else
    PQclear (superuser_run ("INSERT INTO orgdesk_test.delays VALUES ($1, $2::integer)"
                            " ON CONFLICT (logto_organization_id) DO UPDATE SET delay_ms = excluded.delay_ms",
                            2, params));
}

/**
 * orgdesk_test_database_count_delayed:
 *
 * Returns: how many backends of orgdesk_app sleep in the delay hook right now
 *   (a cancelled or cut-off statement stops sleeping)
 */
guint
orgdesk_test_database_count_delayed (void)
{
  g_autofree char *count = NULL;

  count = orgdesk_test_database_dup_value ("SELECT count (*) FROM pg_stat_activity"
                                           " WHERE usename = 'orgdesk_app' AND state = 'active'"
                                           "   AND wait_event = 'PgSleep' AND query LIKE '%orgdesk.posts%'",
                                           NULL);
  return (guint) g_ascii_strtoull (count, NULL, 10);
}

/* }}} */

/* Posts through a repository {{{ */

/**
 * orgdesk_test_create_post:
 * @repository: a post repository
 * @title: the title
 * @body: the body
 * @error: return location for the repository's error
 *
 * orgdesk_post_repository_create_async() in the session's active organization,
 * waited for.
 *
 * Returns: (transfer full) (nullable): the new post, or %NULL with @error set
 */
OrgdeskPost *
orgdesk_test_create_post (OrgdeskPostRepository  *repository,
                          const char             *title,
                          const char             *body,
                          GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_post_repository_create_async (repository, NULL, title, body, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_post_repository_create_finish (repository, result, error);
}

/**
 * orgdesk_test_model_is_settled:
 * @model: an #OrgdeskPagedModel
 *
 * An #OrgdeskTestCondition: the model's load has ended, in
 * %ORGDESK_PAGED_MODEL_STATE_READY or %ORGDESK_PAGED_MODEL_STATE_ERROR.
 */
gboolean
orgdesk_test_model_is_settled (gconstpointer model)
{
  OrgdeskPagedModelState state = orgdesk_paged_model_get_state ((OrgdeskPagedModel *) model);

  return state == ORGDESK_PAGED_MODEL_STATE_READY || state == ORGDESK_PAGED_MODEL_STATE_ERROR;
}

/**
 * orgdesk_test_load_model:
 * @source: the rows, e.g. from orgdesk_post_repository_list()
 * @page_size: rows per page, or 0 for the default
 *
 * Makes an #OrgdeskPagedModel, loads it and waits until it is ready.
 *
 * Returns: (transfer full): the model, ready
 */
OrgdeskPagedModel *
orgdesk_test_load_model (OrgdeskPageSource *source,
                         guint              page_size)
{
  OrgdeskPagedModel *model = orgdesk_paged_model_new (source, page_size);

  orgdesk_paged_model_load (model);
  orgdesk_test_wait_for_condition (orgdesk_test_model_is_settled, model, 30);
  if (orgdesk_paged_model_get_error (model) != NULL)
    g_error ("Loading the list failed: %s", orgdesk_paged_model_get_error (model)->message);
  g_assert_cmpint (orgdesk_paged_model_get_state (model), ==, ORGDESK_PAGED_MODEL_STATE_READY);

  return model;
}

static gboolean
holder_is_loaded (gconstpointer holder)
{
  return orgdesk_paged_item_get_item ((OrgdeskPagedItem *) holder) != NULL;
}

/**
 * orgdesk_test_model_get_post:
 * @model: an #OrgdeskPagedModel of posts, ready
 * @position: a position in it
 *
 * Asks for the item at @position and waits until its page has arrived.
 *
 * Returns: (transfer full): the post there
 */
OrgdeskPost *
orgdesk_test_model_get_post (OrgdeskPagedModel *model,
                             guint              position)
{
  g_autoptr(OrgdeskPagedItem) holder = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (holder);
  orgdesk_test_wait_for_condition (holder_is_loaded, holder, 30);
  return g_object_ref (ORGDESK_POST (orgdesk_paged_item_get_item (holder)));
}

/**
 * orgdesk_test_model_contains:
 * @model: an #OrgdeskPagedModel of posts, ready
 * @post_id: a post's id
 *
 * Loads every page of @model (so keep it small) to look for the post.
 *
 * Returns: whether the post is in @model
 */
gboolean
orgdesk_test_model_contains (OrgdeskPagedModel *model,
                             const char        *post_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(OrgdeskPost) post = orgdesk_test_model_get_post (model, i);

      if (g_str_equal (orgdesk_post_get_id (post), post_id))
        return TRUE;
    }

  return FALSE;
}

/* }}} */
