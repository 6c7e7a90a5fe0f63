/* orgdesk-post-source.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-page-source.h"
#include "orgdesk-post-repository.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_POST_SOURCE (orgdesk_post_source_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPostSource, orgdesk_post_source, ORGDESK, POST_SOURCE, GObject)

const char *orgdesk_post_source_get_organization_id (OrgdeskPostSource *self);

G_END_DECLS
