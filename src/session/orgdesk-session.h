/* orgdesk-session.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "orgdesk-grant.h"
#include "orgdesk-logto-client.h"
#include "orgdesk-organization.h"
#include "orgdesk-sign-in.h"
#include "orgdesk-token-store.h"
#include "orgdesk-user.h"

G_BEGIN_DECLS

typedef enum
{
  ORGDESK_SESSION_STATE_SIGNED_OUT,
  ORGDESK_SESSION_STATE_RESUMING,
  ORGDESK_SESSION_STATE_SIGNING_IN,
  ORGDESK_SESSION_STATE_SIGNED_IN,
} OrgdeskSessionState;

#define ORGDESK_TYPE_SESSION_STATE (orgdesk_session_state_get_type ())
GType orgdesk_session_state_get_type (void);

#define ORGDESK_TYPE_SESSION (orgdesk_session_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskSession, orgdesk_session, ORGDESK, SESSION, GObject)

OrgdeskSession       *orgdesk_session_new                          (OrgdeskLogtoClient  *client,
                                                                    OrgdeskTokenStore   *store,
                                                                    const char          *database_resource,
                                                                    const char * const  *database_scopes);
OrgdeskSessionState   orgdesk_session_get_state                    (OrgdeskSession      *self);
gboolean              orgdesk_session_get_offline                  (OrgdeskSession      *self);
gboolean              orgdesk_session_get_persistent               (OrgdeskSession      *self);
gboolean              orgdesk_session_get_switching                (OrgdeskSession      *self);
OrgdeskUser          *orgdesk_session_get_user                     (OrgdeskSession      *self);
GListModel           *orgdesk_session_get_organizations            (OrgdeskSession      *self);
OrgdeskOrganization  *orgdesk_session_get_active_organization      (OrgdeskSession      *self);
gboolean              orgdesk_session_set_active_organization_id   (OrgdeskSession      *self,
                                                                    const char          *organization_id);
OrgdeskOrganization  *orgdesk_session_find_organization            (OrgdeskSession      *self,
                                                                    const char          *organization_id,
                                                                    guint               *position);
void                  orgdesk_session_set_preferred_organization_id (OrgdeskSession     *self,
                                                                    const char          *organization_id);
OrgdeskTokenResponse *orgdesk_session_get_database_token           (OrgdeskSession      *self);
void                  orgdesk_session_request_database_token_async (OrgdeskSession      *self,
                                                                    const char          *organization_id,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
OrgdeskTokenResponse *orgdesk_session_request_database_token_finish (OrgdeskSession     *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
void                  orgdesk_session_forget_database_token        (OrgdeskSession      *self,
                                                                    const char          *organization_id,
                                                                    OrgdeskTokenResponse *token);
OrgdeskSignIn        *orgdesk_session_get_sign_in                  (OrgdeskSession      *self);
OrgdeskGrant         *orgdesk_session_get_grant                    (OrgdeskSession      *self);
OrgdeskLogtoClient   *orgdesk_session_get_client                   (OrgdeskSession      *self);

void                  orgdesk_session_resume_async                 (OrgdeskSession      *self,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
gboolean              orgdesk_session_resume_finish                (OrgdeskSession      *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
void                  orgdesk_session_reconnect_async              (OrgdeskSession      *self,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
gboolean              orgdesk_session_reconnect_finish             (OrgdeskSession      *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
void                  orgdesk_session_sign_in_async                (OrgdeskSession      *self,
                                                                    GAppLaunchContext   *launch_context,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
gboolean              orgdesk_session_sign_in_finish               (OrgdeskSession      *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
void                  orgdesk_session_cancel_sign_in               (OrgdeskSession      *self);
void                  orgdesk_session_authorize_again_async        (OrgdeskSession      *self,
                                                                    GAppLaunchContext   *launch_context,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
gboolean              orgdesk_session_authorize_again_finish       (OrgdeskSession      *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
void                  orgdesk_session_sign_out_async               (OrgdeskSession      *self,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
gboolean              orgdesk_session_sign_out_finish              (OrgdeskSession      *self,
                                                                    GAsyncResult        *result,
                                                                    char               **end_session_uri,
                                                                    GError             **error);

G_END_DECLS
