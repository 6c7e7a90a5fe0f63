/* orgdesk-user-repository.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-repository.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_USER_REPOSITORY (orgdesk_user_repository_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskUserRepository, orgdesk_user_repository, ORGDESK, USER_REPOSITORY, OrgdeskRepository)

OrgdeskUserRepository *orgdesk_user_repository_new           (OrgdeskDatabase        *database,
                                                             OrgdeskSession         *session);
void                   orgdesk_user_repository_upsert_async  (OrgdeskUserRepository  *self,
                                                             GCancellable           *cancellable,
                                                             GAsyncReadyCallback     callback,
                                                             gpointer                user_data);
char                  *orgdesk_user_repository_upsert_finish (OrgdeskUserRepository  *self,
                                                             GAsyncResult           *result,
                                                             GError                **error);

G_END_DECLS
