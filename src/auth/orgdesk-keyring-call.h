/* orgdesk-keyring-call.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What every call to the keyring needs around it: a keyring waiting for a password
 * prompt nobody sees would never answer, so each call gets a cancellable that fires
 * on the caller's cancel or after a timeout, whichever is first, and the timeout
 * becomes an error that says so instead of libsecret's "cancelled". */
typedef struct _OrgdeskKeyringCall OrgdeskKeyringCall;

OrgdeskKeyringCall *orgdesk_keyring_call_new             (GCancellable       *cancellable,
                                                          guint               timeout_seconds);
GCancellable       *orgdesk_keyring_call_get_cancellable (OrgdeskKeyringCall *self);
gboolean            orgdesk_keyring_call_timed_out       (OrgdeskKeyringCall *self);
void                orgdesk_keyring_call_stop_timeout    (OrgdeskKeyringCall *self);
GError             *orgdesk_keyring_call_take_error      (OrgdeskKeyringCall *self,
                                                          GError             *error);
void                orgdesk_keyring_call_free            (OrgdeskKeyringCall *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrgdeskKeyringCall, orgdesk_keyring_call_free)

G_END_DECLS
