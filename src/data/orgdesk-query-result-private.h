/* orgdesk-query-result-private.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libpq-fe.h>

#include "orgdesk-query-result.h"

G_BEGIN_DECLS

OrgdeskQueryResult *_orgdesk_query_result_new_take (PGresult *result);

G_END_DECLS
