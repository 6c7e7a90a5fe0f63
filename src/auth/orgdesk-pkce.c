/* orgdesk-pkce.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "orgdesk-base64url.h"
#include "orgdesk-pkce.h"
#include "orgdesk-secret-memory.h"

/* Longest random value handed out; state, nonce and verifier need far less. */
#define MAX_RANDOM_BYTES 1024

static char *
random_base64url (gnutls_rnd_level_t level,
                  gsize              n_bytes)
{
  guint8 buffer[MAX_RANDOM_BYTES];
  char *text;
  int ret;

  g_assert (n_bytes > 0 && n_bytes <= sizeof buffer);

  /* A failing CSPRNG leaves nothing safe to return: a predictable state,
   * nonce or verifier would silently defeat the protocol. */
  ret = gnutls_rnd (level, buffer, n_bytes);
  if (ret < 0)
    g_error ("The system random number generator failed: %s", gnutls_strerror (ret));

  text = orgdesk_base64url_encode (buffer, n_bytes);
  orgdesk_secret_wipe (buffer, n_bytes);

  return text;
}

/**
 * orgdesk_random_token_new:
 * @n_bytes: how many random bytes to draw (1 to 1024)
 *
 * Creates an unguessable value for `state` or `nonce`: @n_bytes from the
 * CSPRNG, encoded as base64url (so 4/3 as many characters, rounded up).
 *
 * Returns: (transfer full): a newly allocated string
 */
char *
orgdesk_random_token_new (gsize n_bytes)
{
  g_return_val_if_fail (n_bytes > 0, NULL);
  g_return_val_if_fail (n_bytes <= MAX_RANDOM_BYTES, NULL);

  return random_base64url (GNUTLS_RND_RANDOM, n_bytes);
}

/**
 * orgdesk_pkce_verifier_new:
 *
 * Creates a PKCE code verifier: 32 bytes from the CSPRNG's key-grade level, as
 * 43 characters of base64url (a subset of RFC 7636's unreserved characters).
 *
 * Returns: (transfer full): a newly allocated string; never log it, and free it
 *   with orgdesk_secret_free()
 */
char *
orgdesk_pkce_verifier_new (void)
{
  return random_base64url (GNUTLS_RND_KEY, ORGDESK_PKCE_VERIFIER_BYTES);
}

static gboolean
is_valid_verifier (const char *verifier)
{
  gsize len = strlen (verifier);

  /* RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~" */
  if (len < 43 || len > 128)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = verifier[i];

      if (!g_ascii_isalnum (c) && c != '-' && c != '.' && c != '_' && c != '~')
        return FALSE;
    }

  return TRUE;
}

/**
 * orgdesk_pkce_challenge_s256:
 * @verifier: a code verifier of 43 to 128 unreserved characters
 *
 * Computes the S256 code challenge, `BASE64URL(SHA256(ASCII(verifier)))`.
 *
 * Returns: (transfer full): the 43-character challenge
 */
char *
orgdesk_pkce_challenge_s256 (const char *verifier)
{
  guint8 digest[32];
  int ret;

  g_return_val_if_fail (verifier != NULL, NULL);
  g_return_val_if_fail (is_valid_verifier (verifier), NULL);

  /* Not GChecksum: it keeps the verifier's bytes in a heap block it frees
   * without wiping.  GnuTLS hashes in a context on the stack. */
  g_assert (gnutls_hash_get_len (GNUTLS_DIG_SHA256) == sizeof digest);
  ret = gnutls_hash_fast (GNUTLS_DIG_SHA256, verifier, strlen (verifier), digest);
  if (ret < 0)
    g_error ("SHA-256 failed: %s", gnutls_strerror (ret));

  return orgdesk_base64url_encode (digest, sizeof digest);
}
