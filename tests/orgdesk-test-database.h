/* orgdesk-test-database.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-paged-model.h"
#include "orgdesk-post-repository.h"

G_BEGIN_DECLS

/* Helpers for tests against the PostgreSQL of tests/with-services.sh.
 *
 * Superuser access (ORGDESK_TEST_DATABASE_SUPERUSER_URI) uses blocking libpq,
 * which is fine in test code but never through an OrgdeskTestProxy that runs on
 * the same thread.  Any failure fails the test. */

void                orgdesk_test_database_exec              (const char             *sql);
char               *orgdesk_test_database_dup_value         (const char             *sql,
                                                             const char             *param);
/* A post written by the superuser (no author), for an organization where the
 * test's user may read but not write; @post_id NULL for a new id.  Returns its id. */
char               *orgdesk_test_database_insert_post       (const char             *organization_id,
                                                             const char             *post_id,
                                                             const char             *title);
gint64              orgdesk_test_database_count_posts       (const char             *organization_id);
char               *orgdesk_test_database_dup_post_organization (const char         *post_id);

/* The app role's own OrgdeskDatabase, waited for on the default main context:
 * runs @queries (not taken) as one transaction and returns the results, or
 * %NULL with @error set. */
GPtrArray          *orgdesk_test_run_queries                (OrgdeskDatabase        *database,
                                                             GPtrArray              *queries,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
/* A "notify::state" handler that appends each new state to @states, a GArray
 * of OrgdeskDatabaseState. */
void                orgdesk_test_record_state_cb            (OrgdeskDatabase        *database,
                                                             GParamSpec             *pspec,
                                                             GArray                 *states);

/* The delay hook: makes reading an organization's posts slow, for stale-result
 * tests.  Installed by the superuser (never by the migrations), it adds a
 * restrictive policy on orgdesk.posts for orgdesk_app (SELECT, and so the
 * RETURNING of an INSERT or UPDATE) whose check sleeps once per transaction
 * when the row's organization has a delay.  The sleep is an ordinary
 * statement: PQcancel() and a lost connection end it.  Uninstall it before the
 * test ends: the schema's pgTAP tests list the policies. */
void                orgdesk_test_database_install_delay_hook   (void);
void                orgdesk_test_database_uninstall_delay_hook (void);
void                orgdesk_test_database_set_delay         (const char             *organization_id,
                                                             guint                   delay_ms);
guint               orgdesk_test_database_count_delayed     (void);

/* Posts through a repository, in the active organization of its session; each
 * waits for its answer on the default main context. */
OrgdeskPost        *orgdesk_test_create_post                (OrgdeskPostRepository  *repository,
                                                             const char             *title,
                                                             const char             *body,
                                                             GError                **error);
gboolean            orgdesk_test_model_is_settled           (gconstpointer           model);
OrgdeskPagedModel  *orgdesk_test_load_model                 (OrgdeskPageSource      *source,
                                                             guint                   page_size);
OrgdeskPost        *orgdesk_test_model_get_post             (OrgdeskPagedModel      *model,
                                                             guint                   position);
gboolean            orgdesk_test_model_contains             (OrgdeskPagedModel      *model,
                                                             const char             *post_id);

G_END_DECLS
