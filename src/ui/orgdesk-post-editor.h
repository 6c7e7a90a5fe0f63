/* orgdesk-post-editor.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_POST_EDITOR (orgdesk_post_editor_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPostEditor, orgdesk_post_editor, ORGDESK, POST_EDITOR, AdwMessageDialog)

/* The dialog to write or edit a post.  It emits ::save with the text; it only
 * offers to save what the database would accept. */
OrgdeskPostEditor *orgdesk_post_editor_new (GtkWindow  *parent,
                                            const char *heading,
                                            const char *title,
                                            const char *body);

G_END_DECLS
