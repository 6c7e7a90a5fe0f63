/* orgdesk-database.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include <string.h>

#include <libpq-fe.h>

#include "orgdesk-conninfo.h"
#include "orgdesk-database.h"
#include "orgdesk-database-error.h"
#include "orgdesk-database-secret.h"
#include "orgdesk-query-result-private.h"

/**
 * OrgdeskDatabase:
 *
 * One PostgreSQL connection, driven by libpq's non-blocking API on the
 * #GMainContext that was the thread-default one when it was created: the socket
 * is watched with a #GSource, so nothing that waits on the network runs on that
 * thread.  Host names are resolved with #GResolver before libpq sees them (libpq
 * would resolve them blocking); only PQcancel(), which can only block, runs in a
 * worker thread, with nothing but its own #PGcancel.
 *
 * Each orgdesk_database_run_async() is one transaction: `BEGIN`, the queries and
 * `COMMIT`, sent as one pipeline with a single sync, so it costs one round trip.
 * Requests queue first-in first-out; one is on the wire at a time, so a
 * cancellation can only ever reach the request it was meant for.
 */

#define RETRY_DELAY_MIN_MS 500
#define RETRY_DELAY_MAX_MS 30000

typedef enum
{
  REQUEST_TRANSACTION,   /* BEGIN; queries…; COMMIT; sync */
  REQUEST_ROLLBACK,      /* internal: ROLLBACK; sync, to leave a failed transaction */
  REQUEST_CONNECT,       /* a caller of connect_async() waiting for the connection */
} RequestKind;

typedef struct
{
  OrgdeskDatabase *self;          /* unowned: the task owns a reference */
  RequestKind      kind;
  GTask           *task;          /* NULL once the caller got its answer */
  GSource         *cancel_source;
  GPtrArray       *queries;       /* OrgdeskQuery */
  GPtrArray       *results;       /* OrgdeskQueryResult, NULL until read */
  guint            n_sent;        /* statements in the pipeline, BEGIN and COMMIT included */
  guint            n_done;        /* statements whose results were read to the end */
  GError          *error;         /* the first failure */
} Request;

typedef struct
{
  GSource          source;
  gpointer         tag;
  OrgdeskDatabase *self;          /* unowned: the source dies first */
} SocketSource;

struct _OrgdeskDatabase
{
  GObject               parent_instance;

  char                 *conninfo;
  char                 *password;
  gboolean              password_from_keyring;
  GMainContext         *context;

  PGconn               *conn;
  guint                 generation;       /* counts connections, to spot stale callbacks */
  OrgdeskDatabaseState  state;
  GError               *last_error;

  GSource              *socket_source;
  int                   socket_fd;
  GIOCondition          socket_condition;

  GCancellable         *resolve_cancellable;
  GSource              *retry_source;
  GSource              *timeout_source;   /* while connecting */
  guint                 retry_delay_ms;
  gboolean              wanted;           /* someone has used us: keep reconnecting */

  GQueue                queue;            /* Request, not sent yet */
  GQueue                connect_waiters;  /* Request of kind REQUEST_CONNECT */
  Request              *current;          /* on the wire */
  gboolean              cancel_running;   /* a PQcancel() for this connection is out */
};

G_DEFINE_FINAL_TYPE (OrgdeskDatabase, orgdesk_database, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (OrgdeskDatabaseState, orgdesk_database_state,
                    G_DEFINE_ENUM_VALUE (ORGDESK_DATABASE_STATE_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (ORGDESK_DATABASE_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (ORGDESK_DATABASE_STATE_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (ORGDESK_DATABASE_STATE_WAITING_TO_RETRY, "waiting-to-retry"))

enum {
  PROP_0,
  PROP_CONNINFO,
  PROP_STATE,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pump             (OrgdeskDatabase *self);
static void start_connecting (OrgdeskDatabase *self);
static void connection_lost  (OrgdeskDatabase *self,
                              const char      *what,
                              const char      *message);

/* Requests */

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
request_free (Request *req)
{
  clear_source (&req->cancel_source);
  g_clear_object (&req->task);
  g_clear_pointer (&req->queries, g_ptr_array_unref);
  g_clear_pointer (&req->results, g_ptr_array_unref);
  g_clear_error (&req->error);
  g_free (req);
}

static gboolean on_request_cancelled_cb (GCancellable *cancellable,
                                         gpointer      user_data);

static Request *
request_new (OrgdeskDatabase *self,
             RequestKind      kind,
             GTask           *task)
{
  Request *req = g_new0 (Request, 1);
  GCancellable *cancellable = task != NULL ? g_task_get_cancellable (task) : NULL;

  req->self = self;
  req->kind = kind;
  req->task = task;

  /* A source rather than g_cancellable_connect(): the cancellable may be
   * cancelled from another thread, and the queue is touched only on ours. */
  if (cancellable != NULL)
    {
      req->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (req->cancel_source, G_SOURCE_FUNC (on_request_cancelled_cb), req, NULL);
      g_source_set_priority (req->cancel_source, G_PRIORITY_HIGH);
      g_source_attach (req->cancel_source, self->context);
    }

  return req;
}

/* Hands the request's outcome to its caller (if it still waits) and frees it. */
static void
request_complete (Request *req)
{
  g_autoptr(GTask) task = g_steal_pointer (&req->task);

  clear_source (&req->cancel_source);

  if (task != NULL)
    {
      if (req->error != NULL)
        g_task_return_error (task, g_steal_pointer (&req->error));
      else if (req->kind == REQUEST_CONNECT)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_pointer (task, g_steal_pointer (&req->results),
                               (GDestroyNotify) g_ptr_array_unref);
    }

  request_free (req);
}

static void
request_fail (Request      *req,
              const GError *error)
{
  if (req->error == NULL)
    req->error = g_error_copy (error);
  request_complete (req);
}

/* Fails every request in @queue (stolen first, so callbacks may queue new ones). */
static void
fail_queue (GQueue       *queue,
            const GError *error)
{
  GQueue stolen = *queue;

  g_queue_init (queue);
  while (!g_queue_is_empty (&stolen))
    request_fail (g_queue_pop_head (&stolen), error);
}

/* State */

static void
set_state (OrgdeskDatabase      *self,
           OrgdeskDatabaseState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (OrgdeskDatabase *self,
                const GError    *error)
{
  if (self->last_error == NULL && error == NULL)
    return;

  g_clear_error (&self->last_error);
  if (error != NULL)
    self->last_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static char *
tidy_message (const char *message)
{
  GString *tidy = g_string_new (NULL);

  if (message == NULL || *message == '\0')
    message = "unknown error";

  /* One line, single spaces: libpq ends with a newline and indents with tabs */
  for (const char *c = message; *c != '\0'; c++)
    {
      if (!g_ascii_isspace (*c))
        g_string_append_c (tidy, *c);
      else if (tidy->len > 0 && tidy->str[tidy->len - 1] != ' ')
        g_string_append_c (tidy, ' ');
    }
  if (tidy->len > 0 && tidy->str[tidy->len - 1] == ' ')
    g_string_truncate (tidy, tidy->len - 1);

  return g_string_free (tidy, FALSE);
}

/* The socket */

static gboolean on_socket_ready (OrgdeskDatabase *self,
                                 GIOCondition     condition);

static gboolean
socket_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  SocketSource *socket_source = (SocketSource *) source;
  GIOCondition condition = g_source_query_unix_fd (source, socket_source->tag);

  return on_socket_ready (socket_source->self, condition);
}

static GSourceFuncs socket_source_funcs = {
  .dispatch = socket_source_dispatch,
};

static void
unwatch_socket (OrgdeskDatabase *self)
{
  clear_source (&self->socket_source);
  self->socket_fd = -1;
  self->socket_condition = 0;
}

/* Watches PQsocket() for @condition; libpq may change the socket while it
 * connects (another address, another host), so the fd is checked each time. */
static void
watch_socket (OrgdeskDatabase *self,
              GIOCondition     condition)
{
  SocketSource *socket_source;
  int fd = PQsocket (self->conn);

  condition |= G_IO_ERR | G_IO_HUP;

  if (self->socket_source != NULL && fd == self->socket_fd)
    {
      if (condition != self->socket_condition)
        {
          socket_source = (SocketSource *) self->socket_source;
          g_source_modify_unix_fd (self->socket_source, socket_source->tag, condition);
          self->socket_condition = condition;
        }
      return;
    }

  unwatch_socket (self);
  if (fd < 0)
    return;

  self->socket_source = g_source_new (&socket_source_funcs, sizeof (SocketSource));
  socket_source = (SocketSource *) self->socket_source;
  socket_source->self = self;
  socket_source->tag = g_source_add_unix_fd (self->socket_source, fd, condition);
  g_source_set_static_name (self->socket_source, "[orgdesk] database socket");
  g_source_attach (self->socket_source, self->context);
  self->socket_fd = fd;
  self->socket_condition = condition;
}

static void
close_connection (OrgdeskDatabase *self)
{
  unwatch_socket (self);
  clear_source (&self->timeout_source);
  g_clear_pointer (&self->conn, PQfinish);
  self->generation++;
  self->cancel_running = FALSE;
}

/* Reconnecting */

static gboolean
on_retry_timeout_cb (gpointer user_data)
{
  OrgdeskDatabase *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  if (self->state == ORGDESK_DATABASE_STATE_WAITING_TO_RETRY)
    start_connecting (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (OrgdeskDatabase *self)
{
  clear_source (&self->retry_source);

  if (!self->wanted)
    {
      set_state (self, ORGDESK_DATABASE_STATE_DISCONNECTED);
      return;
    }

  g_debug ("Reconnecting to the database in %u ms", self->retry_delay_ms);
  self->retry_source = g_timeout_source_new (self->retry_delay_ms);
  g_source_set_callback (self->retry_source, on_retry_timeout_cb, self, NULL);
  g_source_set_static_name (self->retry_source, "[orgdesk] database retry");
  g_source_attach (self->retry_source, self->context);
  self->retry_delay_ms = MIN (self->retry_delay_ms * 2, RETRY_DELAY_MAX_MS);

  set_state (self, ORGDESK_DATABASE_STATE_WAITING_TO_RETRY);
}

/* The connection failed or went away: every request that was waiting for it fails
 * with @error, and a retry is scheduled.  Callbacks run last, on a consistent state. */
static void
fail_connection (OrgdeskDatabase *self,
                 GError          *error)
{
  g_autoptr(GError) owned = error;
  GQueue waiters = G_QUEUE_INIT;
  GQueue queued = G_QUEUE_INIT;
  Request *current;

  g_object_ref (self);

  close_connection (self);
  g_cancellable_cancel (self->resolve_cancellable);
  g_clear_object (&self->resolve_cancellable);

  current = g_steal_pointer (&self->current);
  waiters = self->connect_waiters;
  g_queue_init (&self->connect_waiters);
  queued = self->queue;
  g_queue_init (&self->queue);

  g_object_freeze_notify (G_OBJECT (self));
  set_last_error (self, error);
  schedule_retry (self);
  g_object_thaw_notify (G_OBJECT (self));

  if (current != NULL)
    {
      g_clear_error (&current->error);
      request_fail (current, error);
    }
  fail_queue (&waiters, error);
  fail_queue (&queued, error);

  g_object_unref (self);
}

static void
connection_failed (OrgdeskDatabase *self,
                   const char      *message)
{
  g_autofree char *tidy = tidy_message (message);

  g_debug ("Could not connect to the database: %s", tidy);
  fail_connection (self,
                   orgdesk_database_error_new (ORGDESK_DATABASE_ERROR_CONNECTION, NULL, -1, tidy));
}

static void
connection_lost (OrgdeskDatabase *self,
                 const char      *what,
                 const char      *message)
{
  g_autofree char *tidy = tidy_message (message);
  g_autofree char *full = g_strdup_printf ("Lost the connection to the database (%s): %s", what, tidy);

  g_debug ("%s", full);
  fail_connection (self,
                   orgdesk_database_error_new (ORGDESK_DATABASE_ERROR_CONNECTION, NULL, -1, full));
}

/* Connecting */

static void
on_notice_cb (void       *arg,
              const char *message)
{
  g_autofree char *tidy = tidy_message (message);

  /* Notices are for developers; by default libpq would print them on stderr */
  g_debug ("Server notice: %s", tidy);
}

static void
connected (OrgdeskDatabase *self)
{
  GQueue waiters;

  if (PQsetnonblocking (self->conn, 1) != 0 || !PQenterPipelineMode (self->conn))
    {
      connection_failed (self, PQerrorMessage (self->conn));
      return;
    }
  PQsetNoticeProcessor (self->conn, on_notice_cb, NULL);

  g_debug ("Connected to the database (server %d, backend %d)",
           PQserverVersion (self->conn), PQbackendPID (self->conn));

  self->retry_delay_ms = RETRY_DELAY_MIN_MS;
  clear_source (&self->timeout_source);
  watch_socket (self, G_IO_IN);

  g_object_ref (self);
  g_object_freeze_notify (G_OBJECT (self));
  set_last_error (self, NULL);
  set_state (self, ORGDESK_DATABASE_STATE_CONNECTED);
  g_object_thaw_notify (G_OBJECT (self));

  waiters = self->connect_waiters;
  g_queue_init (&self->connect_waiters);
  while (!g_queue_is_empty (&waiters))
    request_complete (g_queue_pop_head (&waiters));

  pump (self);
  g_object_unref (self);
}

static void
continue_connecting (OrgdeskDatabase *self)
{
  switch (PQconnectPoll (self->conn))
    {
    case PGRES_POLLING_READING:
      watch_socket (self, G_IO_IN);
      break;

    case PGRES_POLLING_WRITING:
      watch_socket (self, G_IO_OUT);
      break;

    case PGRES_POLLING_OK:
      connected (self);
      break;

    case PGRES_POLLING_FAILED:
    case PGRES_POLLING_ACTIVE:
    default:
      connection_failed (self, PQerrorMessage (self->conn));
      break;
    }
}

static void
begin_connect (OrgdeskDatabase   *self,
               OrgdeskConnParams *params)
{
  self->conn = PQconnectStartParams ((const char * const *) params->keywords->pdata,
                                     (const char * const *) params->values->pdata, 0);
  if (self->conn == NULL)
    {
      connection_failed (self, "out of memory");
      return;
    }

  if (PQstatus (self->conn) == CONNECTION_BAD)
    {
      connection_failed (self, PQerrorMessage (self->conn));
      return;
    }

  /* As if PQconnectPoll() had returned PGRES_POLLING_WRITING */
  watch_socket (self, G_IO_OUT);
}

static void
on_params_resolved_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(OrgdeskDatabase) self = user_data;
  g_autoptr(OrgdeskConnParams) params = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled: this attempt was given up (timeout), a new one may be running */
  params = _orgdesk_conn_params_resolve_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->resolve_cancellable);

  if (params == NULL)
    connection_failed (self, error->message);
  else
    begin_connect (self, params);
}

/* Asked again before every attempt, so a password stored after a failure counts
 * at the next retry.  No keyring or no item: connect without one, and libpq says
 * what the server thinks of that. */
static void
on_keyring_password_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(OrgdeskDatabase) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  /* Cancelled: this attempt was given up (timeout), a new one may be running */
  password = orgdesk_database_secret_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Connecting without a password from the keyring: %s", error->message);

  _orgdesk_conn_params_resolve_async (self->conninfo, password, self->resolve_cancellable,
                                      on_params_resolved_cb, g_object_ref (self));
  orgdesk_database_secret_free (password);
}

static gboolean
on_connect_timeout_cb (gpointer user_data)
{
  OrgdeskDatabase *self = user_data;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  connection_failed (self, "timeout expired");

  return G_SOURCE_REMOVE;
}

static void
start_connecting (OrgdeskDatabase *self)
{
  g_autofree char *description = NULL;
  int timeout;

  g_assert (self->conn == NULL);
  g_assert (self->state != ORGDESK_DATABASE_STATE_CONNECTING);

  clear_source (&self->retry_source);
  set_state (self, ORGDESK_DATABASE_STATE_CONNECTING);

  description = orgdesk_database_dup_description (self);
  g_debug ("Connecting to the database: %s", description);

  /* The whole attempt, the host name lookup included */
  timeout = _orgdesk_conninfo_get_connect_timeout (self->conninfo);
  if (timeout > 0)
    {
      self->timeout_source = g_timeout_source_new_seconds (timeout);
      g_source_set_callback (self->timeout_source, on_connect_timeout_cb, self, NULL);
      g_source_set_static_name (self->timeout_source, "[orgdesk] database connect timeout");
      g_source_attach (self->timeout_source, self->context);
    }

  self->resolve_cancellable = g_cancellable_new ();
  if (self->password_from_keyring && self->password == NULL &&
      !orgdesk_database_secret_conninfo_has_password (self->conninfo))
    orgdesk_database_secret_lookup_async (self->conninfo, self->resolve_cancellable,
                                          on_keyring_password_cb, g_object_ref (self));
  else
    _orgdesk_conn_params_resolve_async (self->conninfo, self->password, self->resolve_cancellable,
                                        on_params_resolved_cb, g_object_ref (self));
}

/* Sending and reading */

static gboolean
flush (OrgdeskDatabase *self)
{
  int pending = PQflush (self->conn);

  if (pending < 0)
    {
      connection_lost (self, "write", PQerrorMessage (self->conn));
      return FALSE;
    }

  /* Read too while the write waits, so a server that answers early cannot deadlock us */
  watch_socket (self, pending == 1 ? (G_IO_IN | G_IO_OUT) : G_IO_IN);
  return TRUE;
}

static gboolean
send_statement (OrgdeskDatabase *self,
                Request         *req,
                const char      *sql,
                guint            n_params,
                const char      *const *params)
{
  g_autofree char *tidy = NULL;

  if (req->error != NULL)
    return FALSE;

  /* Unnamed statement, text parameters, text results */
  if (PQsendQueryParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0))
    {
      req->n_sent++;
      return TRUE;
    }

  if (PQstatus (self->conn) == CONNECTION_BAD)
    return FALSE;

  tidy = tidy_message (PQerrorMessage (self->conn));
  req->error = orgdesk_database_error_new (ORGDESK_DATABASE_ERROR_QUERY, NULL,
                                           req->n_sent > 0 ? (int) req->n_sent - 1 : -1, tidy);
  return FALSE;
}

static void
send_request (OrgdeskDatabase *self,
              Request         *req)
{
  g_assert (self->current == NULL);

  self->current = req;

  if (req->kind == REQUEST_ROLLBACK)
    {
      send_statement (self, req, "ROLLBACK", 0, NULL);
    }
  else
    {
      send_statement (self, req, "BEGIN", 0, NULL);
      for (guint i = 0; i < req->queries->len; i++)
        {
          OrgdeskQuery *query = g_ptr_array_index (req->queries, i);

          send_statement (self, req, orgdesk_query_get_sql (query),
                          orgdesk_query_get_n_params (query),
                          orgdesk_query_get_params (query));
        }
      send_statement (self, req, "COMMIT", 0, NULL);
    }

  /* One sync for the whole transaction: one round trip.  If a statement could
   * not even be queued, the sync still ends what was, and a ROLLBACK follows. */
  if (PQstatus (self->conn) == CONNECTION_BAD || !PQpipelineSync (self->conn))
    {
      connection_lost (self, "send", PQerrorMessage (self->conn));
      return;
    }

  flush (self);
}

static void
statement_failed (OrgdeskDatabase *self,
                  Request         *req,
                  PGresult        *result)
{
  const char *sqlstate = PQresultErrorField (result, PG_DIAG_SQLSTATE);
  const char *primary = PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY);
  g_autofree char *tidy = tidy_message (primary != NULL ? primary : PQresultErrorMessage (result));
  int index = -1;

  if (req->error != NULL)
    return;

  /* Index 0 is BEGIN; the caller's queries follow */
  if (req->kind == REQUEST_TRANSACTION && req->n_done >= 1 && req->n_done <= req->queries->len)
    index = req->n_done - 1;

  /* Only the primary message: DETAIL may quote the values of a row */
  req->error = orgdesk_database_error_new (orgdesk_database_error_code_for_sqlstate (sqlstate),
                                           sqlstate, index, tidy);
  if (req->task != NULL)
    g_debug ("Statement %d failed with SQLSTATE %s", index, sqlstate != NULL ? sqlstate : "?");
}

static void
statement_succeeded (Request  *req,
                     PGresult *result)
{
  guint index;

  if (req->kind != REQUEST_TRANSACTION || req->n_done < 1 || req->n_done > req->queries->len)
    {
      PQclear (result);
      return;
    }

  index = req->n_done - 1;
  g_clear_object (&req->results->pdata[index]);
  req->results->pdata[index] = _orgdesk_query_result_new_take (result);
}

static void
finish_request (OrgdeskDatabase *self)
{
  Request *req = g_steal_pointer (&self->current);

  if (req->kind == REQUEST_TRANSACTION && req->error == NULL && req->n_done != req->n_sent)
    req->error = orgdesk_database_error_new (ORGDESK_DATABASE_ERROR_FAILED, NULL, -1,
                                             "The server's answer did not match the request");

  if (req->kind == REQUEST_ROLLBACK && req->error != NULL)
    g_debug ("ROLLBACK failed: %s", req->error->message);

  g_object_ref (self);
  pump (self);
  request_complete (req);
  g_object_unref (self);
}

/* Reads whatever results have arrived; a request ends with its sync's result. */
static void
read_results (OrgdeskDatabase *self)
{
  while (self->current != NULL && !PQisBusy (self->conn))
    {
      Request *req = self->current;
      PGresult *result = PQgetResult (self->conn);

      if (result == NULL)
        {
          /* The end of one statement's results */
          req->n_done++;
          continue;
        }

      switch (PQresultStatus (result))
        {
        case PGRES_PIPELINE_SYNC:
          PQclear (result);
          finish_request (self);
          return;

        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
          statement_succeeded (req, result);
          break;

        case PGRES_PIPELINE_ABORTED:
          PQclear (result);
          break;

        case PGRES_FATAL_ERROR:
          if (PQstatus (self->conn) == CONNECTION_BAD)
            {
              g_autofree char *tidy = tidy_message (PQresultErrorMessage (result));

              PQclear (result);
              connection_lost (self, "read", tidy);
              return;
            }
          statement_failed (self, req, result);
          PQclear (result);
          break;

        case PGRES_EMPTY_QUERY:
        case PGRES_COPY_OUT:
        case PGRES_COPY_IN:
        case PGRES_COPY_BOTH:
        case PGRES_BAD_RESPONSE:
        case PGRES_NONFATAL_ERROR:
        case PGRES_SINGLE_TUPLE:
        default:
          if (req->error == NULL)
            req->error = orgdesk_database_error_new (ORGDESK_DATABASE_ERROR_QUERY, NULL, -1,
                                                     "The statement is empty or of a kind not supported");
          PQclear (result);
          break;
        }
    }

  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_BAD)
    connection_lost (self, "read", PQerrorMessage (self->conn));
}

static gboolean
on_socket_ready (OrgdeskDatabase *self,
                 GIOCondition     condition)
{
  PGnotify *notify;

  g_object_ref (self);

  if (self->state == ORGDESK_DATABASE_STATE_CONNECTING)
    {
      continue_connecting (self);
      goto out;
    }

  g_assert (self->state == ORGDESK_DATABASE_STATE_CONNECTED);

  if ((condition & G_IO_OUT) != 0 && !flush (self))
    goto out;

  if ((condition & (G_IO_IN | G_IO_HUP | G_IO_ERR)) != 0)
    {
      if (!PQconsumeInput (self->conn))
        {
          connection_lost (self, "read", PQerrorMessage (self->conn));
          goto out;
        }

      while ((notify = PQnotifies (self->conn)) != NULL)
        PQfreemem (notify);

      read_results (self);

      /* libpq: after reading, a pending write may be able to go on */
      if (self->conn != NULL && (self->socket_condition & G_IO_OUT) != 0)
        flush (self);
    }

out:
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* Cancelling */

typedef struct
{
  PGcancel *cancel;
  guint     generation;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  PQfreeCancel (data->cancel);
  g_free (data);
}

static void
send_cancel_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CancelData *data = task_data;
  char message[256] = "";

  /* Blocks: it opens a connection of its own to deliver the cancel request */
  if (!PQcancel (data->cancel, message, sizeof message))
    g_debug ("Could not cancel the running statement: %s", message);

  g_task_return_boolean (task, TRUE);
}

static void
on_cancel_sent_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OrgdeskDatabase) self = user_data;
  CancelData *data = g_task_get_task_data (G_TASK (result));

  /* Once PQcancel() returns, the server has signalled the backend; if the
   * statement had already ended, the signal finds it idle and is ignored, so
   * the next request may go out without being cancelled by mistake. */
  if (data->generation != self->generation)
    return;

  self->cancel_running = FALSE;
  pump (self);
}

static void
cancel_current (OrgdeskDatabase *self)
{
  g_autoptr(GTask) task = NULL;
  CancelData *data;
  PGcancel *cancel;

  if (self->cancel_running || self->conn == NULL)
    return;

  cancel = PQgetCancel (self->conn);
  if (cancel == NULL)
    return;

  data = g_new0 (CancelData, 1);
  data->cancel = cancel;
  data->generation = self->generation;
  self->cancel_running = TRUE;

  /* No source object: the worker may drop the task's last reference, and
   * @self must only ever be released on its own thread, by the callback. */
  task = g_task_new (NULL, NULL, on_cancel_sent_cb, g_object_ref (self));
  g_task_set_source_tag (task, cancel_current);
  g_task_set_task_data (task, data, (GDestroyNotify) cancel_data_free);
  g_task_run_in_thread (task, send_cancel_thread);
}

static gboolean
on_request_cancelled_cb (GCancellable *cancellable,
                         gpointer      user_data)
{
  Request *req = user_data;
  OrgdeskDatabase *self = req->self;
  g_autoptr(GTask) task = g_steal_pointer (&req->task);
  GList *link;

  g_object_ref (self);
  g_clear_pointer (&req->cancel_source, g_source_unref);

  if ((link = g_queue_find (&self->queue, req)) != NULL)
    {
      g_queue_delete_link (&self->queue, link);
      request_free (req);
    }
  else if ((link = g_queue_find (&self->connect_waiters, req)) != NULL)
    {
      g_queue_delete_link (&self->connect_waiters, link);
      request_free (req);
    }
  else if (req == self->current)
    {
      /* The caller hears at once; its results are read and dropped */
      g_debug ("Cancelling the statement on the wire");
      cancel_current (self);
    }

  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The database request was cancelled");

  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* The queue */

static void
pump (OrgdeskDatabase *self)
{
  switch (self->state)
    {
    case ORGDESK_DATABASE_STATE_CONNECTED:
      break;

    case ORGDESK_DATABASE_STATE_DISCONNECTED:
    case ORGDESK_DATABASE_STATE_WAITING_TO_RETRY:
      if (!g_queue_is_empty (&self->queue) || !g_queue_is_empty (&self->connect_waiters))
        start_connecting (self);
      return;

    case ORGDESK_DATABASE_STATE_CONNECTING:
    default:
      return;
    }

  if (self->current != NULL || self->cancel_running)
    return;

  /* A failed or cancelled transaction leaves the session in an aborted block */
  if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    {
      g_debug ("Rolling back the failed transaction");
      send_request (self, request_new (self, REQUEST_ROLLBACK, NULL));
      return;
    }

  if (!g_queue_is_empty (&self->queue))
    send_request (self, g_queue_pop_head (&self->queue));
}

/* GObject */

static void
orgdesk_database_dispose (GObject *object)
{
  OrgdeskDatabase *self = (OrgdeskDatabase *) object;

  /* Every waiting caller holds a reference; what can be left is a cancelled
   * request whose results were still to be drained. */
  g_clear_pointer (&self->current, request_free);
  g_cancellable_cancel (self->resolve_cancellable);
  g_clear_object (&self->resolve_cancellable);
  clear_source (&self->retry_source);
  close_connection (self);

  G_OBJECT_CLASS (orgdesk_database_parent_class)->dispose (object);
}

static void
orgdesk_database_finalize (GObject *object)
{
  OrgdeskDatabase *self = (OrgdeskDatabase *) object;

  g_assert (g_queue_is_empty (&self->queue));
  g_assert (g_queue_is_empty (&self->connect_waiters));

  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  if (self->conninfo != NULL)
    memset (self->conninfo, 0, strlen (self->conninfo));
  g_clear_pointer (&self->conninfo, g_free);
  g_clear_error (&self->last_error);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (orgdesk_database_parent_class)->finalize (object);
}

static void
orgdesk_database_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OrgdeskDatabase *self = ORGDESK_DATABASE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_LAST_ERROR:
      g_value_set_boxed (value, self->last_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_database_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  OrgdeskDatabase *self = ORGDESK_DATABASE (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      g_free (self->conninfo);
      self->conninfo = g_value_dup_string (value);
      if (self->conninfo == NULL)
        self->conninfo = g_strdup ("");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_database_class_init (OrgdeskDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_database_dispose;
  object_class->finalize = orgdesk_database_finalize;
  object_class->get_property = orgdesk_database_get_property;
  object_class->set_property = orgdesk_database_set_property;

  /**
   * OrgdeskDatabase:conninfo:
   *
   * A libpq connection string or URI.  Write-only: it may hold a password.
   */
  properties[PROP_CONNINFO] =
    g_param_spec_string ("conninfo", NULL, NULL,
                         NULL,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * OrgdeskDatabase:state:
   *
   * Where the connection stands.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       ORGDESK_TYPE_DATABASE_STATE,
                       ORGDESK_DATABASE_STATE_DISCONNECTED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OrgdeskDatabase:last-error:
   *
   * Why the last connection attempt failed or the connection was lost, of
   * %ORGDESK_DATABASE_ERROR_CONNECTION; %NULL once connected again.
   */
  properties[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_database_init (OrgdeskDatabase *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->socket_fd = -1;
  self->retry_delay_ms = RETRY_DELAY_MIN_MS;
  g_queue_init (&self->queue);
  g_queue_init (&self->connect_waiters);
}

/* API */

/**
 * orgdesk_database_new:
 * @conninfo: a libpq connection string or URI
 *
 * Creates a database; nothing connects until it is first used or
 * orgdesk_database_connect_async() is called.  The object belongs to the
 * thread-default main context of the caller.
 *
 * Returns: (transfer full): a new #OrgdeskDatabase
 */
OrgdeskDatabase *
orgdesk_database_new (const char *conninfo)
{
  g_return_val_if_fail (conninfo != NULL, NULL);

  return g_object_new (ORGDESK_TYPE_DATABASE, "conninfo", conninfo, NULL);
}

/**
 * orgdesk_database_set_password:
 * @self: a #OrgdeskDatabase
 * @password: (nullable): the password (from the keyring), or %NULL
 *
 * Sets the password used from the next connection on, in place of any in the
 * connection string.  It is never logged.
 */
void
orgdesk_database_set_password (OrgdeskDatabase *self,
                               const char      *password)
{
  g_return_if_fail (ORGDESK_IS_DATABASE (self));

  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
}

/**
 * orgdesk_database_set_password_from_keyring:
 * @self: a #OrgdeskDatabase
 * @from_keyring: whether to look for a password in the keyring
 *
 * When the connection string has no password and none was set with
 * orgdesk_database_set_password(), looks one up before each connection attempt
 * (see orgdesk_database_secret_lookup_async()); without one it connects without
 * a password.  Off by default.
 */
void
orgdesk_database_set_password_from_keyring (OrgdeskDatabase *self,
                                            gboolean         from_keyring)
{
  g_return_if_fail (ORGDESK_IS_DATABASE (self));

  self->password_from_keyring = !!from_keyring;
}

OrgdeskDatabaseState
orgdesk_database_get_state (OrgdeskDatabase *self)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (self), ORGDESK_DATABASE_STATE_DISCONNECTED);

  return self->state;
}

/**
 * orgdesk_database_get_last_error:
 * @self: a #OrgdeskDatabase
 *
 * Returns: (nullable) (transfer none): see #OrgdeskDatabase:last-error
 */
const GError *
orgdesk_database_get_last_error (OrgdeskDatabase *self)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (self), NULL);

  return self->last_error;
}

/**
 * orgdesk_database_dup_description:
 * @self: a #OrgdeskDatabase
 *
 * Returns: (transfer full): the connection parameters without any secret, for
 *   logs and the details of an error
 */
char *
orgdesk_database_dup_description (OrgdeskDatabase *self)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (self), NULL);

  return _orgdesk_conninfo_describe (self->conninfo);
}

/**
 * orgdesk_database_connect_async:
 * @self: a #OrgdeskDatabase
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when connected or when the attempt failed
 * @user_data: data for @callback
 *
 * Connects now rather than on the first request.
 */
void
orgdesk_database_connect_async (OrgdeskDatabase     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ORGDESK_IS_DATABASE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_database_connect_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  self->wanted = TRUE;

  if (self->state == ORGDESK_DATABASE_STATE_CONNECTED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_queue_push_tail (&self->connect_waiters,
                     request_new (self, REQUEST_CONNECT, g_steal_pointer (&task)));
  pump (self);
}

gboolean
orgdesk_database_connect_finish (OrgdeskDatabase  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * orgdesk_database_reconnect:
 * @self: a #OrgdeskDatabase
 *
 * Tries to connect now if the database is waiting to retry or disconnected
 * (a Retry button); does nothing while connected or connecting.
 */
void
orgdesk_database_reconnect (OrgdeskDatabase *self)
{
  g_return_if_fail (ORGDESK_IS_DATABASE (self));

  self->wanted = TRUE;

  if (self->state == ORGDESK_DATABASE_STATE_WAITING_TO_RETRY ||
      self->state == ORGDESK_DATABASE_STATE_DISCONNECTED)
    start_connecting (self);
}

/**
 * orgdesk_database_run_async:
 * @self: a #OrgdeskDatabase
 * @queries: (element-type OrgdeskQuery): the statements, at least one
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the results or the error
 * @user_data: data for @callback
 *
 * Runs @queries as one transaction (`BEGIN`, the queries, `COMMIT`) in one round
 * trip.  If any of them fails, none takes effect and the error (of
 * %ORGDESK_DATABASE_ERROR, with the SQLSTATE and the index of the query) says
 * which.  Requests run in the order they were made.  On cancellation the callback
 * gets %G_IO_ERROR_CANCELLED at once; a statement already running on the server
 * is cancelled there.  A transaction cancelled, or cut off by a lost connection,
 * after it was sent may nevertheless have committed.
 */
void
orgdesk_database_run_async (OrgdeskDatabase     *self,
                            GPtrArray           *queries,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *req;

  g_return_if_fail (ORGDESK_IS_DATABASE (self));
  g_return_if_fail (queries != NULL && queries->len > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_database_run_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  req = request_new (self, REQUEST_TRANSACTION, g_steal_pointer (&task));
  req->queries = g_ptr_array_new_full (queries->len, g_object_unref);
  req->results = g_ptr_array_new_full (queries->len, unref_if_set);
  for (guint i = 0; i < queries->len; i++)
    {
      g_ptr_array_add (req->queries, g_object_ref (ORGDESK_QUERY (g_ptr_array_index (queries, i))));
      g_ptr_array_add (req->results, NULL);
    }

  self->wanted = TRUE;
  g_queue_push_tail (&self->queue, req);
  pump (self);
}

/**
 * orgdesk_database_run_finish:
 * @self: a #OrgdeskDatabase
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type OrgdeskQueryResult): one result
 *   per query, in order, or %NULL with @error set
 */
GPtrArray *
orgdesk_database_run_finish (OrgdeskDatabase  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
