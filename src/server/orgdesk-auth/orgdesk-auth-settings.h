/* orgdesk-auth-settings.h: orgdesk.auth_config and orgdesk.auth_keys, cached
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read once per backend and again after either table changes (their trigger
 * sends a relcache invalidation, which every backend receives at its next
 * transaction, this one at its next command).
 */

#pragma once

#include "postgres.h"

#include "orgdesk-auth-verify.h"

typedef struct
{
  char              *issuer;
  char              *audience;
  char              *read_scope;
  char              *write_scope;
  int                clock_skew_seconds;
  OrgdeskAuthKeySet *keys;            /* NULL when the stored set is unusable */
  char              *keys_error;      /* why, then */
  uint64             generation;      /* changes whenever the above are reloaded */
} OrgdeskAuthSettings;

void                       orgdesk_auth_settings_init (void);
/* Raises SQLSTATE 28000 when no configuration row exists. */
const OrgdeskAuthSettings *orgdesk_auth_settings_get  (void);
