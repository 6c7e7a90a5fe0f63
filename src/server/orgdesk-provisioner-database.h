/* orgdesk-provisioner-database.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_PROVISIONER_DATABASE (orgdesk_provisioner_database_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskProvisionerDatabase, orgdesk_provisioner_database,
                      ORGDESK, PROVISIONER_DATABASE, GObject)

OrgdeskProvisionerDatabase *orgdesk_provisioner_database_new      (const char *conninfo,
                                                                   const char *channel);

void                        orgdesk_provisioner_database_start    (OrgdeskProvisionerDatabase *self);
gboolean                    orgdesk_provisioner_database_is_ready (OrgdeskProvisionerDatabase *self);

void      orgdesk_provisioner_database_query_async  (OrgdeskProvisionerDatabase  *self,
                                                     const char                  *sql,
                                                     int                          n_params,
                                                     const char * const          *values,
                                                     GCancellable                *cancellable,
                                                     GAsyncReadyCallback          callback,
                                                     gpointer                     user_data);
PGresult *orgdesk_provisioner_database_query_finish (OrgdeskProvisionerDatabase  *self,
                                                     GAsyncResult                *result,
                                                     GError                     **error);

G_END_DECLS
