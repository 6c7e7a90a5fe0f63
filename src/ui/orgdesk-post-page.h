/* orgdesk-post-page.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "orgdesk-comment-repository.h"
#include "orgdesk-post-repository.h"
#include "orgdesk-write-access.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_POST_PAGE (orgdesk_post_page_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPostPage, orgdesk_post_page, ORGDESK, POST_PAGE, GtkWidget)

GtkWidget   *orgdesk_post_page_new      (OrgdeskPostRepository    *posts,
                                         OrgdeskCommentRepository *comments,
                                         OrgdeskWriteAccess       *write_access);
void         orgdesk_post_page_set_post (OrgdeskPostPage          *self,
                                         OrgdeskPost              *post);
OrgdeskPost *orgdesk_post_page_get_post (OrgdeskPostPage          *self);
void         orgdesk_post_page_set_read_only (OrgdeskPostPage     *self,
                                              gboolean             read_only);
gboolean     orgdesk_post_page_get_read_only (OrgdeskPostPage     *self);

G_END_DECLS
