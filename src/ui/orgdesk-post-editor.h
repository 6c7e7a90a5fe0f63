/* orgdesk-post-editor.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "orgdesk-session.h"
#include "orgdesk-write-access.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_POST_EDITOR (orgdesk_post_editor_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPostEditor, orgdesk_post_editor, ORGDESK, POST_EDITOR, AdwWindow)

/* The dialog to write or edit a post (or, without a title, a comment).  Save
 * emits ::save with the text and keeps the dialog open, busy, until the owner
 * reports the outcome with orgdesk_post_editor_finish_saving(): it emits ::saved
 * and closes on success, and shows the error otherwise, with the text still there.  It belongs
 * to the organization active when it opened, and refuses to save while another
 * one is active, so a draft can never land in the wrong organization; nor while
 * the role there may not change data (@write_access). */
OrgdeskPostEditor *orgdesk_post_editor_new                (GtkWindow         *parent,
                                                           OrgdeskSession    *session,
                                                           OrgdeskWriteAccess *write_access,
                                                           const char        *heading,
                                                           const char        *save_label,
                                                           gboolean           with_title,
                                                           const char        *title,
                                                           const char        *body);
GCancellable      *orgdesk_post_editor_get_cancellable    (OrgdeskPostEditor *self);
void               orgdesk_post_editor_finish_saving      (OrgdeskPostEditor *self,
                                                           GObject           *saved,
                                                           const GError      *error);
void               orgdesk_post_editor_save               (OrgdeskPostEditor *self);
gboolean           orgdesk_post_editor_get_can_save       (OrgdeskPostEditor *self);
gboolean           orgdesk_post_editor_get_saving         (OrgdeskPostEditor *self);
const char        *orgdesk_post_editor_get_error_message  (OrgdeskPostEditor *self);
char              *orgdesk_post_editor_dup_body           (OrgdeskPostEditor *self);

G_END_DECLS
