/* orgdesk-repository-private.h: for repositories only, never for the UI
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-repository.h"

G_BEGIN_DECLS

/* The users table's limits (migration 0001) */
#define ORGDESK_USER_MAX_NAME_CHARS  256
#define ORGDESK_USER_MAX_EMAIL_CHARS 320

/* The scope of one request, captured from the session when the request starts:
 * the organization always comes from the session, never from a caller. */
typedef struct _OrgdeskRepositoryScope OrgdeskRepositoryScope;

OrgdeskRepositoryScope *_orgdesk_repository_scope_new      (OrgdeskRepository       *self,
                                                            GError                 **error);
OrgdeskRepositoryScope *_orgdesk_repository_user_scope_new (OrgdeskRepository     *self,
                                                            GError                 **error);
OrgdeskRepositoryScope *_orgdesk_repository_scope_ref      (OrgdeskRepositoryScope  *scope);
void                    _orgdesk_repository_scope_unref    (OrgdeskRepositoryScope  *scope);
const char             *_orgdesk_repository_scope_get_organization_id (OrgdeskRepositoryScope *scope);
OrgdeskQuery           *_orgdesk_repository_scope_new_query (OrgdeskRepositoryScope *scope,
                                                             const char             *sql);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrgdeskRepositoryScope, _orgdesk_repository_scope_unref)

GTask                  *_orgdesk_repository_start_task     (OrgdeskRepository       *self,
                                                            gpointer                 source_tag,
                                                            GCancellable            *cancellable,
                                                            GAsyncReadyCallback      callback,
                                                            gpointer                 user_data,
                                                            OrgdeskRepositoryScope **scope);
GTask                  *_orgdesk_repository_start_user_task (OrgdeskRepository      *self,
                                                            gpointer                 source_tag,
                                                            GCancellable            *cancellable,
                                                            GAsyncReadyCallback      callback,
                                                            gpointer                 user_data,
                                                            OrgdeskRepositoryScope **scope);
GTask                  *_orgdesk_repository_start_task_for_id (OrgdeskRepository   *self,
                                                            gpointer                 source_tag,
                                                            const char              *id,
                                                            const char              *not_found_message,
                                                            GCancellable            *cancellable,
                                                            GAsyncReadyCallback      callback,
                                                            gpointer                 user_data,
                                                            OrgdeskRepositoryScope **scope);
void                    _orgdesk_repository_fail_task      (GTask                   *task,
                                                            GError                  *error);
void                    _orgdesk_repository_add_profile_params (OrgdeskQuery        *query,
                                                            OrgdeskUser             *user);
OrgdeskQuery           *_orgdesk_repository_new_author_upsert (OrgdeskRepository    *self);
gboolean                _orgdesk_repository_check_id       (const char              *id,
                                                            const char              *not_found_message,
                                                            GError                 **error);
void                    _orgdesk_repository_delete_async   (OrgdeskRepository       *self,
                                                            gpointer                 source_tag,
                                                            const char              *sql,
                                                            const char              *id,
                                                            const char              *not_found_message,
                                                            GCancellable            *cancellable,
                                                            GAsyncReadyCallback      callback,
                                                            gpointer                 user_data);
gboolean                _orgdesk_repository_delete_finish  (OrgdeskRepository       *self,
                                                            GAsyncResult            *result,
                                                            GError                 **error);

void                    _orgdesk_repository_run_async      (OrgdeskRepository       *self,
                                                            OrgdeskRepositoryScope  *scope,
                                                            GPtrArray               *queries,
                                                            GCancellable            *cancellable,
                                                            GAsyncReadyCallback      callback,
                                                            gpointer                 user_data);
GPtrArray              *_orgdesk_repository_run_finish     (OrgdeskRepository       *self,
                                                            GAsyncResult            *result,
                                                            GError                 **error);

/* Makes a repository's object from one row of a result: orgdesk_post_new_from_result()…
 * %NULL for a row it cannot read fails the request with %G_IO_ERROR_INVALID_DATA. */
typedef gpointer (*OrgdeskRowFunc) (OrgdeskQueryResult *result,
                                    guint               row);

void                    _orgdesk_repository_run_for_row    (OrgdeskRepository       *self,
                                                            OrgdeskRepositoryScope  *scope,
                                                            GPtrArray               *queries,
                                                            GTask                   *task,
                                                            OrgdeskRowFunc           new_from_row,
                                                            GDestroyNotify           free_func,
                                                            const char              *not_found_message);
void                    _orgdesk_repository_run_for_rows   (OrgdeskRepository       *self,
                                                            OrgdeskRepositoryScope  *scope,
                                                            GPtrArray               *queries,
                                                            GTask                   *task,
                                                            OrgdeskRowFunc           new_from_row,
                                                            GDestroyNotify           free_func);

G_END_DECLS
