/* orgdesk-provisioner-queue.c: works through orgdesk.organization_requests.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One request at a time.  A due open request is claimed in one short
 * statement (SELECT … FOR UPDATE SKIP LOCKED, then its next_attempt_at moved
 * a lease ahead), so two provisioners never work on the same one and a
 * provisioner that dies leaves it to be claimed again when the lease ends.
 * Then, at Logto: read the user, look for an organization made for this
 * request already (customData.orgdeskRequestId, found by name: a crash
 * between creating and recording), else create it, and record its id in the
 * row before anything else, add the member, give the role, and mark
 * the request done (NOTIFY ORGDESK_PROVISIONER_DONE_CHANNEL).  A request that
 * has an organization id already skips the first two steps, so a restart
 * finishes that organization and never creates a second; adding a member or
 * a role twice is harmless at Logto.  A temporary failure keeps the request
 * open with attempts, last_error and a next attempt 1 s … 5 min later; a 4xx
 * fails it with Logto's reason.
 *
 * Looks for work when the connection is (re)made, on each NOTIFY, when a
 * back-off ends and every sweep interval (a NOTIFY sent while disconnected is
 * lost).  Also keeps orgdesk.auth_keys current with orgdesk-admin's jwks
 * sync, in a thread with a connection of its own.
 */

#define G_LOG_DOMAIN "orgdesk-provisioner"

#include "config.h"

#include <json-glib/json-glib.h>

#include "orgdesk-admin-db.h"
#include "orgdesk-admin-jwks.h"
#include "orgdesk-provisioner-database.h"
#include "orgdesk-provisioner-logto.h"
#include "orgdesk-provisioner-queue.h"

/* orgdesk.organization_requests: CHECK (char_length (last_error) <= 2000) */
#define MAX_ERROR_CHARS 2000

#define CLAIM_SQL \
  "UPDATE orgdesk.organization_requests AS r " \
  "   SET next_attempt_at = pg_catalog.now () + pg_catalog.make_interval (secs => $1::pg_catalog.float8) " \
  " WHERE r.id = (SELECT q.id FROM orgdesk.organization_requests AS q " \
  "                WHERE q.status = 'open' AND q.next_attempt_at <= pg_catalog.now () " \
  "                ORDER BY q.next_attempt_at, q.created_at LIMIT 1 " \
  "                FOR UPDATE SKIP LOCKED) " \
  "RETURNING r.id, r.logto_user_id, r.logto_organization_id, r.attempts"

#define RECORD_SQL \
  "UPDATE orgdesk.organization_requests SET logto_organization_id = $2 " \
  " WHERE id = $1::pg_catalog.uuid AND status = 'open' AND logto_organization_id IS NULL"

#define DONE_SQL \
  "WITH finished AS (UPDATE orgdesk.organization_requests SET status = 'done', last_error = NULL " \
  "                   WHERE id = $1::pg_catalog.uuid AND status = 'open' RETURNING id) " \
  "SELECT pg_catalog.pg_notify ('" ORGDESK_PROVISIONER_DONE_CHANNEL "', id::pg_catalog.text) FROM finished"

#define FAILED_SQL \
  "WITH finished AS (UPDATE orgdesk.organization_requests " \
  "                     SET status = 'failed', attempts = attempts + 1, last_error = $2 " \
  "                   WHERE id = $1::pg_catalog.uuid AND status = 'open' RETURNING id) " \
  "SELECT pg_catalog.pg_notify ('" ORGDESK_PROVISIONER_DONE_CHANNEL "', id::pg_catalog.text) FROM finished"

#define RETRY_SQL \
  "UPDATE orgdesk.organization_requests " \
  "   SET attempts = attempts + 1, last_error = $2, " \
  "       next_attempt_at = pg_catalog.now () + pg_catalog.make_interval (secs => $3::pg_catalog.float8) " \
  " WHERE id = $1::pg_catalog.uuid AND status = 'open'"

#define RELEASE_SQL \
  "UPDATE orgdesk.organization_requests SET next_attempt_at = pg_catalog.now () " \
  " WHERE id = $1::pg_catalog.uuid AND status = 'open'"

typedef struct
{
  char  *id;
  char  *user_id;
  char  *organization_id;   /* NULL until Logto created it */
  guint  attempts;
} Request;

static void
request_free (Request *request)
{
  g_free (request->id);
  g_free (request->user_id);
  g_free (request->organization_id);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

struct _OrgdeskProvisionerQueue
{
  GObject                      parent_instance;

  char                        *conninfo;
  int                          sweep_interval;
  int                          jwks_interval;
  int                          lease;
  guint                        stall_after_create;   /* test hook, seconds */

  OrgdeskProvisionerDatabase  *database;
  OrgdeskProvisionerLogto     *logto;
  GCancellable                *cancellable;

  Request                     *current;
  gboolean                     sweep_pending;
  guint                        sweep_id;
  guint                        wake_id;
  guint                        jwks_id;
  guint                        stall_id;
  gboolean                     jwks_running;
};

G_DEFINE_FINAL_TYPE (OrgdeskProvisionerQueue, orgdesk_provisioner_queue, G_TYPE_OBJECT)

static void sweep (OrgdeskProvisionerQueue *self);
static void add_member (OrgdeskProvisionerQueue *self);

/* Outcomes {{{ */

static void
finish_current (OrgdeskProvisionerQueue *self)
{
  g_clear_pointer (&self->current, request_free);
  if (!g_cancellable_is_cancelled (self->cancellable))
    sweep (self);
}

static void
outcome_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OrgdeskProvisionerQueue) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) written = NULL;

  written = orgdesk_provisioner_database_query_finish (ORGDESK_PROVISIONER_DATABASE (source), result, &error);
  if (written == NULL && self->current != NULL)
    g_warning ("Request %s: could not record the outcome (it is tried again once its lease ends): %s",
               self->current->id, error->message);

  finish_current (self);
}

static gboolean
wake_cb (gpointer user_data)
{
  OrgdeskProvisionerQueue *self = user_data;

  self->wake_id = 0;
  sweep (self);
  return G_SOURCE_REMOVE;
}

static void
wake_in (OrgdeskProvisionerQueue *self,
         guint                    seconds)
{
  /* The earlier of two wake-ups wins; the sweep finds every due request. */
  if (self->wake_id != 0)
    return;
  self->wake_id = g_timeout_add_seconds (seconds, wake_cb, self);
}

/* Temporary failures keep the request; others fail it; a lost database
 * or our own shutdown leaves it to its lease. */
static void
handle_error (OrgdeskProvisionerQueue *self,
              const GError            *error)
{
  /* g_utf8_substring() reads past the end of a shorter string: clamp first. */
  g_autofree char *reason = g_utf8_substring (error->message, 0,
                                              MIN (g_utf8_strlen (error->message, -1), MAX_ERROR_CHARS));
  Request *request = self->current;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
      error->domain == ORGDESK_ADMIN_ERROR)
    {
      g_warning ("Request %s: %s (tried again once its lease ends)", request->id, error->message);
      finish_current (self);
      return;
    }

  if (g_error_matches (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_REFUSED))
    {
      const char * const values[] = { request->id, reason };

      g_warning ("Request %s failed: %s", request->id, error->message);
      orgdesk_provisioner_database_query_async (self->database, FAILED_SQL, 2, values, NULL,
                                                outcome_written_cb, g_object_ref (self));
      return;
    }

  {
    guint delay = orgdesk_provisioner_backoff_seconds (request->attempts + 1);
    g_autofree char *delay_text = g_strdup_printf ("%u", delay);
    const char * const values[] = { request->id, reason, delay_text };

    g_warning ("Request %s, attempt %u: %s; trying again in %u s",
               request->id, request->attempts + 1, error->message, delay);
    orgdesk_provisioner_database_query_async (self->database, RETRY_SQL, 3, values, NULL,
                                              outcome_written_cb, g_object_ref (self));
    wake_in (self, delay);
  }
}

/* }}} */

/* The steps {{{ */

static void
role_assigned_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(OrgdeskProvisionerQueue) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *values[1];

  if (!orgdesk_provisioner_logto_assign_role_finish (ORGDESK_PROVISIONER_LOGTO (source), result, &error))
    {
      handle_error (self, error);
      return;
    }

  values[0] = self->current->id;
  g_message ("Request %s done: organization %s, user %s",
             self->current->id, self->current->organization_id, self->current->user_id);
  orgdesk_provisioner_database_query_async (self->database, DONE_SQL, 1, values, NULL,
                                            outcome_written_cb, g_object_ref (self));
}

static void
member_added_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OrgdeskProvisionerQueue) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!orgdesk_provisioner_logto_add_member_finish (ORGDESK_PROVISIONER_LOGTO (source), result, &error))
    {
      handle_error (self, error);
      return;
    }

  orgdesk_provisioner_logto_assign_role_async (self->logto, self->current->organization_id,
                                               self->current->user_id, self->cancellable,
                                               role_assigned_cb, g_object_ref (self));
}

static void
add_member (OrgdeskProvisionerQueue *self)
{
  orgdesk_provisioner_logto_add_member_async (self->logto, self->current->organization_id,
                                              self->current->user_id, self->cancellable,
                                              member_added_cb, g_object_ref (self));
}

static gboolean
stall_over_cb (gpointer user_data)
{
  OrgdeskProvisionerQueue *self = user_data;

  self->stall_id = 0;
  add_member (self);
  return G_SOURCE_REMOVE;
}

static void
organization_recorded_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(OrgdeskProvisionerQueue) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) recorded = NULL;

  recorded = orgdesk_provisioner_database_query_finish (ORGDESK_PROVISIONER_DATABASE (source), result, &error);
  if (recorded == NULL)
    {
      /* Logto has an organization the row does not name: the one case where
       * a retry makes a second.  Say so loudly. */
      g_warning ("Request %s: organization %s was created but could not be recorded: %s",
                 self->current->id, self->current->organization_id, error->message);
      handle_error (self, error);
      return;
    }

  if (g_strcmp0 (PQcmdTuples (recorded), "1") != 0)
    {
      g_warning ("Request %s changed while organization %s was created; leaving it",
                 self->current->id, self->current->organization_id);
      finish_current (self);
      return;
    }

  g_message ("Request %s: created organization %s", self->current->id, self->current->organization_id);

  if (self->stall_after_create > 0)
    {
      g_message ("Request %s: stalling %u s before adding the member (test hook)",
                 self->current->id, self->stall_after_create);
      self->stall_id = g_timeout_add_seconds (self->stall_after_create, stall_over_cb, self);
      return;
    }

  add_member (self);
}

/* Recording the id comes first: from then on a restart finishes this one. */
static void
record_organization (OrgdeskProvisionerQueue *self,
                     char                    *organization_id)
{
  const char *values[2];

  self->current->organization_id = organization_id;
  values[0] = self->current->id;
  values[1] = organization_id;
  /* Not cancellable: once Logto has it, the row must say so. */
  orgdesk_provisioner_database_query_async (self->database, RECORD_SQL, 2, values, NULL,
                                            organization_recorded_cb, g_object_ref (self));
}

static void
organization_created_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(OrgdeskProvisionerQueue) self = user_data;
  g_autoptr(GError) error = NULL;
  char *organization_id;

  organization_id = orgdesk_provisioner_logto_create_organization_finish (ORGDESK_PROVISIONER_LOGTO (source),
                                                                          result, &error);
  if (organization_id == NULL)
    {
      handle_error (self, error);
      return;
    }

  record_organization (self, organization_id);
}

typedef struct
{
  OrgdeskProvisionerQueue *self;
  char                    *name;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_free (lookup->name);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
organization_found_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Lookup) lookup = user_data;
  OrgdeskProvisionerQueue *self = lookup->self;
  g_autoptr(GError) error = NULL;
  char *organization_id;

  organization_id = orgdesk_provisioner_logto_find_organization_finish (ORGDESK_PROVISIONER_LOGTO (source),
                                                                        result, &error);
  if (error != NULL)
    {
      handle_error (self, error);
      return;
    }

  if (organization_id != NULL)
    {
      g_message ("Request %s: organization %s was created before, not recorded; taking it",
                 self->current->id, organization_id);
      record_organization (self, organization_id);
      return;
    }

  orgdesk_provisioner_logto_create_organization_async (self->logto, lookup->name, self->current->id,
                                                       self->cancellable, organization_created_cb,
                                                       g_object_ref (self));
}

static void
user_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(OrgdeskProvisionerQueue) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  Lookup *lookup;

  user = orgdesk_provisioner_logto_get_user_finish (ORGDESK_PROVISIONER_LOGTO (source), result, &error);
  if (user == NULL)
    {
      handle_error (self, error);
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->name = orgdesk_provisioner_organization_name (user);
  orgdesk_provisioner_logto_find_organization_async (self->logto, lookup->name, self->current->id,
                                                     self->cancellable, organization_found_cb, lookup);
}

static void
claimed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(OrgdeskProvisionerQueue) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) claimed = NULL;
  Request *request;

  claimed = orgdesk_provisioner_database_query_finish (ORGDESK_PROVISIONER_DATABASE (source), result, &error);
  if (claimed == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
        g_warning ("Could not look for requests: %s", error->message);
      g_clear_pointer (&self->current, request_free);
      return;
    }

  if (PQntuples (claimed) == 0 || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&self->current, request_free);
      if (self->sweep_pending && !g_cancellable_is_cancelled (self->cancellable))
        sweep (self);
      return;
    }

  request = self->current;
  request->id = g_strdup (PQgetvalue (claimed, 0, 0));
  request->user_id = g_strdup (PQgetvalue (claimed, 0, 1));
  if (!PQgetisnull (claimed, 0, 2))
    request->organization_id = g_strdup (PQgetvalue (claimed, 0, 2));
  request->attempts = (guint) g_ascii_strtoull (PQgetvalue (claimed, 0, 3), NULL, 10);

  g_message ("Request %s for user %s (attempt %u)%s%s", request->id, request->user_id,
             request->attempts + 1,
             request->organization_id != NULL ? ": finishing organization " : "",
             request->organization_id != NULL ? request->organization_id : "");

  if (request->organization_id != NULL)
    add_member (self);
  else
    orgdesk_provisioner_logto_get_user_async (self->logto, request->user_id, self->cancellable,
                                              user_read_cb, g_object_ref (self));
}

/* Claims the next due request, unless one is in hand already. */
static void
sweep (OrgdeskProvisionerQueue *self)
{
  g_autofree char *lease = NULL;
  const char *values[1];

  if (self->current != NULL || !orgdesk_provisioner_database_is_ready (self->database) ||
      g_cancellable_is_cancelled (self->cancellable))
    {
      self->sweep_pending = TRUE;
      return;
    }

  self->sweep_pending = FALSE;
  /* Placeholder while the claim runs, so sweeps do not overlap. */
  self->current = g_new0 (Request, 1);

  lease = g_strdup_printf ("%d", self->lease);
  values[0] = lease;
  orgdesk_provisioner_database_query_async (self->database, CLAIM_SQL, 1, values, NULL,
                                            claimed_cb, g_object_ref (self));
}

/* }}} */

/* Keys {{{ */

static void
jwks_sync_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;

  conn = orgdesk_admin_connect (task_data, &error);
  if (conn == NULL || !orgdesk_admin_jwks_sync (conn, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
jwks_synced_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  OrgdeskProvisionerQueue *self = ORGDESK_PROVISIONER_QUEUE (source);
  g_autoptr(GError) error = NULL;

  self->jwks_running = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("JWKS sync: %s", error->message);
      return;
    }

  g_debug ("JWKS sync done");
}

static void
sync_keys (OrgdeskProvisionerQueue *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->jwks_running)
    return;

  self->jwks_running = TRUE;
  task = g_task_new (self, self->cancellable, jwks_synced_cb, NULL);
  g_task_set_source_tag (task, sync_keys);
  g_task_set_task_data (task, g_strdup (self->conninfo), g_free);
  g_task_run_in_thread (task, jwks_sync_thread);
}

static gboolean
jwks_timer_cb (gpointer user_data)
{
  sync_keys (user_data);
  return G_SOURCE_CONTINUE;
}

/* }}} */

static gboolean
sweep_timer_cb (gpointer user_data)
{
  sweep (user_data);
  return G_SOURCE_CONTINUE;
}

static void
database_ready_cb (OrgdeskProvisionerQueue *self)
{
  g_debug ("Listening on %s", ORGDESK_PROVISIONER_REQUESTS_CHANNEL);
  sweep (self);
}

static void
database_notified_cb (OrgdeskProvisionerQueue *self,
                      const char              *payload)
{
  sweep (self);
}

static void
orgdesk_provisioner_queue_dispose (GObject *object)
{
  OrgdeskProvisionerQueue *self = (OrgdeskProvisionerQueue *) object;

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_clear_handle_id (&self->wake_id, g_source_remove);
  g_clear_handle_id (&self->jwks_id, g_source_remove);
  g_clear_handle_id (&self->stall_id, g_source_remove);
  g_clear_object (&self->database);
  g_clear_object (&self->logto);

  G_OBJECT_CLASS (orgdesk_provisioner_queue_parent_class)->dispose (object);
}

static void
orgdesk_provisioner_queue_finalize (GObject *object)
{
  OrgdeskProvisionerQueue *self = (OrgdeskProvisionerQueue *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->current, request_free);
  g_clear_pointer (&self->conninfo, g_free);

  G_OBJECT_CLASS (orgdesk_provisioner_queue_parent_class)->finalize (object);
}

static void
orgdesk_provisioner_queue_class_init (OrgdeskProvisionerQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_provisioner_queue_dispose;
  object_class->finalize = orgdesk_provisioner_queue_finalize;
}

static void
orgdesk_provisioner_queue_init (OrgdeskProvisionerQueue *self)
{
  self->cancellable = g_cancellable_new ();
}

OrgdeskProvisionerQueue *
orgdesk_provisioner_queue_new (const OrgdeskProvisionerConfig *config)
{
  OrgdeskProvisionerQueue *self;
  const char *stall;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (ORGDESK_TYPE_PROVISIONER_QUEUE, NULL);
  self->conninfo = g_strdup (config->database);
  self->sweep_interval = config->sweep_interval;
  self->jwks_interval = config->jwks_interval;
  self->lease = config->lease;
  self->logto = orgdesk_provisioner_logto_new (config);
  self->database = orgdesk_provisioner_database_new (config->database, ORGDESK_PROVISIONER_REQUESTS_CHANNEL);

  /* Tests only: time to kill the provisioner between two steps. */
  stall = g_getenv ("ORGDESK_PROVISIONER_TEST_STALL_AFTER_CREATE");
  if (stall != NULL)
    self->stall_after_create = (guint) g_ascii_strtoull (stall, NULL, 10);

  g_signal_connect_object (self->database, "ready", G_CALLBACK (database_ready_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->database, "notified", G_CALLBACK (database_notified_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
orgdesk_provisioner_queue_start (OrgdeskProvisionerQueue *self)
{
  g_return_if_fail (ORGDESK_IS_PROVISIONER_QUEUE (self));

  orgdesk_provisioner_database_start (self->database);
  self->sweep_id = g_timeout_add_seconds (self->sweep_interval, sweep_timer_cb, self);

  sync_keys (self);
  if (self->jwks_interval > 0)
    self->jwks_id = g_timeout_add_seconds (self->jwks_interval, jwks_timer_cb, self);
}

/**
 * orgdesk_provisioner_queue_stop:
 *
 * Abandons the step in flight.  Its request stays open; it is released (due
 * now) when the database can be reached in a moment, else its lease ends.
 */
void
orgdesk_provisioner_queue_stop (OrgdeskProvisionerQueue *self)
{
  g_return_if_fail (ORGDESK_IS_PROVISIONER_QUEUE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_clear_handle_id (&self->wake_id, g_source_remove);
  g_clear_handle_id (&self->jwks_id, g_source_remove);
  g_clear_handle_id (&self->stall_id, g_source_remove);

  if (self->current != NULL && self->current->id != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PGconn) conn = NULL;
      g_autoptr(PGresult) released = NULL;
      const char * const values[] = { self->current->id };

      /* Blocking, once, on the way out: the main loop has no more to do. */
      conn = orgdesk_admin_connect (self->conninfo, &error);
      if (conn != NULL)
        released = orgdesk_admin_exec_params (conn, RELEASE_SQL, 1, values, &error);
      if (released == NULL)
        g_warning ("Request %s stays claimed until its lease ends: %s", self->current->id, error->message);
      else
        g_message ("Request %s left open for the next run", self->current->id);
    }
}
