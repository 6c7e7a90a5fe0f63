/* orgdesk-test-jwt-signer.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_TEST_JWT_SIGNER (orgdesk_test_jwt_signer_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskTestJwtSigner, orgdesk_test_jwt_signer,
                      ORGDESK, TEST_JWT_SIGNER, GObject)

/* A signing key made at run time (never a committed key) for JWS algorithm @alg:
 * "ES256", "ES384", "ES512" (P-256/P-384/P-521), "RS256", "PS256" (RSA 2048, or
 * @bits with _new_rsa) or "EdDSA" (Ed25519).  @kid may be NULL: no "kid" then,
 * neither in the JWK nor in the tokens' header. */
OrgdeskTestJwtSigner *orgdesk_test_jwt_signer_new             (const char           *alg,
                                                               const char           *kid);
OrgdeskTestJwtSigner *orgdesk_test_jwt_signer_new_rsa         (const char           *alg,
                                                               const char           *kid,
                                                               guint                 bits);
const char           *orgdesk_test_jwt_signer_get_alg         (OrgdeskTestJwtSigner *self);
const char           *orgdesk_test_jwt_signer_get_kid         (OrgdeskTestJwtSigner *self);

/* The public key as a JWK with kty, crv/x/y or n/e, "use": "sig", "alg" and
 * "kid" (when set): a new object, edit it at will. */
JsonObject           *orgdesk_test_jwt_signer_get_jwk         (OrgdeskTestJwtSigner *self);
/* {"keys": [that JWK]} */
char                 *orgdesk_test_jwt_signer_get_jwks        (OrgdeskTestJwtSigner *self);
/* The public key in PEM (SubjectPublicKeyInfo), e.g. for the HMAC confusion attack. */
char                 *orgdesk_test_jwt_signer_get_public_pem  (OrgdeskTestJwtSigner *self);

/* A JWS signature of @data (ECDSA as r||s).  @alg chooses the hash and
 * padding; NULL means the signer's own.  It must suit the key's type, but may
 * mismatch its curve (ES384 with a P-256 key) to build hostile tokens. */
GBytes               *orgdesk_test_jwt_signer_sign_data       (OrgdeskTestJwtSigner *self,
                                                               const char           *alg,
                                                               const void           *data,
                                                               gsize                 length);
/* header.payload.signature from JSON texts encoded verbatim, signed per @alg as above. */
char                 *orgdesk_test_jwt_signer_sign_raw        (OrgdeskTestJwtSigner *self,
                                                               const char           *alg,
                                                               const char           *header_json,
                                                               const char           *payload_json);
/* A token with header {"alg", "typ": "JWT", "kid"} as Logto makes them. */
char                 *orgdesk_test_jwt_signer_sign            (OrgdeskTestJwtSigner *self,
                                                               JsonObject           *claims);

/* {"keys": [...]} of the given JWKs (NULL-terminated, transfer none). */
char                 *orgdesk_test_jwks_build                 (JsonObject           *first_jwk,
                                                               ...) G_GNUC_NULL_TERMINATED;

/* The claims of a Logto ID token issued at @now_unix, valid for an hour: iss,
 * aud, sub, iat, exp, nonce (when not NULL), name, picture (null), username,
 * email, updated_at/created_at (milliseconds), organizations, organization_roles. */
JsonObject           *orgdesk_test_id_token_claims_new        (const char           *issuer,
                                                               const char           *client_id,
                                                               const char           *subject,
                                                               const char           *nonce,
                                                               gint64                now_unix);

G_END_DECLS
