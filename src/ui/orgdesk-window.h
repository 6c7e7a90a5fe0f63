/* orgdesk-window.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "orgdesk-application.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_WINDOW (orgdesk_window_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskWindow, orgdesk_window, ORGDESK, WINDOW, AdwApplicationWindow)

OrgdeskWindow *orgdesk_window_new              (OrgdeskApplication *application);
void           orgdesk_window_show_error       (OrgdeskWindow      *self,
                                                const GError       *error);
void           orgdesk_window_show_signed_out  (OrgdeskWindow      *self,
                                                const char         *end_session_uri);
const char    *orgdesk_window_get_visible_page (OrgdeskWindow      *self);

G_END_DECLS
