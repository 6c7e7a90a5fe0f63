/* orgdesk-post.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-query-result.h"
#include "orgdesk-sql.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_POST (orgdesk_post_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPost, orgdesk_post, ORGDESK, POST, GObject)

/* The columns every post query selects, in this order, for new_from_result(). */
#define ORGDESK_POST_COLUMNS \
  "p.id::pg_catalog.text, p.title, p.body, " ORGDESK_SQL_ISO_TIMESTAMP ("p.created_at") ", " \
  ORGDESK_SQL_ISO_TIMESTAMP ("p.updated_at") ", " \
  "coalesce (u.name, u.email, ''), " \
  "(SELECT pg_catalog.count (*) FROM orgdesk.comments c " \
  "  WHERE c.logto_organization_id = p.logto_organization_id AND c.post_id = p.id)::pg_catalog.text"

OrgdeskPost *orgdesk_post_new_from_result  (OrgdeskQueryResult *result,
                                            guint               row);
const char  *orgdesk_post_get_id           (OrgdeskPost        *self);
const char  *orgdesk_post_get_title        (OrgdeskPost        *self);
const char  *orgdesk_post_get_body         (OrgdeskPost        *self);
const char  *orgdesk_post_get_author_name  (OrgdeskPost        *self);
GDateTime   *orgdesk_post_get_created_at   (OrgdeskPost        *self);
const char  *orgdesk_post_get_created_key  (OrgdeskPost        *self);
guint        orgdesk_post_get_n_comments   (OrgdeskPost        *self);

G_END_DECLS
