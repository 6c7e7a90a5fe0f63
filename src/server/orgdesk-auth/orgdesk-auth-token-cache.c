/* orgdesk-auth-token-cache.c: verified tokens of one backend, by digest
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "orgdesk-auth-token-cache.h"

struct _OrgdeskAuthTokenCache
{
  GHashTable   *entries;     /* GBytes digest → OrgdeskAuthClaims */
  unsigned int  max_entries;
};

OrgdeskAuthTokenCache *
orgdesk_auth_token_cache_new (unsigned int max_entries)
{
  OrgdeskAuthTokenCache *cache = g_new0 (OrgdeskAuthTokenCache, 1);

  cache->entries = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                          (GDestroyNotify) g_bytes_unref,
                                          (GDestroyNotify) orgdesk_auth_claims_free);
  cache->max_entries = MAX (max_entries, 1);
  return cache;
}

const OrgdeskAuthClaims *
orgdesk_auth_token_cache_lookup (OrgdeskAuthTokenCache *cache,
                                 const unsigned char   *digest)
{
  g_autoptr(GBytes) key = g_bytes_new_static (digest, ORGDESK_AUTH_DIGEST_LENGTH);

  return g_hash_table_lookup (cache->entries, key);
}

bool
orgdesk_auth_token_cache_insert (OrgdeskAuthTokenCache   *cache,
                                 const unsigned char     *digest,
                                 const OrgdeskAuthClaims *claims)
{
  OrgdeskAuthClaims *copy;

  if (g_hash_table_size (cache->entries) >= cache->max_entries)
    {
      /* Any entry: the hash order is as good as random, and an evicted
       * token only costs one more signature check. */
      GHashTableIter iter;

      g_hash_table_iter_init (&iter, cache->entries);
      if (g_hash_table_iter_next (&iter, NULL, NULL))
        g_hash_table_iter_remove (&iter);
    }

  if ((copy = orgdesk_auth_claims_copy (claims)) == NULL)
    return false;

  g_hash_table_replace (cache->entries, g_bytes_new (digest, ORGDESK_AUTH_DIGEST_LENGTH), copy);
  return true;
}

void
orgdesk_auth_token_cache_remove (OrgdeskAuthTokenCache *cache,
                                 const unsigned char   *digest)
{
  g_autoptr(GBytes) key = g_bytes_new_static (digest, ORGDESK_AUTH_DIGEST_LENGTH);

  g_hash_table_remove (cache->entries, key);
}

void
orgdesk_auth_token_cache_clear (OrgdeskAuthTokenCache *cache)
{
  g_hash_table_remove_all (cache->entries);
}

