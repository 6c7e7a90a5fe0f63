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
  "  VALUES ($1, $2::pg_catalog.uuid, (SELECT id FROM orgdesk.users WHERE logto_id = orgdesk.current_user_id ()), $3, $4)" \
  "  ON CONFLICT (logto_organization_id, id) DO UPDATE SET title = excluded.title, body = excluded.body" \
  "  RETURNING *)" \
  " SELECT " ORGDESK_POST_COLUMNS POST_FROM_RETURNED

#define SELECT_POST_SQL \
  "SELECT " ORGDESK_POST_COLUMNS \
  " FROM orgdesk.posts p LEFT JOIN orgdesk.users u ON u.id = p.author_id" \
  " WHERE p.logto_organization_id = $1 AND p.id = $2::pg_catalog.uuid"

#define UPDATE_POST_SQL \
  "WITH p AS (UPDATE orgdesk.posts SET title = $3, body = $4" \
  "  WHERE logto_organization_id = $1 AND id = $2::pg_catalog.uuid RETURNING *)" \
  " SELECT " ORGDESK_POST_COLUMNS POST_FROM_RETURNED

#define DELETE_POST_SQL \
  "DELETE FROM orgdesk.posts WHERE logto_organization_id = $1 AND id = $2::pg_catalog.uuid"

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
run_for_post (OrgdeskPostRepository  *self,
              OrgdeskRepositoryScope *scope,
              GPtrArray              *queries,
              GTask                  *task)
{
  _orgdesk_repository_run_for_row (ORGDESK_REPOSITORY (self), scope, queries, task,
                                   (OrgdeskRowFunc) orgdesk_post_new_from_result, g_object_unref,
                                   _("The post does not exist"));
}

/* Create and update: the same checks, then @sql with @post_id as $2, @title as
 * $3 and @body as $4.  A new post names its author, so the user's row is
 * upserted first. */
static void
write_post (OrgdeskPostRepository *self,
            gpointer               source_tag,
            const char            *sql,
            const char            *post_id,
            const char            *title,
            const char            *body,
            GCancellable          *cancellable,
            GAsyncReadyCallback    callback,
            gpointer               user_data)
{
  gboolean create = source_tag == orgdesk_post_repository_create_async;
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *fresh_id = NULL;
  OrgdeskQuery *query;
  GError *error = NULL;
  GTask *task;

  g_assert (ORGDESK_IS_POST_REPOSITORY (self));

  task = _orgdesk_repository_start_task (ORGDESK_REPOSITORY (self), source_tag, cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  if (create && post_id != NULL && !g_uuid_string_is_valid (post_id))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a new post's id must be a UUID");
  else if (!create)
    _orgdesk_repository_check_id (post_id, _("The post does not exist"), &error);
  if (error != NULL || !check_post (title, body, &error))
    {
      _orgdesk_repository_fail_task (task, error);
      return;
    }

  if (create)
    {
      g_ptr_array_add (queries, _orgdesk_repository_new_author_upsert (ORGDESK_REPOSITORY (self)));
      if (post_id == NULL)
        post_id = fresh_id = orgdesk_post_repository_new_post_id ();
    }
  query = _orgdesk_repository_scope_new_query (scope, sql);
  orgdesk_query_add_param (query, post_id);
  orgdesk_query_add_param (query, title);
  orgdesk_query_add_param (query, body);
  g_ptr_array_add (queries, query);

  run_for_post (self, scope, queries, task);
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
  g_return_if_fail (ORGDESK_IS_POST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  write_post (self, orgdesk_post_repository_create_async, INSERT_POST_SQL, post_id, title, body,
              cancellable, callback, user_data);
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
  GTask *task;

  g_return_if_fail (ORGDESK_IS_POST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _orgdesk_repository_start_task_for_id (ORGDESK_REPOSITORY (self), orgdesk_post_repository_get_async,
                                                post_id, _("The post does not exist"),
                                                cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  query = _orgdesk_repository_scope_new_query (scope, SELECT_POST_SQL);
  orgdesk_query_add_param (query, post_id);
  g_ptr_array_add (queries, query);

  run_for_post (self, scope, queries, task);
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
  g_return_if_fail (ORGDESK_IS_POST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  write_post (self, orgdesk_post_repository_update_async, UPDATE_POST_SQL, post_id, title, body,
              cancellable, callback, user_data);
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
