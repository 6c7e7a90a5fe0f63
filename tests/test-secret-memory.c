/* test-secret-memory.c: secrets are overwritten before their memory is freed
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "orgdesk-secret-memory.h"

/* Only the bytes asked for become zero; the ones around them stay. */
static void
test_wipe_region (void)
{
  guint8 buffer[64];

  memset (buffer, 'A', sizeof buffer);
  orgdesk_secret_wipe (buffer + 16, 32);

  for (guint i = 0; i < sizeof buffer; i++)
    g_assert_cmpuint (buffer[i], ==, i >= 16 && i < 48 ? 0 : 'A');
}

/* A heap block, as the tokens are. */
static void
test_wipe_heap_block (void)
{
  g_autofree char *secret = g_strdup ("refresh-token-0123456789abcdefghijklmnopqrstuvwxyz");
  gsize length = strlen (secret);

  orgdesk_secret_wipe (secret, length);

  for (gsize i = 0; i < length; i++)
    g_assert_cmpint (secret[i], ==, '\0');
}

static void
test_wipe_nothing (void)
{
  char byte = 'x';

  orgdesk_secret_wipe (NULL, 16);
  orgdesk_secret_wipe (&byte, 0);
  g_assert_cmpint (byte, ==, 'x');
}

/* free and clear take NULL; clear leaves NULL behind.  (What they leave in the
 * freed block cannot be read without undefined behaviour; they call the wipe
 * tested above.  Under AddressSanitizer this also checks they free exactly once.) */
static void
test_free_and_clear (void)
{
  char *secret = g_strdup ("an-authorization-code");
  char *empty = g_strdup ("");
  char *none = NULL;

  orgdesk_secret_free (NULL);
  orgdesk_secret_free (empty);
  orgdesk_secret_clear (&none);
  g_assert_null (none);

  orgdesk_secret_clear (&secret);
  g_assert_null (secret);
  orgdesk_secret_clear (&secret);
  g_assert_null (secret);
}

static void
test_auto_cleanup (void)
{
  for (guint i = 0; i < 8; i++)
    {
      g_auto(OrgdeskSecretString) verifier = g_strdup_printf ("verifier-%u", i);
      g_auto(OrgdeskSecretString) unset = NULL;

      g_assert_true (g_str_has_prefix (verifier, "verifier-"));
      g_assert_null (unset);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/auth/secret-memory/wipe-region", test_wipe_region);
  g_test_add_func ("/orgdesk/auth/secret-memory/wipe-heap-block", test_wipe_heap_block);
  g_test_add_func ("/orgdesk/auth/secret-memory/wipe-nothing", test_wipe_nothing);
  g_test_add_func ("/orgdesk/auth/secret-memory/free-and-clear", test_free_and_clear);
  g_test_add_func ("/orgdesk/auth/secret-memory/auto-cleanup", test_auto_cleanup);

  return g_test_run ();
}
