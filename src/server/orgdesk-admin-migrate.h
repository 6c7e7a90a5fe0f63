/* orgdesk-admin-migrate.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-admin-db.h"

G_BEGIN_DECLS

/* The role that owns the schema; migrations run as it (SET LOCAL ROLE). */
#define ORGDESK_OWNER_ROLE "orgdesk_owner"

gboolean orgdesk_admin_migrate (PGconn      *conn,
                                const char  *migrations_dir,
                                GError     **error);

G_END_DECLS
