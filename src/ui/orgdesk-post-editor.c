/* orgdesk-post-editor.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-error-text.h"
#include "orgdesk-post-editor.h"

/* The database's limits (migration 0001): the editor offers to save only what
 * it would accept, so a refusal for the form never surprises anyone. */
#define MAX_TITLE_CHARS 200

struct _OrgdeskPostEditor
{
  AdwWindow       parent_instance;

  OrgdeskSession *session;
  OrgdeskWriteAccess *write_access;
  char           *organization_id;    /* the draft's organization */
  char           *organization_name;
  char           *saved_title;        /* what "unchanged" means */
  char           *saved_body;
  char           *error_message;
  GCancellable   *cancellable;
  gboolean        with_title;
  gboolean        saving;
  gboolean        discard_confirmed;

  GtkLabel       *heading_label;
  GtkButton      *save_button;
  GtkStack       *save_stack;
  GtkLabel       *save_label;
  GtkRevealer    *message_revealer;
  GtkLabel       *message_label;
  GtkEditable    *title;
  GtkTextView    *text_view;
  GtkTextBuffer  *body;
};

enum {
  SAVE,
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OrgdeskPostEditor, orgdesk_post_editor, ADW_TYPE_WINDOW)

char *
orgdesk_post_editor_dup_body (OrgdeskPostEditor *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (ORGDESK_IS_POST_EDITOR (self), NULL);

  gtk_text_buffer_get_bounds (self->body, &start, &end);
  return gtk_text_buffer_get_text (self->body, &start, &end, FALSE);
}

static gboolean
is_modified (OrgdeskPostEditor *self)
{
  g_autofree char *body = orgdesk_post_editor_dup_body (self);

  return g_strcmp0 (gtk_editable_get_text (self->title), self->saved_title) != 0 ||
         g_strcmp0 (body, self->saved_body) != 0;
}

static gboolean
in_own_organization (OrgdeskPostEditor *self)
{
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);

  return active != NULL && g_strcmp0 (orgdesk_organization_get_id (active), self->organization_id) == 0;
}

static gboolean
text_is_valid (OrgdeskPostEditor *self)
{
  if (self->with_title)
    {
      g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (self->title)));

      return *title != '\0' && g_utf8_strlen (title, -1) <= MAX_TITLE_CHARS;
    }
  else
    {
      g_autofree char *body = g_strstrip (orgdesk_post_editor_dup_body (self));

      return *body != '\0';
    }
}

static void
update_state (OrgdeskPostEditor *self)
{
  gboolean own = in_own_organization (self);
  /* In its own organization, the active one's role is the draft's. */
  gboolean read_only = own && self->write_access != NULL && orgdesk_write_access_get_read_only (self->write_access);
  g_autofree char *elsewhere = NULL;
  g_autofree char *explanation = NULL;
  const char *message = self->error_message;

  if (read_only)
    {
      /* The text stays, to copy; the role may come back with the next token. */
      explanation = orgdesk_write_access_dup_explanation (self->write_access);
      message = explanation;
    }
  else if (!own)
    {
      /* Translators: %s is the organization the draft was started in */
      elsewhere = self->organization_name != NULL
        ? g_strdup_printf (_("This draft belongs to “%s”. Switch back to it to save."), self->organization_name)
        : g_strdup (_("This draft belongs to an organization that is no longer available. Copy the text to keep it."));
      message = elsewhere;
    }

  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !self->saving && own && !read_only && text_is_valid (self));
  gtk_stack_set_visible_child_name (self->save_stack, self->saving ? "spinner" : "label");
  gtk_editable_set_editable (self->title, !self->saving);
  gtk_text_view_set_editable (self->text_view, !self->saving);
}

static void
on_text_changed_cb (OrgdeskPostEditor *self)
{
  update_state (self);
}

/**
 * orgdesk_post_editor_save:
 * @self: a #OrgdeskPostEditor
 *
 * What the Save button does: emits ::save if the text may be saved now.
 */
void
orgdesk_post_editor_save (OrgdeskPostEditor *self)
{
  g_autofree char *body = NULL;

  g_return_if_fail (ORGDESK_IS_POST_EDITOR (self));

  if (!orgdesk_post_editor_get_can_save (self))
    return;

  body = orgdesk_post_editor_dup_body (self);
  self->saving = TRUE;
  g_clear_pointer (&self->error_message, g_free);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  update_state (self);

  g_signal_emit (self, signals[SAVE], 0, gtk_editable_get_text (self->title), body);
}

/**
 * orgdesk_post_editor_finish_saving:
 * @self: a #OrgdeskPostEditor
 * @saved: (nullable): what was saved (the post or comment as the database
 *   returned it), or %NULL when saving failed
 * @error: (nullable): why saving failed
 *
 * Emits ::saved and closes the dialog after a save, or shows why it failed and
 * lets the user try again: the text is never lost to a failure.
 */
void
orgdesk_post_editor_finish_saving (OrgdeskPostEditor *self,
                                   GObject           *saved,
                                   const GError      *error)
{
  g_return_if_fail (ORGDESK_IS_POST_EDITOR (self));
  g_return_if_fail (!saved || G_IS_OBJECT (saved));
  g_return_if_fail ((saved == NULL) != (error == NULL));

  /* Destroyed while saving (its window went away): nobody left to tell. */
  if (self->session == NULL)
    return;

  self->saving = FALSE;
  if (saved != NULL)
    {
      self->discard_confirmed = TRUE;
      g_signal_emit (self, signals[SAVED], 0, saved);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  g_free (self->error_message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->error_message = g_strdup (_("Saving was stopped. The changes may not have been saved."));
  else
    self->error_message = g_strdup (orgdesk_error_text (error));
  update_state (self);
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  orgdesk_post_editor_save (ORGDESK_POST_EDITOR (widget));
}

/* Cancel while saving stops waiting for the database; otherwise it closes,
 * asking first if that would throw away what was typed. */
static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OrgdeskPostEditor *self = ORGDESK_POST_EDITOR (widget);

  if (self->saving)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
close_discarded_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

/* Closed from an idle: the confirmation is transient for this dialog and still
 * busy answering, and must not outlive its parent. */
static void
on_discard_response_cb (OrgdeskPostEditor *self,
                        const char        *response)
{
  if (!g_str_equal (response, "discard"))
    return;

  self->discard_confirmed = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_discarded_cb, g_object_ref (self), g_object_unref);
}

static gboolean
orgdesk_post_editor_close_request (GtkWindow *window)
{
  OrgdeskPostEditor *self = ORGDESK_POST_EDITOR (window);
  GtkWidget *dialog;

  if (self->saving)
    return TRUE;   /* Cancel first: the answer decides whether anything is lost */

  if (self->discard_confirmed || !is_modified (self))
    return GTK_WINDOW_CLASS (orgdesk_post_editor_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Discard Changes?"),
                                   _("What you wrote here has not been saved."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

static void
orgdesk_post_editor_dispose (GObject *object)
{
  OrgdeskPostEditor *self = ORGDESK_POST_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->write_access);

  G_OBJECT_CLASS (orgdesk_post_editor_parent_class)->dispose (object);
}

static void
orgdesk_post_editor_finalize (GObject *object)
{
  OrgdeskPostEditor *self = ORGDESK_POST_EDITOR (object);

  g_free (self->organization_id);
  g_free (self->organization_name);
  g_free (self->saved_title);
  g_free (self->saved_body);
  g_free (self->error_message);

  G_OBJECT_CLASS (orgdesk_post_editor_parent_class)->finalize (object);
}

static void
orgdesk_post_editor_class_init (OrgdeskPostEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = orgdesk_post_editor_dispose;
  object_class->finalize = orgdesk_post_editor_finalize;
  window_class->close_request = orgdesk_post_editor_close_request;

  /**
   * OrgdeskPostEditor::save:
   * @title: the title ("" without one)
   * @body: the text
   *
   * The owner saves the text, with orgdesk_post_editor_get_cancellable(), and
   * answers with orgdesk_post_editor_finish_saving().
   */
  signals[SAVE] =
    g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * OrgdeskPostEditor::saved:
   * @saved: what orgdesk_post_editor_finish_saving() was given
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/orgdesk/Orgdesk/orgdesk-post-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostEditor, heading_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostEditor, save_stack);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostEditor, save_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostEditor, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostEditor, message_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostEditor, title);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostEditor, text_view);
  gtk_widget_class_bind_template_callback (widget_class, on_text_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);
}

static void
orgdesk_post_editor_init (OrgdeskPostEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->body = gtk_text_view_get_buffer (self->text_view);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->body, "changed", G_CALLBACK (on_text_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * orgdesk_post_editor_new:
 * @parent: the window it belongs to
 * @session: the session, for the organization the draft belongs to
 * @write_access: (nullable): whether the role there allows saving
 * @heading: "New Post", "Edit Post", "Edit Comment"…
 * @save_label: the Save button's label, with a mnemonic
 * @with_title: whether there is a title to write (posts) or only text (comments)
 * @title: (nullable): the title to start from (a draft, or the post's)
 * @body: (nullable): the text to start from
 *
 * Returns: (transfer none): the dialog, not yet presented
 */
OrgdeskPostEditor *
orgdesk_post_editor_new (GtkWindow          *parent,
                         OrgdeskSession     *session,
                         OrgdeskWriteAccess *write_access,
                         const char         *heading,
                         const char         *save_label,
                         gboolean            with_title,
                         const char         *title,
                         const char         *body)
{
  OrgdeskPostEditor *self;
  OrgdeskOrganization *active;

  g_return_val_if_fail (ORGDESK_IS_SESSION (session), NULL);
  g_return_val_if_fail (!write_access || ORGDESK_IS_WRITE_ACCESS (write_access), NULL);

  self = g_object_new (ORGDESK_TYPE_POST_EDITOR,
                       "transient-for", parent,
                       "modal", TRUE,
                       "title", heading,
                       NULL);
  self->session = g_object_ref (session);
  g_set_object (&self->write_access, write_access);
  self->with_title = with_title;
  active = orgdesk_session_get_active_organization (session);
  if (active != NULL)
    {
      self->organization_id = g_strdup (orgdesk_organization_get_id (active));
      self->organization_name = g_strdup (orgdesk_organization_get_name (active));
    }

  gtk_label_set_label (self->heading_label, heading);
  gtk_label_set_text_with_mnemonic (self->save_label, save_label);
  gtk_widget_set_visible (GTK_WIDGET (self->title), with_title);
  gtk_editable_set_text (self->title, title != NULL ? title : "");
  gtk_text_buffer_set_text (self->body, body != NULL ? body : "", -1);
  self->saved_title = g_strdup (gtk_editable_get_text (self->title));
  self->saved_body = orgdesk_post_editor_dup_body (self);

  g_signal_connect_object (session, "notify::active-organization", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  if (write_access != NULL)
    g_signal_connect_object (write_access, "notify::read-only", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  update_state (self);
  gtk_widget_grab_focus (with_title ? GTK_WIDGET (self->title) : GTK_WIDGET (self->text_view));

  return self;
}

/**
 * orgdesk_post_editor_get_cancellable:
 * @self: a #OrgdeskPostEditor
 *
 * For the owner's save request: Cancel while saving cancels it, and so does
 * destroying the dialog.
 *
 * Returns: (transfer none): the cancellable of the save in progress
 */
GCancellable *
orgdesk_post_editor_get_cancellable (OrgdeskPostEditor *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST_EDITOR (self), NULL);
  return self->cancellable;
}

gboolean
orgdesk_post_editor_get_can_save (OrgdeskPostEditor *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST_EDITOR (self), FALSE);
  return gtk_widget_get_sensitive (GTK_WIDGET (self->save_button));
}

gboolean
orgdesk_post_editor_get_saving (OrgdeskPostEditor *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST_EDITOR (self), FALSE);
  return self->saving;
}

/**
 * orgdesk_post_editor_get_error_message:
 * @self: a #OrgdeskPostEditor
 *
 * Returns: (nullable): what the dialog says is wrong, if anything
 */
const char *
orgdesk_post_editor_get_error_message (OrgdeskPostEditor *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST_EDITOR (self), NULL);
  return gtk_revealer_get_reveal_child (self->message_revealer) ? gtk_label_get_label (self->message_label) : NULL;
}
