/* orgdesk-comment-repository.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-comment.h"
#include "orgdesk-repository.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_COMMENT_REPOSITORY (orgdesk_comment_repository_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskCommentRepository, orgdesk_comment_repository, ORGDESK, COMMENT_REPOSITORY, OrgdeskRepository)

/* A post shows at most this many comments, oldest first. */
#define ORGDESK_COMMENT_REPOSITORY_MAX_COMMENTS 500

OrgdeskCommentRepository *orgdesk_comment_repository_new           (OrgdeskDatabase          *database,
                                                                   OrgdeskSession           *session);
void                      orgdesk_comment_repository_list_async    (OrgdeskCommentRepository *self,
                                                                   const char               *post_id,
                                                                   GCancellable             *cancellable,
                                                                   GAsyncReadyCallback       callback,
                                                                   gpointer                  user_data);
GPtrArray                *orgdesk_comment_repository_list_finish   (OrgdeskCommentRepository *self,
                                                                   GAsyncResult             *result,
                                                                   GError                  **error);
void                      orgdesk_comment_repository_create_async  (OrgdeskCommentRepository *self,
                                                                   const char               *comment_id,
                                                                   const char               *post_id,
                                                                   const char               *body,
                                                                   GCancellable             *cancellable,
                                                                   GAsyncReadyCallback       callback,
                                                                   gpointer                  user_data);
OrgdeskComment           *orgdesk_comment_repository_create_finish (OrgdeskCommentRepository *self,
                                                                   GAsyncResult             *result,
                                                                   GError                  **error);
void                      orgdesk_comment_repository_update_async  (OrgdeskCommentRepository *self,
                                                                   const char               *comment_id,
                                                                   const char               *body,
                                                                   GCancellable             *cancellable,
                                                                   GAsyncReadyCallback       callback,
                                                                   gpointer                  user_data);
OrgdeskComment           *orgdesk_comment_repository_update_finish (OrgdeskCommentRepository *self,
                                                                   GAsyncResult             *result,
                                                                   GError                  **error);
void                      orgdesk_comment_repository_delete_async  (OrgdeskCommentRepository *self,
                                                                   const char               *comment_id,
                                                                   GCancellable             *cancellable,
                                                                   GAsyncReadyCallback       callback,
                                                                   gpointer                  user_data);
gboolean                  orgdesk_comment_repository_delete_finish (OrgdeskCommentRepository *self,
                                                                   GAsyncResult             *result,
                                                                   GError                  **error);

G_END_DECLS
