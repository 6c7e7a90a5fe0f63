/* orgdesk-provisioner-database.c: one non-blocking libpq connection that
 * LISTENs and runs queries one at a time, on the main context.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The socket is watched with a GSource; nothing here blocks.  When the
 * connection fails or is lost, the queries waiting fail with
 * G_IO_ERROR_NOT_CONNECTED and it is made again after 1 s, 2 s, … at most
 * 30 s.  "ready" is emitted once it is connected and listening (again), so
 * the owner can look for work it missed meanwhile; "notified" carries a
 * notification's payload.  Connection strings are never printed.
 */

#define G_LOG_DOMAIN "orgdesk-provisioner"

#include "config.h"

#include <string.h>

#include <glib-unix.h>

#include "orgdesk-admin-db.h"
#include "orgdesk-provisioner-database.h"

#define RECONNECT_MAX_SECONDS 30

struct _OrgdeskProvisionerDatabase
{
  GObject  parent_instance;

  char    *conninfo;
  char    *channel;
  PGconn  *conn;
  guint    watch_id;
  guint    reconnect_id;
  guint    reconnect_seconds;
  gboolean ready;

  GQueue   queries;    /* of GTask, the first one sent once ready */
  GTask   *current;    /* sent, its results not all read */
  PGresult *result;    /* the current query's last result */
};

G_DEFINE_FINAL_TYPE (OrgdeskProvisionerDatabase, orgdesk_provisioner_database, G_TYPE_OBJECT)

enum
{
  SIGNAL_READY,
  SIGNAL_NOTIFIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char   *sql;
  char  **values;      /* n_params of them, each may be NULL */
  int     n_params;
} Query;

static void
query_free (gpointer data)
{
  Query *query = data;

  g_free (query->sql);
  for (int i = 0; i < query->n_params; i++)
    g_free (query->values[i]);
  g_free (query->values);
  g_free (query);
}

static void connect_start (OrgdeskProvisionerDatabase *self);
static void send_next (OrgdeskProvisionerDatabase *self);

static void
watch (OrgdeskProvisionerDatabase *self,
       GIOCondition                condition,
       GUnixFDSourceFunc           func)
{
  g_clear_handle_id (&self->watch_id, g_source_remove);
  self->watch_id = g_unix_fd_add (PQsocket (self->conn), condition | G_IO_HUP | G_IO_ERR, func, self);
}

static void
fail_queries (OrgdeskProvisionerDatabase *self,
              const char                 *message)
{
  GTask *task;

  g_clear_pointer (&self->result, PQclear);
  if (self->current != NULL)
    {
      g_task_return_new_error (self->current, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "The database connection was lost: %s", message);
      g_clear_object (&self->current);
    }

  while ((task = g_queue_pop_head (&self->queries)) != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "Not connected to the database: %s", message);
      g_object_unref (task);
    }
}

static gboolean
reconnect_cb (gpointer user_data)
{
  OrgdeskProvisionerDatabase *self = user_data;

  self->reconnect_id = 0;
  connect_start (self);
  return G_SOURCE_REMOVE;
}

/* Drops the connection and tries again later. */
static void
lose_connection (OrgdeskProvisionerDatabase *self)
{
  g_autofree char *message = NULL;

  message = g_strdup (self->conn != NULL ? PQerrorMessage (self->conn) : "no connection");
  /* libpq's messages run over several lines, with tabs. */
  g_strdelimit (g_strstrip (message), "\n\t", ' ');

  g_warning ("Database: %s; connecting again in %u s", message, self->reconnect_seconds);

  g_clear_handle_id (&self->watch_id, g_source_remove);
  g_clear_pointer (&self->conn, PQfinish);
  self->ready = FALSE;
  fail_queries (self, message);

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add_seconds (self->reconnect_seconds, reconnect_cb, self);
  self->reconnect_seconds = MIN (self->reconnect_seconds * 2, RECONNECT_MAX_SECONDS);
}

static void
read_notifications (OrgdeskProvisionerDatabase *self)
{
  PGnotify *notify;

  while (self->conn != NULL && (notify = PQnotifies (self->conn)) != NULL)
    {
      g_autofree char *payload = g_strdup (notify->extra);

      PQfreemem (notify);
      g_debug ("Notified: %s", payload);
      g_signal_emit (self, signals[SIGNAL_NOTIFIED], 0, payload);
    }
}

static gboolean
flush (OrgdeskProvisionerDatabase *self);

/* Reads what the server sent: the current query's results, notifications. */
static gboolean
socket_cb (int          fd,
           GIOCondition condition,
           gpointer     user_data)
{
  OrgdeskProvisionerDatabase *self = user_data;
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));

  if ((condition & G_IO_OUT) != 0 && !flush (self))
    return G_SOURCE_REMOVE;

  if (PQconsumeInput (self->conn) == 0)
    {
      self->watch_id = 0;
      lose_connection (self);
      return G_SOURCE_REMOVE;
    }

  while (self->current != NULL && !PQisBusy (self->conn))
    {
      PGresult *result = PQgetResult (self->conn);
      g_autoptr(GTask) task = NULL;

      if (result != NULL)
        {
          /* Keep the first error, else the last result. */
          if (self->result == NULL || PQresultStatus (self->result) != PGRES_FATAL_ERROR)
            {
              g_clear_pointer (&self->result, PQclear);
              self->result = result;
            }
          else
            PQclear (result);
          continue;
        }

      task = g_steal_pointer (&self->current);
      result = g_steal_pointer (&self->result);
      if (result != NULL &&
          (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK))
        g_task_return_pointer (task, result, (GDestroyNotify) PQclear);
      else
        {
          const char *message = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
          const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

          g_task_return_new_error (task, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_QUERY,
                                   "%s (SQLSTATE %s)",
                                   message != NULL ? message : PQerrorMessage (self->conn),
                                   sqlstate != NULL ? sqlstate : "?");
          g_clear_pointer (&result, PQclear);
        }
    }

  read_notifications (self);

  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_BAD)
    {
      self->watch_id = 0;
      lose_connection (self);
      return G_SOURCE_REMOVE;
    }

  if (self->current == NULL && self->conn != NULL)
    send_next (self);

  return self->watch_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Sends what libpq buffered; watches for writability while it cannot. */
static gboolean
flush (OrgdeskProvisionerDatabase *self)
{
  int pending = PQflush (self->conn);

  if (pending < 0)
    {
      lose_connection (self);
      return FALSE;
    }

  watch (self, pending > 0 ? G_IO_IN | G_IO_OUT : G_IO_IN, socket_cb);
  return TRUE;
}

static void
send_next (OrgdeskProvisionerDatabase *self)
{
  Query *query;

  if (!self->ready || self->current != NULL || g_queue_is_empty (&self->queries))
    return;

  self->current = g_queue_pop_head (&self->queries);
  query = g_task_get_task_data (self->current);

  if (!PQsendQueryParams (self->conn, query->sql, query->n_params, NULL,
                          (const char * const *) query->values, NULL, NULL, 0))
    {
      lose_connection (self);
      return;
    }

  flush (self);
}

static void
listen_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  OrgdeskProvisionerDatabase *self = ORGDESK_PROVISIONER_DATABASE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) listened = NULL;

  listened = orgdesk_provisioner_database_query_finish (self, result, &error);
  if (listened == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
        g_warning ("Database: could not LISTEN: %s", error->message);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

static void
connected (OrgdeskProvisionerDatabase *self)
{
  g_autofree char *described = orgdesk_admin_describe (self->conn);
  g_autofree char *sql = NULL;
  char *quoted;

  g_message ("Connected to %s", described);
  self->ready = TRUE;
  self->reconnect_seconds = 1;

  quoted = PQescapeIdentifier (self->conn, self->channel, strlen (self->channel));
  sql = g_strconcat ("LISTEN ", quoted, NULL);
  PQfreemem (quoted);

  /* First in line, ahead of anything queued meanwhile. */
  {
    g_autoptr(GTask) task = g_task_new (self, NULL, listen_done_cb, NULL);
    Query *query = g_new0 (Query, 1);

    query->sql = g_steal_pointer (&sql);
    g_task_set_task_data (task, query, query_free);
    g_queue_push_head (&self->queries, g_steal_pointer (&task));
  }

  watch (self, G_IO_IN, socket_cb);
  send_next (self);
}

static gboolean
poll_cb (int          fd,
         GIOCondition condition,
         gpointer     user_data)
{
  OrgdeskProvisionerDatabase *self = user_data;

  self->watch_id = 0;
  switch (PQconnectPoll (self->conn))
    {
    case PGRES_POLLING_READING:
      watch (self, G_IO_IN, poll_cb);
      break;
    case PGRES_POLLING_WRITING:
      watch (self, G_IO_OUT, poll_cb);
      break;
    case PGRES_POLLING_OK:
      if (PQsetnonblocking (self->conn, 1) != 0)
        lose_connection (self);
      else
        connected (self);
      break;
    case PGRES_POLLING_FAILED:
    case PGRES_POLLING_ACTIVE:
    default:
      lose_connection (self);
      break;
    }

  return G_SOURCE_REMOVE;
}

static void
connect_start (OrgdeskProvisionerDatabase *self)
{
  const char * const keywords[] = { "dbname", "fallback_application_name", NULL };
  const char * const values[] = { self->conninfo, "orgdesk-provisioner", NULL };

  g_assert (self->conn == NULL);

  self->conn = PQconnectStartParams (keywords, values, TRUE);
  if (self->conn == NULL || PQstatus (self->conn) == CONNECTION_BAD || PQsocket (self->conn) < 0)
    {
      lose_connection (self);
      return;
    }

  /* libpq: after PQconnectStart, behave as if the last poll said WRITING. */
  watch (self, G_IO_OUT, poll_cb);
}

static void
orgdesk_provisioner_database_dispose (GObject *object)
{
  OrgdeskProvisionerDatabase *self = (OrgdeskProvisionerDatabase *) object;

  g_clear_handle_id (&self->watch_id, g_source_remove);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->ready = FALSE;
  fail_queries (self, "shutting down");
  g_clear_pointer (&self->conn, PQfinish);

  G_OBJECT_CLASS (orgdesk_provisioner_database_parent_class)->dispose (object);
}

static void
orgdesk_provisioner_database_finalize (GObject *object)
{
  OrgdeskProvisionerDatabase *self = (OrgdeskProvisionerDatabase *) object;

  g_clear_pointer (&self->conninfo, g_free);
  g_clear_pointer (&self->channel, g_free);

  G_OBJECT_CLASS (orgdesk_provisioner_database_parent_class)->finalize (object);
}

static void
orgdesk_provisioner_database_class_init (OrgdeskProvisionerDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_provisioner_database_dispose;
  object_class->finalize = orgdesk_provisioner_database_finalize;

  signals[SIGNAL_READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_NOTIFIED] = g_signal_new ("notified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
orgdesk_provisioner_database_init (OrgdeskProvisionerDatabase *self)
{
  g_queue_init (&self->queries);
  self->reconnect_seconds = 1;
}

OrgdeskProvisionerDatabase *
orgdesk_provisioner_database_new (const char *conninfo,
                                  const char *channel)
{
  OrgdeskProvisionerDatabase *self;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (channel != NULL, NULL);

  self = g_object_new (ORGDESK_TYPE_PROVISIONER_DATABASE, NULL);
  self->conninfo = g_strdup (conninfo);
  self->channel = g_strdup (channel);
  return self;
}

void
orgdesk_provisioner_database_start (OrgdeskProvisionerDatabase *self)
{
  g_return_if_fail (ORGDESK_IS_PROVISIONER_DATABASE (self));

  if (self->conn == NULL && self->reconnect_id == 0)
    connect_start (self);
}

gboolean
orgdesk_provisioner_database_is_ready (OrgdeskProvisionerDatabase *self)
{
  g_return_val_if_fail (ORGDESK_IS_PROVISIONER_DATABASE (self), FALSE);

  return self->ready;
}

/**
 * orgdesk_provisioner_database_query_async:
 *
 * Runs one statement (unnamed, text parameters) once the queries before it
 * are done.  Fails with G_IO_ERROR_NOT_CONNECTED while there is no
 * connection; a query sent is not cancelled, its result just ignored.
 */
void
orgdesk_provisioner_database_query_async (OrgdeskProvisionerDatabase *self,
                                          const char                 *sql,
                                          int                         n_params,
                                          const char * const         *values,
                                          GCancellable               *cancellable,
                                          GAsyncReadyCallback         callback,
                                          gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  Query *query;

  g_return_if_fail (ORGDESK_IS_PROVISIONER_DATABASE (self));
  g_return_if_fail (sql != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_provisioner_database_query_async);

  if (!self->ready)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "Not connected to the database");
      return;
    }

  query = g_new0 (Query, 1);
  query->sql = g_strdup (sql);
  query->n_params = n_params;
  query->values = g_new0 (char *, n_params + 1);
  for (int i = 0; i < n_params; i++)
    query->values[i] = g_strdup (values[i]);
  g_task_set_task_data (task, query, query_free);

  g_queue_push_tail (&self->queries, g_steal_pointer (&task));
  send_next (self);
}

PGresult *
orgdesk_provisioner_database_query_finish (OrgdeskProvisionerDatabase  *self,
                                           GAsyncResult                *result,
                                           GError                     **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
