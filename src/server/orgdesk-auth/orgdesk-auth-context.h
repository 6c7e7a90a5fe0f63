/* orgdesk-auth-context.h: the identity verified in this transaction
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kept in the extension's own memory, not in a setting, so SET, set_config,
 * RESET and DISCARD cannot touch it.  It ends at commit, abort and prepare, is
 * undone by rolling back the savepoint that set it, and is stamped with the
 * transaction's local id: should a callback ever be missed, a later
 * transaction still sees nothing.
 */

#pragma once

#include "postgres.h"

void         orgdesk_auth_context_init            (void);

bool         orgdesk_auth_context_is_set          (void);
/* Copies everything; @scopes is NULL-terminated.  An assumed context (the
 * owner's, without a token) may read and write. */
void         orgdesk_auth_context_set             (const char         *user_id,
                                                   const char         *organization_id,
                                                   char * const       *scopes,
                                                   bool                assumed);
/* NULL when nothing was verified in this transaction. */
const char  *orgdesk_auth_context_get_user_id     (void);
const char  *orgdesk_auth_context_get_organization_id (void);
char * const *orgdesk_auth_context_get_scopes     (void);
bool         orgdesk_auth_context_is_assumed      (void);
bool         orgdesk_auth_context_has_scope       (const char         *scope);
