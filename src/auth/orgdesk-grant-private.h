/* orgdesk-grant-private.h: for tests only
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-grant.h"

G_BEGIN_DECLS

/* Puts @token in the cache for (@organization_id, @resource) as if a refresh had
 * brought it: a test's way to have the grant hand out a token its audience
 * refuses, without waiting for one to expire. */
void _orgdesk_grant_cache_token (OrgdeskGrant         *self,
                                 const char           *organization_id,
                                 const char           *resource,
                                 OrgdeskTokenResponse *token);

G_END_DECLS
