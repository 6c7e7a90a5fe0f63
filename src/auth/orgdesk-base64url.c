/* orgdesk-base64url.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <string.h>

#include "orgdesk-base64url.h"

static const char alphabet[64] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Returns the 6-bit value of @c, or -1 when @c is not in the url-safe alphabet. */
static int
decode_char (guchar c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

/**
 * orgdesk_base64url_encode:
 * @data: (array length=length) (nullable): the bytes to encode
 * @length: the number of bytes in @data
 *
 * Encodes @data as base64url without padding.
 *
 * Returns: (transfer full): a newly allocated, NUL-terminated string
 */
char *
orgdesk_base64url_encode (const guint8 *data,
                          gsize         length)
{
  GString *out;
  gsize i;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length < G_MAXSIZE / 4 * 3 - 3, NULL);

  out = g_string_sized_new ((length + 2) / 3 * 4 + 1);

  for (i = 0; i + 3 <= length; i += 3)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8) | data[i + 2];

      g_string_append_c (out, alphabet[(v >> 18) & 0x3f]);
      g_string_append_c (out, alphabet[(v >> 12) & 0x3f]);
      g_string_append_c (out, alphabet[(v >> 6) & 0x3f]);
      g_string_append_c (out, alphabet[v & 0x3f]);
    }

  if (length - i == 1)
    {
      guint32 v = (guint32) data[i] << 16;

      g_string_append_c (out, alphabet[(v >> 18) & 0x3f]);
      g_string_append_c (out, alphabet[(v >> 12) & 0x3f]);
    }
  else if (length - i == 2)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8);

      g_string_append_c (out, alphabet[(v >> 18) & 0x3f]);
      g_string_append_c (out, alphabet[(v >> 12) & 0x3f]);
      g_string_append_c (out, alphabet[(v >> 6) & 0x3f]);
    }

  return g_string_free (out, FALSE);
}

/**
 * orgdesk_base64url_encode_bytes:
 * @bytes: the bytes to encode
 *
 * Like orgdesk_base64url_encode(), for a #GBytes.
 *
 * Returns: (transfer full): a newly allocated, NUL-terminated string
 */
char *
orgdesk_base64url_encode_bytes (GBytes *bytes)
{
  gsize length = 0;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);

  return orgdesk_base64url_encode (data, length);
}

/**
 * orgdesk_base64url_decode:
 * @text: base64url text without padding
 * @length: the length of @text in bytes, or -1 if it is NUL-terminated
 * @error: return location for a #GError
 *
 * Decodes strict, unpadded base64url.  The error message names the offset of the
 * first offending character, never the text itself, which may be a secret.
 *
 * Returns: (transfer full): the decoded bytes, or %NULL with @error set
 */
GBytes *
orgdesk_base64url_decode (const char  *text,
                          gssize       length,
                          GError     **error)
{
  g_autofree guint8 *out = NULL;
  gsize len;
  gsize n_out = 0;
  guint32 acc = 0;
  guint n_bits = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = length < 0 ? strlen (text) : (gsize) length;

  out = g_malloc (len / 4 * 3 + 3);

  for (gsize i = 0; i < len; i++)
    {
      int v = decode_char ((guchar) text[i]);

      if (v < 0)
        {
          g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
                       "Invalid base64url character at offset %" G_GSIZE_FORMAT, i);
          return NULL;
        }

      acc = (acc << 6) | (guint32) v;
      n_bits += 6;

      if (n_bits >= 8)
        {
          n_bits -= 8;
          out[n_out++] = (guint8) (acc >> n_bits);
          acc &= (1u << n_bits) - 1;
        }
    }

  /* One character alone carries 6 bits, not a byte: the text was cut. */
  if (len % 4 == 1)
    {
      g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_PARTIAL_INPUT,
                   "Invalid base64url length %" G_GSIZE_FORMAT, len);
      return NULL;
    }

  /* Leftover bits (4 after two chars of a group, 2 after three) must be zero,
   * otherwise several texts would decode to the same bytes. */
  if (acc != 0)
    {
      g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
                   "Non-canonical base64url: unused trailing bits are set");
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&out), n_out);
}
