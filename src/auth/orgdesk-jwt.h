/* orgdesk-jwt.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "orgdesk-jwks.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_JWT (orgdesk_jwt_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskJwt, orgdesk_jwt, ORGDESK, JWT, GObject)

/* Clock skew allowed for exp/iat (OIDC Core 3.1.3.7). */
#define ORGDESK_JWT_CLOCK_SKEW_SECONDS 60

/* Longest compact JWS accepted. */
#define ORGDESK_JWT_MAX_LENGTH (64 * 1024)

OrgdeskJwt  *orgdesk_jwt_parse              (const char   *token,
                                             GError      **error);
JsonObject  *orgdesk_jwt_get_header         (OrgdeskJwt   *self);
JsonObject  *orgdesk_jwt_get_claims         (OrgdeskJwt   *self);
const char  *orgdesk_jwt_get_string_claim   (OrgdeskJwt   *self,
                                             const char   *name);
gboolean     orgdesk_jwt_get_numeric_claim  (OrgdeskJwt   *self,
                                             const char   *name,
                                             gint64       *value);
const char  *orgdesk_jwt_get_key_id         (OrgdeskJwt   *self);
const char  *orgdesk_jwt_get_algorithm      (OrgdeskJwt   *self);
GBytes      *orgdesk_jwt_get_signature      (OrgdeskJwt   *self);
gboolean     orgdesk_jwt_is_verified        (OrgdeskJwt   *self);
gboolean     orgdesk_jwt_verify_signature   (OrgdeskJwt   *self,
                                             OrgdeskJwks  *jwks,
                                             GError      **error);
gboolean     orgdesk_jwt_validate_id_token  (OrgdeskJwt   *self,
                                             const char   *issuer,
                                             const char   *client_id,
                                             const char   *nonce,
                                             gint64        now_unix,
                                             GError      **error);

gboolean     orgdesk_jwt_validate_access_token (OrgdeskJwt   *self,
                                                const char   *issuer,
                                                const char   *audience,
                                                gint64        skew_seconds,
                                                gint64        now_unix,
                                                GError      **error);

G_END_DECLS
