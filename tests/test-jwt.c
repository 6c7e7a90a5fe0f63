/* test-jwt.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-base64url.h"
#include "orgdesk-jwks.h"
#include "orgdesk-jwt.h"
#include "orgdesk-test-jwt-signer.h"

#define ISSUER    "https://auth.example.com/oidc"
#define CLIENT_ID "orgdesk-desktop"
#define SUBJECT   "u7x2k9"
#define NONCE     "Tm9uY2UtZm9yLXRoZS10ZXN0cw"
#define NOW       G_GINT64_CONSTANT (1767225600)   /* 2026-01-01 00:00:00 UTC */

/* Keys are generated once per run (RSA generation is slow), never committed. */
static struct
{
  OrgdeskTestJwtSigner *es256;
  OrgdeskTestJwtSigner *es384;
  OrgdeskTestJwtSigner *es512;
  OrgdeskTestJwtSigner *rs256;
  OrgdeskTestJwtSigner *ps256;
  OrgdeskTestJwtSigner *eddsa;
  OrgdeskTestJwtSigner *es384_no_kid;
  OrgdeskTestJwtSigner *rsa1024;
} keys;

/* Helpers */

static OrgdeskJwks *
jwks_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  OrgdeskJwks *jwks = orgdesk_jwks_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (ORGDESK_IS_JWKS (jwks));

  return jwks;
}

static OrgdeskJwks *
jwks_for (OrgdeskTestJwtSigner *signer)
{
  g_autofree char *json = orgdesk_test_jwt_signer_get_jwks (signer);

  return jwks_from_json (json);
}

static OrgdeskJwks *
jwks_for_two (OrgdeskTestJwtSigner *a,
              OrgdeskTestJwtSigner *b)
{
  g_autoptr(JsonObject) jwk_a = orgdesk_test_jwt_signer_get_jwk (a);
  g_autoptr(JsonObject) jwk_b = orgdesk_test_jwt_signer_get_jwk (b);
  g_autofree char *json = orgdesk_test_jwks_build (jwk_a, jwk_b, NULL);

  return jwks_from_json (json);
}

static JsonObject *
default_claims (void)
{
  return orgdesk_test_id_token_claims_new (ISSUER, CLIENT_ID, SUBJECT, NONCE, NOW);
}

static char *
object_to_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);

  return json_to_string (node, FALSE);
}

static char *
b64 (const char *text)
{
  return orgdesk_base64url_encode ((const guint8 *) text, strlen (text));
}

/* Error messages are shown and logged: they must never carry the token. */
static void
assert_message_hides_token (const GError *error,
                            const char   *token)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);

  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (strlen (parts[i]) >= 8)
        g_assert_null (strstr (error->message, parts[i]));
    }
}

/* Parses, verifies and validates @token as the sign-in does. */
static gboolean
check_token_full (OrgdeskJwks  *jwks,
                  const char   *token,
                  const char   *nonce,
                  gint64        now,
                  GError      **error)
{
  g_autoptr(OrgdeskJwt) jwt = NULL;
  gboolean ok;

  g_assert (error != NULL && *error == NULL);

  jwt = orgdesk_jwt_parse (token, error);
  ok = jwt != NULL &&
       orgdesk_jwt_verify_signature (jwt, jwks, error) &&
       orgdesk_jwt_validate_id_token (jwt, ISSUER, CLIENT_ID, nonce, now, error);

  if (!ok)
    assert_message_hides_token (*error, token);
  else
    g_assert_no_error (*error);

  return ok;
}

static gboolean
check_token (OrgdeskJwks  *jwks,
             const char   *token,
             GError      **error)
{
  return check_token_full (jwks, token, NONCE, NOW, error);
}

/* Signs @claims with the ES384 key (Logto's default) and checks the result. */
static gboolean
check_claims_full (JsonObject  *claims,
                   const char  *nonce,
                   gint64       now,
                   GError     **error)
{
  g_autoptr(OrgdeskJwks) jwks = jwks_for (keys.es384);
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384, claims);

  return check_token_full (jwks, token, nonce, now, error);
}

static gboolean
check_claims (JsonObject  *claims,
              GError     **error)
{
  return check_claims_full (claims, NONCE, NOW, error);
}

/* Replaces part @index (0: header, 1: payload, 2: signature) of @token. */
static char *
replace_part (const char *token,
              guint       index,
              const char *part)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_free (parts[index]);
  parts[index] = g_strdup (part);

  return g_strjoinv (".", parts);
}

/* Flips one bit in the decoded part @index of @token, at byte @offset. */
static char *
flip_bit (const char *token,
          guint       index,
          gsize       offset,
          guint8      mask)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *encoded = NULL;
  gsize size = 0;

  bytes = orgdesk_base64url_decode (parts[index], -1, &error);
  g_assert_no_error (error);
  data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
  g_assert_cmpuint (offset, <, size);
  data[offset] ^= mask;
  encoded = orgdesk_base64url_encode (data, size);

  return replace_part (token, index, encoded);
}

static void
assert_parse_fails (const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, &error);

  g_assert_null (jwt);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  assert_message_hides_token (error, token);
}

/* Good tokens */

static void
test_good_token (gconstpointer data)
{
  OrgdeskTestJwtSigner *signer = *(OrgdeskTestJwtSigner * const *) data;
  g_autoptr(OrgdeskJwks) jwks = jwks_for (signer);
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (signer, claims);
  g_autoptr(OrgdeskJwt) jwt = NULL;
  g_autoptr(GError) error = NULL;
  gint64 updated_at = 0;

  jwt = orgdesk_jwt_parse (token, &error);
  g_assert_no_error (error);
  g_assert_true (ORGDESK_IS_JWT (jwt));

  g_assert_cmpstr (orgdesk_jwt_get_algorithm (jwt), ==, orgdesk_test_jwt_signer_get_alg (signer));
  g_assert_cmpstr (orgdesk_jwt_get_key_id (jwt), ==, orgdesk_test_jwt_signer_get_kid (signer));
  g_assert_cmpstr (json_object_get_string_member (orgdesk_jwt_get_header (jwt), "typ"), ==, "JWT");
  g_assert_cmpstr (orgdesk_jwt_get_string_claim (jwt, "sub"), ==, SUBJECT);
  g_assert_cmpstr (orgdesk_jwt_get_string_claim (jwt, "email"), ==, "ada@example.com");
  g_assert_null (orgdesk_jwt_get_string_claim (jwt, "picture"));
  g_assert_null (orgdesk_jwt_get_string_claim (jwt, "exp"));
  g_assert_true (json_object_has_member (orgdesk_jwt_get_claims (jwt), "organizations"));
  g_assert_true (orgdesk_jwt_get_numeric_claim (jwt, "updated_at", &updated_at));
  g_assert_cmpint (updated_at, ==, NOW * 1000 - 5000);
  g_assert_false (orgdesk_jwt_is_verified (jwt));

  g_assert_true (orgdesk_jwt_verify_signature (jwt, jwks, &error));
  g_assert_no_error (error);
  g_assert_true (orgdesk_jwt_is_verified (jwt));

  g_assert_true (orgdesk_jwt_validate_id_token (jwt, ISSUER, CLIENT_ID, NONCE, NOW, &error));
  g_assert_no_error (error);

  /* A refreshed ID token is checked without a nonce. */
  g_assert_true (orgdesk_jwt_validate_id_token (jwt, ISSUER, CLIENT_ID, NULL, NOW + 1800, &error));
  g_assert_no_error (error);
}

static void
test_good_rotated_set (void)
{
  /* After a rotation Logto lists the previous key too; either may sign. */
  g_autoptr(OrgdeskJwks) jwks = jwks_for_two (keys.es384, keys.rs256);
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *old_token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  g_autofree char *new_token = orgdesk_test_jwt_signer_sign (keys.rs256, claims);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (orgdesk_jwks_get_n_keys (jwks), ==, 2);
  g_assert_true (orgdesk_jwks_has_key (jwks, "es384-key"));
  g_assert_true (orgdesk_jwks_has_key (jwks, "rs256-key"));
  g_assert_false (orgdesk_jwks_has_key (jwks, "es256-key"));

  g_assert_true (check_token (jwks, old_token, &error));
  g_assert_true (check_token (jwks, new_token, &error));
}

static void
test_good_lifecycle (void)
{
  OrgdeskJwks *jwks = jwks_for (keys.es384);
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  g_autoptr(GError) error = NULL;
  OrgdeskJwt *jwt = orgdesk_jwt_parse (token, &error);

  g_assert_no_error (error);
  g_assert_true (orgdesk_jwt_verify_signature (jwt, jwks, &error));
  g_assert_finalize_object (jwt);
  g_assert_finalize_object (jwks);
}

static void
test_good_numeric_claims (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = NULL;
  g_autoptr(OrgdeskJwt) jwt = NULL;
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  json_object_set_double_member (claims, "exp", (double) NOW + 3600.5);
  json_object_set_double_member (claims, "iat", (double) NOW - 0.25);
  json_object_set_double_member (claims, "negative", -1.5);
  json_object_set_boolean_member (claims, "flag", TRUE);
  json_object_set_string_member (claims, "text", "12");

  /* Doubles are JSON numbers too. */
  g_assert_true (check_claims (claims, &error));

  token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  jwt = orgdesk_jwt_parse (token, &error);
  g_assert_no_error (error);

  g_assert_true (orgdesk_jwt_get_numeric_claim (jwt, "exp", &value));
  g_assert_cmpint (value, ==, NOW + 3600);
  g_assert_true (orgdesk_jwt_get_numeric_claim (jwt, "iat", &value));
  g_assert_cmpint (value, ==, NOW - 1);
  g_assert_true (orgdesk_jwt_get_numeric_claim (jwt, "negative", &value));
  g_assert_cmpint (value, ==, -2);
  g_assert_true (orgdesk_jwt_get_numeric_claim (jwt, "created_at", NULL));
  g_assert_false (orgdesk_jwt_get_numeric_claim (jwt, "flag", &value));
  g_assert_false (orgdesk_jwt_get_numeric_claim (jwt, "text", &value));
  g_assert_false (orgdesk_jwt_get_numeric_claim (jwt, "organizations", &value));
  g_assert_false (orgdesk_jwt_get_numeric_claim (jwt, "missing", &value));
}

/* Signatures */

static void
test_bad_signature_bit (void)
{
  OrgdeskTestJwtSigner *signers[] = {
    keys.es256, keys.es384, keys.es512, keys.rs256, keys.ps256, keys.eddsa,
  };

  for (guint i = 0; i < G_N_ELEMENTS (signers); i++)
    {
      g_autoptr(OrgdeskJwks) jwks = jwks_for (signers[i]);
      g_autoptr(JsonObject) claims = default_claims ();
      g_autofree char *token = orgdesk_test_jwt_signer_sign (signers[i], claims);
      g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, NULL);
      gsize sig_len;

      g_test_message ("%s", orgdesk_test_jwt_signer_get_alg (signers[i]));
      g_assert_nonnull (jwt);
      sig_len = g_bytes_get_size (orgdesk_jwt_get_signature (jwt));

      /* One bit in the first byte, the middle (s for ECDSA) and the last. */
      for (guint j = 0; j < 3; j++)
        {
          gsize offset = j == 0 ? 0 : j == 1 ? sig_len / 2 + 1 : sig_len - 1;
          g_autofree char *bad = flip_bit (token, 2, offset, 0x01 << j);
          g_autoptr(GError) error = NULL;

          g_assert_false (check_token (jwks, bad, &error));
          g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
        }
    }
}

static void
test_bad_signature_payload_bit (void)
{
  OrgdeskTestJwtSigner *signers[] = {
    keys.es256, keys.es384, keys.es512, keys.rs256, keys.ps256, keys.eddsa,
  };

  for (guint i = 0; i < G_N_ELEMENTS (signers); i++)
    {
      g_autoptr(OrgdeskJwks) jwks = jwks_for (signers[i]);
      g_autoptr(JsonObject) claims = default_claims ();
      g_autofree char *token = orgdesk_test_jwt_signer_sign (signers[i], claims);
      g_autoptr(GError) error = NULL;
      g_autoptr(OrgdeskJwt) jwt = NULL;
      g_autofree char *payload = NULL;
      g_autofree char *bad = NULL;
      const char *sub;

      g_test_message ("%s", orgdesk_test_jwt_signer_get_alg (signers[i]));
      jwt = orgdesk_jwt_parse (token, &error);
      g_assert_no_error (error);

      /* "u7x2k9" becomes "u7x2k8": still a well-formed token, another user. */
      payload = object_to_json (orgdesk_jwt_get_claims (jwt));
      sub = strstr (payload, SUBJECT);
      g_assert_nonnull (sub);
      bad = flip_bit (token, 1, (sub - payload) + strlen (SUBJECT) - 1, 0x01);

      g_clear_object (&jwt);
      jwt = orgdesk_jwt_parse (bad, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (orgdesk_jwt_get_string_claim (jwt, "sub"), ==, "u7x2k8");

      g_assert_false (check_token (jwks, bad, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
    }
}

static void
test_bad_signature_header_bit (void)
{
  g_autoptr(OrgdeskJwks) jwks = jwks_for (keys.es384);
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  g_autofree char *bad = NULL;
  const char *typ;
  g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, &error);

  g_assert_no_error (error);
  header = object_to_json (orgdesk_jwt_get_header (jwt));
  typ = strstr (header, "\"JWT\"");
  g_assert_nonnull (typ);
  bad = flip_bit (token, 0, (typ - header) + 3, 0x02);

  g_assert_false (check_token (jwks, bad, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_bad_signature_length (void)
{
  OrgdeskTestJwtSigner *signers[] = {
    keys.es256, keys.es384, keys.es512, keys.rs256, keys.ps256, keys.eddsa,
  };

  for (guint i = 0; i < G_N_ELEMENTS (signers); i++)
    {
      g_autoptr(OrgdeskJwks) jwks = jwks_for (signers[i]);
      g_autoptr(JsonObject) claims = default_claims ();
      g_autofree char *token = orgdesk_test_jwt_signer_sign (signers[i], claims);
      g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, NULL);
      GBytes *signature = orgdesk_jwt_get_signature (jwt);
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (signature, &size);
      g_autofree guint8 *longer = g_malloc0 (size + 1);
      g_autofree char *short_sig = orgdesk_base64url_encode (data, size - 1);
      g_autofree char *long_sig = NULL;
      g_autofree char *short_token = replace_part (token, 2, short_sig);
      g_autofree char *long_token = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", orgdesk_test_jwt_signer_get_alg (signers[i]));

      /* A zero byte in front leaves the value of r (or the RSA integer) as it was. */
      memcpy (longer + 1, data, size);
      long_sig = orgdesk_base64url_encode (longer, size + 1);
      long_token = replace_part (token, 2, long_sig);

      g_assert_false (check_token (jwks, short_token, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
      g_clear_error (&error);

      g_assert_false (check_token (jwks, long_token, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
    }
}

static void
test_bad_signature_padded_ecdsa (void)
{
  /* 00||r||00||s has the values of a valid signature but not the fixed size
   * JWS demands (RFC 7518 §3.4): a second encoding must not verify. */
  OrgdeskTestJwtSigner *signers[] = { keys.es256, keys.es384, keys.es512 };

  for (guint i = 0; i < G_N_ELEMENTS (signers); i++)
    {
      g_autoptr(OrgdeskJwks) jwks = jwks_for (signers[i]);
      g_autoptr(JsonObject) claims = default_claims ();
      g_autofree char *token = orgdesk_test_jwt_signer_sign (signers[i], claims);
      g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, NULL);
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (orgdesk_jwt_get_signature (jwt), &size);
      gsize half = size / 2;
      g_autofree guint8 *padded = g_malloc0 (size + 2);
      g_autofree char *sig = NULL;
      g_autofree char *bad = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", orgdesk_test_jwt_signer_get_alg (signers[i]));
      g_assert_true (check_token (jwks, token, &error));

      memcpy (padded + 1, data, half);
      memcpy (padded + half + 2, data + half, half);
      sig = orgdesk_base64url_encode (padded, size + 2);
      bad = replace_part (token, 2, sig);

      g_assert_false (check_token (jwks, bad, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
    }
}

/* Algorithms */

static void
test_alg_none_empty_signature (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *payload = object_to_json (claims);
  g_autofree char *header = b64 ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_autofree char *body = b64 (payload);
  g_autofree char *token = g_strconcat (header, ".", body, ".", NULL);

  assert_parse_fails (token);
}

static void
test_alg_none_with_signature (void)
{
  const char *names[] = { "none", "None", "NONE", "" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(OrgdeskJwks) jwks = jwks_for (keys.es384);
      g_autoptr(JsonObject) claims = default_claims ();
      g_autofree char *payload = object_to_json (claims);
      g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"kid\":\"es384-key\"}", names[i]);
      /* A genuine ES384 signature over the same input changes nothing. */
      g_autofree char *token = orgdesk_test_jwt_signer_sign_raw (keys.es384, "ES384",
                                                                 header, payload);
      g_autoptr(GError) error = NULL;
      g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, &error);

      g_test_message ("alg “%s”", names[i]);
      g_assert_no_error (error);
      g_assert_false (orgdesk_jwt_verify_signature (jwt, jwks, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM);
      g_clear_error (&error);

      g_assert_false (orgdesk_jwt_validate_id_token (jwt, ISSUER, CLIENT_ID, NONCE, NOW, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
    }
}

static void
test_alg_hmac_confusion (void)
{
  /* The classic attack: HS256 keyed with the public key the verifier holds. */
  OrgdeskTestJwtSigner *signers[] = { keys.rs256, keys.es384 };
  const char *hmacs[] = { "HS256", "HS384", "HS512" };

  for (guint i = 0; i < G_N_ELEMENTS (signers); i++)
    for (guint j = 0; j < G_N_ELEMENTS (hmacs); j++)
      {
        g_autoptr(OrgdeskJwks) jwks = jwks_for (signers[i]);
        g_autoptr(JsonObject) claims = default_claims ();
        g_autofree char *pem = orgdesk_test_jwt_signer_get_public_pem (signers[i]);
        g_autofree char *payload_json = object_to_json (claims);
        g_autofree char *header_json =
          g_strdup_printf ("{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
                           hmacs[j], orgdesk_test_jwt_signer_get_kid (signers[i]));
        g_autofree char *header = b64 (header_json);
        g_autofree char *payload = b64 (payload_json);
        g_autofree char *signing_input = g_strconcat (header, ".", payload, NULL);
        GChecksumType type = j == 0 ? G_CHECKSUM_SHA256
                           : j == 1 ? G_CHECKSUM_SHA384
                           : G_CHECKSUM_SHA512;
        g_autoptr(GHmac) hmac = g_hmac_new (type, (const guchar *) pem, strlen (pem));
        guint8 digest[64];
        gsize digest_len = sizeof digest;
        g_autofree char *mac = NULL;
        g_autofree char *token = NULL;
        g_autoptr(GError) error = NULL;

        g_test_message ("%s with the %s key",
                        hmacs[j], orgdesk_test_jwt_signer_get_alg (signers[i]));
        g_hmac_update (hmac, (const guchar *) signing_input, strlen (signing_input));
        g_hmac_get_digest (hmac, digest, &digest_len);
        mac = orgdesk_base64url_encode (digest, digest_len);
        token = g_strconcat (signing_input, ".", mac, NULL);

        g_assert_false (check_token (jwks, token, &error));
        g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM);
      }
}

static void
test_alg_es384_with_p256_key (void)
{
  /* The P-256 key without its own "alg", so only its curve can refuse ES384.
   * GnuTLS alone would accept an ECDSA-SHA384 signature by a P-256 key. */
  g_autoptr(JsonObject) jwk = orgdesk_test_jwt_signer_get_jwk (keys.es256);
  g_autofree char *jwks_json = NULL;
  g_autoptr(OrgdeskJwks) jwks = NULL;
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *payload = object_to_json (claims);
  g_autofree char *token = NULL;
  g_autofree char *control = NULL;
  g_autoptr(GError) error = NULL;

  json_object_remove_member (jwk, "alg");
  jwks_json = orgdesk_test_jwks_build (jwk, NULL);
  jwks = jwks_from_json (jwks_json);

  token = orgdesk_test_jwt_signer_sign_raw (keys.es256, "ES384",
                                            "{\"alg\":\"ES384\",\"typ\":\"JWT\",\"kid\":\"es256-key\"}",
                                            payload);
  g_assert_false (check_token (jwks, token, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM);
  g_clear_error (&error);

  /* Control: the same key and header shape with ES256 verifies. */
  control = orgdesk_test_jwt_signer_sign_raw (keys.es256, "ES256",
                                              "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"es256-key\"}",
                                              payload);
  g_assert_true (check_token (jwks, control, &error));
}

static void
test_alg_key_alg_mismatch (void)
{
  /* A PS256 signature by an RSA key whose JWK says RS256. */
  g_autoptr(JsonObject) jwk = orgdesk_test_jwt_signer_get_jwk (keys.rs256);
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *payload = object_to_json (claims);
  g_autofree char *token = orgdesk_test_jwt_signer_sign_raw (keys.rs256, "PS256",
                                                             "{\"alg\":\"PS256\",\"kid\":\"rs256-key\"}",
                                                             payload);
  g_autofree char *with_alg = orgdesk_test_jwks_build (jwk, NULL);
  g_autofree char *without_alg = NULL;
  g_autoptr(OrgdeskJwks) strict = jwks_from_json (with_alg);
  g_autoptr(OrgdeskJwks) lax = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (check_token (strict, token, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM);
  g_clear_error (&error);

  /* Control: without the key's "alg", the signature itself is fine. */
  json_object_remove_member (jwk, "alg");
  without_alg = orgdesk_test_jwks_build (jwk, NULL);
  lax = jwks_from_json (without_alg);
  g_assert_true (check_token (lax, token, &error));
}

static void
test_alg_wrong_key_type (void)
{
  /* JWKs without their own "alg", so only the key type can refuse. */
  g_autoptr(JsonObject) ec_jwk = orgdesk_test_jwt_signer_get_jwk (keys.es384);
  g_autoptr(JsonObject) rsa_jwk = orgdesk_test_jwt_signer_get_jwk (keys.rs256);
  g_autoptr(JsonObject) okp_jwk = orgdesk_test_jwt_signer_get_jwk (keys.eddsa);
  g_autofree char *json = NULL;
  g_autoptr(OrgdeskJwks) jwks = NULL;
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *payload = object_to_json (claims);
  struct { OrgdeskTestJwtSigner *signer; const char *alg; const char *kid; } cases[] = {
    { keys.rs256, "RS256", "es384-key" },
    { keys.ps256, "PS256", "es384-key" },
    { keys.es384, "ES384", "rs256-key" },
    { keys.eddsa, "EdDSA", "es384-key" },
    { keys.eddsa, "EdDSA", "rs256-key" },
    { keys.es256, "ES256", "eddsa-key" },
  };

  json_object_remove_member (ec_jwk, "alg");
  json_object_remove_member (rsa_jwk, "alg");
  json_object_remove_member (okp_jwk, "alg");
  json = orgdesk_test_jwks_build (ec_jwk, rsa_jwk, okp_jwk, NULL);
  jwks = jwks_from_json (json);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"kid\":\"%s\"}",
                                                 cases[i].alg, cases[i].kid);
      g_autofree char *token = orgdesk_test_jwt_signer_sign_raw (cases[i].signer, cases[i].alg,
                                                                 header, payload);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s token naming %s", cases[i].alg, cases[i].kid);
      g_assert_false (check_token (jwks, token, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM);
    }
}

static void
test_alg_not_allowed (void)
{
  const char *names[] = {
    "RS384", "RS512", "PS384", "ES256K", "Ed25519", "es384", "ES384 ", "A256GCM", "HS256",
  };
  g_autoptr(OrgdeskJwks) jwks = jwks_for (keys.es384);
  g_autoptr(GBytes) input = g_bytes_new_static ("e30.e30", 7);
  g_autoptr(GBytes) signature = g_bytes_new_static ("0123456789", 10);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (orgdesk_jwks_verify (jwks, "es384-key", names[i], input, signature, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (orgdesk_jwks_verify (jwks, "es384-key", NULL, input, signature, &error));
    g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM);
  }
}

/* Keys */

static void
test_key_unknown_kid (void)
{
  g_autoptr(OrgdeskJwks) stale = jwks_for (keys.es256);
  g_autoptr(OrgdeskJwks) refetched = NULL;
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  g_autoptr(GError) error = NULL;

  g_assert_false (check_token (stale, token, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNKNOWN_KEY);
  g_clear_error (&error);

  /* The caller fetches the JWKS again once; the rotated set has the key. */
  refetched = jwks_for_two (keys.es256, keys.es384);
  g_assert_true (check_token (refetched, token, &error));
}

static void
test_key_no_kid (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384_no_kid, claims);
  g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (jwt);
  g_assert_null (orgdesk_jwt_get_key_id (jwt));

  /* The only key of the set. */
  {
    g_autoptr(OrgdeskJwks) jwks = jwks_for (keys.es384_no_kid);

    g_assert_true (check_token (jwks, token, &error));
  }

  /* The only key of the set that can verify ES384. */
  {
    g_autoptr(OrgdeskJwks) jwks = jwks_for_two (keys.rs256, keys.es384_no_kid);

    g_assert_true (check_token (jwks, token, &error));
  }

  /* Two ES384 keys: which one is meant cannot be known, in either order. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(OrgdeskJwks) jwks = i == 0 ? jwks_for_two (keys.es384, keys.es384_no_kid)
                                           : jwks_for_two (keys.es384_no_kid, keys.es384);

      g_assert_false (check_token (jwks, token, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
      g_clear_error (&error);
    }

  /* No key that can verify ES384. */
  {
    g_autoptr(OrgdeskJwks) jwks = jwks_for (keys.rs256);

    g_assert_false (check_token (jwks, token, &error));
    g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNKNOWN_KEY);
    g_clear_error (&error);
  }

  /* A token with a kid does not fall back to a key without one. */
  {
    g_autoptr(JsonObject) jwk = orgdesk_test_jwt_signer_get_jwk (keys.es384);
    g_autofree char *json = NULL;
    g_autoptr(OrgdeskJwks) jwks = NULL;
    g_autofree char *with_kid = orgdesk_test_jwt_signer_sign (keys.es384, claims);

    json_object_remove_member (jwk, "kid");
    json = orgdesk_test_jwks_build (jwk, NULL);
    jwks = jwks_from_json (json);
    g_assert_false (check_token (jwks, with_kid, &error));
    g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNKNOWN_KEY);
  }
}

static void
test_key_other_key_same_kid (void)
{
  /* A key of the right type and kid that did not sign the token. */
  g_autoptr(JsonObject) jwk = orgdesk_test_jwt_signer_get_jwk (keys.es384_no_kid);
  g_autofree char *json = NULL;
  g_autoptr(OrgdeskJwks) jwks = NULL;
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (jwk, "kid", "es384-key");
  json = orgdesk_test_jwks_build (jwk, NULL);
  jwks = jwks_from_json (json);

  g_assert_false (check_token (jwks, token, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

/* Claims */

static void
test_claims_wrong_iss (void)
{
  const char *issuers[] = {
    ISSUER "/", "https://auth.example.com", "https://evil.example.com/oidc",
    "HTTPS://auth.example.com/oidc", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (issuers); i++)
    {
      g_autoptr(JsonObject) claims = default_claims ();
      g_autoptr(GError) error = NULL;

      json_object_set_string_member (claims, "iss", issuers[i]);
      g_assert_false (check_claims (claims, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
    }
}

static void
test_claims_missing_iss (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  json_object_remove_member (claims, "iss");
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  json_object_set_int_member (claims, "iss", 1);
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_claims_wrong_aud (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (claims, "aud", "another-client");
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_claims_aud_malformed (void)
{
  const char *auds[] = {
    "1", "[]", "[1]", "[\"" CLIENT_ID "\", 2]", "{\"aud\":\"" CLIENT_ID "\"}", "null",
  };

  for (guint i = 0; i < G_N_ELEMENTS (auds); i++)
    {
      g_autoptr(JsonObject) claims = default_claims ();
      g_autoptr(JsonNode) aud = json_from_string (auds[i], NULL);
      g_autoptr(GError) error = NULL;

      g_test_message ("aud %s", auds[i]);
      json_object_set_member (claims, "aud", g_steal_pointer (&aud));
      g_assert_false (check_claims (claims, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
    }

  {
    g_autoptr(JsonObject) claims = default_claims ();
    g_autoptr(GError) error = NULL;

    json_object_remove_member (claims, "aud");
    g_assert_false (check_claims (claims, &error));
    g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  }
}

static void
set_audiences (JsonObject *claims,
               const char *first,
               ...)
{
  JsonArray *array = json_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *aud = first; aud != NULL; aud = va_arg (args, const char *))
    json_array_add_string_element (array, aud);
  va_end (args);

  json_object_set_array_member (claims, "aud", array);
}

static void
test_claims_aud_array (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  /* One audience in an array needs no azp. */
  set_audiences (claims, CLIENT_ID, NULL);
  g_assert_true (check_claims (claims, &error));

  set_audiences (claims, "another-client", NULL);
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_claims_multiple_aud_without_azp (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  set_audiences (claims, "https://api.example.com", CLIENT_ID, NULL);
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_claims_multiple_aud_wrong_azp (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  set_audiences (claims, "https://api.example.com", CLIENT_ID, NULL);
  json_object_set_string_member (claims, "azp", "https://api.example.com");
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  json_object_set_int_member (claims, "azp", 0);
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_claims_multiple_aud_with_azp (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  set_audiences (claims, "https://api.example.com", CLIENT_ID, NULL);
  json_object_set_string_member (claims, "azp", CLIENT_ID);
  g_assert_true (check_claims (claims, &error));
}

static void
test_claims_single_aud_wrong_azp (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (claims, "azp", "another-client");
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_claims_expired (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  gint64 exp = json_object_get_int_member (claims, "exp");
  g_autoptr(GError) error = NULL;

  g_assert_false (check_claims_full (claims, NONCE, exp + ORGDESK_JWT_CLOCK_SKEW_SECONDS + 1, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_EXPIRED);
  g_clear_error (&error);

  g_assert_false (check_claims_full (claims, NONCE, exp + ORGDESK_JWT_CLOCK_SKEW_SECONDS, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_EXPIRED);
  g_clear_error (&error);

  g_assert_false (check_claims_full (claims, NONCE, exp + 86400 * 365, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_EXPIRED);
}

static void
test_claims_expired_within_skew (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  gint64 exp = json_object_get_int_member (claims, "exp");
  g_autoptr(GError) error = NULL;

  g_assert_true (check_claims_full (claims, NONCE, exp, &error));
  g_assert_true (check_claims_full (claims, NONCE, exp + ORGDESK_JWT_CLOCK_SKEW_SECONDS - 1, &error));
}

static void
test_claims_iat_future (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  json_object_set_int_member (claims, "iat", NOW + ORGDESK_JWT_CLOCK_SKEW_SECONDS + 1);
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_EXPIRED);
  g_clear_error (&error);

  /* Within the skew, a slightly fast server clock is fine. */
  json_object_set_int_member (claims, "iat", NOW + ORGDESK_JWT_CLOCK_SKEW_SECONDS);
  g_assert_true (check_claims (claims, &error));
}

static void
test_claims_nbf_future (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  json_object_set_int_member (claims, "nbf", NOW + 600);
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_EXPIRED);
  g_clear_error (&error);

  json_object_set_int_member (claims, "nbf", NOW);
  g_assert_true (check_claims (claims, &error));
}

static void
test_claims_times_malformed (void)
{
  const char *names[] = { "exp", "iat" };
  const char *values[] = { "\"1767229200\"", "true", "null", "[1767229200]", "{}" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(JsonObject) claims = default_claims ();
      g_autoptr(GError) error = NULL;

      json_object_remove_member (claims, names[i]);
      g_assert_false (check_claims (claims, &error));
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);

      for (guint j = 0; j < G_N_ELEMENTS (values); j++)
        {
          g_autoptr(JsonNode) node = json_from_string (values[j], NULL);

          g_test_message ("%s: %s", names[i], values[j]);
          g_clear_error (&error);
          json_object_set_member (claims, names[i], g_steal_pointer (&node));
          g_assert_false (check_claims (claims, &error));
          g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
        }
    }
}

static void
test_claims_wrong_nonce (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  g_assert_false (check_claims_full (claims, NONCE "x", NOW, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  g_assert_false (check_claims_full (claims, "Tm9uY2UtZm9yLXRoZS10ZXN0cx", NOW, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  json_object_set_int_member (claims, "nonce", 7);
  g_assert_false (check_claims_full (claims, "7", NOW, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_claims_missing_nonce (void)
{
  g_autoptr(JsonObject) claims = orgdesk_test_id_token_claims_new (ISSUER, CLIENT_ID, SUBJECT,
                                                                   NULL, NOW);
  g_autoptr(GError) error = NULL;

  g_assert_false (check_claims_full (claims, NONCE, NOW, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  /* Not expected: not checked. */
  g_assert_true (check_claims_full (claims, NULL, NOW, &error));
}

static void
test_claims_missing_sub (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autoptr(GError) error = NULL;

  json_object_remove_member (claims, "sub");
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  json_object_set_string_member (claims, "sub", "");
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  json_object_set_int_member (claims, "sub", 42);
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  json_object_set_null_member (claims, "sub");
  g_assert_false (check_claims (claims, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

static void
test_claims_unverified (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  g_autoptr(OrgdeskJwks) wrong = jwks_for (keys.es256);
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, &error);

  g_assert_no_error (error);

  /* Perfect claims, but nobody checked the signature. */
  g_assert_false (orgdesk_jwt_validate_id_token (jwt, ISSUER, CLIENT_ID, NONCE, NOW, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  g_clear_error (&error);

  /* A failed verification does not count either. */
  g_assert_false (orgdesk_jwt_verify_signature (jwt, wrong, &error));
  g_clear_error (&error);
  g_assert_false (orgdesk_jwt_validate_id_token (jwt, ISSUER, CLIENT_ID, NONCE, NOW, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
}

/* Malformed tokens */

static char *
good_token (void)
{
  g_autoptr(JsonObject) claims = default_claims ();

  return orgdesk_test_jwt_signer_sign (keys.es384, claims);
}

static void
test_malformed_parts (void)
{
  g_autofree char *token = good_token ();
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autofree char *two = g_strconcat (parts[0], ".", parts[1], NULL);
  g_autofree char *one = g_strdup (parts[1]);
  g_autofree char *four = g_strconcat (token, ".", parts[2], NULL);
  g_autofree char *five = g_strconcat (token, ".", parts[1], ".", parts[2], NULL);
  g_autofree char *trailing_dot = g_strconcat (token, ".", NULL);
  g_autofree char *leading_dot = g_strconcat (".", token, NULL);
  g_autofree char *no_header = g_strconcat (".", parts[1], ".", parts[2], NULL);
  g_autofree char *no_payload = g_strconcat (parts[0], "..", parts[2], NULL);
  g_autofree char *no_signature = g_strconcat (parts[0], ".", parts[1], ".", NULL);

  assert_parse_fails (two);
  assert_parse_fails (one);
  assert_parse_fails (four);
  assert_parse_fails (five);
  assert_parse_fails (trailing_dot);
  assert_parse_fails (leading_dot);
  assert_parse_fails (no_header);
  assert_parse_fails (no_payload);
  assert_parse_fails (no_signature);
  assert_parse_fails ("");
  assert_parse_fails ("..");
  assert_parse_fails ("...");
}

static void
test_malformed_base64url (void)
{
  g_autofree char *token = good_token ();
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autofree char *padded_sig = g_strconcat (parts[0], ".", parts[1], ".", parts[2], "==", NULL);
  g_autofree char *padded_header = g_strconcat (parts[0], "=.", parts[1], ".", parts[2], NULL);
  g_autofree char *plus = g_strdup (token);
  g_autofree char *slash = g_strdup (token);
  g_autofree char *space = g_strconcat (token, " ", NULL);
  g_autofree char *newline = g_strconcat (token, "\n", NULL);
  g_autofree char *cut = g_strndup (token, strlen (token) - 3);

  /* Swap the first '-' or '_' of the payload for its standard-alphabet twin,
   * or put one in if there is none. */
  for (char *p = plus + strlen (parts[0]) + 1; *p != '.'; p++)
    {
      if (*p == '-' || *p == '_' || p[1] == '.')
        {
          *p = '+';
          break;
        }
    }
  slash[strlen (parts[0]) + 3] = '/';

  /* The cut token has 4n+1 signature characters or non-zero trailing bits, or
   * the wrong length: at least one of the checks must refuse it. */
  assert_parse_fails (padded_sig);
  assert_parse_fails (padded_header);
  assert_parse_fails (plus);
  assert_parse_fails (slash);
  assert_parse_fails (space);
  assert_parse_fails (newline);

  {
    g_autoptr(OrgdeskJwks) jwks = jwks_for (keys.es384);
    g_autoptr(GError) error = NULL;

    g_assert_false (check_token (jwks, cut, &error));
    g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN);
  }
}

static void
test_malformed_json (void)
{
  static const struct { const char *header; const char *payload; } cases[] = {
    { "not json", "{\"sub\":\"a\"}" },
    { "{\"alg\":\"ES384\"", "{\"sub\":\"a\"}" },
    { "[\"ES384\"]", "{\"sub\":\"a\"}" },
    { "\"ES384\"", "{\"sub\":\"a\"}" },
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\"}", "[\"sub\",\"a\"]" },
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\"}", "\"a\"" },
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\"}", "42" },
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\"}", "null" },
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\"}", "{\"sub\":" },
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\"}", "{\"sub\":\"\xff\xfe\"}" },   /* not UTF-8 */
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\"}", "" },
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\"}", "   " },
    { "{\"kid\":\"es384-key\"}", "{\"sub\":\"a\"}" },                         /* no alg */
    { "{\"alg\":384,\"kid\":\"es384-key\"}", "{\"sub\":\"a\"}" },
    { "{\"alg\":null,\"kid\":\"es384-key\"}", "{\"sub\":\"a\"}" },
    { "{\"alg\":\"ES384\",\"kid\":7}", "{\"sub\":\"a\"}" },
    { "{\"alg\":\"ES384\",\"kid\":\"es384-key\",\"crit\":[\"exp\"],\"exp\":1}", "{\"sub\":\"a\"}" },
    { "{\"alg\":\"ES384\",\"b64\":false,\"crit\":[\"b64\"]}", "{\"sub\":\"a\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = NULL;

      g_test_message ("case %u", i);
      /* Genuinely signed, so the form alone must make it fail. */
      token = orgdesk_test_jwt_signer_sign_raw (keys.es384, "ES384",
                                                cases[i].header, cases[i].payload);
      assert_parse_fails (token);
    }
}

static void
test_malformed_embedded_nul (void)
{
  static const char payload[] = "{\"sub\":\"a\"}\0{\"sub\":\"b\"}";
  g_autofree char *header = b64 ("{\"alg\":\"ES384\",\"kid\":\"es384-key\"}");
  g_autofree char *body = orgdesk_base64url_encode ((const guint8 *) payload, sizeof payload - 1);
  g_autofree char *signing_input = g_strconcat (header, ".", body, NULL);
  g_autoptr(GBytes) signature = orgdesk_test_jwt_signer_sign_data (keys.es384, NULL, signing_input,
                                                                    strlen (signing_input));
  g_autofree char *sig = orgdesk_base64url_encode_bytes (signature);
  g_autofree char *token = g_strconcat (signing_input, ".", sig, NULL);

  assert_parse_fails (token);
}

static void
test_malformed_huge (void)
{
  g_autoptr(OrgdeskJwks) jwks = jwks_for (keys.es384);
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *filler = g_strnfill (ORGDESK_JWT_MAX_LENGTH, 'x');
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (claims, "filler", filler);
  token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  g_assert_cmpuint (strlen (token), >, ORGDESK_JWT_MAX_LENGTH);
  assert_parse_fails (token);
  {
    g_autoptr(OrgdeskJwt) jwt = orgdesk_jwt_parse (token, &error);

    g_assert_null (jwt);
    g_assert_nonnull (strstr (error->message, "larger than"));
    g_clear_error (&error);
  }

  /* Control: a large token under the limit is fine. */
  g_clear_pointer (&token, g_free);
  filler[ORGDESK_JWT_MAX_LENGTH / 2] = '\0';
  json_object_set_string_member (claims, "filler", filler);
  token = orgdesk_test_jwt_signer_sign (keys.es384, claims);
  g_assert_true (check_token (jwks, token, &error));
}

/* JWKS documents */

static void
test_jwks_malformed (void)
{
  const char *documents[] = {
    "", "{", "null", "[]", "42", "\"keys\"", "{}", "{\"keys\":{}}", "{\"keys\":5}",
    "{\"keys\":null}", "{\"keys\":[]}", "{\"keys\":[1,\"a\",null,[]]}", "{\"keys\":[{}]}",
    "{\"keys\":[]}\xff",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OrgdeskJwks) jwks = orgdesk_jwks_new_from_data (documents[i], -1, &error);

      g_test_message ("document %u", i);
      g_assert_null (jwks);
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
    }
}

static void
test_jwks_empty_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskJwks) jwks = orgdesk_jwks_new_from_data ("{\"keys\": []}", -1, &error);

  g_assert_null (jwks);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
}

static void
test_jwks_from_bytes (void)
{
  g_autofree char *json = orgdesk_test_jwt_signer_get_jwks (keys.eddsa);
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskJwks) jwks = orgdesk_jwks_new_from_bytes (bytes, &error);
  g_autoptr(OrgdeskJwks) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (orgdesk_jwks_get_n_keys (jwks), ==, 1);
  g_assert_true (orgdesk_jwks_has_key (jwks, "eddsa-key"));

  none = orgdesk_jwks_new_from_bytes (empty, &error);
  g_assert_null (none);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
}

static void
test_jwks_rsa_1024_skipped (void)
{
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.rsa1024, claims);
  g_autofree char *alone = orgdesk_test_jwt_signer_get_jwks (keys.rsa1024);
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskJwks) weak = orgdesk_jwks_new_from_data (alone, -1, &error);
  g_autoptr(OrgdeskJwks) mixed = NULL;

  g_assert_null (weak);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  mixed = jwks_for_two (keys.rsa1024, keys.es384);
  g_assert_cmpuint (orgdesk_jwks_get_n_keys (mixed), ==, 1);
  g_assert_false (orgdesk_jwks_has_key (mixed, "rsa1024-key"));
  g_assert_true (orgdesk_jwks_has_key (mixed, "es384-key"));

  g_assert_false (check_token (mixed, token, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNKNOWN_KEY);
}

/* A change that makes a JWK unusable: @value is JSON text for @member, NULL
 * to remove it, or one of "@short" (drop the last byte), "@flip" (flip a bit
 * of the last byte) and "@pad" (append base64 padding). */
typedef struct
{
  const char *name;
  const char *member;
  const char *value;
} JwkChange;

static const JwkChange ec_changes[] = {
  { "x-short", "x", "@short" },
  { "y-missing", "y", NULL },
  { "off-curve", "y", "@flip" },
  { "crv-unknown", "crv", "\"secp256k1\"" },
  { "crv-missing", "crv", NULL },
  { "kty-oct", "kty", "\"oct\"" },
  { "kty-missing", "kty", NULL },
  { "kty-number", "kty", "1" },
  { "use-enc", "use", "\"enc\"" },
  { "use-number", "use", "1" },
  { "key-ops", "key_ops", "[\"encrypt\"]" },
  { "key-ops-type", "key_ops", "\"verify\"" },
  { "alg-hs256", "alg", "\"HS256\"" },
  { "alg-curve", "alg", "\"ES512\"" },
  { "alg-number", "alg", "256" },
  { "kid-number", "kid", "7" },
  { "x-padded", "x", "@pad" },
  { "x-number", "x", "1" },
  { "x-empty", "x", "\"\"" },
};

static const JwkChange rsa_changes[] = {
  { "rsa-e-even", "e", "\"AQAA\"" },
  { "rsa-e-one", "e", "\"AQ\"" },
  { "rsa-n-missing", "n", NULL },
  { "rsa-n-empty", "n", "\"\"" },
  { "rsa-alg-es256", "alg", "\"ES256\"" },
};

static const JwkChange okp_changes[] = {
  { "okp-x25519", "crv", "\"X25519\"" },
  { "okp-ed448", "crv", "\"Ed448\"" },
  { "okp-as-ec", "kty", "\"EC\"" },
  { "okp-x-short", "x", "@short" },
  { "okp-alg-es256", "alg", "\"ES256\"" },
};

static void
apply_change (JsonObject      *jwk,
              const JwkChange *change)
{
  const char *value = change->value;

  if (value == NULL)
    {
      json_object_remove_member (jwk, change->member);
    }
  else if (value[0] == '@')
    {
      const char *text = json_object_get_string_member (jwk, change->member);
      g_autoptr(GBytes) bytes = orgdesk_base64url_decode (text, -1, NULL);
      g_autofree guint8 *data = NULL;
      g_autofree char *changed = NULL;
      gsize size = 0;

      data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
      if (g_str_equal (value, "@short"))
        changed = orgdesk_base64url_encode (data, size - 1);
      else if (g_str_equal (value, "@flip"))
        {
          data[size - 1] ^= 0x01;
          changed = orgdesk_base64url_encode (data, size);
        }
      else if (g_str_equal (value, "@pad"))
        changed = g_strconcat (text, "=", NULL);
      else
        g_assert_not_reached ();

      json_object_set_string_member (jwk, change->member, changed);
    }
  else
    {
      json_object_set_member (jwk, change->member, json_from_string (value, NULL));
    }
}

static void
assert_bad_key_skipped (JsonObject *bad,
                        const char *name)
{
  g_autoptr(JsonObject) good = orgdesk_test_jwt_signer_get_jwk (keys.es384);
  g_autofree char *alone = orgdesk_test_jwks_build (bad, NULL);
  g_autofree char *mixed = orgdesk_test_jwks_build (bad, good, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskJwks) jwks = NULL;
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384, claims);

  g_test_message ("bad key: %s", name);

  /* Alone, the set has no usable key. */
  jwks = orgdesk_jwks_new_from_data (alone, -1, &error);
  g_assert_null (jwks);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  /* Next to a good key, it is skipped and the good one still works. */
  jwks = orgdesk_jwks_new_from_data (mixed, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orgdesk_jwks_get_n_keys (jwks), ==, 1);
  g_assert_false (orgdesk_jwks_has_key (jwks, "bad-key"));
  g_assert_true (check_token (jwks, token, &error));
}

static void
check_changes (OrgdeskTestJwtSigner *signer,
               const JwkChange      *changes,
               gsize                 n_changes)
{
  for (gsize i = 0; i < n_changes; i++)
    {
      g_autoptr(JsonObject) bad = orgdesk_test_jwt_signer_get_jwk (signer);

      json_object_set_string_member (bad, "kid", "bad-key");
      apply_change (bad, &changes[i]);
      assert_bad_key_skipped (bad, changes[i].name);
    }
}

static void
test_jwks_bad_key_among_good (void)
{
  check_changes (keys.es256, ec_changes, G_N_ELEMENTS (ec_changes));
  check_changes (keys.rs256, rsa_changes, G_N_ELEMENTS (rsa_changes));
  check_changes (keys.eddsa, okp_changes, G_N_ELEMENTS (okp_changes));
}

static void
test_jwks_not_an_object_among_good (void)
{
  g_autoptr(JsonObject) good = orgdesk_test_jwt_signer_get_jwk (keys.es384);
  g_autofree char *good_json = object_to_json (good);
  g_autofree char *document = g_strdup_printf ("{\"keys\":[\"key\",null,7,[],%s]}", good_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(OrgdeskJwks) jwks = orgdesk_jwks_new_from_data (document, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (orgdesk_jwks_get_n_keys (jwks), ==, 1);
}

static void
test_jwks_optional_members (void)
{
  /* Without use, alg or kid; with key_ops that allow verify; unknown members. */
  g_autoptr(JsonObject) jwk = orgdesk_test_jwt_signer_get_jwk (keys.es384_no_kid);
  g_autofree char *json = NULL;
  g_autoptr(OrgdeskJwks) jwks = NULL;
  g_autoptr(JsonObject) claims = default_claims ();
  g_autofree char *token = orgdesk_test_jwt_signer_sign (keys.es384_no_kid, claims);
  g_autoptr(GError) error = NULL;

  json_object_remove_member (jwk, "use");
  json_object_remove_member (jwk, "alg");
  json_object_set_member (jwk, "key_ops", json_from_string ("[\"sign\",\"verify\"]", NULL));
  json_object_set_string_member (jwk, "x5t", "ignored");
  json = orgdesk_test_jwks_build (jwk, NULL);
  jwks = jwks_from_json (json);

  g_assert_cmpuint (orgdesk_jwks_get_n_keys (jwks), ==, 1);
  g_assert_true (check_token (jwks, token, &error));
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *path; OrgdeskTestJwtSigner **signer; } good[] = {
    { "/orgdesk/auth/jwt/good/es384", &keys.es384 },
    { "/orgdesk/auth/jwt/good/es256", &keys.es256 },
    { "/orgdesk/auth/jwt/good/es512", &keys.es512 },
    { "/orgdesk/auth/jwt/good/rs256", &keys.rs256 },
    { "/orgdesk/auth/jwt/good/ps256", &keys.ps256 },
    { "/orgdesk/auth/jwt/good/eddsa", &keys.eddsa },
  };
  int ret;

  g_test_init (&argc, &argv, NULL);

  keys.es256 = orgdesk_test_jwt_signer_new ("ES256", "es256-key");
  keys.es384 = orgdesk_test_jwt_signer_new ("ES384", "es384-key");
  keys.es512 = orgdesk_test_jwt_signer_new ("ES512", "es512-key");
  keys.rs256 = orgdesk_test_jwt_signer_new ("RS256", "rs256-key");
  keys.ps256 = orgdesk_test_jwt_signer_new ("PS256", "ps256-key");
  keys.eddsa = orgdesk_test_jwt_signer_new ("EdDSA", "eddsa-key");
  keys.es384_no_kid = orgdesk_test_jwt_signer_new ("ES384", NULL);
  keys.rsa1024 = orgdesk_test_jwt_signer_new_rsa ("RS256", "rsa1024-key", 1024);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_test_add_data_func (good[i].path, good[i].signer, test_good_token);
  g_test_add_func ("/orgdesk/auth/jwt/good/rotated-set", test_good_rotated_set);
  g_test_add_func ("/orgdesk/auth/jwt/good/lifecycle", test_good_lifecycle);
  g_test_add_func ("/orgdesk/auth/jwt/good/numeric-claims", test_good_numeric_claims);

  g_test_add_func ("/orgdesk/auth/jwt/signature/flipped-signature-bit", test_bad_signature_bit);
  g_test_add_func ("/orgdesk/auth/jwt/signature/flipped-payload-bit", test_bad_signature_payload_bit);
  g_test_add_func ("/orgdesk/auth/jwt/signature/flipped-header-bit", test_bad_signature_header_bit);
  g_test_add_func ("/orgdesk/auth/jwt/signature/wrong-length", test_bad_signature_length);
  g_test_add_func ("/orgdesk/auth/jwt/signature/padded-ecdsa", test_bad_signature_padded_ecdsa);

  g_test_add_func ("/orgdesk/auth/jwt/alg/none-empty-signature", test_alg_none_empty_signature);
  g_test_add_func ("/orgdesk/auth/jwt/alg/none-with-signature", test_alg_none_with_signature);
  g_test_add_func ("/orgdesk/auth/jwt/alg/hmac-key-confusion", test_alg_hmac_confusion);
  g_test_add_func ("/orgdesk/auth/jwt/alg/es384-with-p256-key", test_alg_es384_with_p256_key);
  g_test_add_func ("/orgdesk/auth/jwt/alg/key-alg-mismatch", test_alg_key_alg_mismatch);
  g_test_add_func ("/orgdesk/auth/jwt/alg/wrong-key-type", test_alg_wrong_key_type);
  g_test_add_func ("/orgdesk/auth/jwt/alg/not-allowed", test_alg_not_allowed);

  g_test_add_func ("/orgdesk/auth/jwt/key/unknown-kid", test_key_unknown_kid);
  g_test_add_func ("/orgdesk/auth/jwt/key/no-kid", test_key_no_kid);
  g_test_add_func ("/orgdesk/auth/jwt/key/other-key-same-kid", test_key_other_key_same_kid);

  g_test_add_func ("/orgdesk/auth/jwt/claims/wrong-iss", test_claims_wrong_iss);
  g_test_add_func ("/orgdesk/auth/jwt/claims/missing-iss", test_claims_missing_iss);
  g_test_add_func ("/orgdesk/auth/jwt/claims/wrong-aud", test_claims_wrong_aud);
  g_test_add_func ("/orgdesk/auth/jwt/claims/aud-malformed", test_claims_aud_malformed);
  g_test_add_func ("/orgdesk/auth/jwt/claims/aud-array", test_claims_aud_array);
  g_test_add_func ("/orgdesk/auth/jwt/claims/multiple-aud-without-azp", test_claims_multiple_aud_without_azp);
  g_test_add_func ("/orgdesk/auth/jwt/claims/multiple-aud-wrong-azp", test_claims_multiple_aud_wrong_azp);
  g_test_add_func ("/orgdesk/auth/jwt/claims/multiple-aud-with-azp", test_claims_multiple_aud_with_azp);
  g_test_add_func ("/orgdesk/auth/jwt/claims/single-aud-wrong-azp", test_claims_single_aud_wrong_azp);
  g_test_add_func ("/orgdesk/auth/jwt/claims/expired", test_claims_expired);
  g_test_add_func ("/orgdesk/auth/jwt/claims/expired-within-skew", test_claims_expired_within_skew);
  g_test_add_func ("/orgdesk/auth/jwt/claims/iat-future", test_claims_iat_future);
  g_test_add_func ("/orgdesk/auth/jwt/claims/nbf-future", test_claims_nbf_future);
  g_test_add_func ("/orgdesk/auth/jwt/claims/times-malformed", test_claims_times_malformed);
  g_test_add_func ("/orgdesk/auth/jwt/claims/wrong-nonce", test_claims_wrong_nonce);
  g_test_add_func ("/orgdesk/auth/jwt/claims/missing-nonce", test_claims_missing_nonce);
  g_test_add_func ("/orgdesk/auth/jwt/claims/missing-sub", test_claims_missing_sub);
  g_test_add_func ("/orgdesk/auth/jwt/claims/unverified", test_claims_unverified);

  g_test_add_func ("/orgdesk/auth/jwt/malformed/parts", test_malformed_parts);
  g_test_add_func ("/orgdesk/auth/jwt/malformed/base64url", test_malformed_base64url);
  g_test_add_func ("/orgdesk/auth/jwt/malformed/json", test_malformed_json);
  g_test_add_func ("/orgdesk/auth/jwt/malformed/embedded-nul", test_malformed_embedded_nul);
  g_test_add_func ("/orgdesk/auth/jwt/malformed/huge", test_malformed_huge);

  g_test_add_func ("/orgdesk/auth/jwt/jwks/malformed", test_jwks_malformed);
  g_test_add_func ("/orgdesk/auth/jwt/jwks/empty-keys", test_jwks_empty_keys);
  g_test_add_func ("/orgdesk/auth/jwt/jwks/from-bytes", test_jwks_from_bytes);
  g_test_add_func ("/orgdesk/auth/jwt/jwks/rsa-1024-skipped", test_jwks_rsa_1024_skipped);
  g_test_add_func ("/orgdesk/auth/jwt/jwks/bad-key-among-good", test_jwks_bad_key_among_good);
  g_test_add_func ("/orgdesk/auth/jwt/jwks/not-an-object-among-good", test_jwks_not_an_object_among_good);
  g_test_add_func ("/orgdesk/auth/jwt/jwks/optional-members", test_jwks_optional_members);

  ret = g_test_run ();

  g_clear_object (&keys.es256);
  g_clear_object (&keys.es384);
  g_clear_object (&keys.es512);
  g_clear_object (&keys.rs256);
  g_clear_object (&keys.ps256);
  g_clear_object (&keys.eddsa);
  g_clear_object (&keys.es384_no_kid);
  g_clear_object (&keys.rsa1024);

  return ret;
}
