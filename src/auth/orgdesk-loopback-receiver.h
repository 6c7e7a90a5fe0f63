/* orgdesk-loopback-receiver.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_LOOPBACK_RECEIVER (orgdesk_loopback_receiver_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskLoopbackReceiver, orgdesk_loopback_receiver, ORGDESK, LOOPBACK_RECEIVER, GObject)

/* A one-shot HTTP listener on 127.0.0.1 for the OAuth redirect (RFC 8252 §7.3).
 * Each connection is closed "connection-timeout" ms after it was accepted, and at
 * most "max-connections" are open at once; the rest are closed when accepted. */
OrgdeskLoopbackReceiver *orgdesk_loopback_receiver_new                    (const char              *expected_state,
                                                                           const char              *expected_issuer,
                                                                           gboolean                 issuer_required);
gboolean                 orgdesk_loopback_receiver_listen                 (OrgdeskLoopbackReceiver *self,
                                                                           GError                 **error);
const char              *orgdesk_loopback_receiver_get_redirect_uri       (OrgdeskLoopbackReceiver *self);
void                     orgdesk_loopback_receiver_wait_async             (OrgdeskLoopbackReceiver *self,
                                                                           guint                    timeout_seconds,
                                                                           GCancellable            *cancellable,
                                                                           GAsyncReadyCallback      callback,
                                                                           gpointer                 user_data);
char                    *orgdesk_loopback_receiver_wait_finish            (OrgdeskLoopbackReceiver *self,
                                                                           GAsyncResult            *result,
                                                                           GError                 **error);
void                     orgdesk_loopback_receiver_close                  (OrgdeskLoopbackReceiver *self);
gboolean                 orgdesk_loopback_receiver_is_listening           (OrgdeskLoopbackReceiver *self);
const char              *orgdesk_loopback_receiver_get_expected_issuer    (OrgdeskLoopbackReceiver *self);
const char              *orgdesk_loopback_receiver_get_issuer             (OrgdeskLoopbackReceiver *self);
void                     orgdesk_loopback_receiver_set_connection_timeout (OrgdeskLoopbackReceiver *self,
                                                                           guint                    timeout_ms);
guint                    orgdesk_loopback_receiver_get_connection_timeout (OrgdeskLoopbackReceiver *self);
void                     orgdesk_loopback_receiver_set_max_connections    (OrgdeskLoopbackReceiver *self,
                                                                           guint                    max_connections);
guint                    orgdesk_loopback_receiver_get_max_connections    (OrgdeskLoopbackReceiver *self);

G_END_DECLS
