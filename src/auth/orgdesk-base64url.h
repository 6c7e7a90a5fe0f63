/* orgdesk-base64url.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* base64url without padding (RFC 4648 §5), as JWS and PKCE use it.
 *
 * Decoding is strict: padding, the standard alphabet's '+' and '/', whitespace,
 * a length of 4n+1 and non-zero unused trailing bits are all errors
 * (%G_CONVERT_ERROR_ILLEGAL_SEQUENCE, or %G_CONVERT_ERROR_PARTIAL_INPUT for the
 * length), so every byte string has exactly one accepted encoding. */
char   *orgdesk_base64url_encode       (const guint8  *data,
                                        gsize          length);
char   *orgdesk_base64url_encode_bytes (GBytes        *bytes);
GBytes *orgdesk_base64url_decode       (const char    *text,
                                        gssize         length,
                                        GError       **error);

G_END_DECLS
