/* orgdesk-logto-client.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "orgdesk-jwt.h"
#include "orgdesk-oidc-configuration.h"
#include "orgdesk-token-response.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_LOGTO_CLIENT (orgdesk_logto_client_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskLogtoClient, orgdesk_logto_client, ORGDESK, LOGTO_CLIENT, GObject)

/* What goes into one authorization request; the strings belong to the caller. */
typedef struct
{
  const char         *redirect_uri;
  const char         *state;
  const char         *nonce;
  const char         *code_challenge;
  const char * const *scopes;
  const char * const *resources;
  const char         *prompt;
} OrgdeskAuthorizationRequest;

OrgdeskLogtoClient       *orgdesk_logto_client_new                      (const char                        *endpoint,
                                                                        const char                        *client_id);
const char               *orgdesk_logto_client_get_endpoint             (OrgdeskLogtoClient                *self);
const char               *orgdesk_logto_client_get_client_id            (OrgdeskLogtoClient                *self);
const char               *orgdesk_logto_client_get_issuer               (OrgdeskLogtoClient                *self);
OrgdeskOidcConfiguration *orgdesk_logto_client_get_configuration        (OrgdeskLogtoClient                *self);
void                      orgdesk_logto_client_set_timeout              (OrgdeskLogtoClient                *self,
                                                                        guint                              seconds);

void                      orgdesk_logto_client_discover_async           (OrgdeskLogtoClient                *self,
                                                                        GCancellable                      *cancellable,
                                                                        GAsyncReadyCallback                callback,
                                                                        gpointer                           user_data);
gboolean                  orgdesk_logto_client_discover_finish          (OrgdeskLogtoClient                *self,
                                                                        GAsyncResult                      *result,
                                                                        GError                           **error);

char                     *orgdesk_logto_client_build_authorization_uri  (OrgdeskLogtoClient                *self,
                                                                        const OrgdeskAuthorizationRequest *request);
char                     *orgdesk_logto_client_build_end_session_uri    (OrgdeskLogtoClient                *self,
                                                                        const char                        *id_token_hint);

void                      orgdesk_logto_client_exchange_code_async      (OrgdeskLogtoClient                *self,
                                                                        const char                        *code,
                                                                        const char                        *redirect_uri,
                                                                        const char                        *code_verifier,
                                                                        GCancellable                      *cancellable,
                                                                        GAsyncReadyCallback                callback,
                                                                        gpointer                           user_data);
OrgdeskTokenResponse     *orgdesk_logto_client_exchange_code_finish     (OrgdeskLogtoClient                *self,
                                                                        GAsyncResult                      *result,
                                                                        GError                           **error);

void                      orgdesk_logto_client_refresh_async            (OrgdeskLogtoClient                *self,
                                                                        const char                        *refresh_token,
                                                                        const char                        *organization_id,
                                                                        const char                        *resource,
                                                                        GCancellable                      *cancellable,
                                                                        GAsyncReadyCallback                callback,
                                                                        gpointer                           user_data);
OrgdeskTokenResponse     *orgdesk_logto_client_refresh_finish           (OrgdeskLogtoClient                *self,
                                                                        GAsyncResult                      *result,
                                                                        GError                           **error);

void                      orgdesk_logto_client_verify_id_token_async    (OrgdeskLogtoClient                *self,
                                                                        const char                        *id_token,
                                                                        const char                        *nonce,
                                                                        GCancellable                      *cancellable,
                                                                        GAsyncReadyCallback                callback,
                                                                        gpointer                           user_data);
OrgdeskJwt               *orgdesk_logto_client_verify_id_token_finish   (OrgdeskLogtoClient                *self,
                                                                        GAsyncResult                      *result,
                                                                        GError                           **error);

void                      orgdesk_logto_client_fetch_userinfo_async     (OrgdeskLogtoClient                *self,
                                                                        const char                        *access_token,
                                                                        GCancellable                      *cancellable,
                                                                        GAsyncReadyCallback                callback,
                                                                        gpointer                           user_data);
JsonObject               *orgdesk_logto_client_fetch_userinfo_finish    (OrgdeskLogtoClient                *self,
                                                                        GAsyncResult                      *result,
                                                                        GError                           **error);

void                      orgdesk_logto_client_revoke_async             (OrgdeskLogtoClient                *self,
                                                                        const char                        *token,
                                                                        GCancellable                      *cancellable,
                                                                        GAsyncReadyCallback                callback,
                                                                        gpointer                           user_data);
gboolean                  orgdesk_logto_client_revoke_finish            (OrgdeskLogtoClient                *self,
                                                                        GAsyncResult                      *result,
                                                                        GError                           **error);

G_END_DECLS
