/* orgdesk-admin-db.c: synchronous libpq helpers for the command-line tool.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * orgdesk-admin is a short-lived CLI, so blocking libpq calls are fine here
 * (the app itself drives libpq non-blocking, in src/data/).  Nothing in this
 * file prints a connection string: connection URIs may carry a password.
 */

#define G_LOG_DOMAIN "orgdesk-admin"

#include "config.h"

#include "orgdesk-admin-db.h"

G_DEFINE_QUARK (orgdesk-admin-error-quark, orgdesk_admin_error)

/* The server's message, with its detail and SQLSTATE, never the statement. */
static void
set_error_from_result (GError         **error,
                       const PGresult  *result,
                       PGconn          *conn)
{
  const char *message = PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY);
  const char *detail = PQresultErrorField (result, PG_DIAG_MESSAGE_DETAIL);
  const char *sqlstate = PQresultErrorField (result, PG_DIAG_SQLSTATE);

  if (message == NULL)
    message = PQerrorMessage (conn);

  g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_QUERY,
               "%s%s%s (SQLSTATE %s)",
               message,
               detail != NULL ? ": " : "",
               detail != NULL ? detail : "",
               sqlstate != NULL ? sqlstate : "?");
}

static gboolean
result_ok (const PGresult *result)
{
  ExecStatusType status = PQresultStatus (result);

  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

static void
notice_cb (void           *user_data,
           const PGresult *result)
{
  const char *severity = PQresultErrorField (result, PG_DIAG_SEVERITY);
  const char *message = PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY);

  g_printerr ("orgdesk-admin: server %s: %s\n",
              severity != NULL ? severity : "notice",
              message != NULL ? message : "");
}

/**
 * orgdesk_admin_connect:
 * @conninfo: a libpq connection string or URI; "" uses PGHOST, PGUSER… alone
 *
 * Connects synchronously.  The error names host and port as libpq reports
 * them, never the password.
 */
PGconn *
orgdesk_admin_connect (const char  *conninfo,
                       GError     **error)
{
  const char * const keywords[] = { "dbname", "fallback_application_name", NULL };
  const char * const values[] = { conninfo, "orgdesk-admin", NULL };
  g_autoptr(PGconn) conn = NULL;

  g_return_val_if_fail (conninfo != NULL, NULL);

  /* expand_dbname: the dbname value may be a whole URI or key=value string. */
  conn = PQconnectdbParams (keywords, values, TRUE);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strdup (conn != NULL ? PQerrorMessage (conn) : "out of memory");

      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_CONNECT,
                   "Could not connect to the database: %s", g_strchomp (message));
      return NULL;
    }

  /* Routine NOTICEs ("… does not exist, skipping") would drown what we print. */
  PQsetNoticeReceiver (conn, notice_cb, NULL);
  if (!orgdesk_admin_exec (conn, "SET client_min_messages = warning", error))
    return NULL;

  return g_steal_pointer (&conn);
}

/* 'database "orgdesk" on 127.0.0.1:5432 as orgdesk_owner': what we print
 * instead of the URI, which may carry a password. */
char *
orgdesk_admin_describe (PGconn *conn)
{
  const char *host;

  g_return_val_if_fail (conn != NULL, NULL);

  host = PQhost (conn);
  return g_strdup_printf ("database \"%s\" on %s%s:%s as %s",
                          PQdb (conn),
                          host != NULL && host[0] == '/' ? "socket directory " : "",
                          host != NULL ? host : "(default)",
                          PQport (conn),
                          PQuser (conn));
}

gboolean
orgdesk_admin_exec (PGconn      *conn,
                    const char  *sql,
                    GError     **error)
{
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  /* Simple query protocol: may hold several statements (a migration file). */
  result = PQexec (conn, sql);
  if (!result_ok (result))
    {
      set_error_from_result (error, result, conn);
      return FALSE;
    }

  return TRUE;
}

/* One statement, values passed as text parameters, never spliced into @sql. */
PGresult *
orgdesk_admin_exec_params (PGconn              *conn,
                           const char          *sql,
                           int                  n_params,
                           const char * const  *values,
                           GError             **error)
{
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  result = PQexecParams (conn, sql, n_params, NULL, values, NULL, NULL, 0);
  if (!result_ok (result))
    {
      set_error_from_result (error, result, conn);
      return NULL;
    }

  return g_steal_pointer (&result);
}

/* The context of the current transaction (inside BEGIN … COMMIT, once per
 * transaction): what orgdesk.authenticate() sets for a read-write token of
 * that user and organization (either may be NULL), without a token.  Only the
 * owner may (orgdesk_auth's assume_context()); the policies then apply to us
 * exactly as to the app. */
gboolean
orgdesk_admin_assume_context (PGconn      *conn,
                              const char  *user_id,
                              const char  *organization_id,
                              GError     **error)
{
  const char * const values[] = { user_id, organization_id };
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn, "SELECT orgdesk.assume_context ($1, $2)",
                                      2, values, error);
  return result != NULL;
}

/* Best effort after a failure: the transaction is lost anyway. */
void
orgdesk_admin_rollback (PGconn *conn)
{
  g_autoptr(PGresult) result = PQexec (conn, "ROLLBACK");
}
