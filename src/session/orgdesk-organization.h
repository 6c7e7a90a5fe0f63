/* orgdesk-organization.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_ORGANIZATION (orgdesk_organization_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskOrganization, orgdesk_organization, ORGDESK, ORGANIZATION, GObject)

OrgdeskOrganization *orgdesk_organization_new             (const char          *id,
                                                           const char          *name,
                                                           const char          *description,
                                                           const char * const  *roles);
const char          *orgdesk_organization_get_id          (OrgdeskOrganization *self);
const char          *orgdesk_organization_get_name        (OrgdeskOrganization *self);
const char          *orgdesk_organization_get_description (OrgdeskOrganization *self);
const char * const  *orgdesk_organization_get_roles       (OrgdeskOrganization *self);
char                *orgdesk_organization_dup_roles_label (OrgdeskOrganization *self);
GPtrArray           *orgdesk_organizations_from_userinfo  (JsonObject          *userinfo);

G_END_DECLS
