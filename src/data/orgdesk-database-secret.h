/* orgdesk-database-secret.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The keyring schema of database passwords; its attributes are host, port,
 * dbname and user, see orgdesk_database_secret_dup_attributes(). */
#define ORGDESK_DATABASE_SECRET_SCHEMA "io.github.orgdesk.Orgdesk.Database"

gboolean    orgdesk_database_secret_conninfo_has_password (const char          *conninfo);
GHashTable *orgdesk_database_secret_dup_attributes        (const char          *conninfo,
                                                           GError             **error);

void        orgdesk_database_secret_lookup_async  (const char          *conninfo,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
char       *orgdesk_database_secret_lookup_finish (GAsyncResult        *result,
                                                   GError             **error);
void        orgdesk_database_secret_store_async   (const char          *conninfo,
                                                   const char          *password,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean    orgdesk_database_secret_store_finish  (GAsyncResult        *result,
                                                   GError             **error);
void        orgdesk_database_secret_clear_async   (const char          *conninfo,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean    orgdesk_database_secret_clear_finish  (GAsyncResult        *result,
                                                   GError             **error);
void        orgdesk_database_secret_free          (char                *password);

G_END_DECLS
