/* orgdesk-bench-proxy.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A TCP relay on 127.0.0.1 that counts "turns": how often the client starts
 * talking after the server did (and the other way round).  One client turn
 * followed by one server turn is one round trip, whatever the bytes say. */
typedef struct _OrgdeskBenchProxy OrgdeskBenchProxy;

OrgdeskBenchProxy *orgdesk_bench_proxy_start            (guint16             target_port,
                                                         GError            **error);
void               orgdesk_bench_proxy_stop             (OrgdeskBenchProxy  *proxy);
guint16            orgdesk_bench_proxy_get_port         (OrgdeskBenchProxy  *proxy);
guint              orgdesk_bench_proxy_get_client_turns (OrgdeskBenchProxy  *proxy);
guint              orgdesk_bench_proxy_get_server_turns (OrgdeskBenchProxy  *proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrgdeskBenchProxy, orgdesk_bench_proxy_stop)

G_END_DECLS
