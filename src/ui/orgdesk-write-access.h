/* orgdesk-write-access.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "orgdesk-session.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_WRITE_ACCESS (orgdesk_write_access_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskWriteAccess, orgdesk_write_access, ORGDESK, WRITE_ACCESS, GObject)

/* Whether the user's role in the active organization may change its data, as
 * the scope of the organization's database token says.  The views follow
 * OrgdeskWriteAccess:read-only to offer or withhold editing. */
OrgdeskWriteAccess *orgdesk_write_access_new                   (OrgdeskSession     *session,
                                                                const char         *write_scope);
gboolean            orgdesk_write_access_get_read_only         (OrgdeskWriteAccess *self);
const char         *orgdesk_write_access_get_organization_name (OrgdeskWriteAccess *self);
const char         *orgdesk_write_access_get_write_scope       (OrgdeskWriteAccess *self);
void                orgdesk_write_access_set_write_scope       (OrgdeskWriteAccess *self,
                                                                const char         *write_scope);
char               *orgdesk_write_access_dup_explanation       (OrgdeskWriteAccess *self);

G_END_DECLS
