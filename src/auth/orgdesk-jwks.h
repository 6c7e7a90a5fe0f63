/* orgdesk-jwks.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_JWKS (orgdesk_jwks_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskJwks, orgdesk_jwks, ORGDESK, JWKS, GObject)

/* Largest JWKS document accepted; Logto's holds one or two keys. */
#define ORGDESK_JWKS_MAX_LENGTH (1024 * 1024)

OrgdeskJwks *orgdesk_jwks_new_from_data  (const char    *json,
                                          gssize         length,
                                          GError       **error);
OrgdeskJwks *orgdesk_jwks_new_from_bytes (GBytes        *bytes,
                                          GError       **error);
guint        orgdesk_jwks_get_n_keys     (OrgdeskJwks   *self);
gboolean     orgdesk_jwks_has_key        (OrgdeskJwks   *self,
                                          const char    *kid);
gboolean     orgdesk_jwks_verify         (OrgdeskJwks   *self,
                                          const char    *kid,
                                          const char    *alg,
                                          GBytes        *signing_input,
                                          GBytes        *signature,
                                          GError       **error);

G_END_DECLS
