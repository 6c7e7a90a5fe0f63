/* orgdesk-post-repository.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-page-source.h"
#include "orgdesk-post.h"
#include "orgdesk-repository.h"

G_BEGIN_DECLS

/**
 * OrgdeskPostSort:
 * @ORGDESK_POST_SORT_NEWEST: newest first (created_at, then id, descending)
 * @ORGDESK_POST_SORT_OLDEST: oldest first (created_at, then id, ascending)
 * @ORGDESK_POST_SORT_TITLE: by title in the database's collation, then by id
 *
 * The orders of orgdesk_post_repository_list(); each is a total order on an
 * index, so every page is found by key.
 */
typedef enum
{
  ORGDESK_POST_SORT_NEWEST,
  ORGDESK_POST_SORT_OLDEST,
  ORGDESK_POST_SORT_TITLE,
} OrgdeskPostSort;

#define ORGDESK_TYPE_POST_SORT (orgdesk_post_sort_get_type ())
GType orgdesk_post_sort_get_type (void);

#define ORGDESK_TYPE_POST_REPOSITORY (orgdesk_post_repository_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPostRepository, orgdesk_post_repository, ORGDESK, POST_REPOSITORY, OrgdeskRepository)

OrgdeskPostRepository *orgdesk_post_repository_new           (OrgdeskDatabase       *database,
                                                             OrgdeskSession        *session);
OrgdeskPageSource     *orgdesk_post_repository_list          (OrgdeskPostRepository *self,
                                                             const char            *search,
                                                             OrgdeskPostSort        sort,
                                                             GError               **error);
char                  *orgdesk_post_repository_new_post_id   (void);
void                   orgdesk_post_repository_create_async  (OrgdeskPostRepository *self,
                                                             const char            *post_id,
                                                             const char            *title,
                                                             const char            *body,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
OrgdeskPost           *orgdesk_post_repository_create_finish (OrgdeskPostRepository *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
void                   orgdesk_post_repository_get_async     (OrgdeskPostRepository *self,
                                                             const char            *post_id,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
OrgdeskPost           *orgdesk_post_repository_get_finish    (OrgdeskPostRepository *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
void                   orgdesk_post_repository_update_async  (OrgdeskPostRepository *self,
                                                             const char            *post_id,
                                                             const char            *title,
                                                             const char            *body,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
OrgdeskPost           *orgdesk_post_repository_update_finish (OrgdeskPostRepository *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
void                   orgdesk_post_repository_delete_async  (OrgdeskPostRepository *self,
                                                             const char            *post_id,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean               orgdesk_post_repository_delete_finish (OrgdeskPostRepository *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);

G_END_DECLS
