/* orgdesk-sql.h: SQL fragments shared by the repositories
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* A timestamptz as ISO 8601 in UTC, to the microsecond, whatever the server's
 * DateStyle: GDateTime parses it, and it is exact enough to be a page key. */
#define ORGDESK_SQL_ISO_TIMESTAMP(column) \
  "pg_catalog.to_char (" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
