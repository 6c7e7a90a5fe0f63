/* orgdesk-user-repository.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-repository-private.h"
#include "orgdesk-user-repository.h"

/* The signed-in user's own row of orgdesk.users, written at sign-in.  It runs in
 * a user scope: the database knows who asks and no organization, so it works
 * for a user with no organization too, and the row's logto_id can only be the
 * session's subject (the users policies compare it with the context). */

/* An unchanged profile is left alone (no new row version at every sign-in); the
 * second statement reads the id whether or not a row was written. */
#define UPSERT_USER_SQL \
  "INSERT INTO orgdesk.users (logto_id, email, name)" \
  " VALUES (orgdesk.current_user_id (), $1, $2)" \
  " ON CONFLICT (logto_id) DO UPDATE SET email = excluded.email, name = excluded.name" \
  " WHERE (users.email, users.name) IS DISTINCT FROM (excluded.email, excluded.name)"

#define SELECT_USER_ID_SQL \
  "SELECT id FROM orgdesk.users WHERE logto_id = orgdesk.current_user_id ()"

struct _OrgdeskUserRepository
{
  OrgdeskRepository parent_instance;
};

G_DEFINE_FINAL_TYPE (OrgdeskUserRepository, orgdesk_user_repository, ORGDESK_TYPE_REPOSITORY)

/* The last statement's one row holds the user's id. */
static gpointer
user_id_from_result (OrgdeskQueryResult *rows,
                     guint               row)
{
  return g_strdup (orgdesk_query_result_get_value (rows, row, 0));
}

static void
orgdesk_user_repository_class_init (OrgdeskUserRepositoryClass *klass)
{
}

static void
orgdesk_user_repository_init (OrgdeskUserRepository *self)
{
}

OrgdeskUserRepository *
orgdesk_user_repository_new (OrgdeskDatabase *database,
                             OrgdeskSession  *session)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (ORGDESK_IS_SESSION (session), NULL);

  return g_object_new (ORGDESK_TYPE_USER_REPOSITORY, "database", database, "session", session, NULL);
}

/**
 * orgdesk_user_repository_upsert_async:
 * @self: a #OrgdeskUserRepository
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Creates or updates the signed-in user's row (Logto subject, email, name, as
 * the session has them now), with or without an active organization.  Fails
 * with %ORGDESK_DATABASE_ERROR_PERMISSION when nobody is signed in.
 */
void
orgdesk_user_repository_upsert_async (OrgdeskUserRepository *self,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  OrgdeskSession *session;
  OrgdeskQuery *query;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_USER_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _orgdesk_repository_start_user_task (ORGDESK_REPOSITORY (self), orgdesk_user_repository_upsert_async,
                                              cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  session = orgdesk_repository_get_session (ORGDESK_REPOSITORY (self));
  query = orgdesk_query_new (UPSERT_USER_SQL);
  _orgdesk_repository_add_profile_params (query, orgdesk_session_get_user (session));
  g_ptr_array_add (queries, query);
  g_ptr_array_add (queries, orgdesk_query_new (SELECT_USER_ID_SQL));

  _orgdesk_repository_run_for_row (ORGDESK_REPOSITORY (self), scope, queries, task,
                                   user_id_from_result, g_free, "The user's row is not there");
}

/**
 * orgdesk_user_repository_upsert_finish:
 * @self: a #OrgdeskUserRepository
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the row's id (a UUID, the same for the
 *   user on every upsert), or %NULL on error
 */
char *
orgdesk_user_repository_upsert_finish (OrgdeskUserRepository  *self,
                                       GAsyncResult           *result,
                                       GError                **error)
{
  g_return_val_if_fail (ORGDESK_IS_USER_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
