/* orgdesk-application.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "orgdesk-comment-repository.h"
#include "orgdesk-post-repository.h"
#include "orgdesk-session.h"
#include "orgdesk-write-access.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_APPLICATION (orgdesk_application_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskApplication, orgdesk_application, ORGDESK, APPLICATION, AdwApplication)

OrgdeskApplication *orgdesk_application_new         (void);
OrgdeskSession     *orgdesk_application_get_session (OrgdeskApplication *self);
GSettings          *orgdesk_application_get_settings (OrgdeskApplication *self);
OrgdeskPostRepository *orgdesk_application_get_post_repository (OrgdeskApplication *self);
OrgdeskCommentRepository *orgdesk_application_get_comment_repository (OrgdeskApplication *self);
OrgdeskWriteAccess *orgdesk_application_get_write_access (OrgdeskApplication *self);

G_END_DECLS
