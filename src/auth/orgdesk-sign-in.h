/* orgdesk-sign-in.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "orgdesk-jwt.h"
#include "orgdesk-logto-client.h"
#include "orgdesk-token-response.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_SIGN_IN (orgdesk_sign_in_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskSignIn, orgdesk_sign_in, ORGDESK, SIGN_IN, GObject)

/* How long the loopback listener waits for the browser before giving up. */
#define ORGDESK_SIGN_IN_TIMEOUT_SECONDS (10 * 60)

OrgdeskSignIn        *orgdesk_sign_in_new                   (OrgdeskLogtoClient  *client,
                                                             const char * const  *scopes,
                                                             const char * const  *resources);
const char           *orgdesk_sign_in_get_authorization_uri (OrgdeskSignIn       *self);
void                  orgdesk_sign_in_run_async             (OrgdeskSignIn       *self,
                                                             GAppLaunchContext   *launch_context,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
OrgdeskTokenResponse *orgdesk_sign_in_run_finish            (OrgdeskSignIn       *self,
                                                             GAsyncResult        *result,
                                                             OrgdeskJwt         **id_token,
                                                             GError             **error);

G_END_DECLS
