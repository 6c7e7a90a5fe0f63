/* orgdesk-auth-verify.h: token verification for the orgdesk_auth extension
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain C on purpose: included by the extension's PostgreSQL code, which must
 * not see GLib's headers, and implemented with GLib and the app's JOSE code.
 * Nothing here calls PostgreSQL, so no ereport() can unwind through GLib.
 * Strings are malloc()ed; errors come back as a malloc()ed message.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest token the database looks at; Logto's are about 1 KB. */
#define ORGDESK_AUTH_MAX_TOKEN_LENGTH (16 * 1024)

/* Length of the digest a verified token is cached under. */
#define ORGDESK_AUTH_DIGEST_LENGTH 32

typedef struct _OrgdeskAuthKeySet OrgdeskAuthKeySet;

/* What a verified token says. */
typedef struct
{
  char     *subject;          /* sub */
  char     *organization_id;  /* organization_id, or NULL for a user-level token */
  char    **scopes;           /* scope, split on spaces; NULL-terminated */
  char     *key_id;           /* kid of the key that signed it */
  int64_t   expires_at;       /* exp */
  int64_t   not_before;       /* nbf, or INT64_MIN when absent */
} OrgdeskAuthClaims;

/* @jwks_json: {"keys": [...]} */
OrgdeskAuthKeySet *orgdesk_auth_key_set_new     (const char               *jwks_json,
                                                 char                    **error_message);
bool               orgdesk_auth_key_set_has_key (const OrgdeskAuthKeySet  *keys,
                                                 const char               *kid);
void               orgdesk_auth_key_set_free    (OrgdeskAuthKeySet        *keys);

/* Signature against @keys (by kid; the key's type and curve must fit the
 * alg), then typ, iss, aud, sub and the times.  NULL with *@error_message set
 * when the token is not acceptable. */
OrgdeskAuthClaims *orgdesk_auth_verify_token    (const char               *token,
                                                 size_t                    length,
                                                 const OrgdeskAuthKeySet  *keys,
                                                 const char               *issuer,
                                                 const char               *audience,
                                                 int64_t                   skew_seconds,
                                                 int64_t                   now_unix,
                                                 char                    **error_message);

/* exp and nbf still hold at @now_unix (for a cached token). */
bool               orgdesk_auth_claims_are_current (const OrgdeskAuthClaims *claims,
                                                    int64_t                  skew_seconds,
                                                    int64_t                  now_unix);
OrgdeskAuthClaims *orgdesk_auth_claims_copy     (const OrgdeskAuthClaims  *claims);
void               orgdesk_auth_claims_free     (OrgdeskAuthClaims        *claims);

/* Parses a key set and checks a token made for the purpose (whose private
 * key nobody kept), so that what the first real token would set up once
 * (GLib's and json-glib's types, the crypto library's code paths) is set up
 * already.  Called in the postmaster: backends fork with it. */
void               orgdesk_auth_verify_warm_up  (void);

/* SHA-256 of the token into @digest; false if it could not be computed
 * (then the token is verified without the cache). */
bool               orgdesk_auth_token_digest    (const char               *token,
                                                 size_t                    length,
                                                 unsigned char             digest[ORGDESK_AUTH_DIGEST_LENGTH]);
