/* orgdesk-test-jwt-signer.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "orgdesk-base64url.h"
#include "orgdesk-test-jwt-signer.h"

typedef enum
{
  KEY_TYPE_EC,
  KEY_TYPE_RSA,
  KEY_TYPE_OKP,
} KeyType;

struct _OrgdeskTestJwtSigner
{
  GObject             parent_instance;

  char               *alg;
  char               *kid;
  KeyType             type;
  gnutls_ecc_curve_t  curve;
  gsize               coord_len;
  gnutls_privkey_t    privkey;
  gnutls_pubkey_t     pubkey;
};

G_DEFINE_FINAL_TYPE (OrgdeskTestJwtSigner, orgdesk_test_jwt_signer, G_TYPE_OBJECT)

static void
check_gnutls (int         ret,
              const char *what)
{
  if (ret < 0)
    g_error ("%s: %s", what, gnutls_strerror (ret));
}

static void
datum_free (gnutls_datum_t *datum)
{
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

static KeyType
key_type_for_alg (const char         *alg,
                  gnutls_ecc_curve_t *curve,
                  gsize              *coord_len)
{
  *curve = GNUTLS_ECC_CURVE_INVALID;
  *coord_len = 0;

  if (g_str_equal (alg, "ES256"))
    {
      *curve = GNUTLS_ECC_CURVE_SECP256R1;
      *coord_len = 32;
      return KEY_TYPE_EC;
    }
  if (g_str_equal (alg, "ES384"))
    {
      *curve = GNUTLS_ECC_CURVE_SECP384R1;
      *coord_len = 48;
      return KEY_TYPE_EC;
    }
  if (g_str_equal (alg, "ES512"))
    {
      *curve = GNUTLS_ECC_CURVE_SECP521R1;
      *coord_len = 66;
      return KEY_TYPE_EC;
    }
  if (g_str_equal (alg, "RS256") || g_str_equal (alg, "PS256"))
    return KEY_TYPE_RSA;
  if (g_str_equal (alg, "EdDSA"))
    {
      *curve = GNUTLS_ECC_CURVE_ED25519;
      *coord_len = 32;
      return KEY_TYPE_OKP;
    }

  g_error ("The test signer does not know algorithm %s", alg);
}

static const char *
curve_name (gnutls_ecc_curve_t curve)
{
  switch ((int) curve)
    {
    case GNUTLS_ECC_CURVE_SECP256R1:
      return "P-256";
    case GNUTLS_ECC_CURVE_SECP384R1:
      return "P-384";
    case GNUTLS_ECC_CURVE_SECP521R1:
      return "P-521";
    case GNUTLS_ECC_CURVE_ED25519:
      return "Ed25519";
    default:
      g_assert_not_reached ();
    }
}

/* Big-endian integer of any width (gnutls may add or drop leading zeros) as
 * exactly @width bytes. */
static void
put_fixed_width (guint8               *out,
                 gsize                 width,
                 const gnutls_datum_t *value)
{
  const guint8 *data = value->data;
  gsize size = value->size;

  while (size > width && data[0] == 0)
    {
      data++;
      size--;
    }

  g_assert_cmpuint (size, <=, width);
  memset (out, 0, width - size);
  memcpy (out + width - size, data, size);
}

static char *
base64url_fixed_width (const gnutls_datum_t *value,
                       gsize                 width)
{
  g_autofree guint8 *buffer = g_malloc (width);

  put_fixed_width (buffer, width, value);

  return orgdesk_base64url_encode (buffer, width);
}

static gnutls_sign_algorithm_t
sign_algorithm_for (OrgdeskTestJwtSigner *self,
                    const char           *alg)
{
  switch (self->type)
    {
    case KEY_TYPE_EC:
      if (g_str_equal (alg, "ES256"))
        return GNUTLS_SIGN_ECDSA_SHA256;
      if (g_str_equal (alg, "ES384"))
        return GNUTLS_SIGN_ECDSA_SHA384;
      if (g_str_equal (alg, "ES512"))
        return GNUTLS_SIGN_ECDSA_SHA512;
      break;

    case KEY_TYPE_RSA:
      if (g_str_equal (alg, "RS256"))
        return GNUTLS_SIGN_RSA_SHA256;
      if (g_str_equal (alg, "PS256"))
        return GNUTLS_SIGN_RSA_PSS_SHA256;
      break;

    case KEY_TYPE_OKP:
      if (g_str_equal (alg, "EdDSA"))
        return GNUTLS_SIGN_EDDSA_ED25519;
      break;

    default:
      break;
    }

  g_error ("A %s test key cannot sign %s", self->alg, alg);
}

static void
orgdesk_test_jwt_signer_finalize (GObject *object)
{
  OrgdeskTestJwtSigner *self = (OrgdeskTestJwtSigner *) object;

  g_clear_pointer (&self->alg, g_free);
  g_clear_pointer (&self->kid, g_free);
  g_clear_pointer (&self->privkey, gnutls_privkey_deinit);
  g_clear_pointer (&self->pubkey, gnutls_pubkey_deinit);

  G_OBJECT_CLASS (orgdesk_test_jwt_signer_parent_class)->finalize (object);
}

static void
orgdesk_test_jwt_signer_class_init (OrgdeskTestJwtSignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_test_jwt_signer_finalize;
}

static void
orgdesk_test_jwt_signer_init (OrgdeskTestJwtSigner *self)
{
}

OrgdeskTestJwtSigner *
orgdesk_test_jwt_signer_new_rsa (const char *alg,
                                 const char *kid,
                                 guint       bits)
{
  OrgdeskTestJwtSigner *self;
  gnutls_pk_algorithm_t pk;
  unsigned int key_bits;

  g_return_val_if_fail (alg != NULL, NULL);

  self = g_object_new (ORGDESK_TYPE_TEST_JWT_SIGNER, NULL);
  self->alg = g_strdup (alg);
  self->kid = g_strdup (kid);
  self->type = key_type_for_alg (alg, &self->curve, &self->coord_len);

  switch (self->type)
    {
    case KEY_TYPE_EC:
      pk = GNUTLS_PK_ECDSA;
      key_bits = GNUTLS_CURVE_TO_BITS (self->curve);
      break;
    case KEY_TYPE_OKP:
      pk = GNUTLS_PK_EDDSA_ED25519;
      key_bits = GNUTLS_CURVE_TO_BITS (self->curve);
      break;
    case KEY_TYPE_RSA:
    default:
      pk = GNUTLS_PK_RSA;
      key_bits = bits != 0 ? bits : 2048;
      break;
    }

  check_gnutls (gnutls_privkey_init (&self->privkey), "gnutls_privkey_init");
  check_gnutls (gnutls_privkey_generate (self->privkey, pk, key_bits, 0),
                "gnutls_privkey_generate");
  check_gnutls (gnutls_pubkey_init (&self->pubkey), "gnutls_pubkey_init");
  check_gnutls (gnutls_pubkey_import_privkey (self->pubkey, self->privkey, 0, 0),
                "gnutls_pubkey_import_privkey");

  return self;
}

OrgdeskTestJwtSigner *
orgdesk_test_jwt_signer_new (const char *alg,
                             const char *kid)
{
  return orgdesk_test_jwt_signer_new_rsa (alg, kid, 0);
}

const char *
orgdesk_test_jwt_signer_get_alg (OrgdeskTestJwtSigner *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_JWT_SIGNER (self), NULL);

  return self->alg;
}

const char *
orgdesk_test_jwt_signer_get_kid (OrgdeskTestJwtSigner *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_JWT_SIGNER (self), NULL);

  return self->kid;
}

static void
take_string_member (JsonObject *object,
                    const char *name,
                    char       *value)
{
  json_object_set_string_member (object, name, value);
  g_free (value);
}

JsonObject *
orgdesk_test_jwt_signer_get_jwk (OrgdeskTestJwtSigner *self)
{
  JsonObject *jwk;

  g_return_val_if_fail (ORGDESK_IS_TEST_JWT_SIGNER (self), NULL);

  jwk = json_object_new ();

  if (self->type == KEY_TYPE_RSA)
    {
      gnutls_datum_t n = { NULL, 0 };
      gnutls_datum_t e = { NULL, 0 };

      check_gnutls (gnutls_pubkey_export_rsa_raw2 (self->pubkey, &n, &e, GNUTLS_EXPORT_FLAG_NO_LZ),
                    "gnutls_pubkey_export_rsa_raw2");
      json_object_set_string_member (jwk, "kty", "RSA");
      take_string_member (jwk, "n", orgdesk_base64url_encode (n.data, n.size));
      take_string_member (jwk, "e", orgdesk_base64url_encode (e.data, e.size));
      datum_free (&n);
      datum_free (&e);
    }
  else
    {
      gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
      gnutls_datum_t x = { NULL, 0 };
      gnutls_datum_t y = { NULL, 0 };

      check_gnutls (gnutls_pubkey_export_ecc_raw2 (self->pubkey, &curve, &x,
                                                   self->type == KEY_TYPE_EC ? &y : NULL,
                                                   GNUTLS_EXPORT_FLAG_NO_LZ),
                    "gnutls_pubkey_export_ecc_raw2");
      g_assert_cmpint (curve, ==, self->curve);

      json_object_set_string_member (jwk, "kty", self->type == KEY_TYPE_EC ? "EC" : "OKP");
      json_object_set_string_member (jwk, "crv", curve_name (curve));
      take_string_member (jwk, "x", base64url_fixed_width (&x, self->coord_len));
      if (self->type == KEY_TYPE_EC)
        take_string_member (jwk, "y", base64url_fixed_width (&y, self->coord_len));
      datum_free (&x);
      datum_free (&y);
    }

  json_object_set_string_member (jwk, "use", "sig");
  json_object_set_string_member (jwk, "alg", self->alg);
  if (self->kid != NULL)
    json_object_set_string_member (jwk, "kid", self->kid);

  return jwk;
}

static char *
jwks_from_list (GList *jwks)
{
  g_autoptr(JsonObject) document = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonArray *keys = json_array_new ();

  for (const GList *l = jwks; l != NULL; l = l->next)
    json_array_add_object_element (keys, json_object_ref (l->data));

  json_object_set_array_member (document, "keys", keys);
  json_node_set_object (root, document);

  return json_to_string (root, FALSE);
}

char *
orgdesk_test_jwks_build (JsonObject *first_jwk,
                         ...)
{
  g_autoptr(GList) list = NULL;
  va_list args;

  va_start (args, first_jwk);
  for (JsonObject *jwk = first_jwk; jwk != NULL; jwk = va_arg (args, JsonObject *))
    list = g_list_append (list, jwk);
  va_end (args);

  return jwks_from_list (list);
}

char *
orgdesk_test_jwt_signer_get_jwks (OrgdeskTestJwtSigner *self)
{
  g_autoptr(JsonObject) jwk = NULL;

  g_return_val_if_fail (ORGDESK_IS_TEST_JWT_SIGNER (self), NULL);

  jwk = orgdesk_test_jwt_signer_get_jwk (self);

  return orgdesk_test_jwks_build (jwk, NULL);
}

char *
orgdesk_test_jwt_signer_get_public_pem (OrgdeskTestJwtSigner *self)
{
  gnutls_datum_t pem = { NULL, 0 };
  char *text;

  g_return_val_if_fail (ORGDESK_IS_TEST_JWT_SIGNER (self), NULL);

  check_gnutls (gnutls_pubkey_export2 (self->pubkey, GNUTLS_X509_FMT_PEM, &pem),
                "gnutls_pubkey_export2");
  text = g_strndup ((const char *) pem.data, pem.size);
  datum_free (&pem);

  return text;
}

GBytes *
orgdesk_test_jwt_signer_sign_data (OrgdeskTestJwtSigner *self,
                                   const char           *alg,
                                   const void           *data,
                                   gsize                 length)
{
  gnutls_datum_t input = { (unsigned char *) data, (unsigned int) length };
  gnutls_datum_t signature = { NULL, 0 };
  GBytes *result;

  g_return_val_if_fail (ORGDESK_IS_TEST_JWT_SIGNER (self), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  check_gnutls (gnutls_privkey_sign_data2 (self->privkey,
                                           sign_algorithm_for (self, alg ? alg : self->alg),
                                           0, &input, &signature),
                "gnutls_privkey_sign_data2");

  if (self->type == KEY_TYPE_EC)
    {
      /* DER Dss-Sig-Value to the JWS form, r||s of the curve's size each. */
      gnutls_datum_t r = { NULL, 0 };
      gnutls_datum_t s = { NULL, 0 };
      guint8 *raw = g_malloc (2 * self->coord_len);

      check_gnutls (gnutls_decode_rs_value (&signature, &r, &s), "gnutls_decode_rs_value");
      put_fixed_width (raw, self->coord_len, &r);
      put_fixed_width (raw + self->coord_len, self->coord_len, &s);
      result = g_bytes_new_take (raw, 2 * self->coord_len);
      datum_free (&r);
      datum_free (&s);
    }
  else
    {
      result = g_bytes_new (signature.data, signature.size);
    }

  datum_free (&signature);

  return result;
}

char *
orgdesk_test_jwt_signer_sign_raw (OrgdeskTestJwtSigner *self,
                                  const char           *alg,
                                  const char           *header_json,
                                  const char           *payload_json)
{
  g_autofree char *header = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(GBytes) raw = NULL;

  g_return_val_if_fail (ORGDESK_IS_TEST_JWT_SIGNER (self), NULL);
  g_return_val_if_fail (header_json != NULL, NULL);
  g_return_val_if_fail (payload_json != NULL, NULL);

  header = orgdesk_base64url_encode ((const guint8 *) header_json, strlen (header_json));
  payload = orgdesk_base64url_encode ((const guint8 *) payload_json, strlen (payload_json));
  signing_input = g_strconcat (header, ".", payload, NULL);
  raw = orgdesk_test_jwt_signer_sign_data (self, alg, signing_input, strlen (signing_input));
  signature = orgdesk_base64url_encode_bytes (raw);

  return g_strconcat (signing_input, ".", signature, NULL);
}

static char *
object_to_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);

  return json_to_string (node, FALSE);
}

char *
orgdesk_test_jwt_signer_sign (OrgdeskTestJwtSigner *self,
                              JsonObject           *claims)
{
  g_autoptr(JsonObject) header = json_object_new ();
  g_autofree char *header_json = NULL;
  g_autofree char *payload_json = NULL;

  g_return_val_if_fail (ORGDESK_IS_TEST_JWT_SIGNER (self), NULL);
  g_return_val_if_fail (claims != NULL, NULL);

  json_object_set_string_member (header, "alg", self->alg);
  json_object_set_string_member (header, "typ", "JWT");
  if (self->kid != NULL)
    json_object_set_string_member (header, "kid", self->kid);

  header_json = object_to_json (header);
  payload_json = object_to_json (claims);

  return orgdesk_test_jwt_signer_sign_raw (self, NULL, header_json, payload_json);
}

JsonObject *
orgdesk_test_id_token_claims_new (const char *issuer,
                                  const char *client_id,
                                  const char *subject,
                                  const char *nonce,
                                  gint64      now_unix)
{
  JsonObject *claims = json_object_new ();
  JsonArray *organizations = json_array_new ();
  JsonArray *roles = json_array_new ();

  json_object_set_string_member (claims, "sub", subject);
  json_object_set_string_member (claims, "name", "Ada Lovelace");
  json_object_set_null_member (claims, "picture");
  json_object_set_int_member (claims, "updated_at", now_unix * 1000 - 5000);
  json_object_set_int_member (claims, "created_at", now_unix * 1000 - 86400000);
  json_object_set_string_member (claims, "username", "ada");
  json_object_set_string_member (claims, "email", "ada@example.com");
  json_object_set_boolean_member (claims, "email_verified", TRUE);

  json_array_add_string_element (organizations, "org-a");
  json_array_add_string_element (organizations, "org-b");
  json_object_set_array_member (claims, "organizations", organizations);
  json_array_add_string_element (roles, "org-a:admin");
  json_array_add_string_element (roles, "org-b:member");
  json_object_set_array_member (claims, "organization_roles", roles);

  if (nonce != NULL)
    json_object_set_string_member (claims, "nonce", nonce);
  json_object_set_string_member (claims, "at_hash", "x4Z8dT3XK0Qn2k5Yb9mJpw");
  json_object_set_string_member (claims, "aud", client_id);
  json_object_set_int_member (claims, "exp", now_unix + 3600);
  json_object_set_int_member (claims, "iat", now_unix);
  json_object_set_string_member (claims, "iss", issuer);

  return claims;
}
