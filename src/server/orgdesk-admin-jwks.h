/* orgdesk-admin-jwks.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-admin-db.h"

G_BEGIN_DECLS

/* The longest response body read from the issuer (discovery, key set). */
#define ORGDESK_ADMIN_MAX_RESPONSE_BYTES (1024 * 1024)

/* Seconds without progress on a connection before a fetch is given up. */
#define ORGDESK_ADMIN_HTTP_TIMEOUT_SECONDS 10

gboolean orgdesk_admin_check_issuer        (const char  *issuer,
                                            GError     **error);

char    *orgdesk_admin_printable           (const char  *text);

gboolean orgdesk_admin_require_auth_tables (PGconn  *conn,
                                            GError **error);

gboolean orgdesk_admin_jwks_sync           (PGconn      *conn,
                                            const char  *issuer,
                                            GError     **error);

G_END_DECLS
