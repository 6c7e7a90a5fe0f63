/* orgdesk-auth-verify.c: token verification for the orgdesk_auth extension
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gnutls/crypto.h>

#include "orgdesk-jwks.h"
#include "orgdesk-jwt.h"

#include "orgdesk-auth-verify.h"

struct _OrgdeskAuthKeySet
{
  OrgdeskJwks *jwks;
};

/* A malloc()ed copy, for the PostgreSQL side to free() (GLib's allocator is
 * the system's since 2.46, but the contract stays explicit). */
static char *
plain_strdup (const char *text)
{
  size_t size;
  char *copy;

  if (text == NULL)
    return NULL;
  size = strlen (text) + 1;
  if ((copy = malloc (size)) != NULL)
    memcpy (copy, text, size);
  return copy;
}

static void
set_error_message (char         **error_message,
                   const GError  *error)
{
  if (error_message != NULL)
    *error_message = plain_strdup (error != NULL ? error->message : "unknown error");
}

OrgdeskAuthKeySet *
orgdesk_auth_key_set_new (const char  *jwks_json,
                          char       **error_message)
{
  g_autoptr(GError) error = NULL;
  OrgdeskAuthKeySet *keys;
  OrgdeskJwks *jwks;

  jwks = orgdesk_jwks_new_from_data (jwks_json, -1, &error);
  if (jwks == NULL)
    {
      set_error_message (error_message, error);
      return NULL;
    }

  keys = calloc (1, sizeof *keys);
  if (keys == NULL)
    {
      g_object_unref (jwks);
      *error_message = plain_strdup ("out of memory");
      return NULL;
    }
  keys->jwks = jwks;
  return keys;
}

/* An ES384 key made for the warm-up, its private half discarded, and a token
 * it signed that expired in 1970: verified as far as the times, then refused. */
#define WARM_UP_JWKS \
  "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"alg\":\"ES384\",\"use\":\"sig\"," \
  "\"kid\":\"orgdesk-auth-warm-up\"," \
  "\"x\":\"E7PNQRbcUAv8QQlCPoSNJm72yNru4pmAKRVt0n8WaeMFeccOZzlxelkBjxWxoOac\"," \
  "\"y\":\"1opHA31k012qaqge3Yu40JSPJwnsjIgSKOMIXkfBdU6D_QnHWiTOwY1e0AALCdmn\"}]}"
#define WARM_UP_TOKEN \
  "eyJhbGciOiJFUzM4NCIsImtpZCI6Im9yZ2Rlc2stYXV0aC13YXJtLXVwIiwidHlwIjoiYXQrand0In0.eyJpc3MiOiJvcmdkZXNr" \
  "LWF1dGgtd2FybS11cCIsImF1ZCI6Im9yZ2Rlc2stYXV0aC13YXJtLXVwIiwic3ViIjoid2FybS11cCIsImlhdCI6MCwiZXhwIjox" \
  "fQ.4l-Bi67L0fzXDgihCm7hf_NyG4dgfRe8pxmtK9DHQwicn65oW2O8byDeclaIBNoWCos46BmeXF4x0jSGJ-NVPMy4Jz1DN1suNgNY1_si1UxKVtYQzriLw-HL5PcxZ6P3"
#define WARM_UP_PARTY "orgdesk-auth-warm-up"

void
orgdesk_auth_verify_warm_up (void)
{
  char *error_message = NULL;
  OrgdeskAuthKeySet *keys = orgdesk_auth_key_set_new (WARM_UP_JWKS, &error_message);
  OrgdeskAuthClaims *claims = NULL;

  if (keys != NULL)
    claims = orgdesk_auth_verify_token (WARM_UP_TOKEN, strlen (WARM_UP_TOKEN), keys,
                                        WARM_UP_PARTY, WARM_UP_PARTY, 0, 2, &error_message);
  orgdesk_auth_claims_free (claims);
  orgdesk_auth_key_set_free (keys);
  free (error_message);
}

bool
orgdesk_auth_key_set_has_key (const OrgdeskAuthKeySet *keys,
                              const char              *kid)
{
  return keys != NULL && kid != NULL && orgdesk_jwks_has_key (keys->jwks, kid);
}

void
orgdesk_auth_key_set_free (OrgdeskAuthKeySet *keys)
{
  if (keys == NULL)
    return;
  g_object_unref (keys->jwks);
  free (keys);
}

void
orgdesk_auth_claims_free (OrgdeskAuthClaims *claims)
{
  if (claims == NULL)
    return;
  free (claims->subject);
  free (claims->organization_id);
  free (claims->key_id);
  if (claims->scopes != NULL)
    for (char **scope = claims->scopes; *scope != NULL; scope++)
      free (*scope);
  free (claims->scopes);
  free (claims);
}

OrgdeskAuthClaims *
orgdesk_auth_claims_copy (const OrgdeskAuthClaims *claims)
{
  OrgdeskAuthClaims *copy = calloc (1, sizeof *copy);
  size_t n_scopes = 0;

  if (copy == NULL)
    return NULL;

  while (claims->scopes[n_scopes] != NULL)
    n_scopes++;

  copy->subject = plain_strdup (claims->subject);
  copy->organization_id = plain_strdup (claims->organization_id);
  copy->key_id = plain_strdup (claims->key_id);
  copy->expires_at = claims->expires_at;
  copy->not_before = claims->not_before;
  copy->scopes = calloc (n_scopes + 1, sizeof (char *));
  if (copy->subject == NULL || copy->key_id == NULL || copy->scopes == NULL ||
      (claims->organization_id != NULL && copy->organization_id == NULL))
    {
      orgdesk_auth_claims_free (copy);
      return NULL;
    }
  for (size_t i = 0; i < n_scopes; i++)
    if ((copy->scopes[i] = plain_strdup (claims->scopes[i])) == NULL)
      {
        orgdesk_auth_claims_free (copy);
        return NULL;
      }

  return copy;
}

bool
orgdesk_auth_claims_are_current (const OrgdeskAuthClaims *claims,
                                 int64_t                  skew_seconds,
                                 int64_t                  now_unix)
{
  if (!(claims->expires_at > now_unix - skew_seconds))
    return false;
  if (claims->not_before != INT64_MIN && claims->not_before > now_unix + skew_seconds)
    return false;
  return true;
}

/* Logto's scope claim: space-separated names; an empty string is no scope. */
static char **
split_scopes (const char *scope)
{
  g_auto(GStrv) names = g_strsplit (scope != NULL ? scope : "", " ", -1);
  guint n = g_strv_length (names);
  char **scopes = calloc (n + 1, sizeof (char *));
  guint kept = 0;

  if (scopes == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      if (names[i][0] == '\0')
        continue;
      if ((scopes[kept] = plain_strdup (names[i])) == NULL)
        {
          for (guint j = 0; j < kept; j++)
            free (scopes[j]);
          free (scopes);
          return NULL;
        }
      kept++;
    }
  return scopes;
}

OrgdeskAuthClaims *
orgdesk_auth_verify_token (const char              *token,
                           size_t                   length,
                           const OrgdeskAuthKeySet *keys,
                           const char              *issuer,
                           const char              *audience,
                           int64_t                  skew_seconds,
                           int64_t                  now_unix,
                           char                   **error_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskJwt) jwt = NULL;
  g_autofree char *text = NULL;
  OrgdeskAuthClaims *claims;
  JsonNode *organization;
  const char *organization_id = NULL;
  gint64 exp = 0;
  gint64 nbf = 0;

  if (length == 0 || length > ORGDESK_AUTH_MAX_TOKEN_LENGTH)
    {
      *error_message = plain_strdup ("the token is empty or too long");
      return NULL;
    }

  /* A PostgreSQL text value is not NUL-terminated. */
  text = g_strndup (token, length);
  if (strlen (text) != length)
    {
      *error_message = plain_strdup ("the token holds a NUL byte");
      return NULL;
    }

  if (!(jwt = orgdesk_jwt_parse (text, &error)))
    {
      set_error_message (error_message, error);
      return NULL;
    }

  /* The cache re-checks a token's key by kid: a token must name one. */
  if (orgdesk_jwt_get_key_id (jwt) == NULL)
    {
      *error_message = plain_strdup ("the token names no signing key (kid)");
      return NULL;
    }

  if (!orgdesk_jwt_verify_signature (jwt, keys->jwks, &error) ||
      !orgdesk_jwt_validate_access_token (jwt, issuer, audience, skew_seconds, now_unix, &error))
    {
      set_error_message (error_message, error);
      return NULL;
    }

  /* Present and a string, or absent (a user-level token); anything else is
   * not a token Logto makes. */
  organization = json_object_get_member (orgdesk_jwt_get_claims (jwt), "organization_id");
  if (organization != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (organization) ||
          json_node_get_value_type (organization) != G_TYPE_STRING ||
          *(organization_id = json_node_get_string (organization)) == '\0')
        {
          *error_message = plain_strdup ("the token's organization_id is not an organization id");
          return NULL;
        }
    }

  if (json_object_has_member (orgdesk_jwt_get_claims (jwt), "scope") &&
      orgdesk_jwt_get_string_claim (jwt, "scope") == NULL)
    {
      *error_message = plain_strdup ("the token's scope is not a string");
      return NULL;
    }

  /* Both validated as numbers already; fractions are truncated toward the past. */
  orgdesk_jwt_get_numeric_claim (jwt, "exp", &exp);

  claims = calloc (1, sizeof *claims);
  if (claims == NULL)
    {
      *error_message = plain_strdup ("out of memory");
      return NULL;
    }
  claims->subject = plain_strdup (orgdesk_jwt_get_string_claim (jwt, "sub"));
  claims->organization_id = plain_strdup (organization_id);
  claims->key_id = plain_strdup (orgdesk_jwt_get_key_id (jwt));
  claims->scopes = split_scopes (orgdesk_jwt_get_string_claim (jwt, "scope"));
  claims->expires_at = exp;
  claims->not_before = orgdesk_jwt_get_numeric_claim (jwt, "nbf", &nbf) ? nbf : INT64_MIN;

  if (claims->subject == NULL || claims->key_id == NULL || claims->scopes == NULL ||
      (organization_id != NULL && claims->organization_id == NULL))
    {
      orgdesk_auth_claims_free (claims);
      *error_message = plain_strdup ("out of memory");
      return NULL;
    }

  return claims;
}

bool
orgdesk_auth_token_digest (const char    *token,
                           size_t         length,
                           unsigned char  digest[ORGDESK_AUTH_DIGEST_LENGTH])
{
  return gnutls_hash_fast (GNUTLS_DIG_SHA256, token, length, digest) == 0;
}
