/* orgdesk-oidc-configuration.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_OIDC_CONFIGURATION (orgdesk_oidc_configuration_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskOidcConfiguration, orgdesk_oidc_configuration, ORGDESK, OIDC_CONFIGURATION, GObject)

/* The parts of an OpenID Provider's discovery document that Orgdesk uses. */
OrgdeskOidcConfiguration *orgdesk_oidc_configuration_new_from_data           (const char               *json,
                                                                              gsize                     length,
                                                                              const char               *expected_issuer,
                                                                              GError                  **error);
gboolean                  orgdesk_oidc_uri_is_acceptable                     (const char               *uri);
const char               *orgdesk_oidc_configuration_get_issuer              (OrgdeskOidcConfiguration *self);
const char               *orgdesk_oidc_configuration_get_authorization_endpoint (OrgdeskOidcConfiguration *self);
const char               *orgdesk_oidc_configuration_get_token_endpoint      (OrgdeskOidcConfiguration *self);
const char               *orgdesk_oidc_configuration_get_userinfo_endpoint   (OrgdeskOidcConfiguration *self);
const char               *orgdesk_oidc_configuration_get_jwks_uri            (OrgdeskOidcConfiguration *self);
const char               *orgdesk_oidc_configuration_get_end_session_endpoint (OrgdeskOidcConfiguration *self);
const char               *orgdesk_oidc_configuration_get_revocation_endpoint (OrgdeskOidcConfiguration *self);
gboolean                  orgdesk_oidc_configuration_get_iss_parameter_supported (OrgdeskOidcConfiguration *self);

G_END_DECLS
