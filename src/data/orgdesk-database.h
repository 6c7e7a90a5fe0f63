/* orgdesk-database.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "orgdesk-query.h"
#include "orgdesk-query-result.h"

G_BEGIN_DECLS

/**
 * OrgdeskDatabaseState:
 * @ORGDESK_DATABASE_STATE_DISCONNECTED: no connection, none wanted yet
 * @ORGDESK_DATABASE_STATE_CONNECTING: a connection is being set up
 * @ORGDESK_DATABASE_STATE_CONNECTED: connected and ready for requests
 * @ORGDESK_DATABASE_STATE_WAITING_TO_RETRY: the last attempt failed or the
 *   connection was lost; a new attempt follows after a back-off, or at once on
 *   the next request; #OrgdeskDatabase:last-error says why
 */
typedef enum
{
  ORGDESK_DATABASE_STATE_DISCONNECTED,
  ORGDESK_DATABASE_STATE_CONNECTING,
  ORGDESK_DATABASE_STATE_CONNECTED,
  ORGDESK_DATABASE_STATE_WAITING_TO_RETRY,
} OrgdeskDatabaseState;

#define ORGDESK_TYPE_DATABASE_STATE (orgdesk_database_state_get_type ())
GType orgdesk_database_state_get_type (void);

#define ORGDESK_TYPE_DATABASE (orgdesk_database_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskDatabase, orgdesk_database, ORGDESK, DATABASE, GObject)

OrgdeskDatabase      *orgdesk_database_new             (const char           *conninfo);
void                  orgdesk_database_set_password    (OrgdeskDatabase      *self,
                                                        const char           *password);
void                  orgdesk_database_set_password_from_keyring (OrgdeskDatabase *self,
                                                                  gboolean         from_keyring);
OrgdeskDatabaseState  orgdesk_database_get_state       (OrgdeskDatabase      *self);
const GError         *orgdesk_database_get_last_error  (OrgdeskDatabase      *self);
char                 *orgdesk_database_dup_description (OrgdeskDatabase      *self);

void                  orgdesk_database_connect_async   (OrgdeskDatabase      *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean              orgdesk_database_connect_finish  (OrgdeskDatabase      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                  orgdesk_database_reconnect       (OrgdeskDatabase      *self);

void                  orgdesk_database_run_async       (OrgdeskDatabase      *self,
                                                        GPtrArray            *queries,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GPtrArray            *orgdesk_database_run_finish      (OrgdeskDatabase      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

G_END_DECLS
