/* orgdesk-admin-seed.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-admin-db.h"

G_BEGIN_DECLS

gboolean orgdesk_admin_seed_demo  (PGconn      *conn,
                                   GError     **error);

gboolean orgdesk_admin_seed_posts (PGconn      *conn,
                                   const char  *organization_id,
                                   gint64       n_posts,
                                   gint64       batch_size,
                                   GError     **error);

G_END_DECLS
