/* orgdesk-pkce.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A PKCE code verifier is 32 random bytes in base64url: 43 characters (RFC 7636 §4.1). */
#define ORGDESK_PKCE_VERIFIER_BYTES  32
#define ORGDESK_PKCE_VERIFIER_LENGTH 43

/* Random values for the authorization request, from the TLS library's CSPRNG. */
char *orgdesk_random_token_new     (gsize       n_bytes);
char *orgdesk_pkce_verifier_new    (void);
char *orgdesk_pkce_challenge_s256  (const char *verifier);

G_END_DECLS
