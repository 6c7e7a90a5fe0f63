/* orgdesk-admin-db.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define ORGDESK_ADMIN_ERROR (orgdesk_admin_error_quark ())

typedef enum
{
  ORGDESK_ADMIN_ERROR_CONNECT,
  ORGDESK_ADMIN_ERROR_QUERY,
  ORGDESK_ADMIN_ERROR_MIGRATIONS,
  ORGDESK_ADMIN_ERROR_TOO_NEW,
  ORGDESK_ADMIN_ERROR_INVALID,
} OrgdeskAdminError;

GQuark    orgdesk_admin_error_quark    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

PGconn   *orgdesk_admin_connect        (const char  *conninfo,
                                        GError     **error);

char     *orgdesk_admin_describe       (PGconn      *conn);

gboolean  orgdesk_admin_exec           (PGconn      *conn,
                                        const char  *sql,
                                        GError     **error);

PGresult *orgdesk_admin_exec_params    (PGconn      *conn,
                                        const char  *sql,
                                        int          n_params,
                                        const char * const *values,
                                        GError     **error);

gboolean  orgdesk_admin_assume_context (PGconn      *conn,
                                        const char  *user_id,
                                        const char  *organization_id,
                                        GError     **error);

void      orgdesk_admin_rollback       (PGconn      *conn);

G_END_DECLS
