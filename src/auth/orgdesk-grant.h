/* orgdesk-grant.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "orgdesk-logto-client.h"
#include "orgdesk-token-store.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_GRANT (orgdesk_grant_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskGrant, orgdesk_grant, ORGDESK, GRANT, GObject)

/* Seconds before expiry at which a cached access token is no longer handed out. */
#define ORGDESK_GRANT_EXPIRY_MARGIN_SECONDS 60

OrgdeskGrant         *orgdesk_grant_new                  (OrgdeskLogtoClient   *client,
                                                          OrgdeskTokenStore    *store,
                                                          const char           *subject,
                                                          const char           *refresh_token,
                                                          const char           *id_token);
OrgdeskGrant         *orgdesk_grant_new_from_record      (OrgdeskLogtoClient   *client,
                                                          OrgdeskTokenStore    *store,
                                                          const char           *record,
                                                          GError              **error);
const char           *orgdesk_grant_get_subject          (OrgdeskGrant         *self);
const char           *orgdesk_grant_get_id_token         (OrgdeskGrant         *self);
gboolean              orgdesk_grant_get_persistent       (OrgdeskGrant         *self);
gboolean              orgdesk_grant_get_valid            (OrgdeskGrant         *self);
gboolean              orgdesk_grant_get_busy             (OrgdeskGrant         *self);
JsonObject           *orgdesk_grant_get_resume_data      (OrgdeskGrant         *self);
void                  orgdesk_grant_set_resume_data      (OrgdeskGrant         *self,
                                                          JsonObject           *resume_data);
char                 *orgdesk_grant_to_record            (OrgdeskGrant         *self);

void                  orgdesk_grant_request_token_async  (OrgdeskGrant         *self,
                                                          const char           *organization_id,
                                                          const char           *resource,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
OrgdeskTokenResponse *orgdesk_grant_request_token_finish (OrgdeskGrant         *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void                  orgdesk_grant_forget_organization  (OrgdeskGrant         *self,
                                                          const char           *organization_id);
gboolean              orgdesk_grant_forget_token         (OrgdeskGrant         *self,
                                                          const char           *organization_id,
                                                          const char           *resource,
                                                          OrgdeskTokenResponse *token);

void                  orgdesk_grant_save_async           (OrgdeskGrant         *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean              orgdesk_grant_save_finish          (OrgdeskGrant         *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void                  orgdesk_grant_revoke_async         (OrgdeskGrant         *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean              orgdesk_grant_revoke_finish        (OrgdeskGrant         *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void                  orgdesk_grant_retire_async         (OrgdeskGrant         *self,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean              orgdesk_grant_retire_finish        (OrgdeskGrant         *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void                  orgdesk_grant_delete_record_async  (OrgdeskGrant         *self,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean              orgdesk_grant_delete_record_finish (OrgdeskGrant         *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

G_END_DECLS
