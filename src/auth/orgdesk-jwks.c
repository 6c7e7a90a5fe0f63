/* orgdesk-jwks.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <json-glib/json-glib.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-base64url.h"
#include "orgdesk-json.h"
#include "orgdesk-jwks.h"

/* RSA keys below this size are skipped (RFC 7518 §3.3 requires 2048); above
 * the upper bound they would only make verification a denial of service. */
#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 16384

typedef enum
{
  KEY_TYPE_EC,
  KEY_TYPE_RSA,
  KEY_TYPE_OKP,
} KeyType;

typedef struct
{
  char               *kid;      /* nullable */
  char               *alg;      /* nullable: the key's own "alg" */
  KeyType             type;
  gnutls_ecc_curve_t  curve;    /* EC and OKP keys */
  guint               bits;     /* RSA modulus size */
  gnutls_pubkey_t     pubkey;
} Jwk;

typedef struct
{
  const char              *name;
  KeyType                  type;
  gnutls_ecc_curve_t       curve;          /* GNUTLS_ECC_CURVE_INVALID: any size of RSA */
  gnutls_sign_algorithm_t  sign;
  gsize                    raw_sig_len;    /* 0: the RSA modulus size */
  gboolean                 is_ecdsa;
} Algorithm;

typedef struct
{
  const char         *name;
  KeyType             type;
  gnutls_ecc_curve_t  curve;
  gsize               coord_len;
} Curve;

struct _OrgdeskJwks
{
  GObject    parent_instance;

  GPtrArray *keys;    /* of Jwk */
};

G_DEFINE_FINAL_TYPE (OrgdeskJwks, orgdesk_jwks, G_TYPE_OBJECT)

/* The JWS algorithms accepted (DESIGN.md, "Sign-in" step 4).  Anything else —
 * "none", every HMAC, RS384… — is refused before a key is even looked up. */
static const Algorithm algorithms[] = {
  { "ES256", KEY_TYPE_EC, GNUTLS_ECC_CURVE_SECP256R1, GNUTLS_SIGN_ECDSA_SHA256, 64, TRUE },
  { "ES384", KEY_TYPE_EC, GNUTLS_ECC_CURVE_SECP384R1, GNUTLS_SIGN_ECDSA_SHA384, 96, TRUE },
  { "ES512", KEY_TYPE_EC, GNUTLS_ECC_CURVE_SECP521R1, GNUTLS_SIGN_ECDSA_SHA512, 132, TRUE },
  { "RS256", KEY_TYPE_RSA, GNUTLS_ECC_CURVE_INVALID, GNUTLS_SIGN_RSA_SHA256, 0, FALSE },
  { "PS256", KEY_TYPE_RSA, GNUTLS_ECC_CURVE_INVALID, GNUTLS_SIGN_RSA_PSS_SHA256, 0, FALSE },
  { "EdDSA", KEY_TYPE_OKP, GNUTLS_ECC_CURVE_ED25519, GNUTLS_SIGN_EDDSA_ED25519, 64, FALSE },
};

static const Curve curves[] = {
  { "P-256", KEY_TYPE_EC, GNUTLS_ECC_CURVE_SECP256R1, 32 },
  { "P-384", KEY_TYPE_EC, GNUTLS_ECC_CURVE_SECP384R1, 48 },
  { "P-521", KEY_TYPE_EC, GNUTLS_ECC_CURVE_SECP521R1, 66 },
  { "Ed25519", KEY_TYPE_OKP, GNUTLS_ECC_CURVE_ED25519, 32 },
};

static void
jwk_free (Jwk *jwk)
{
  if (jwk == NULL)
    return;

  g_free (jwk->kid);
  g_free (jwk->alg);
  g_clear_pointer (&jwk->pubkey, gnutls_pubkey_deinit);
  g_free (jwk);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Jwk, jwk_free)

static const Algorithm *
lookup_algorithm (const char *name)
{
  if (name == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (algorithms); i++)
    {
      if (strcmp (algorithms[i].name, name) == 0)
        return &algorithms[i];
    }

  return NULL;
}

static const Curve *
lookup_curve (KeyType     type,
              const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (curves); i++)
    {
      if (curves[i].type == type && strcmp (curves[i].name, name) == 0)
        return &curves[i];
    }

  return NULL;
}

/* Names from a document or token go into messages escaped and shortened, so
 * a hostile value can neither flood a log nor inject control characters. */
static char *
printable_name (const char *name)
{
  g_autofree char *escaped = NULL;

  if (name == NULL)
    return g_strdup ("(none)");

  escaped = g_strescape (name, NULL);
  if (strlen (escaped) > 64)
    return g_strdup_printf ("%.61s...", escaped);

  return g_steal_pointer (&escaped);
}

static gboolean
jwk_fits_algorithm (const Jwk       *jwk,
                    const Algorithm *algorithm)
{
  if (jwk->type != algorithm->type)
    return FALSE;
  if (algorithm->curve != GNUTLS_ECC_CURVE_INVALID && jwk->curve != algorithm->curve)
    return FALSE;
  if (jwk->alg != NULL && strcmp (jwk->alg, algorithm->name) != 0)
    return FALSE;

  return TRUE;
}

/* Member accessors: each fails when the member is present with the wrong type. */

static gboolean
get_optional_string (JsonObject  *object,
                     const char  *name,
                     const char **value,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "member “%s” is not a string", name);
      return FALSE;
    }

  *value = json_node_get_string (node);
  return TRUE;
}

static const char *
get_required_string (JsonObject  *object,
                     const char  *name,
                     GError     **error)
{
  const char *value;

  if (!get_optional_string (object, name, &value, error))
    return NULL;

  if (value == NULL)
    g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                 "member “%s” is missing", name);

  return value;
}

static GBytes *
get_required_base64url (JsonObject  *object,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *text;
  GBytes *bytes;

  if (!(text = get_required_string (object, name, error)))
    return NULL;

  if (!(bytes = orgdesk_base64url_decode (text, -1, &local_error)))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "member “%s”: %s", name, local_error->message);
      return NULL;
    }

  return bytes;
}

static gnutls_datum_t
datum_from_bytes (GBytes *bytes)
{
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (bytes, &size);
  gnutls_datum_t datum = { (unsigned char *) data, (unsigned int) size };

  return datum;
}

/* Strips leading zero bytes, keeping at least one byte. */
static gnutls_datum_t
strip_leading_zeros (const guint8 *data,
                     gsize         size)
{
  gnutls_datum_t datum;

  g_assert (size > 0);

  while (size > 1 && data[0] == 0)
    {
      data++;
      size--;
    }

  datum.data = (unsigned char *) data;
  datum.size = (unsigned int) size;

  return datum;
}

static gboolean
check_use (JsonObject  *object,
           GError     **error)
{
  const char *use;
  JsonNode *key_ops;

  if (!get_optional_string (object, "use", &use, error))
    return FALSE;

  if (use != NULL && strcmp (use, "sig") != 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                   "not a signing key (use is not “sig”)");
      return FALSE;
    }

  /* RFC 7517 §4.3: when key_ops is present, it must allow "verify". */
  key_ops = json_object_get_member (object, "key_ops");
  if (key_ops != NULL)
    {
      JsonArray *ops;
      gboolean found = FALSE;

      if (!JSON_NODE_HOLDS_ARRAY (key_ops))
        {
          g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                       "member “key_ops” is not an array");
          return FALSE;
        }

      ops = json_node_get_array (key_ops);
      for (guint i = 0; i < json_array_get_length (ops); i++)
        {
          JsonNode *op = json_array_get_element (ops, i);

          if (JSON_NODE_HOLDS_VALUE (op) &&
              json_node_get_value_type (op) == G_TYPE_STRING &&
              g_strcmp0 (json_node_get_string (op), "verify") == 0)
            found = TRUE;
        }

      if (!found)
        {
          g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                       "key_ops does not allow “verify”");
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
import_ec (Jwk         *jwk,
           JsonObject  *object,
           KeyType      type,
           GError     **error)
{
  g_autoptr(GBytes) x = NULL;
  g_autoptr(GBytes) y = NULL;
  const Curve *curve;
  const char *crv;
  gnutls_datum_t x_datum;
  gnutls_datum_t y_datum = { NULL, 0 };
  int ret;

  if (!(crv = get_required_string (object, "crv", error)))
    return FALSE;

  if (!(curve = lookup_curve (type, crv)))
    {
      g_autofree char *name = printable_name (crv);

      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                   "unsupported curve “%s”", name);
      return FALSE;
    }

  if (!(x = get_required_base64url (object, "x", error)))
    return FALSE;

  /* RFC 7518 §6.2.1.2 and RFC 8037 §2: coordinates have the full field size. */
  if (g_bytes_get_size (x) != curve->coord_len)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "member “x” is not %" G_GSIZE_FORMAT " bytes long", curve->coord_len);
      return FALSE;
    }

  if (type == KEY_TYPE_EC)
    {
      if (!(y = get_required_base64url (object, "y", error)))
        return FALSE;

      if (g_bytes_get_size (y) != curve->coord_len)
        {
          g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                       "member “y” is not %" G_GSIZE_FORMAT " bytes long", curve->coord_len);
          return FALSE;
        }
    }

  x_datum = datum_from_bytes (x);
  if (y != NULL)
    y_datum = datum_from_bytes (y);

  ret = gnutls_pubkey_import_ecc_raw (jwk->pubkey, curve->curve, &x_datum,
                                      y != NULL ? &y_datum : NULL);
  if (ret < 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "cannot import the key: %s", gnutls_strerror (ret));
      return FALSE;
    }

  jwk->type = type;
  jwk->curve = curve->curve;

  return TRUE;
}

static gboolean
import_rsa (Jwk         *jwk,
            JsonObject  *object,
            GError     **error)
{
  g_autoptr(GBytes) n = NULL;
  g_autoptr(GBytes) e = NULL;
  gnutls_datum_t n_datum;
  gnutls_datum_t e_datum;
  unsigned int bits = 0;
  int ret;

  if (!(n = get_required_base64url (object, "n", error)) ||
      !(e = get_required_base64url (object, "e", error)))
    return FALSE;

  if (g_bytes_get_size (n) == 0 || g_bytes_get_size (e) == 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "empty RSA modulus or exponent");
      return FALSE;
    }

  n_datum = datum_from_bytes (n);
  e_datum = strip_leading_zeros (g_bytes_get_data (e, NULL), g_bytes_get_size (e));

  /* An even exponent, 1 or one wider than 64 bits is no key anyone generates. */
  if (e_datum.size > 8 || (e_datum.data[e_datum.size - 1] & 1) == 0 ||
      (e_datum.size == 1 && e_datum.data[0] < 3))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "invalid RSA public exponent");
      return FALSE;
    }

  ret = gnutls_pubkey_import_rsa_raw (jwk->pubkey, &n_datum, &e_datum);
  if (ret < 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "cannot import the key: %s", gnutls_strerror (ret));
      return FALSE;
    }

  gnutls_pubkey_get_pk_algorithm (jwk->pubkey, &bits);
  if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                   "RSA key of %u bits (allowed: %u to %u)", bits, RSA_MIN_BITS, RSA_MAX_BITS);
      return FALSE;
    }

  jwk->type = KEY_TYPE_RSA;
  jwk->bits = bits;

  return TRUE;
}

static Jwk *
jwk_parse (JsonNode  *node,
           GError   **error)
{
  g_autoptr(Jwk) jwk = NULL;
  JsonObject *object;
  const char *kty;
  const char *kid;
  const char *alg;
  const Algorithm *algorithm = NULL;
  gboolean ok;
  int ret;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "not a JSON object");
      return NULL;
    }

  object = json_node_get_object (node);

  if (!(kty = get_required_string (object, "kty", error)) ||
      !get_optional_string (object, "kid", &kid, error) ||
      !get_optional_string (object, "alg", &alg, error) ||
      !check_use (object, error))
    return NULL;

  if (alg != NULL && !(algorithm = lookup_algorithm (alg)))
    {
      g_autofree char *name = printable_name (alg);

      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                   "algorithm “%s” is not allowed", name);
      return NULL;
    }

  jwk = g_new0 (Jwk, 1);
  jwk->kid = g_strdup (kid);
  jwk->alg = g_strdup (alg);

  if ((ret = gnutls_pubkey_init (&jwk->pubkey)) < 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_FAILED,
                   "cannot create a public key: %s", gnutls_strerror (ret));
      return NULL;
    }

  if (strcmp (kty, "EC") == 0)
    ok = import_ec (jwk, object, KEY_TYPE_EC, error);
  else if (strcmp (kty, "OKP") == 0)
    ok = import_ec (jwk, object, KEY_TYPE_OKP, error);
  else if (strcmp (kty, "RSA") == 0)
    ok = import_rsa (jwk, object, error);
  else
    {
      g_autofree char *name = printable_name (kty);

      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                   "unsupported key type “%s”", name);
      ok = FALSE;
    }

  if (!ok)
    return NULL;

  /* Catches EC points that are not on their curve, among others. */
  if ((ret = gnutls_pubkey_verify_params (jwk->pubkey)) < 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "invalid key parameters: %s", gnutls_strerror (ret));
      return NULL;
    }

  if (algorithm != NULL && !jwk_fits_algorithm (jwk, algorithm))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                   "its algorithm %s does not fit its key type or curve", algorithm->name);
      return NULL;
    }

  return g_steal_pointer (&jwk);
}

static gboolean
parse_document (OrgdeskJwks  *self,
                const char   *json,
                gsize         length,
                GError      **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonNode *keys_node;
  JsonArray *keys;

  if (length == 0 || length > ORGDESK_JWKS_MAX_LENGTH)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "The key set (JWKS) is empty or larger than %u bytes",
                   (guint) ORGDESK_JWKS_MAX_LENGTH);
      return FALSE;
    }

  if (!g_utf8_validate_len (json, length, NULL))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "The key set (JWKS) is not valid UTF-8 text");
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (!orgdesk_json_parser_load (parser, json, (gssize) length, &local_error))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "The key set (JWKS) is not valid JSON: %s", local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !(keys_node = json_object_get_member (json_node_get_object (root), "keys")) ||
      !JSON_NODE_HOLDS_ARRAY (keys_node))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "The key set (JWKS) is not an object with a “keys” array");
      return FALSE;
    }

  keys = json_node_get_array (keys_node);

  /* One unusable key (another use, a type we don't do, a typo) must not lock
   * the user out while another key of the set still works. */
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      g_autoptr(GError) key_error = NULL;
      Jwk *jwk;

      if ((jwk = jwk_parse (json_array_get_element (keys, i), &key_error)))
        g_ptr_array_add (self->keys, jwk);
      else
        g_debug ("Skipping key %u of the JWKS: %s", i, key_error->message);
    }

  if (self->keys->len == 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "The key set (JWKS) has no usable signing key");
      return FALSE;
    }

  return TRUE;
}

/* Finds the key for a token's "kid" (or, without one, the only key that fits). */
static const Jwk *
find_key (OrgdeskJwks      *self,
          const char       *kid,
          const Algorithm  *algorithm,
          GError          **error)
{
  const Jwk *found = NULL;
  guint n_named = 0;
  guint n_fitting = 0;

  for (guint i = 0; i < self->keys->len; i++)
    {
      const Jwk *jwk = g_ptr_array_index (self->keys, i);

      if (kid != NULL)
        {
          if (g_strcmp0 (jwk->kid, kid) != 0)
            continue;
          n_named++;
        }

      if (jwk_fits_algorithm (jwk, algorithm))
        {
          if (found == NULL)
            found = jwk;
          n_fitting++;
        }
    }

  if (kid != NULL)
    {
      g_autofree char *name = printable_name (kid);

      if (n_named == 0)
        g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNKNOWN_KEY,
                     "The token was signed with key “%s”, which the key set does not hold",
                     name);
      else if (found == NULL)
        g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                     "Key “%s” cannot verify %s signatures "
                     "(wrong key type, curve or algorithm)",
                     name, algorithm->name);

      return found;
    }

  if (n_fitting == 0)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNKNOWN_KEY,
                   "The token names no key, and no key of the set can verify %s signatures",
                   algorithm->name);
      return NULL;
    }

  if (n_fitting > 1)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token names no key, and several keys of the set could verify it");
      return NULL;
    }

  return found;
}

/* JWS carries ECDSA signatures as r||s, each of the curve's size (RFC 7518
 * §3.4); GnuTLS wants the DER Dss-Sig-Value. */
static gboolean
ecdsa_signature_to_der (const guint8    *raw,
                        gsize            raw_len,
                        gnutls_datum_t  *der)
{
  gnutls_datum_t r = strip_leading_zeros (raw, raw_len / 2);
  gnutls_datum_t s = strip_leading_zeros (raw + raw_len / 2, raw_len / 2);

  return gnutls_encode_rs_value (der, &r, &s) == 0;
}

static void
orgdesk_jwks_finalize (GObject *object)
{
  OrgdeskJwks *self = (OrgdeskJwks *) object;

  g_clear_pointer (&self->keys, g_ptr_array_unref);

  G_OBJECT_CLASS (orgdesk_jwks_parent_class)->finalize (object);
}

static void
orgdesk_jwks_class_init (OrgdeskJwksClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_jwks_finalize;
}

static void
orgdesk_jwks_init (OrgdeskJwks *self)
{
  self->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) jwk_free);
}

/**
 * orgdesk_jwks_new_from_data:
 * @json: a JSON Web Key Set document (RFC 7517 §5)
 * @length: the length of @json, or -1 if it is NUL-terminated
 * @error: return location for a #GError
 *
 * Parses a JWKS and imports each usable signing key: EC P-256/P-384/P-521, RSA of
 * at least 2048 bits, and OKP Ed25519.  Keys of another use, type or curve, or
 * with malformed members, are skipped; the document fails as a whole
 * (%ORGDESK_AUTH_ERROR_INVALID_RESPONSE) when it is malformed or leaves no key.
 *
 * Returns: (transfer full): a new #OrgdeskJwks, or %NULL with @error set
 */
OrgdeskJwks *
orgdesk_jwks_new_from_data (const char  *json,
                            gssize       length,
                            GError     **error)
{
  g_autoptr(OrgdeskJwks) self = NULL;

  g_return_val_if_fail (json != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = (gssize) strlen (json);

  self = g_object_new (ORGDESK_TYPE_JWKS, NULL);

  if (!parse_document (self, json, (gsize) length, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * orgdesk_jwks_new_from_bytes:
 * @bytes: a JWKS document, as an HTTP response body
 * @error: return location for a #GError
 *
 * Like orgdesk_jwks_new_from_data().
 *
 * Returns: (transfer full): a new #OrgdeskJwks, or %NULL with @error set
 */
OrgdeskJwks *
orgdesk_jwks_new_from_bytes (GBytes  *bytes,
                             GError **error)
{
  gsize size = 0;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);

  /* g_bytes_get_data() gives NULL for an empty GBytes. */
  return orgdesk_jwks_new_from_data (data != NULL ? data : "", (gssize) size, error);
}

/**
 * orgdesk_jwks_get_n_keys:
 * @self: a #OrgdeskJwks
 *
 * Returns: the number of usable keys imported
 */
guint
orgdesk_jwks_get_n_keys (OrgdeskJwks *self)
{
  g_return_val_if_fail (ORGDESK_IS_JWKS (self), 0);

  return self->keys->len;
}

/**
 * orgdesk_jwks_has_key:
 * @self: a #OrgdeskJwks
 * @kid: a key id
 *
 * Returns: whether a usable key with id @kid was imported
 */
gboolean
orgdesk_jwks_has_key (OrgdeskJwks *self,
                      const char  *kid)
{
  g_return_val_if_fail (ORGDESK_IS_JWKS (self), FALSE);
  g_return_val_if_fail (kid != NULL, FALSE);

  for (guint i = 0; i < self->keys->len; i++)
    {
      const Jwk *jwk = g_ptr_array_index (self->keys, i);

      if (g_strcmp0 (jwk->kid, kid) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * orgdesk_jwks_verify:
 * @self: a #OrgdeskJwks
 * @kid: (nullable): the key id from the JWS header
 * @alg: (nullable): the algorithm from the JWS header
 * @signing_input: the JWS signing input (`header.payload`, as ASCII)
 * @signature: the decoded JWS signature
 * @error: return location for a #GError
 *
 * Verifies a JWS signature.  @alg must be one of ES256, ES384, ES512, RS256,
 * PS256 or EdDSA (else %ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM) and fit the
 * key's type, curve and own "alg".  The key is chosen by @kid; an id the set
 * does not hold gives %ORGDESK_AUTH_ERROR_UNKNOWN_KEY, on which the caller
 * fetches the JWKS again, once.  Without @kid, the only key that fits is used.
 * A signature that does not verify gives %ORGDESK_AUTH_ERROR_INVALID_TOKEN.
 *
 * Returns: %TRUE if the signature is valid
 */
gboolean
orgdesk_jwks_verify (OrgdeskJwks  *self,
                     const char   *kid,
                     const char   *alg,
                     GBytes       *signing_input,
                     GBytes       *signature,
                     GError      **error)
{
  const Algorithm *algorithm;
  const Jwk *jwk;
  gnutls_datum_t data;
  gnutls_datum_t sig;
  gnutls_datum_t der = { NULL, 0 };
  gsize expected_len;
  int ret;

  g_return_val_if_fail (ORGDESK_IS_JWKS (self), FALSE);
  g_return_val_if_fail (signing_input != NULL, FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(algorithm = lookup_algorithm (alg)))
    {
      g_autofree char *name = printable_name (alg);

      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
                   "The token’s signature algorithm “%s” is not allowed", name);
      return FALSE;
    }

  if (!(jwk = find_key (self, kid, algorithm, error)))
    return FALSE;

  expected_len = algorithm->raw_sig_len != 0 ? algorithm->raw_sig_len : (jwk->bits + 7) / 8;
  if (g_bytes_get_size (signature) != expected_len)
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token’s %s signature has %" G_GSIZE_FORMAT " bytes instead of %"
                   G_GSIZE_FORMAT, algorithm->name, g_bytes_get_size (signature), expected_len);
      return FALSE;
    }

  data = datum_from_bytes (signing_input);
  sig = datum_from_bytes (signature);

  if (algorithm->is_ecdsa)
    {
      if (!ecdsa_signature_to_der (sig.data, sig.size, &der))
        {
          g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_FAILED,
                       "Cannot encode the ECDSA signature");
          return FALSE;
        }
      sig = der;
    }

  ret = gnutls_pubkey_verify_data2 (jwk->pubkey, algorithm->sign, 0, &data, &sig);
  gnutls_free (der.data);

  if (ret < 0)
    {
      if (ret != GNUTLS_E_PK_SIG_VERIFY_FAILED)
        g_debug ("Verifying a %s signature failed: %s", algorithm->name, gnutls_strerror (ret));

      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                   "The token’s signature is not valid");
      return FALSE;
    }

  return TRUE;
}
