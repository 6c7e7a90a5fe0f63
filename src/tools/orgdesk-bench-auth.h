/* orgdesk-bench-auth.h: orgdesk-bench's measurements of orgdesk.authenticate()
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "orgdesk-query.h"

G_BEGIN_DECLS

/* Goals printed beside the numbers (never pass or fail). */
#define ORGDESK_BENCH_AUTH_GOAL_UNCACHED_US      1000
#define ORGDESK_BENCH_AUTH_GOAL_CACHED_PER_MILLE 50     /* of a page query */

typedef struct _OrgdeskBenchAuth OrgdeskBenchAuth;

OrgdeskBenchAuth *orgdesk_bench_auth_new             (guint             runs,
                                                      guint             fresh_connections);
void              orgdesk_bench_auth_add_page        (OrgdeskBenchAuth *self,
                                                      const char       *organization_id,
                                                      const char       *token,
                                                      OrgdeskQuery     *page_query);
void              orgdesk_bench_auth_add_fresh_token (OrgdeskBenchAuth *self,
                                                      const char       *token);
void              orgdesk_bench_auth_measure         (OrgdeskBenchAuth *self,
                                                      const char       *name,
                                                      const char       *label,
                                                      const char       *app_uri,
                                                      const char       *owner_uri,
                                                      gboolean          fresh_backends);
void              orgdesk_bench_auth_print           (OrgdeskBenchAuth *self);
void              orgdesk_bench_auth_add_json        (OrgdeskBenchAuth *self,
                                                      JsonBuilder      *builder);
void              orgdesk_bench_auth_free            (OrgdeskBenchAuth *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrgdeskBenchAuth, orgdesk_bench_auth_free)

G_END_DECLS
