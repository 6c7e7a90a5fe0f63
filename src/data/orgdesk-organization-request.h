/* orgdesk-organization-request.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * OrgdeskOrganizationRequestStatus:
 * @ORGDESK_ORGANIZATION_REQUEST_OPEN: waiting for orgdesk-provisioner, or being
 *   worked on (it may have failed a few times and be trying again)
 * @ORGDESK_ORGANIZATION_REQUEST_DONE: the organization exists and the user is in it
 * @ORGDESK_ORGANIZATION_REQUEST_FAILED: Logto refused for good; see
 *   orgdesk_organization_request_get_last_error()
 *
 * The status column of orgdesk.organization_requests (migration 0007).
 */
typedef enum
{
  ORGDESK_ORGANIZATION_REQUEST_OPEN,
  ORGDESK_ORGANIZATION_REQUEST_DONE,
  ORGDESK_ORGANIZATION_REQUEST_FAILED,
} OrgdeskOrganizationRequestStatus;

#define ORGDESK_TYPE_ORGANIZATION_REQUEST_STATUS (orgdesk_organization_request_status_get_type ())
GType orgdesk_organization_request_status_get_type (void);

#define ORGDESK_TYPE_ORGANIZATION_REQUEST (orgdesk_organization_request_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskOrganizationRequest, orgdesk_organization_request, ORGDESK, ORGANIZATION_REQUEST, GObject)

const char                       *orgdesk_organization_request_get_id              (OrgdeskOrganizationRequest *self);
OrgdeskOrganizationRequestStatus  orgdesk_organization_request_get_status          (OrgdeskOrganizationRequest *self);
const char                       *orgdesk_organization_request_get_organization_id (OrgdeskOrganizationRequest *self);
const char                       *orgdesk_organization_request_get_last_error      (OrgdeskOrganizationRequest *self);
guint                             orgdesk_organization_request_get_attempts        (OrgdeskOrganizationRequest *self);

G_END_DECLS
