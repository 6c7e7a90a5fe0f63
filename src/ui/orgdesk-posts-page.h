/* orgdesk-posts-page.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "orgdesk-comment-repository.h"
#include "orgdesk-paged-model.h"
#include "orgdesk-post-repository.h"
#include "orgdesk-write-access.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_POSTS_PAGE (orgdesk_posts_page_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPostsPage, orgdesk_posts_page, ORGDESK, POSTS_PAGE, GtkWidget)

GtkWidget         *orgdesk_posts_page_new             (OrgdeskPostRepository    *repository,
                                                       OrgdeskCommentRepository *comment_repository,
                                                       OrgdeskWriteAccess       *write_access,
                                                       const char               *sort);
void               orgdesk_posts_page_reload          (OrgdeskPostsPage      *self);
OrgdeskPagedModel *orgdesk_posts_page_get_model       (OrgdeskPostsPage      *self);
const char        *orgdesk_posts_page_get_visible_state (OrgdeskPostsPage    *self);
const char        *orgdesk_posts_page_get_read_only_message (OrgdeskPostsPage *self);

G_END_DECLS
