/* orgdesk-repository.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-database-error.h"
#include "orgdesk-repository-private.h"

/*
 * The base of every repository of organization-scoped data.  Two things keep one
 * organization's rows out of another's, and both live here:
 *
 *  - every transaction starts with SELECT orgdesk.authenticate ($1), the
 *    organization's database token (an access token for the database API
 *    resource, from the session's grant): the database verifies it and its
 *    row-level security checks the organization, user and scopes it holds, for
 *    this transaction only (so safe behind PgBouncer).  It is sent in the same
 *    pipeline as the statements, one round trip;
 *  - every query gets the same organization as its $1, for the repositories to
 *    put in their WHERE clauses (defence in depth, and it keeps plans on the
 *    indexes that lead with logto_organization_id).
 *
 * The organization is taken from the session when a request starts; no API lets a
 * caller name one, and the token is fetched for that organization even if another
 * is active by then.  A request about the signed-in user alone (their own users
 * row) runs in a user scope with a user-level token, which has no organization:
 * organization-scoped tables then show nothing.
 *
 * A token the database refuses (SQLSTATE class 28: expired by the database's
 * clock, signed with a key it no longer lists) is dropped from the grant's cache
 * and the whole transaction is sent again, once, with a new one; nothing of the
 * refused attempt took effect.  A second refusal is ORGDESK_DATABASE_ERROR_AUTHENTICATION.
 */

/* The one place that tells the database who is asking: it verifies the token
 * (orgdesk_auth) and takes the user and the organization from it, for this
 * transaction only.  A user-level token has no organization in it: no
 * organization's rows are visible. */
#define AUTHENTICATE_SQL "SELECT orgdesk.authenticate ($1)"

struct _OrgdeskRepositoryScope
{
  gatomicrefcount  ref_count;
  char            *organization_id;   /* NULL in a user scope */
};

typedef struct
{
  OrgdeskDatabase *database;
  OrgdeskSession  *session;
} OrgdeskRepositoryPrivate;

enum {
  PROP_0,
  PROP_DATABASE,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE_WITH_PRIVATE (OrgdeskRepository, orgdesk_repository, G_TYPE_OBJECT)

/* Scope {{{ */

/* @with_organization: FALSE for a user scope, which needs a user but no organization */
static OrgdeskRepositoryScope *
scope_new (OrgdeskRepository  *self,
           gboolean            with_organization,
           GError            **error)
{
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (self);
  OrgdeskOrganization *organization = orgdesk_session_get_active_organization (priv->session);
  OrgdeskUser *user = orgdesk_session_get_user (priv->session);
  OrgdeskRepositoryScope *scope;

  if (user == NULL)
    {
      g_set_error_literal (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION,
                           "Nobody is signed in");
      return NULL;
    }
  if (with_organization && organization == NULL)
    {
      g_set_error_literal (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION,
                           "No organization is active");
      return NULL;
    }

  scope = g_new0 (OrgdeskRepositoryScope, 1);
  g_atomic_ref_count_init (&scope->ref_count);
  if (with_organization)
    scope->organization_id = g_strdup (orgdesk_organization_get_id (organization));

  return scope;
}

OrgdeskRepositoryScope *
_orgdesk_repository_scope_new (OrgdeskRepository  *self,
                               GError            **error)
{
  return scope_new (self, TRUE, error);
}

/* A scope with the signed-in user and no organization */
OrgdeskRepositoryScope *
_orgdesk_repository_user_scope_new (OrgdeskRepository  *self,
                                    GError            **error)
{
  return scope_new (self, FALSE, error);
}

OrgdeskRepositoryScope *
_orgdesk_repository_scope_ref (OrgdeskRepositoryScope *scope)
{
  g_atomic_ref_count_inc (&scope->ref_count);
  return scope;
}

void
_orgdesk_repository_scope_unref (OrgdeskRepositoryScope *scope)
{
  if (!g_atomic_ref_count_dec (&scope->ref_count))
    return;

  g_free (scope->organization_id);
  g_free (scope);
}

const char *
_orgdesk_repository_scope_get_organization_id (OrgdeskRepositoryScope *scope)
{
  return scope->organization_id;
}

/**
 * _orgdesk_repository_scope_new_query:
 * @scope: the request's scope
 * @sql: a statement whose $1 is the organization id
 *
 * Returns: (transfer full): the query with $1 bound; add $2… with
 *   orgdesk_query_add_param()
 */
OrgdeskQuery *
_orgdesk_repository_scope_new_query (OrgdeskRepositoryScope *scope,
                                     const char             *sql)
{
  OrgdeskQuery *query;

  /* A user scope has no organization to bind */
  g_return_val_if_fail (scope->organization_id != NULL, NULL);

  query = orgdesk_query_new (sql);

  orgdesk_query_add_param (query, scope->organization_id);
  return query;
}

/* }}} */

/**
 * _orgdesk_repository_start_task:
 * @self: a repository
 * @source_tag: the public function
 * @cancellable: (nullable): a #GCancellable
 * @callback: the caller's callback
 * @user_data: its data
 * @scope: (out): the request's scope
 *
 * Starts a request in the active organization.  Without one, the task fails at
 * once (and is consumed) and %NULL is returned.
 *
 * Returns: (transfer full) (nullable): the task
 */
static GTask *
start_task (OrgdeskRepository       *self,
            gboolean                 with_organization,
            gpointer                 source_tag,
            GCancellable            *cancellable,
            GAsyncReadyCallback      callback,
            gpointer                 user_data,
            OrgdeskRepositoryScope **scope)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  *scope = scope_new (self, with_organization, &error);
  if (*scope == NULL)
    {
      _orgdesk_repository_fail_task (task, error);
      return NULL;
    }

  return task;
}

GTask *
_orgdesk_repository_start_task (OrgdeskRepository       *self,
                                gpointer                 source_tag,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data,
                                OrgdeskRepositoryScope **scope)
{
  return start_task (self, TRUE, source_tag, cancellable, callback, user_data, scope);
}

/**
 * _orgdesk_repository_start_user_task:
 *
 * Like _orgdesk_repository_start_task(), for a request about the signed-in
 * user only, with or without an active organization: the database sees the
 * user and no organization.
 *
 * Returns: (transfer full) (nullable): the task
 */
GTask *
_orgdesk_repository_start_user_task (OrgdeskRepository       *self,
                                     gpointer                 source_tag,
                                     GCancellable            *cancellable,
                                     GAsyncReadyCallback      callback,
                                     gpointer                 user_data,
                                     OrgdeskRepositoryScope **scope)
{
  return start_task (self, FALSE, source_tag, cancellable, callback, user_data, scope);
}

/**
 * _orgdesk_repository_start_task_for_id:
 * @id: the id of the row the request is about
 * @not_found_message: the error when @id cannot name a row
 *
 * Like _orgdesk_repository_start_task(), for a request about one row: when @id
 * is not a UUID, the task fails at once with %G_IO_ERROR_NOT_FOUND.
 *
 * Returns: (transfer full) (nullable): the task
 */
GTask *
_orgdesk_repository_start_task_for_id (OrgdeskRepository       *self,
                                       gpointer                 source_tag,
                                       const char              *id,
                                       const char              *not_found_message,
                                       GCancellable            *cancellable,
                                       GAsyncReadyCallback      callback,
                                       gpointer                 user_data,
                                       OrgdeskRepositoryScope **scope)
{
  GTask *task = start_task (self, TRUE, source_tag, cancellable, callback, user_data, scope);
  GError *error = NULL;

  if (task != NULL && !_orgdesk_repository_check_id (id, not_found_message, &error))
    {
      _orgdesk_repository_fail_task (task, error);
      return NULL;
    }

  return task;
}

void
_orgdesk_repository_fail_task (GTask  *task,
                               GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/**
 * _orgdesk_repository_add_profile_params:
 * @query: a statement
 * @user: (nullable): the signed-in user
 *
 * Adds the user's email and name as the next two parameters, fitted to the
 * users table's limits so that a long profile never fails a write: a name is
 * cut, an email too long to be one is left out.
 */
void
_orgdesk_repository_add_profile_params (OrgdeskQuery *query,
                                        OrgdeskUser  *user)
{
  const char *email = user != NULL ? orgdesk_user_get_email (user) : NULL;
  const char *name = user != NULL ? orgdesk_user_get_display_name (user) : NULL;
  g_autofree char *short_name = NULL;

  if (email != NULL && g_utf8_strlen (email, -1) > ORGDESK_USER_MAX_EMAIL_CHARS)
    email = NULL;
  if (name != NULL && g_utf8_strlen (name, -1) > ORGDESK_USER_MAX_NAME_CHARS)
    name = short_name = g_utf8_substring (name, 0, ORGDESK_USER_MAX_NAME_CHARS);

  orgdesk_query_add_param (query, email);
  orgdesk_query_add_param (query, name);
}

/* The signed-in user's row, so what they write can name its author even when the
 * upsert at sign-in (OrgdeskUserRepository) has not reached the database; keeping
 * the profile current is that upsert's job, so an existing row is left alone. */
OrgdeskQuery *
_orgdesk_repository_new_author_upsert (OrgdeskRepository *self)
{
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (self);
  OrgdeskQuery *query;

  query = orgdesk_query_new ("INSERT INTO orgdesk.users (logto_id, email, name)"
                             " VALUES (orgdesk.current_user_id (), $1, $2)"
                             " ON CONFLICT (logto_id) DO NOTHING");
  _orgdesk_repository_add_profile_params (query, orgdesk_session_get_user (priv->session));
  return query;
}

/* An id that is not a UUID names no row; the database need not be asked. */
gboolean
_orgdesk_repository_check_id (const char  *id,
                              const char  *not_found_message,
                              GError     **error)
{
  if (id != NULL && g_uuid_string_is_valid (id))
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, not_found_message);
  return FALSE;
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;

  results = _orgdesk_repository_run_finish (ORGDESK_REPOSITORY (source), result, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else if (orgdesk_query_result_get_affected_rows (g_ptr_array_index (results, 0)) == 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                             (const char *) g_task_get_task_data (task));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * _orgdesk_repository_delete_async:
 * @self: a repository
 * @source_tag: the public function
 * @sql: "DELETE … WHERE logto_organization_id = $1 AND id = $2::pg_catalog.uuid"
 * @id: the row's id
 * @not_found_message: the translated error when no row of the active organization
 *   has that id
 * @cancellable: (nullable): a #GCancellable
 * @callback: the caller's callback
 * @user_data: its data
 *
 * Deletes one row of the active organization.
 */
void
_orgdesk_repository_delete_async (OrgdeskRepository   *self,
                                  gpointer             source_tag,
                                  const char          *sql,
                                  const char          *id,
                                  const char          *not_found_message,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  OrgdeskQuery *query;
  GTask *task;

  task = _orgdesk_repository_start_task_for_id (self, source_tag, id, not_found_message,
                                                cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  g_task_set_task_data (task, g_strdup (not_found_message), g_free);
  query = _orgdesk_repository_scope_new_query (scope, sql);
  orgdesk_query_add_param (query, id);
  g_ptr_array_add (queries, query);
  _orgdesk_repository_run_async (self, scope, queries, cancellable, on_deleted_cb, task);
}

gboolean
_orgdesk_repository_delete_finish (OrgdeskRepository  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* One _orgdesk_repository_run_async(): the token, then the transaction, and once
 * more of both when the database refused the token. */
typedef struct
{
  OrgdeskRepositoryScope *scope;
  GPtrArray              *queries;   /* OrgdeskQuery, the caller's */
  OrgdeskTokenResponse   *token;     /* the one the transaction was sent with */
  guint                   attempt;   /* 0, or 1 for the retry with a new token */
} RunRequest;

static void
run_request_free (RunRequest *request)
{
  g_clear_pointer (&request->scope, _orgdesk_repository_scope_unref);
  g_clear_pointer (&request->queries, g_ptr_array_unref);
  g_clear_object (&request->token);
  g_free (request);
}

static void request_token (GTask *task);

static void
on_run_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskRepository *self = g_task_get_source_object (task);
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (self);
  RunRequest *request = g_task_get_task_data (task);
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;

  results = orgdesk_database_run_finish (ORGDESK_DATABASE (source), result, &error);
  if (results == NULL)
    {
      /* The token expired by the database's clock or its key was rotated away:
       * a new one, and the whole transaction again, once.  Nothing of it took
       * effect. */
      if (g_error_matches (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_AUTHENTICATION) &&
          request->attempt == 0 && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          g_debug ("The database refused the token (%s); retrying with a new one",
                   orgdesk_database_error_get_sqlstate (error));
          g_clear_error (&error);
          orgdesk_session_forget_database_token (priv->session, request->scope->organization_id,
                                                 request->token);
          g_clear_object (&request->token);
          request->attempt++;
          request_token (g_steal_pointer (&task));
          return;
        }

      g_task_return_error (task, error);
      return;
    }

  /* The caller sees the results of its own statements only. */
  g_ptr_array_remove_index (results, 0);
  g_task_return_pointer (task, g_steal_pointer (&results), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_token_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskRepository *self = g_task_get_source_object (task);
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (self);
  RunRequest *request = g_task_get_task_data (task);
  g_autoptr(GPtrArray) all = NULL;
  OrgdeskQuery *authenticate;
  GCancellable *cancellable;
  GError *error = NULL;

  request->token = orgdesk_session_request_database_token_finish (ORGDESK_SESSION (source), result, &error);
  if (request->token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The access token is a secret: its one copy here is wiped with the query. */
  authenticate = orgdesk_query_new (AUTHENTICATE_SQL);
  orgdesk_query_add_secret_param (authenticate, orgdesk_token_response_get_access_token (request->token));

  all = g_ptr_array_new_full (request->queries->len + 1, g_object_unref);
  g_ptr_array_add (all, authenticate);
  for (guint i = 0; i < request->queries->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (request->queries, i)));

  cancellable = g_task_get_cancellable (task);
  orgdesk_database_run_async (priv->database, all, cancellable, on_run_cb, g_steal_pointer (&task));
}

static void
request_token (GTask *task)
{
  OrgdeskRepository *self = g_task_get_source_object (task);
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (self);
  RunRequest *request = g_task_get_task_data (task);

  /* The organization captured when the request started, never the active one */
  orgdesk_session_request_database_token_async (priv->session, request->scope->organization_id,
                                                g_task_get_cancellable (task), on_token_cb, task);
}

/**
 * _orgdesk_repository_run_async:
 * @self: a repository
 * @scope: the scope captured when the request started
 * @queries: (element-type OrgdeskQuery): the statements, one transaction
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the results
 * @user_data: data for @callback
 *
 * Gets the database token for @scope's organization (or a user-level one for a
 * user scope) and runs `SELECT orgdesk.authenticate (token)` and @queries in one
 * transaction, in one round trip.  When the database refuses the token (SQLSTATE
 * class 28), the token is dropped and the transaction sent once more with a new
 * one; a second refusal fails with %ORGDESK_DATABASE_ERROR_AUTHENTICATION.
 */
void
_orgdesk_repository_run_async (OrgdeskRepository      *self,
                               OrgdeskRepositoryScope *scope,
                               GPtrArray              *queries,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  RunRequest *request;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_REPOSITORY (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (queries != NULL && queries->len > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _orgdesk_repository_run_async);

  request = g_new0 (RunRequest, 1);
  request->scope = _orgdesk_repository_scope_ref (scope);
  request->queries = g_ptr_array_ref (queries);
  g_task_set_task_data (task, request, (GDestroyNotify) run_request_free);

  request_token (task);
}

GPtrArray *
_orgdesk_repository_run_finish (OrgdeskRepository  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (ORGDESK_IS_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What to make of the last statement's rows (see _orgdesk_repository_run_for_row()) */
typedef struct
{
  OrgdeskRowFunc  new_from_row;
  GDestroyNotify  free_func;
  char           *not_found_message;   /* NULL: every row, as an array */
} RowRequest;

static void
row_request_free (RowRequest *request)
{
  g_free (request->not_found_message);
  g_free (request);
}

/* A row the repository's function cannot read (it returned NULL: a value this
 * version does not know) fails the whole answer, rather than handing on a NULL
 * or a part of the rows. */
static void
return_unreadable (GTask *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The database answered with a row this version cannot read");
}

static void
on_rows_returned_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RowRequest *request = g_task_get_task_data (task);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  OrgdeskQueryResult *rows;
  gpointer object;
  GError *error = NULL;
  guint n_rows;

  results = _orgdesk_repository_run_finish (ORGDESK_REPOSITORY (source), result, &error);
  if (results == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  rows = g_ptr_array_index (results, results->len - 1);
  n_rows = orgdesk_query_result_get_n_rows (rows);
  if (request->not_found_message != NULL)
    {
      if (n_rows == 0)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s", request->not_found_message);
      else if ((object = request->new_from_row (rows, 0)) == NULL)
        return_unreadable (task);
      else
        g_task_return_pointer (task, object, request->free_func);
      return;
    }

  objects = g_ptr_array_new_full (n_rows, request->free_func);
  for (guint i = 0; i < n_rows; i++)
    {
      if ((object = request->new_from_row (rows, i)) == NULL)
        {
          return_unreadable (task);
          return;
        }
      g_ptr_array_add (objects, object);
    }
  g_task_return_pointer (task, g_steal_pointer (&objects), (GDestroyNotify) g_ptr_array_unref);
}

static void
run_for_rows (OrgdeskRepository      *self,
              OrgdeskRepositoryScope *scope,
              GPtrArray              *queries,
              GTask                  *task,
              OrgdeskRowFunc          new_from_row,
              GDestroyNotify          free_func,
              const char             *not_found_message)
{
  RowRequest *request = g_new0 (RowRequest, 1);

  request->new_from_row = new_from_row;
  request->free_func = free_func;
  request->not_found_message = g_strdup (not_found_message);
  g_task_set_task_data (task, request, (GDestroyNotify) row_request_free);

  _orgdesk_repository_run_async (self, scope, queries, g_task_get_cancellable (task), on_rows_returned_cb, task);
}

/**
 * _orgdesk_repository_run_for_row:
 * @self: a repository
 * @scope: the scope captured when the request started
 * @queries: (element-type OrgdeskQuery): the statements, one transaction
 * @task: (transfer full): the request's task, from _orgdesk_repository_start_task()
 * @new_from_row: makes the object from the last statement's first row, or
 *   returns %NULL for a row it cannot read
 * @free_func: frees what @new_from_row makes
 * @not_found_message: the error when the last statement returned no row
 *
 * Runs @queries (see _orgdesk_repository_run_async()) and returns on @task what
 * @new_from_row makes of the last statement's first row, or fails it with
 * %G_IO_ERROR_NOT_FOUND when there is none, or %G_IO_ERROR_INVALID_DATA when
 * @new_from_row returned %NULL.
 */
void
_orgdesk_repository_run_for_row (OrgdeskRepository      *self,
                                 OrgdeskRepositoryScope *scope,
                                 GPtrArray              *queries,
                                 GTask                  *task,
                                 OrgdeskRowFunc          new_from_row,
                                 GDestroyNotify          free_func,
                                 const char             *not_found_message)
{
  g_return_if_fail (not_found_message != NULL);

  run_for_rows (self, scope, queries, task, new_from_row, free_func, not_found_message);
}

/**
 * _orgdesk_repository_run_for_rows:
 *
 * Like _orgdesk_repository_run_for_row(), returning a #GPtrArray of what
 * @new_from_row makes of each of the last statement's rows (maybe none).
 */
void
_orgdesk_repository_run_for_rows (OrgdeskRepository      *self,
                                  OrgdeskRepositoryScope *scope,
                                  GPtrArray              *queries,
                                  GTask                  *task,
                                  OrgdeskRowFunc          new_from_row,
                                  GDestroyNotify          free_func)
{
  run_for_rows (self, scope, queries, task, new_from_row, free_func, NULL);
}

static void
orgdesk_repository_dispose (GObject *object)
{
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (ORGDESK_REPOSITORY (object));

  g_clear_object (&priv->database);
  g_clear_object (&priv->session);

  G_OBJECT_CLASS (orgdesk_repository_parent_class)->dispose (object);
}

static void
orgdesk_repository_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (ORGDESK_REPOSITORY (object));

  switch (prop_id)
    {
    case PROP_DATABASE:
      g_value_set_object (value, priv->database);
      break;

    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_repository_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (ORGDESK_REPOSITORY (object));

  switch (prop_id)
    {
    case PROP_DATABASE:
      priv->database = g_value_dup_object (value);
      break;

    case PROP_SESSION:
      priv->session = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_repository_class_init (OrgdeskRepositoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_repository_dispose;
  object_class->get_property = orgdesk_repository_get_property;
  object_class->set_property = orgdesk_repository_set_property;

  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL, ORGDESK_TYPE_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ORGDESK_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_repository_init (OrgdeskRepository *self)
{
}

OrgdeskSession *
orgdesk_repository_get_session (OrgdeskRepository *self)
{
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (self);

  g_return_val_if_fail (ORGDESK_IS_REPOSITORY (self), NULL);
  return priv->session;
}

/**
 * orgdesk_repository_get_database:
 * @self: a #OrgdeskRepository
 *
 * The connection the repository uses, for its state (a view shows "offline"
 * while it is down and reloads when it is back).
 *
 * Returns: (transfer none): the database
 */
OrgdeskDatabase *
orgdesk_repository_get_database (OrgdeskRepository *self)
{
  OrgdeskRepositoryPrivate *priv = orgdesk_repository_get_instance_private (self);

  g_return_val_if_fail (ORGDESK_IS_REPOSITORY (self), NULL);
  return priv->database;
}
