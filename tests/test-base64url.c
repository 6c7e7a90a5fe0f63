/* test-base64url.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "orgdesk-base64url.h"

typedef struct
{
  const char *plain;
  const char *encoded;
} Vector;

/* RFC 4648 §10, in the url-safe alphabet without padding. */
static const Vector rfc4648_vectors[] = {
  { "", "" },
  { "f", "Zg" },
  { "fo", "Zm8" },
  { "foo", "Zm9v" },
  { "foob", "Zm9vYg" },
  { "fooba", "Zm9vYmE" },
  { "foobar", "Zm9vYmFy" },
};

static void
test_encode_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rfc4648_vectors); i++)
    {
      const Vector *v = &rfc4648_vectors[i];
      g_autofree char *encoded = orgdesk_base64url_encode ((const guint8 *) v->plain,
                                                           strlen (v->plain));

      g_assert_cmpstr (encoded, ==, v->encoded);
    }
}

static void
test_decode_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rfc4648_vectors); i++)
    {
      const Vector *v = &rfc4648_vectors[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) decoded = orgdesk_base64url_decode (v->encoded, -1, &error);
      gsize size = 0;
      const guint8 *data;

      g_assert_no_error (error);
      g_assert_nonnull (decoded);
      data = g_bytes_get_data (decoded, &size);
      g_assert_cmpmem (data, size, v->plain, strlen (v->plain));
    }
}

static void
test_url_alphabet (void)
{
  /* 0xfb 0xff 0xbf is 111110 111111 111110 111111: "+/+/" in standard base64. */
  static const guint8 bytes[] = { 0xfb, 0xff, 0xbf };
  g_autofree char *encoded = orgdesk_base64url_encode (bytes, sizeof bytes);
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const guint8 *data;

  g_assert_cmpstr (encoded, ==, "-_-_");

  decoded = orgdesk_base64url_decode ("-_-_", -1, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (decoded, &size);
  g_assert_cmpmem (data, size, bytes, sizeof bytes);
}

static void
test_round_trip (void)
{
  guint8 buffer[96];

  for (gsize length = 0; length <= sizeof buffer; length++)
    {
      g_autofree char *encoded = NULL;
      g_autoptr(GBytes) decoded = NULL;
      g_autoptr(GError) error = NULL;
      gsize size = 0;
      const guint8 *data;

      for (gsize i = 0; i < length; i++)
        buffer[i] = (guint8) g_test_rand_int_range (0, 256);

      encoded = orgdesk_base64url_encode (buffer, length);
      g_assert_cmpuint (strlen (encoded), ==, (length * 4 + 2) / 3);
      g_assert_null (strpbrk (encoded, "+/="));

      decoded = orgdesk_base64url_decode (encoded, -1, &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (decoded, &size);
      g_assert_cmpmem (data, size, buffer, length);
    }
}

static void
test_encode_bytes (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("foobar", 6);
  g_autoptr(GBytes) empty = g_bytes_new_static (NULL, 0);
  g_autofree char *encoded = orgdesk_base64url_encode_bytes (bytes);
  g_autofree char *encoded_empty = orgdesk_base64url_encode_bytes (empty);

  g_assert_cmpstr (encoded, ==, "Zm9vYmFy");
  g_assert_cmpstr (encoded_empty, ==, "");
}

static void
test_decode_explicit_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = orgdesk_base64url_decode ("Zm9vYmFy", 4, &error);
  gsize size = 0;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (decoded, &size);
  g_assert_cmpmem (data, size, "foo", 3);
}

typedef struct
{
  const char *text;
  gssize      length;
  int         code;
} Invalid;

static const Invalid invalid_inputs[] = {
  { "Zg==", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },         /* padding */
  { "Zm8=", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { "-_+/", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },         /* standard alphabet */
  { "ab/c", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { "Zm 9v", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },        /* whitespace */
  { "Zm9v\n", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { " Zm9v", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { "Zm9v\tYg", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { "Zm.v", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { "Zm\xc3\xa9v", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },  /* non-ASCII */
  { "Zm\0v", 4, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },         /* embedded NUL */
  { "Z", -1, G_CONVERT_ERROR_PARTIAL_INPUT },               /* 4n+1 */
  { "Zm9vY", -1, G_CONVERT_ERROR_PARTIAL_INPUT },
  { "Zm9vYmFyZ", -1, G_CONVERT_ERROR_PARTIAL_INPUT },
  { "Zh", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },           /* non-canonical: low bits set */
  { "Zm9", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { "Zm9vYh", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { "Zm9vYmF", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
  { "__", -1, G_CONVERT_ERROR_ILLEGAL_SEQUENCE },
};

static void
test_decode_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_inputs); i++)
    {
      const Invalid *v = &invalid_inputs[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) decoded = orgdesk_base64url_decode (v->text, v->length, &error);

      g_test_message ("input %u", i);
      g_assert_null (decoded);
      g_assert_error (error, G_CONVERT_ERROR, v->code);
      g_assert_nonnull (error->message);
    }
}

static void
test_decode_invalid_no_error (void)
{
  g_autoptr(GBytes) decoded = orgdesk_base64url_decode ("Zg==", -1, NULL);

  g_assert_null (decoded);
}

static void
test_error_message_hides_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = orgdesk_base64url_decode ("c2VjcmV0LXRva2Vu=", -1, &error);

  g_assert_null (decoded);
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "c2VjcmV0"));
  g_assert_nonnull (strstr (error->message, "16"));
}

static void
test_decode_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = orgdesk_base64url_decode ("", -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (decoded);
  g_assert_cmpuint (g_bytes_get_size (decoded), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/auth/base64url/encode-vectors", test_encode_vectors);
  g_test_add_func ("/orgdesk/auth/base64url/decode-vectors", test_decode_vectors);
  g_test_add_func ("/orgdesk/auth/base64url/url-alphabet", test_url_alphabet);
  g_test_add_func ("/orgdesk/auth/base64url/round-trip", test_round_trip);
  g_test_add_func ("/orgdesk/auth/base64url/encode-bytes", test_encode_bytes);
  g_test_add_func ("/orgdesk/auth/base64url/decode-explicit-length", test_decode_explicit_length);
  g_test_add_func ("/orgdesk/auth/base64url/decode-empty", test_decode_empty);
  g_test_add_func ("/orgdesk/auth/base64url/decode-invalid", test_decode_invalid);
  g_test_add_func ("/orgdesk/auth/base64url/decode-invalid-no-error", test_decode_invalid_no_error);
  g_test_add_func ("/orgdesk/auth/base64url/error-message-hides-input", test_error_message_hides_input);

  return g_test_run ();
}
