/* orgdesk-auth-token-cache.h: verified tokens of one backend, by digest
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * So that a page load after the first costs a SHA-256, not a signature check.
 * Bounded: when full, one entry goes before another comes in.  A hit is only a
 * candidate: the caller re-checks exp/nbf and that the key is still there.
 */

#pragma once

#include "orgdesk-auth-verify.h"

/* Tokens a backend remembers: one per organization a client switches through
 * in an hour is plenty; each entry is a few hundred bytes. */
#define ORGDESK_AUTH_TOKEN_CACHE_SIZE 256

typedef struct _OrgdeskAuthTokenCache OrgdeskAuthTokenCache;

OrgdeskAuthTokenCache   *orgdesk_auth_token_cache_new    (unsigned int                 max_entries);
const OrgdeskAuthClaims *orgdesk_auth_token_cache_lookup (OrgdeskAuthTokenCache       *cache,
                                                          const unsigned char         *digest);
/* Copies @claims; false (and nothing cached) when out of memory. */
bool                     orgdesk_auth_token_cache_insert (OrgdeskAuthTokenCache       *cache,
                                                          const unsigned char         *digest,
                                                          const OrgdeskAuthClaims     *claims);
void                     orgdesk_auth_token_cache_remove (OrgdeskAuthTokenCache       *cache,
                                                          const unsigned char         *digest);
void                     orgdesk_auth_token_cache_clear  (OrgdeskAuthTokenCache       *cache);
