/* orgdesk-admin-config.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-admin-db.h"

G_BEGIN_DECLS

/* "issuer", "audience", "clock-skew", "read-scope", "write-scope" */
#define ORGDESK_ADMIN_CONFIG_KEYS "issuer, audience, clock-skew, read-scope, write-scope"

typedef struct _OrgdeskAdminConfigUpdate OrgdeskAdminConfigUpdate;

OrgdeskAdminConfigUpdate *orgdesk_admin_config_update_parse (const char * const  *args,
                                                             GError             **error);

void                      orgdesk_admin_config_update_free  (OrgdeskAdminConfigUpdate *update);

gboolean                  orgdesk_admin_config_set          (PGconn                          *conn,
                                                             const OrgdeskAdminConfigUpdate  *update,
                                                             GError                         **error);

gboolean                  orgdesk_admin_config_show         (PGconn  *conn,
                                                             GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrgdeskAdminConfigUpdate, orgdesk_admin_config_update_free)

G_END_DECLS
