/* orgdesk-jwt.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-base64url.h"
#include "orgdesk-json.h"
#include "orgdesk-jwt.h"

struct _OrgdeskJwt
{
  GObject     parent_instance;

  JsonObject *header;
  JsonObject *claims;
  GBytes     *signing_input;
  GBytes     *signature;
  gboolean    verified;
};

G_DEFINE_FINAL_TYPE (OrgdeskJwt, orgdesk_jwt, G_TYPE_OBJECT)

typedef enum
{
  MEMBER_ABSENT,
  MEMBER_PRESENT,
  MEMBER_WRONG_TYPE,
} MemberState;

static JsonObject *
parse_json_object (GBytes      *bytes,
                   const char  *part,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  /* g_utf8_validate_len() also refuses embedded NUL bytes. */
  if (size == 0 || !g_utf8_validate_len (data, size, NULL))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token’s %s is empty or not UTF-8 text", part);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!orgdesk_json_parser_load (parser, data, (gssize) size, &local_error))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token’s %s is not valid JSON: %s", part, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token’s %s is not a JSON object", part);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static GBytes *
decode_part (const char  *text,
             gsize        length,
             const char  *part,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  if (!(bytes = orgdesk_base64url_decode (text, (gssize) length, &local_error)))
    g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                 "The token’s %s is not valid base64url: %s", part, local_error->message);

  return bytes;
}

static MemberState
get_string_member (JsonObject  *object,
                   const char  *name,
                   const char **value)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;

  if (node == NULL)
    return MEMBER_ABSENT;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return MEMBER_WRONG_TYPE;

  *value = json_node_get_string (node);
  return MEMBER_PRESENT;
}

/* Integers and doubles are both JSON numbers; booleans and strings are not. */
static MemberState
get_number_member (JsonObject *object,
                   const char *name,
                   double     *value)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  *value = 0;

  if (node == NULL)
    return MEMBER_ABSENT;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return MEMBER_WRONG_TYPE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return MEMBER_WRONG_TYPE;

  return isfinite (*value) ? MEMBER_PRESENT : MEMBER_WRONG_TYPE;
}

static gboolean
constant_time_equal (const char *a,
                     const char *b)
{
  gsize len_a = strlen (a);
  gsize len_b = strlen (b);

  /* The length is not secret; the content is compared without early exit. */
  if (len_a != len_b)
    return FALSE;

  return gnutls_memcmp (a, b, len_a) == 0;
}

static gboolean
validate_audience (OrgdeskJwt  *self,
                   const char  *client_id,
                   GError     **error)
{
  JsonNode *aud = json_object_get_member (self->claims, "aud");
  const char *azp;
  gboolean found = FALSE;
  guint n_audiences = 0;

  if (aud != NULL && JSON_NODE_HOLDS_VALUE (aud) &&
      json_node_get_value_type (aud) == G_TYPE_STRING)
    {
      n_audiences = 1;
      found = g_strcmp0 (json_node_get_string (aud), client_id) == 0;
    }
  else if (aud != NULL && JSON_NODE_HOLDS_ARRAY (aud))
    {
      JsonArray *array = json_node_get_array (aud);

      n_audiences = json_array_get_length (array);
      for (guint i = 0; i < n_audiences; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING)
            {
              n_audiences = 0;
              break;
            }

          if (g_strcmp0 (json_node_get_string (element), client_id) == 0)
            found = TRUE;
        }
    }

  if (n_audiences == 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The ID token has no valid audience (aud)");
      return FALSE;
    }

  if (!found)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The ID token was issued for another application (aud)");
      return FALSE;
    }

  /* OIDC Core 3.1.3.7 steps 4 and 5: several audiences need azp, and an azp
   * that is present must be this client. */
  switch (get_string_member (self->claims, "azp", &azp))
    {
    case MEMBER_ABSENT:
      if (n_audiences > 1)
        {
          g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                       "The ID token has several audiences but no authorized party (azp)");
          return FALSE;
        }
      break;

    case MEMBER_PRESENT:
      if (strcmp (azp, client_id) == 0)
        break;
      G_GNUC_FALLTHROUGH;

    case MEMBER_WRONG_TYPE:
    default:
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The ID token’s authorized party (azp) is another application");
      return FALSE;
    }

  return TRUE;
}

/* @what names the token in messages ("ID token", "access token"). */
static gboolean
validate_times (OrgdeskJwt  *self,
                const char  *what,
                gint64       now_unix,
                gint64       skew_seconds,
                GError     **error)
{
  const double skew = (double) skew_seconds;
  const double now = (double) now_unix;
  double exp;
  double iat;
  double nbf;
  MemberState state;

  if (get_number_member (self->claims, "exp", &exp) != MEMBER_PRESENT)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The %s has no valid expiry time (exp)", what);
      return FALSE;
    }

  if (get_number_member (self->claims, "iat", &iat) != MEMBER_PRESENT)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The %s has no valid issue time (iat)", what);
      return FALSE;
    }

  if (!(exp > now - skew))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_EXPIRED,
                   "The %s expired %.0f seconds ago", what, now - exp);
      return FALSE;
    }

  if (iat > now + skew)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_EXPIRED,
                   "The %s was issued %.0f seconds in the future; "
                   "check the system clock", what, iat - now);
      return FALSE;
    }

  state = get_number_member (self->claims, "nbf", &nbf);
  if (state == MEMBER_WRONG_TYPE)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The %s’s not-before time (nbf) is not a number", what);
      return FALSE;
    }
  if (state == MEMBER_PRESENT && nbf > now + skew)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_EXPIRED,
                   "The %s is not valid yet (nbf); check the system clock", what);
      return FALSE;
    }

  return TRUE;
}

static void
orgdesk_jwt_finalize (GObject *object)
{
  OrgdeskJwt *self = (OrgdeskJwt *) object;

  g_clear_pointer (&self->header, json_object_unref);
  g_clear_pointer (&self->claims, json_object_unref);
  g_clear_pointer (&self->signing_input, g_bytes_unref);
  g_clear_pointer (&self->signature, g_bytes_unref);

  G_OBJECT_CLASS (orgdesk_jwt_parent_class)->finalize (object);
}

static void
orgdesk_jwt_class_init (OrgdeskJwtClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_jwt_finalize;
}

static void
orgdesk_jwt_init (OrgdeskJwt *self)
{
}

/**
 * orgdesk_jwt_parse:
 * @token: a compact JWS (`header.payload.signature`)
 * @error: return location for a #GError
 *
 * Splits and decodes a signed JWT without verifying anything but its form:
 * exactly three base64url parts, a header and a payload that are JSON objects,
 * a header with a string "alg" (and a string "kid", if any) and no "crit", a
 * non-empty signature, at most %ORGDESK_JWT_MAX_LENGTH bytes in all.
 * Errors are %ORGDESK_AUTH_ERROR_INVALID_TOKEN; their messages never hold the token.
 *
 * Returns: (transfer full): a new #OrgdeskJwt, or %NULL with @error set
 */
OrgdeskJwt *
orgdesk_jwt_parse (const char  *token,
                   GError     **error)
{
  g_autoptr(OrgdeskJwt) self = NULL;
  g_autoptr(GBytes) header = NULL;
  g_autoptr(GBytes) payload = NULL;
  const char *first_dot;
  const char *second_dot;
  const char *end;
  const char *kid;
  const char *alg;
  gsize length;

  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* strnlen() is POSIX, not C11; never read further than one byte past the limit. */
  for (length = 0; length <= ORGDESK_JWT_MAX_LENGTH && token[length] != '\0'; length++)
    ;
  if (length > ORGDESK_JWT_MAX_LENGTH)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token is larger than %u bytes", (guint) ORGDESK_JWT_MAX_LENGTH);
      return NULL;
    }

  end = token + length;
  first_dot = memchr (token, '.', length);
  second_dot = first_dot ? memchr (first_dot + 1, '.', end - first_dot - 1) : NULL;

  if (second_dot == NULL || memchr (second_dot + 1, '.', end - second_dot - 1) != NULL)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token is not a signed JWT of three parts");
      return NULL;
    }

  if (second_dot + 1 == end)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token is not signed (its signature is empty)");
      return NULL;
    }

  self = g_object_new (ORGDESK_TYPE_JWT, NULL);

  if (!(header = decode_part (token, first_dot - token, "header", error)) ||
      !(payload = decode_part (first_dot + 1, second_dot - first_dot - 1, "payload", error)) ||
      !(self->signature = decode_part (second_dot + 1, end - second_dot - 1, "signature", error)))
    return NULL;

  if (!(self->header = parse_json_object (header, "header", error)) ||
      !(self->claims = parse_json_object (payload, "payload", error)))
    return NULL;

  if (get_string_member (self->header, "alg", &alg) != MEMBER_PRESENT)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token’s header has no algorithm (alg)");
      return NULL;
    }

  if (get_string_member (self->header, "kid", &kid) == MEMBER_WRONG_TYPE)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token’s key id (kid) is not a string");
      return NULL;
    }

  /* RFC 7515 §4.1.11: extensions we don't understand must not be ignored. */
  if (json_object_has_member (self->header, "crit"))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token’s header has critical extensions (crit), which are not supported");
      return NULL;
    }

  self->signing_input = g_bytes_new (token, second_dot - token);

  return g_steal_pointer (&self);
}

/**
 * orgdesk_jwt_get_header:
 * @self: a #OrgdeskJwt
 *
 * Returns: (transfer none): the JOSE header
 */
JsonObject *
orgdesk_jwt_get_header (OrgdeskJwt *self)
{
  g_return_val_if_fail (ORGDESK_IS_JWT (self), NULL);

  return self->header;
}

/**
 * orgdesk_jwt_get_claims:
 * @self: a #OrgdeskJwt
 *
 * Returns: (transfer none): the claims (payload); trust them only after
 *   orgdesk_jwt_verify_signature() and a validation
 */
JsonObject *
orgdesk_jwt_get_claims (OrgdeskJwt *self)
{
  g_return_val_if_fail (ORGDESK_IS_JWT (self), NULL);

  return self->claims;
}

/**
 * orgdesk_jwt_get_string_claim:
 * @self: a #OrgdeskJwt
 * @name: a claim name
 *
 * Returns: (nullable): the claim's value, or %NULL if it is absent or not a string
 */
const char *
orgdesk_jwt_get_string_claim (OrgdeskJwt *self,
                              const char *name)
{
  const char *value;

  g_return_val_if_fail (ORGDESK_IS_JWT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  get_string_member (self->claims, name, &value);

  return value;
}

/**
 * orgdesk_jwt_get_numeric_claim:
 * @self: a #OrgdeskJwt
 * @name: a claim name, such as "exp"
 * @value: (out) (optional): the value, rounded down to an integer
 *
 * Reads a claim that is a JSON number, an integer or not (exp, iat, auth_time,
 * Logto's millisecond updated_at…).
 *
 * Returns: %TRUE if the claim is present and a number in the range of #gint64
 */
gboolean
orgdesk_jwt_get_numeric_claim (OrgdeskJwt *self,
                               const char *name,
                               gint64     *value)
{
  JsonNode *node;
  double number;

  g_return_val_if_fail (ORGDESK_IS_JWT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  node = json_object_get_member (self->claims, name);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    {
      if (value != NULL)
        *value = json_node_get_int (node);
      return TRUE;
    }

  /* 2^63 is exactly representable; everything below it fits. */
  if (get_number_member (self->claims, name, &number) != MEMBER_PRESENT ||
      number < -9223372036854775808.0 || number >= 9223372036854775808.0)
    return FALSE;

  if (value != NULL)
    {
      gint64 truncated = (gint64) number;

      /* Round toward minus infinity, as floor() would, without libm. */
      *value = (double) truncated > number ? truncated - 1 : truncated;
    }

  return TRUE;
}

/**
 * orgdesk_jwt_get_key_id:
 * @self: a #OrgdeskJwt
 *
 * Returns: (nullable): the header's "kid"
 */
const char *
orgdesk_jwt_get_key_id (OrgdeskJwt *self)
{
  const char *kid;

  g_return_val_if_fail (ORGDESK_IS_JWT (self), NULL);

  get_string_member (self->header, "kid", &kid);

  return kid;
}

/**
 * orgdesk_jwt_get_algorithm:
 * @self: a #OrgdeskJwt
 *
 * Returns: the header's "alg", as the token states it (not yet checked)
 */
const char *
orgdesk_jwt_get_algorithm (OrgdeskJwt *self)
{
  const char *alg;

  g_return_val_if_fail (ORGDESK_IS_JWT (self), NULL);

  get_string_member (self->header, "alg", &alg);

  return alg;
}

/**
 * orgdesk_jwt_get_signature:
 * @self: a #OrgdeskJwt
 *
 * Returns: (transfer none): the decoded signature
 */
GBytes *
orgdesk_jwt_get_signature (OrgdeskJwt *self)
{
  g_return_val_if_fail (ORGDESK_IS_JWT (self), NULL);

  return self->signature;
}

/**
 * orgdesk_jwt_is_verified:
 * @self: a #OrgdeskJwt
 *
 * Returns: whether orgdesk_jwt_verify_signature() succeeded on @self
 */
gboolean
orgdesk_jwt_is_verified (OrgdeskJwt *self)
{
  g_return_val_if_fail (ORGDESK_IS_JWT (self), FALSE);

  return self->verified;
}

/**
 * orgdesk_jwt_verify_signature:
 * @self: a #OrgdeskJwt
 * @jwks: the issuer's key set
 * @error: return location for a #GError
 *
 * Verifies the signature with the key the header's "kid" names and its "alg";
 * see orgdesk_jwks_verify() for the rules and error codes.  On
 * %ORGDESK_AUTH_ERROR_UNKNOWN_KEY, fetch the JWKS again once and retry.
 *
 * Returns: %TRUE if the signature is valid
 */
gboolean
orgdesk_jwt_verify_signature (OrgdeskJwt   *self,
                              OrgdeskJwks  *jwks,
                              GError      **error)
{
  g_return_val_if_fail (ORGDESK_IS_JWT (self), FALSE);
  g_return_val_if_fail (ORGDESK_IS_JWKS (jwks), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->verified = orgdesk_jwks_verify (jwks,
                                        orgdesk_jwt_get_key_id (self),
                                        orgdesk_jwt_get_algorithm (self),
                                        self->signing_input,
                                        self->signature,
                                        error);

  return self->verified;
}

/**
 * orgdesk_jwt_validate_id_token:
 * @self: a #OrgdeskJwt whose signature was verified
 * @issuer: the issuer from discovery
 * @client_id: this application's client id
 * @nonce: (nullable): the nonce of the authorization request, or %NULL to skip
 *   the check (a refreshed ID token)
 * @now_unix: the current time, in seconds since the epoch
 * @error: return location for a #GError
 *
 * Validates an ID token's claims as OIDC Core 3.1.3.7 asks: "iss" equals
 * @issuer; "aud" (a string or an array) holds @client_id, and "azp", required
 * with several audiences, equals it; "exp" and "iat" are numbers, the token has
 * not expired and was not issued in the future, allowing
 * %ORGDESK_JWT_CLOCK_SKEW_SECONDS either way (%ORGDESK_AUTH_ERROR_EXPIRED);
 * "sub" is a non-empty string; "nonce" equals @nonce.  Other failures are
 * %ORGDESK_AUTH_ERROR_INVALID_TOKEN, also when the signature was not verified
 * first, so a forgotten verification cannot pass unnoticed.
 *
 * Returns: %TRUE if the ID token is valid
 */
gboolean
orgdesk_jwt_validate_id_token (OrgdeskJwt  *self,
                               const char  *issuer,
                               const char  *client_id,
                               const char  *nonce,
                               gint64       now_unix,
                               GError     **error)
{
  const char *iss;
  const char *sub;
  const char *token_nonce;

  g_return_val_if_fail (ORGDESK_IS_JWT (self), FALSE);
  g_return_val_if_fail (issuer != NULL, FALSE);
  g_return_val_if_fail (client_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->verified)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The ID token’s signature has not been verified");
      return FALSE;
    }

  if (get_string_member (self->claims, "iss", &iss) != MEMBER_PRESENT ||
      strcmp (iss, issuer) != 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The ID token was not issued by %s (iss)", issuer);
      return FALSE;
    }

  if (get_string_member (self->claims, "sub", &sub) != MEMBER_PRESENT || sub[0] == '\0')
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The ID token does not name its user (sub)");
      return FALSE;
    }

  if (!validate_audience (self, client_id, error))
    return FALSE;

  if (!validate_times (self, "ID token", now_unix, ORGDESK_JWT_CLOCK_SKEW_SECONDS, error))
    return FALSE;

  if (nonce != NULL &&
      (get_string_member (self->claims, "nonce", &token_nonce) != MEMBER_PRESENT ||
       !constant_time_equal (token_nonce, nonce)))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The ID token does not belong to this sign-in (nonce)");
      return FALSE;
    }

  return TRUE;
}

/* RFC 9068 section 2.1: "at+jwt", or the full media type. */
static gboolean
is_access_token_type (const char *typ)
{
  return typ != NULL &&
         (g_ascii_strcasecmp (typ, "at+jwt") == 0 ||
          g_ascii_strcasecmp (typ, "application/at+jwt") == 0);
}

/**
 * orgdesk_jwt_validate_access_token:
 * @self: a JWT whose signature orgdesk_jwt_verify_signature() has checked
 * @issuer: the issuer it must come from (`iss`)
 * @audience: the API resource it must be for: `aud` is that one string (or an
 *   array of just it)
 * @skew_seconds: clock skew allowed for `exp`, `nbf` and `iat`
 * @now_unix: the current time
 * @error: return location for an %ORGDESK_AUTH_ERROR
 *
 * Validates a Logto access token for an API resource (RFC 9068): the `typ`
 * header, `iss`, `aud`, `sub`, `exp`, `iat` and `nbf`.  An ID token (audience:
 * the client) or a token for another resource fails.
 *
 * Returns: %TRUE if the token may be used at @audience now
 */
gboolean
orgdesk_jwt_validate_access_token (OrgdeskJwt  *self,
                                   const char  *issuer,
                                   const char  *audience,
                                   gint64       skew_seconds,
                                   gint64       now_unix,
                                   GError     **error)
{
  JsonNode *aud;
  const char *aud_value = NULL;
  const char *iss;
  const char *sub;
  const char *typ;

  g_return_val_if_fail (ORGDESK_IS_JWT (self), FALSE);
  g_return_val_if_fail (issuer != NULL, FALSE);
  g_return_val_if_fail (audience != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->verified)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The access token’s signature has not been verified");
      return FALSE;
    }

  if (get_string_member (self->header, "typ", &typ) != MEMBER_PRESENT ||
      !is_access_token_type (typ))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token is not an access token (typ)");
      return FALSE;
    }

  if (get_string_member (self->claims, "iss", &iss) != MEMBER_PRESENT ||
      strcmp (iss, issuer) != 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The access token was not issued by %s (iss)", issuer);
      return FALSE;
    }

  aud = json_object_get_member (self->claims, "aud");
  if (aud != NULL && JSON_NODE_HOLDS_ARRAY (aud) &&
      json_array_get_length (json_node_get_array (aud)) == 1)
    aud = json_array_get_element (json_node_get_array (aud), 0);
  if (aud != NULL && JSON_NODE_HOLDS_VALUE (aud) &&
      json_node_get_value_type (aud) == G_TYPE_STRING)
    aud_value = json_node_get_string (aud);
  if (aud_value == NULL || strcmp (aud_value, audience) != 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The access token is not for %s (aud)", audience);
      return FALSE;
    }

  if (get_string_member (self->claims, "sub", &sub) != MEMBER_PRESENT || sub[0] == '\0')
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The access token does not name its user (sub)");
      return FALSE;
    }

  return validate_times (self, "access token", now_unix, skew_seconds, error);
}
