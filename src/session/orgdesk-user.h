/* orgdesk-user.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_USER (orgdesk_user_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskUser, orgdesk_user, ORGDESK, USER, GObject)

OrgdeskUser *orgdesk_user_new_from_userinfo (JsonObject  *userinfo);
const char  *orgdesk_user_get_subject       (OrgdeskUser *self);
const char  *orgdesk_user_get_display_name  (OrgdeskUser *self);
const char  *orgdesk_user_get_email         (OrgdeskUser *self);

G_END_DECLS
