/* orgdesk-query-result.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_QUERY_RESULT (orgdesk_query_result_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskQueryResult, orgdesk_query_result, ORGDESK, QUERY_RESULT, GObject)

guint       orgdesk_query_result_get_n_rows        (OrgdeskQueryResult *self);
guint       orgdesk_query_result_get_n_columns     (OrgdeskQueryResult *self);
const char *orgdesk_query_result_get_column_name   (OrgdeskQueryResult *self,
                                                    guint               column);
int         orgdesk_query_result_get_column_index  (OrgdeskQueryResult *self,
                                                    const char         *name);
const char *orgdesk_query_result_get_value         (OrgdeskQueryResult *self,
                                                    guint               row,
                                                    guint               column);
const char *orgdesk_query_result_get_value_by_name (OrgdeskQueryResult *self,
                                                    guint               row,
                                                    const char         *name);
gboolean    orgdesk_query_result_is_null           (OrgdeskQueryResult *self,
                                                    guint               row,
                                                    guint               column);
gint64      orgdesk_query_result_get_affected_rows (OrgdeskQueryResult *self);
const char *orgdesk_query_result_get_command_tag   (OrgdeskQueryResult *self);
const char *orgdesk_query_result_get_sqlstate      (OrgdeskQueryResult *self);

G_END_DECLS
