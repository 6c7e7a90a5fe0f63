/* orgdesk-test-utils.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "orgdesk-comment-repository.h"
#include "orgdesk-session.h"

G_BEGIN_DECLS

/* Returns the value of @env_var naming a running service (an endpoint, a socket…).
 * When it is unset, the current test is skipped — or failed when CI is set, because
 * the README's test command starts every service and a skip there hides a gap. */
const char *orgdesk_test_require_service (const char *env_var);

typedef gboolean (*OrgdeskTestCondition) (gconstpointer data);

/* Iterates the default main context until @condition holds; fails after the timeout. */
void        orgdesk_test_wait_for_condition (OrgdeskTestCondition condition,
                                             gconstpointer        data,
                                             guint                timeout_seconds);

/* Stores the GAsyncResult of a callback in the gpointer at @user_data. */
void        orgdesk_test_store_result_cb (GObject      *source,
                                          GAsyncResult *result,
                                          gpointer      user_data);

/* Runs the main context until the GAsyncResult pointed to by @result is set. */
void        orgdesk_test_wait_for_result (GAsyncResult **result,
                                          guint          timeout_seconds);

/* Drops the last reference the test holds on @object and waits until pending
 * asynchronous work has released it too; fails the test if it never goes away. */
void        orgdesk_test_finalize_eventually (gpointer object);
void        orgdesk_test_run_main_loop_for   (guint    milliseconds);

/* Applies the schema to the test database as its owner (idempotent). */
void        orgdesk_test_migrate_database (void);

/* Migrates the test database and signs @username in at the Logto stand-in, with a
 * database token, as the repositories need.  Returns %NULL (the test skipped, or
 * failed under CI) when the services are not running. */
OrgdeskSession *orgdesk_test_database_session_new (const char *username);
char           *orgdesk_test_dup_database_access_token (OrgdeskSession *session);
void            orgdesk_test_sync_database_keys        (void);

/* The comments of @post_id as @comments reads them now; fails the test on error. */
GPtrArray  *orgdesk_test_list_comments (OrgdeskCommentRepository *comments,
                                        const char               *post_id);

G_END_DECLS
