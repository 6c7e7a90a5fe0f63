/* orgdesk-conninfo.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Connection parameters ready for PQconnectStartParams(): two NULL-terminated
 * arrays of the same length, host names already resolved to addresses. */
typedef struct
{
  GPtrArray *keywords;   /* const char *, static */
  GPtrArray *values;     /* char *, owned */
} OrgdeskConnParams;

void               _orgdesk_conn_params_free           (OrgdeskConnParams   *params);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrgdeskConnParams, _orgdesk_conn_params_free)

void               _orgdesk_conn_params_resolve_async  (const char          *conninfo,
                                                        const char          *password,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
OrgdeskConnParams *_orgdesk_conn_params_resolve_finish (GAsyncResult        *result,
                                                        GError             **error);

int                _orgdesk_conninfo_get_connect_timeout (const char        *conninfo);
char              *_orgdesk_conninfo_describe          (const char          *conninfo);
gboolean           _orgdesk_conninfo_get_default_sslmode (const char        *conninfo,
                                                          const char       **sslmode,
                                                          GError           **error);

G_END_DECLS
