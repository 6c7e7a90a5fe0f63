/* orgdesk-secret-memory.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Secrets (authorization codes, state, tokens, passwords) are overwritten before
 * their memory goes back to the allocator, so a later heap dump or reuse of the
 * block doesn't show them.  The compiler may not drop the wipe as a dead store. */
void orgdesk_secret_wipe  (void  *data,
                           gsize  length);
void orgdesk_secret_free  (char  *secret);
void orgdesk_secret_clear (char **secret);

/* g_auto(OrgdeskSecretString) secret = g_strdup (…); wiped and freed at scope exit. */
typedef char *OrgdeskSecretString;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OrgdeskSecretString, orgdesk_secret_free, NULL)

G_END_DECLS
