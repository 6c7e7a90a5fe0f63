/* orgdesk-post-editor.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-post-editor.h"

#define MAX_TITLE_CHARS 200

struct _OrgdeskPostEditor
{
  AdwMessageDialog  parent_instance;

  GtkEditable      *title;
  GtkTextBuffer    *body;
};

enum {
  SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OrgdeskPostEditor, orgdesk_post_editor, ADW_TYPE_MESSAGE_DIALOG)

static char *
dup_body (OrgdeskPostEditor *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->body, &start, &end);
  return gtk_text_buffer_get_text (self->body, &start, &end, FALSE);
}

/* Save only a post the database would accept: the dialog closes on Save, and a
 * refusal for its form would lose nothing but still be a surprise. */
static void
on_title_changed_cb (OrgdeskPostEditor *self)
{
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (self->title)));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save",
                                           *title != '\0' && g_utf8_strlen (title, -1) <= MAX_TITLE_CHARS);
}

static void
orgdesk_post_editor_response (AdwMessageDialog *dialog,
                              const char       *response)
{
  OrgdeskPostEditor *self = ORGDESK_POST_EDITOR (dialog);

  if (g_str_equal (response, "save"))
    {
      g_autofree char *body = dup_body (self);

      g_signal_emit (self, signals[SAVE], 0, gtk_editable_get_text (self->title), body);
    }

  /* libadwaita 1.2 has no default handler to chain up to. */
  if (ADW_MESSAGE_DIALOG_CLASS (orgdesk_post_editor_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (orgdesk_post_editor_parent_class)->response (dialog, response);
}

static void
orgdesk_post_editor_class_init (OrgdeskPostEditorClass *klass)
{
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = orgdesk_post_editor_response;

  /**
   * OrgdeskPostEditor::save:
   * @title: the title
   * @body: the text
   */
  signals[SAVE] =
    g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
orgdesk_post_editor_init (OrgdeskPostEditor *self)
{
  GtkWidget *box, *entry, *scroller, *text_view;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Title"));
  gtk_entry_set_max_length (GTK_ENTRY (entry), MAX_TITLE_CHARS);
  text_view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text_view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Text"), -1);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 160);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), text_view);
  gtk_widget_add_css_class (scroller, "card");
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), box);

  self->title = GTK_EDITABLE (entry);
  self->body = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Publish"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  g_signal_connect_swapped (entry, "changed", G_CALLBACK (on_title_changed_cb), self);
}

/**
 * orgdesk_post_editor_new:
 * @parent: the window it belongs to
 * @heading: "New Post" or "Edit Post"
 * @title: (nullable): the title to start from (a draft, or the post's)
 * @body: (nullable): the text to start from
 *
 * Returns: (transfer none): the dialog, not yet presented
 */
OrgdeskPostEditor *
orgdesk_post_editor_new (GtkWindow  *parent,
                         const char *heading,
                         const char *title,
                         const char *body)
{
  OrgdeskPostEditor *self;

  self = g_object_new (ORGDESK_TYPE_POST_EDITOR,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", heading,
                       NULL);
  gtk_editable_set_text (self->title, title != NULL ? title : "");
  gtk_text_buffer_set_text (self->body, body != NULL ? body : "", -1);
  on_title_changed_cb (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->title));

  return self;
}
