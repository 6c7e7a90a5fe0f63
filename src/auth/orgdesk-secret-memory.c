/* orgdesk-secret-memory.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* explicit_bzero() is a BSD/glibc extension, hidden by -std=c11. */
#define _DEFAULT_SOURCE

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <string.h>

#include "orgdesk-secret-memory.h"

/**
 * orgdesk_secret_wipe:
 * @data: (nullable): memory holding a secret
 * @length: how many bytes of @data to overwrite
 *
 * Overwrites @length bytes at @data with zeros, in a way the compiler keeps
 * even when @data is freed right after.
 */
void
orgdesk_secret_wipe (void  *data,
                     gsize  length)
{
  if (data == NULL || length == 0)
    return;

  explicit_bzero (data, length);
}

/**
 * orgdesk_secret_free:
 * @secret: (nullable) (transfer full): a nul-terminated secret from g_malloc()
 *
 * Wipes @secret up to its terminating nul and frees it.
 */
void
orgdesk_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  orgdesk_secret_wipe (secret, strlen (secret));
  g_free (secret);
}

/**
 * orgdesk_secret_clear:
 * @secret: (inout) (nullable): where a secret from g_malloc() is kept
 *
 * Like g_clear_pointer (@secret, orgdesk_secret_free): wipes and frees the
 * secret and sets *@secret to %NULL.
 */
void
orgdesk_secret_clear (char **secret)
{
  g_return_if_fail (secret != NULL);

  orgdesk_secret_free (g_steal_pointer (secret));
}
