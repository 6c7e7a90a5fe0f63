/* orgdesk-test-proxy.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_TEST_PROXY (orgdesk_test_proxy_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskTestProxy, orgdesk_test_proxy, ORGDESK, TEST_PROXY, GObject)

/* A TCP relay on 127.0.0.1 for tests and the benchmark, that injects faults and
 * counts.  It relays on the thread-default GMainContext of its creator (run that
 * context: orgdesk_test_wait_for_condition() does), or on a thread of its own. */
OrgdeskTestProxy *orgdesk_test_proxy_new                  (const char        *target_address,
                                                           guint16            target_port,
                                                           GError           **error);
OrgdeskTestProxy *orgdesk_test_proxy_new_in_thread        (const char        *target_address,
                                                           guint16            target_port,
                                                           GError           **error);
OrgdeskTestProxy *orgdesk_test_proxy_new_for_conninfo     (const char        *conninfo,
                                                           GError           **error);
guint16           orgdesk_test_proxy_get_port             (OrgdeskTestProxy  *self);
char             *orgdesk_test_proxy_dup_conninfo         (OrgdeskTestProxy  *self,
                                                           const char        *conninfo);

/* Faults */
void              orgdesk_test_proxy_sever                (OrgdeskTestProxy  *self);
void              orgdesk_test_proxy_set_refusing         (OrgdeskTestProxy  *self,
                                                           gboolean           refusing);

/* Counts */
guint             orgdesk_test_proxy_get_n_open           (OrgdeskTestProxy  *self);
guint             orgdesk_test_proxy_get_n_relayed        (OrgdeskTestProxy  *self);
guint             orgdesk_test_proxy_get_n_refused        (OrgdeskTestProxy  *self);
guint             orgdesk_test_proxy_get_n_severed        (OrgdeskTestProxy  *self);
guint             orgdesk_test_proxy_get_client_turns     (OrgdeskTestProxy  *self);
guint             orgdesk_test_proxy_get_server_turns     (OrgdeskTestProxy  *self);

G_END_DECLS
