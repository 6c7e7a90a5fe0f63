/* orgdesk-token-response.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_TOKEN_RESPONSE (orgdesk_token_response_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskTokenResponse, orgdesk_token_response, ORGDESK, TOKEN_RESPONSE, GObject)

/* A successful answer of the token endpoint (RFC 6749 §5.1). */
OrgdeskTokenResponse *orgdesk_token_response_new_from_data    (const char           *json,
                                                               gsize                 length,
                                                               gint64                now_unix,
                                                               GError              **error);
const char           *orgdesk_token_response_get_access_token  (OrgdeskTokenResponse *self);
const char           *orgdesk_token_response_get_refresh_token (OrgdeskTokenResponse *self);
const char           *orgdesk_token_response_get_id_token      (OrgdeskTokenResponse *self);
const char           *orgdesk_token_response_get_scope         (OrgdeskTokenResponse *self);
gint64                orgdesk_token_response_get_expires_at    (OrgdeskTokenResponse *self);

G_END_DECLS
