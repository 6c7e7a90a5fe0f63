/* orgdesk-post-repository.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "orgdesk-post-repository.h"
#include "orgdesk-post-source-private.h"

/* The posts of the active organization.  Every statement names the organization as
 * $1 (from the session, through the scope) besides the database's own policy. */

#define MAX_TITLE_CHARS 200
#define MAX_BODY_CHARS 100000

#define POST_FROM_RETURNED \
  " FROM p LEFT JOIN orgdesk.users u ON u.id = p.author_id"

/* The id is the caller's ($2): saving the same draft again after an unknown
 * outcome (the connection was lost after the COMMIT was sent) finds the post
 * the first attempt made and gives it the latest text, instead of a duplicate. */
#define INSERT_POST_SQL \
  "WITH p AS (INSERT INTO orgdesk.posts (logto_organization_id, id, author_id, title, body)" \
  "  VALUES ($1, $2::uuid, (SELECT id FROM orgdesk.users WHERE logto_id = orgdesk.current_user_logto_id ()), $3, $4)" \
  "  ON CONFLICT (logto_organization_id, id) DO UPDATE SET title = excluded.title, body = excluded.body" \
  "  RETURNING *)" \
  " SELECT " ORGDESK_POST_COLUMNS POST_FROM_RETURNED

#define SELECT_POST_SQL \
  "SELECT " ORGDESK_POST_COLUMNS \
  " FROM orgdesk.posts p LEFT JOIN orgdesk.users u ON u.id = p.author_id" \
  " WHERE p.logto_organization_id = $1 AND p.id = $2::uuid"

#define UPDATE_POST_SQL \
  "WITH p AS (UPDATE orgdesk.posts SET title = $3, body = $4" \
  "  WHERE logto_organization_id = $1 AND id = $2::uuid RETURNING *)" \
  " SELECT " ORGDESK_POST_COLUMNS POST_FROM_RETURNED

#define DELETE_POST_SQL \
  "DELETE FROM orgdesk.posts WHERE logto_organization_id = $1 AND id = $2::uuid"

struct _OrgdeskPostRepository
{
  OrgdeskRepository parent_instance;
};

G_DEFINE_FINAL_TYPE (OrgdeskPostRepository, orgdesk_post_repository, ORGDESK_TYPE_REPOSITORY)

G_DEFINE_ENUM_TYPE (OrgdeskPostSort, orgdesk_post_sort,
  G_DEFINE_ENUM_VALUE (ORGDESK_POST_SORT_NEWEST, "newest"),
  G_DEFINE_ENUM_VALUE (ORGDESK_POST_SORT_OLDEST, "oldest"),
  G_DEFINE_ENUM_VALUE (ORGDESK_POST_SORT_TITLE, "title"))

static void
orgdesk_post_repository_class_init (OrgdeskPostRepositoryClass *klass)
{
}

static void
orgdesk_post_repository_init (OrgdeskPostRepository *self)
{
}

/* Checks {{{ */

static gboolean
check_post (const char  *title,
            const char  *body,
            GError     **error)
{
  g_autofree char *stripped = NULL;

  if (title == NULL || !g_utf8_validate (title, -1, NULL) ||
      body == NULL || !g_utf8_validate (body, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("The text is not valid"));
      return FALSE;
    }

  stripped = g_strstrip (g_strdup (title));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("A post needs a title"));
      return FALSE;
    }

  if (g_utf8_strlen (title, -1) > MAX_TITLE_CHARS || g_utf8_strlen (body, -1) > MAX_BODY_CHARS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("The post is too long"));
      return FALSE;
    }

  return TRUE;
}

/* }}} */

/* Running statements {{{ */

/* The last statement's rows hold the post (or none: not in this organization). */
static void
on_post_returned_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) results = NULL;
  OrgdeskQueryResult *rows;
  GError *error = NULL;

  results = _orgdesk_repository_run_finish (ORGDESK_REPOSITORY (source), result, &error);
  if (results == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  rows = g_ptr_array_index (results, results->len - 1);
  if (orgdesk_query_result_get_n_rows (rows) == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The post does not exist"));
      return;
    }

  g_task_return_pointer (task, orgdesk_post_new_from_result (rows, 0), g_object_unref);
}

static void
run (OrgdeskPostRepository  *self,
     OrgdeskRepositoryScope *scope,
     GPtrArray              *queries,
     GTask                  *task,
     GAsyncReadyCallback     callback)
{
  _orgdesk_repository_run_async (ORGDESK_REPOSITORY (self), scope, queries,
                                 g_task_get_cancellable (task), callback, task);
}

/* }}} */

OrgdeskPostRepository *
orgdesk_post_repository_new (OrgdeskDatabase *database,
                             OrgdeskSession  *session)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (ORGDESK_IS_SESSION (session), NULL);

  return g_object_new (ORGDESK_TYPE_POST_REPOSITORY, "database", database, "session", session, NULL);
}

/**
 * orgdesk_post_repository_list:
 * @self: a #OrgdeskPostRepository
 * @search: (nullable): only posts whose title or body contain this text
 *   (case-insensitive; every character is plain text)
 * @sort: the order of the posts
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the active organization's posts in the order
 *   @sort, as a source for an #OrgdeskPagedModel; it stays with this organization
 */
OrgdeskPageSource *
orgdesk_post_repository_list (OrgdeskPostRepository  *self,
                              const char             *search,
                              OrgdeskPostSort         sort,
                              GError                **error)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;

  g_return_val_if_fail (ORGDESK_IS_POST_REPOSITORY (self), NULL);
  g_return_val_if_fail ((guint) sort <= ORGDESK_POST_SORT_TITLE, NULL);

  scope = _orgdesk_repository_scope_new (ORGDESK_REPOSITORY (self), error);
  if (scope == NULL)
    return NULL;

  return ORGDESK_PAGE_SOURCE (_orgdesk_post_source_new (self, scope, search, sort));
}

/**
 * orgdesk_post_repository_create_async:
 * @self: a #OrgdeskPostRepository
 * @post_id: (nullable): the new post's id, a UUID the caller chose for the
 *   draft (orgdesk_post_repository_new_post_id()): a second create with the
 *   same id updates the first one's post instead of adding another, so a draft
 *   can be saved again safely after a failure whose outcome is unknown; %NULL
 *   for a fresh id
 * @title: the title
 * @body: the text
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the post as the database stored it
 * @user_data: data for @callback
 *
 * Adds a post to the active organization.
 */
void
orgdesk_post_repository_create_async (OrgdeskPostRepository *self,
                                      const char            *post_id,
                                      const char            *title,
                                      const char            *body,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  OrgdeskQuery *query;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_POST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _orgdesk_repository_start_task (ORGDESK_REPOSITORY (self), orgdesk_post_repository_create_async, cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  if (post_id != NULL && !g_uuid_string_is_valid (post_id))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a new post's id must be a UUID");
  if (error != NULL || !check_post (title, body, &error))
    {
      _orgdesk_repository_fail_task (task, error);
      return;
    }

  g_ptr_array_add (queries, _orgdesk_repository_new_author_upsert (ORGDESK_REPOSITORY (self)));

  query = _orgdesk_repository_scope_new_query (scope, INSERT_POST_SQL);
  if (post_id != NULL)
    orgdesk_query_add_param (query, post_id);
  else
    {
      g_autofree char *new_id = orgdesk_post_repository_new_post_id ();

      orgdesk_query_add_param (query, new_id);
    }
  orgdesk_query_add_param (query, title);
  orgdesk_query_add_param (query, body);
  g_ptr_array_add (queries, query);

  run (self, scope, queries, task, on_post_returned_cb);
}

/**
 * orgdesk_post_repository_new_post_id:
 *
 * Returns: (transfer full): a random id for a post yet to be created
 */
char *
orgdesk_post_repository_new_post_id (void)
{
  return g_uuid_string_random ();
}

OrgdeskPost *
orgdesk_post_repository_create_finish (OrgdeskPostRepository  *self,
                                       GAsyncResult           *result,
                                       GError                **error)
{
  g_return_val_if_fail (ORGDESK_IS_POST_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
orgdesk_post_repository_get_async (OrgdeskPostRepository *self,
                                   const char            *post_id,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  OrgdeskQuery *query;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_POST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _orgdesk_repository_start_task (ORGDESK_REPOSITORY (self), orgdesk_post_repository_get_async, cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  if (!_orgdesk_repository_check_id (post_id, _("The post does not exist"), &error))
    {
      _orgdesk_repository_fail_task (task, error);
      return;
    }

  query = _orgdesk_repository_scope_new_query (scope, SELECT_POST_SQL);
  orgdesk_query_add_param (query, post_id);
  g_ptr_array_add (queries, query);

  run (self, scope, queries, task, on_post_returned_cb);
}

OrgdeskPost *
orgdesk_post_repository_get_finish (OrgdeskPostRepository  *self,
                                    GAsyncResult           *result,
                                    GError                **error)
{
  g_return_val_if_fail (ORGDESK_IS_POST_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
orgdesk_post_repository_update_async (OrgdeskPostRepository *self,
                                      const char            *post_id,
                                      const char            *title,
                                      const char            *body,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  OrgdeskQuery *query;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_POST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _orgdesk_repository_start_task (ORGDESK_REPOSITORY (self), orgdesk_post_repository_update_async, cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  if (!_orgdesk_repository_check_id (post_id, _("The post does not exist"), &error) || !check_post (title, body, &error))
    {
      _orgdesk_repository_fail_task (task, error);
      return;
    }

  query = _orgdesk_repository_scope_new_query (scope, UPDATE_POST_SQL);
  orgdesk_query_add_param (query, post_id);
  orgdesk_query_add_param (query, title);
  orgdesk_query_add_param (query, body);
  g_ptr_array_add (queries, query);

  run (self, scope, queries, task, on_post_returned_cb);
}

OrgdeskPost *
orgdesk_post_repository_update_finish (OrgdeskPostRepository  *self,
                                       GAsyncResult           *result,
                                       GError                **error)
{
  g_return_val_if_fail (ORGDESK_IS_POST_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
orgdesk_post_repository_delete_async (OrgdeskPostRepository *self,
                                      const char            *post_id,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_return_if_fail (ORGDESK_IS_POST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  _orgdesk_repository_delete_async (ORGDESK_REPOSITORY (self), orgdesk_post_repository_delete_async,
                                    DELETE_POST_SQL, post_id, _("The post does not exist"),
                                    cancellable, callback, user_data);
}

gboolean
orgdesk_post_repository_delete_finish (OrgdeskPostRepository  *self,
                                       GAsyncResult           *result,
                                       GError                **error)
{
  g_return_val_if_fail (ORGDESK_IS_POST_REPOSITORY (self), FALSE);

  return _orgdesk_repository_delete_finish (ORGDESK_REPOSITORY (self), result, error);
}
