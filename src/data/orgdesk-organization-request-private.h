/* orgdesk-organization-request-private.h: for the repository and its tests
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "orgdesk-organization-request.h"
#include "orgdesk-query-result.h"

G_BEGIN_DECLS

/* A row of orgdesk.organization_requests as the repository selects it: id,
 * status, attempts, last_error, logto_organization_id, in this order. */
#define ORGDESK_ORGANIZATION_REQUEST_N_COLUMNS 5

OrgdeskOrganizationRequest *_orgdesk_organization_request_new_from_result (OrgdeskQueryResult  *result,
                                                                           guint                row,
                                                                           GError             **error);

G_END_DECLS
