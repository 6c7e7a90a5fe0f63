/* orgdesk-comment-repository.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "orgdesk-comment-repository.h"
#include "orgdesk-repository-private.h"

/* Comments on the active organization's posts.  A comment names its post by
 * (organization, post): the database refuses one on another organization's post. */

#define MAX_BODY_CHARS 20000

#define SELECT_COMMENTS_SQL \
  "SELECT " ORGDESK_COMMENT_COLUMNS \
  " FROM orgdesk.comments c LEFT JOIN orgdesk.users u ON u.id = c.author_id" \
  " WHERE c.logto_organization_id = $1 AND c.post_id = $2::pg_catalog.uuid" \
  " ORDER BY c.created_at, c.id LIMIT " G_STRINGIFY (ORGDESK_COMMENT_REPOSITORY_MAX_COMMENTS)

/* Writes name the row by $2 (the post for an insert, the comment for an update),
 * take the body as $3 and return what they wrote as a comment. */
#define COMMENT_FROM_RETURNED \
  " SELECT " ORGDESK_COMMENT_COLUMNS " FROM c LEFT JOIN orgdesk.users u ON u.id = c.author_id"

/* $4 is the new comment's id, the caller's: sending the same comment again
 * after an unknown outcome updates the first attempt's row (if it is on the
 * same post) instead of adding a second one. */
#define INSERT_COMMENT_SQL \
  "WITH c AS (INSERT INTO orgdesk.comments (logto_organization_id, id, post_id, author_id, body)" \
  "  VALUES ($1, $4::pg_catalog.uuid, $2::pg_catalog.uuid, (SELECT id FROM orgdesk.users WHERE logto_id = orgdesk.current_user_id ()), $3)" \
  "  ON CONFLICT (logto_organization_id, id) DO UPDATE SET body = excluded.body" \
  "    WHERE comments.post_id = excluded.post_id" \
  "  RETURNING *)" COMMENT_FROM_RETURNED

/* The author and created_at stay; the database's trigger sets updated_at. */
#define UPDATE_COMMENT_SQL \
  "WITH c AS (UPDATE orgdesk.comments SET body = $3" \
  "  WHERE logto_organization_id = $1 AND id = $2::pg_catalog.uuid RETURNING *)" COMMENT_FROM_RETURNED

#define DELETE_COMMENT_SQL \
  "DELETE FROM orgdesk.comments WHERE logto_organization_id = $1 AND id = $2::pg_catalog.uuid"

struct _OrgdeskCommentRepository
{
  OrgdeskRepository parent_instance;
};

G_DEFINE_FINAL_TYPE (OrgdeskCommentRepository, orgdesk_comment_repository, ORGDESK_TYPE_REPOSITORY)

static void
orgdesk_comment_repository_class_init (OrgdeskCommentRepositoryClass *klass)
{
}

static void
orgdesk_comment_repository_init (OrgdeskCommentRepository *self)
{
}

static gboolean
check_body (const char  *body,
            GError     **error)
{
  g_autofree char *stripped = NULL;

  if (body == NULL || !g_utf8_validate (body, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("The text is not valid"));
      return FALSE;
    }

  stripped = g_strstrip (g_strdup (body));
  if (*stripped == '\0' || g_utf8_strlen (body, -1) > MAX_BODY_CHARS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           *stripped == '\0' ? _("A comment needs some text") : _("The comment is too long"));
      return FALSE;
    }

  return TRUE;
}

OrgdeskCommentRepository *
orgdesk_comment_repository_new (OrgdeskDatabase *database,
                                OrgdeskSession  *session)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (ORGDESK_IS_SESSION (session), NULL);

  return g_object_new (ORGDESK_TYPE_COMMENT_REPOSITORY, "database", database, "session", session, NULL);
}

void
orgdesk_comment_repository_list_async (OrgdeskCommentRepository *self,
                                       const char               *post_id,
                                       GCancellable             *cancellable,
                                       GAsyncReadyCallback       callback,
                                       gpointer                  user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  OrgdeskQuery *query;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _orgdesk_repository_start_task_for_id (ORGDESK_REPOSITORY (self), orgdesk_comment_repository_list_async,
                                                post_id, _("The post does not exist"),
                                                cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  query = _orgdesk_repository_scope_new_query (scope, SELECT_COMMENTS_SQL);
  orgdesk_query_add_param (query, post_id);
  g_ptr_array_add (queries, query);
  _orgdesk_repository_run_for_rows (ORGDESK_REPOSITORY (self), scope, queries, task,
                                    (OrgdeskRowFunc) orgdesk_comment_new_from_result, g_object_unref);
}

/**
 * orgdesk_comment_repository_list_finish:
 * @self: a #OrgdeskCommentRepository
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type OrgdeskComment): the comments, oldest first
 */
GPtrArray *
orgdesk_comment_repository_list_finish (OrgdeskCommentRepository  *self,
                                        GAsyncResult              *result,
                                        GError                   **error)
{
  g_return_val_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Create and update: the same checks, then @sql with @id as $2 and @body as $3
 * (and a new comment's own id as $4).  A new comment names its author, so the
 * user's row is upserted first. */
static void
write_comment (OrgdeskCommentRepository *self,
               gpointer                  source_tag,
               const char               *sql,
               const char               *new_comment_id,
               const char               *id,
               const char               *not_found_message,
               const char               *body,
               GCancellable             *cancellable,
               GAsyncReadyCallback       callback,
               gpointer                  user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  OrgdeskQuery *query;
  GError *error = NULL;
  GTask *task;

  g_assert (ORGDESK_IS_COMMENT_REPOSITORY (self));

  task = _orgdesk_repository_start_task (ORGDESK_REPOSITORY (self), source_tag,
                                         cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  if (new_comment_id != NULL && !g_uuid_string_is_valid (new_comment_id))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a new comment's id must be a UUID");
  if (error != NULL || !_orgdesk_repository_check_id (id, not_found_message, &error) || !check_body (body, &error))
    {
      _orgdesk_repository_fail_task (task, error);
      return;
    }

  if (source_tag == orgdesk_comment_repository_create_async)
    g_ptr_array_add (queries, _orgdesk_repository_new_author_upsert (ORGDESK_REPOSITORY (self)));
  query = _orgdesk_repository_scope_new_query (scope, sql);
  orgdesk_query_add_param (query, id);
  orgdesk_query_add_param (query, body);
  if (source_tag == orgdesk_comment_repository_create_async)
    {
      g_autofree char *fresh_id = new_comment_id == NULL ? g_uuid_string_random () : NULL;

      orgdesk_query_add_param (query, new_comment_id != NULL ? new_comment_id : fresh_id);
    }
  g_ptr_array_add (queries, query);
  /* No row: not in this organization, or deleted meanwhile */
  _orgdesk_repository_run_for_row (ORGDESK_REPOSITORY (self), scope, queries, task,
                                   (OrgdeskRowFunc) orgdesk_comment_new_from_result, g_object_unref,
                                   _("The comment does not exist"));
}

/**
 * orgdesk_comment_repository_create_async:
 * @self: a #OrgdeskCommentRepository
 * @comment_id: (nullable): the new comment's id, a UUID the caller chose
 *   (g_uuid_string_random()): sending it again with the same id after a failure
 *   whose outcome is unknown updates the first attempt's comment instead of
 *   adding another; %NULL for a fresh id
 * @post_id: the post it comments on
 * @body: its text: not blank, at most 20,000 characters
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the comment as the database stored it
 * @user_data: data for @callback
 */
void
orgdesk_comment_repository_create_async (OrgdeskCommentRepository *self,
                                         const char               *comment_id,
                                         const char               *post_id,
                                         const char               *body,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data)
{
  g_return_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  write_comment (self, orgdesk_comment_repository_create_async, INSERT_COMMENT_SQL, comment_id,
                 post_id, _("The post does not exist"), body, cancellable, callback, user_data);
}

OrgdeskComment *
orgdesk_comment_repository_create_finish (OrgdeskCommentRepository  *self,
                                          GAsyncResult              *result,
                                          GError                   **error)
{
  g_return_val_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * orgdesk_comment_repository_update_async:
 * @self: a #OrgdeskCommentRepository
 * @comment_id: the comment's id
 * @body: its new text: not blank, at most 20,000 characters
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the updated comment
 * @user_data: data for @callback
 *
 * Replaces a comment's text in the active organization.  A comment of another
 * organization, or one deleted meanwhile, fails with %G_IO_ERROR_NOT_FOUND.
 */
void
orgdesk_comment_repository_update_async (OrgdeskCommentRepository *self,
                                         const char               *comment_id,
                                         const char               *body,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data)
{
  g_return_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  write_comment (self, orgdesk_comment_repository_update_async, UPDATE_COMMENT_SQL, NULL,
                 comment_id, _("The comment does not exist"), body, cancellable, callback, user_data);
}

/**
 * orgdesk_comment_repository_update_finish:
 * @self: a #OrgdeskCommentRepository
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the comment as it is now (same id, author and
 *   creation time), or %NULL on error
 */
OrgdeskComment *
orgdesk_comment_repository_update_finish (OrgdeskCommentRepository  *self,
                                          GAsyncResult              *result,
                                          GError                   **error)
{
  g_return_val_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
orgdesk_comment_repository_delete_async (OrgdeskCommentRepository *self,
                                         const char               *comment_id,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data)
{
  g_return_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  _orgdesk_repository_delete_async (ORGDESK_REPOSITORY (self), orgdesk_comment_repository_delete_async,
                                    DELETE_COMMENT_SQL, comment_id, _("The comment does not exist"),
                                    cancellable, callback, user_data);
}

gboolean
orgdesk_comment_repository_delete_finish (OrgdeskCommentRepository  *self,
                                          GAsyncResult              *result,
                                          GError                   **error)
{
  g_return_val_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (self), FALSE);

  return _orgdesk_repository_delete_finish (ORGDESK_REPOSITORY (self), result, error);
}
