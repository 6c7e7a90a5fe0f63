/* test-pkce.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "orgdesk-base64url.h"
#include "orgdesk-pkce.h"

static gboolean
is_base64url (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }

  return TRUE;
}

static void
test_rfc7636_appendix_b (void)
{
  g_autofree char *challenge =
    orgdesk_pkce_challenge_s256 ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_verifier_form (void)
{
  for (guint i = 0; i < 32; i++)
    {
      g_autofree char *verifier = orgdesk_pkce_verifier_new ();
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (strlen (verifier), ==, ORGDESK_PKCE_VERIFIER_LENGTH);
      g_assert_true (is_base64url (verifier));

      raw = orgdesk_base64url_decode (verifier, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (raw), ==, ORGDESK_PKCE_VERIFIER_BYTES);
    }
}

static void
test_verifiers_differ (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 256; i++)
    {
      char *verifier = orgdesk_pkce_verifier_new ();

      g_assert_false (g_hash_table_contains (seen, verifier));
      g_hash_table_add (seen, verifier);
    }
}

static void
test_challenge_form (void)
{
  g_autofree char *verifier = orgdesk_pkce_verifier_new ();
  g_autofree char *challenge = orgdesk_pkce_challenge_s256 (verifier);
  g_autofree char *again = orgdesk_pkce_challenge_s256 (verifier);

  g_assert_cmpuint (strlen (challenge), ==, 43);
  g_assert_true (is_base64url (challenge));
  g_assert_cmpstr (challenge, !=, verifier);
  g_assert_cmpstr (challenge, ==, again);
}

static void
test_challenge_accepts_rfc_charset (void)
{
  /* 128 characters, every unreserved kind: "-", ".", "_", "~". */
  g_autofree char *verifier = g_strnfill (128, 'a');
  g_autofree char *challenge = NULL;

  memcpy (verifier, "A-z.0_9~", 8);
  challenge = orgdesk_pkce_challenge_s256 (verifier);
  g_assert_cmpuint (strlen (challenge), ==, 43);
}

static void
test_challenge_rejects_invalid_verifier (void)
{
  const char *invalid[] = {
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX",             /* 42 characters */
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+",            /* "+" */
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX=",            /* "=" */
    "dBjftJeZ4CVP mB92K27uhbUJU1p1r_wW1gFWFOEjXk",            /* space */
  };
  g_autofree char *too_long = g_strnfill (129, 'a');

  for (guint i = 0; i <= G_N_ELEMENTS (invalid); i++)
    {
      const char *verifier = i < G_N_ELEMENTS (invalid) ? invalid[i] : too_long;
      g_autofree char *challenge = NULL;

      g_test_expect_message ("orgdesk-auth", G_LOG_LEVEL_CRITICAL, "*is_valid_verifier*");
      challenge = orgdesk_pkce_challenge_s256 (verifier);
      g_test_assert_expected_messages ();
      g_assert_null (challenge);
    }
}

static void
test_random_token (void)
{
  static const struct { gsize bytes; gsize chars; } sizes[] = {
    { 1, 2 }, { 2, 3 }, { 3, 4 }, { 16, 22 }, { 32, 43 }, { 1024, 1366 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *token = orgdesk_random_token_new (sizes[i].bytes);

      g_assert_cmpuint (strlen (token), ==, sizes[i].chars);
      g_assert_true (is_base64url (token));
    }
}

static void
test_random_tokens_differ (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 256; i++)
    {
      char *token = orgdesk_random_token_new (16);

      g_assert_false (g_hash_table_contains (seen, token));
      g_hash_table_add (seen, token);
    }
}

static void
test_random_token_bad_size (void)
{
  g_autofree char *none = NULL;
  g_autofree char *huge = NULL;

  g_test_expect_message ("orgdesk-auth", G_LOG_LEVEL_CRITICAL, "*n_bytes > 0*");
  none = orgdesk_random_token_new (0);
  g_test_assert_expected_messages ();
  g_assert_null (none);

  g_test_expect_message ("orgdesk-auth", G_LOG_LEVEL_CRITICAL, "*n_bytes <=*");
  huge = orgdesk_random_token_new (1025);
  g_test_assert_expected_messages ();
  g_assert_null (huge);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/auth/pkce/rfc7636-appendix-b", test_rfc7636_appendix_b);
  g_test_add_func ("/orgdesk/auth/pkce/verifier-form", test_verifier_form);
  g_test_add_func ("/orgdesk/auth/pkce/verifiers-differ", test_verifiers_differ);
  g_test_add_func ("/orgdesk/auth/pkce/challenge-form", test_challenge_form);
  g_test_add_func ("/orgdesk/auth/pkce/challenge-accepts-rfc-charset", test_challenge_accepts_rfc_charset);
  g_test_add_func ("/orgdesk/auth/pkce/challenge-rejects-invalid-verifier",
                   test_challenge_rejects_invalid_verifier);
  g_test_add_func ("/orgdesk/auth/pkce/random-token", test_random_token);
  g_test_add_func ("/orgdesk/auth/pkce/random-tokens-differ", test_random_tokens_differ);
  g_test_add_func ("/orgdesk/auth/pkce/random-token-bad-size", test_random_token_bad_size);

  return g_test_run ();
}
