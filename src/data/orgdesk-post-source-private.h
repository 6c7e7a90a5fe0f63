/* orgdesk-post-source-private.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-post-source.h"
#include "orgdesk-repository-private.h"

G_BEGIN_DECLS

OrgdeskPostSource *_orgdesk_post_source_new (OrgdeskPostRepository  *repository,
                                             OrgdeskRepositoryScope *scope,
                                             const char             *search,
                                             OrgdeskPostSort         sort);
OrgdeskQuery      *_orgdesk_post_source_new_first_page_query (OrgdeskPostSource *self,
                                                              guint              limit);

G_END_DECLS
