/* orgdesk-query.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_QUERY (orgdesk_query_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskQuery, orgdesk_query, ORGDESK, QUERY, GObject)

OrgdeskQuery *orgdesk_query_new             (const char         *sql);
void          orgdesk_query_add_param       (OrgdeskQuery       *self,
                                             const char         *value);
void          orgdesk_query_add_secret_param (OrgdeskQuery      *self,
                                             const char         *value);
const char   *orgdesk_query_get_sql         (OrgdeskQuery       *self);
guint         orgdesk_query_get_n_params    (OrgdeskQuery       *self);
const char * const *orgdesk_query_get_params (OrgdeskQuery      *self);

G_END_DECLS
