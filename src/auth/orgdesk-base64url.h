/* orgdesk-base64url.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* base64url without padding (RFC 4648 §5), as JWS and PKCE use it. */
char   *orgdesk_base64url_encode (const guint8  *data,
                                  gsize          length);
GBytes *orgdesk_base64url_decode (const char    *text,
                                  gssize         length,
                                  GError       **error);

G_END_DECLS
