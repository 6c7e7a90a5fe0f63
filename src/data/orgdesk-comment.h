/* orgdesk-comment.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-query-result.h"
#include "orgdesk-sql.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_COMMENT (orgdesk_comment_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskComment, orgdesk_comment, ORGDESK, COMMENT, GObject)

/* The columns every comment query selects, in this order (c: comments, u: users). */
#define ORGDESK_COMMENT_COLUMNS \
  "c.id::pg_catalog.text, c.body, " ORGDESK_SQL_ISO_TIMESTAMP ("c.created_at") ", " \
  "coalesce (u.name, u.email, '')"

OrgdeskComment *orgdesk_comment_new_from_result (OrgdeskQueryResult *result,
                                                 guint               row);
const char     *orgdesk_comment_get_id          (OrgdeskComment     *self);
const char     *orgdesk_comment_get_body        (OrgdeskComment     *self);
const char     *orgdesk_comment_get_author_name (OrgdeskComment     *self);
GDateTime      *orgdesk_comment_get_created_at  (OrgdeskComment     *self);

G_END_DECLS
