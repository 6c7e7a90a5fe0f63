/* orgdesk-post-page.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-post-editor.h"
#include "orgdesk-post-page.h"
#include "orgdesk-window.h"

/*
 * One post with its comments: read, edit, delete, comment.  The page emits
 * ::closed when the user goes back or deletes the post; the posts page also
 * closes it when the organization changes, and every request of a post that is
 * no longer shown is cancelled.
 *
 * Read-only (the role in the organization may not change data, see
 * orgdesk_post_page_set_read_only()): editing, deleting and commenting are
 * disabled, the comment entry and the comments' menus are hidden; a comment
 * typed before stays in the entry, for when it comes back.
 */

struct _OrgdeskPostPage
{
  GtkWidget                 parent_instance;

  OrgdeskPostRepository    *posts;
  OrgdeskCommentRepository *comments;
  OrgdeskWriteAccess       *write_access;
  OrgdeskPost              *post;
  GCancellable             *cancellable;
  char                     *pending_comment_id;   /* the comment being sent, kept until it is saved */
  char                     *organization_id;      /* whose post this is */
  GHashTable               *comment_drafts;       /* "organization/post" → CommentDraft */
  gboolean                  read_only;

  GtkLabel                 *title_label;
  GtkLabel                 *meta_label;
  GtkLabel                 *body_label;
  GtkListBox               *comments_list;
  GtkWidget                *composer;
  GtkEntry                 *comment_entry;
};

enum {
  PROP_0,
  PROP_POSTS,
  PROP_COMMENTS,
  PROP_WRITE_ACCESS,
  N_PROPS
};

enum {
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OrgdeskPostPage, orgdesk_post_page, GTK_TYPE_WIDGET)

static void
show_error (OrgdeskPostPage *self,
            const GError    *error)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ORGDESK_TYPE_WINDOW);

  if (window != NULL)
    orgdesk_window_show_error (ORGDESK_WINDOW (window), error);
}

static char *
format_meta (const char *author,
             GDateTime  *created_at)
{
  g_autofree char *when = created_at != NULL ? g_date_time_format (created_at, "%x %H:%M") : g_strdup ("");

  /* Translators: "<author> · <date>" under a post or comment */
  return g_strdup_printf (_("%s · %s"), author != NULL && *author != '\0' ? author : _("Unknown author"), when);
}

/* Editing and deleting, posts and comments alike {{{ */

static void
on_edit_updated_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OrgdeskPostEditor) editor = user_data;
  g_autoptr(GObject) saved = NULL;
  g_autoptr(GError) error = NULL;

  if (ORGDESK_IS_POST_REPOSITORY (source))
    saved = (GObject *) orgdesk_post_repository_update_finish (ORGDESK_POST_REPOSITORY (source), result, &error);
  else
    saved = (GObject *) orgdesk_comment_repository_update_finish (ORGDESK_COMMENT_REPOSITORY (source), result, &error);
  orgdesk_post_editor_finish_saving (editor, saved, error);
}

/* The editor's own cancellable, not the page's: the page may move on to
 * another post while the dialog still waits for this one's answer.  On failure
 * the editor stays open with the text and says why. */
static void
on_editor_save_cb (OrgdeskPostEditor *editor,
                   const char        *title,
                   const char        *body,
                   OrgdeskPostPage   *self)
{
  GObject *edited = g_object_get_data (G_OBJECT (editor), "orgdesk-edited");
  GCancellable *cancellable = orgdesk_post_editor_get_cancellable (editor);

  if (ORGDESK_IS_POST (edited))
    orgdesk_post_repository_update_async (self->posts, orgdesk_post_get_id (ORGDESK_POST (edited)), title, body,
                                          cancellable, on_edit_updated_cb, g_object_ref (editor));
  else
    orgdesk_comment_repository_update_async (self->comments, orgdesk_comment_get_id (ORGDESK_COMMENT (edited)), body,
                                             cancellable, on_edit_updated_cb, g_object_ref (editor));
}

/* Opens the editor on @edited: the post, or one of its comments (no @title).
 * @saved_cb shows what was saved. */
static void
open_editor (OrgdeskPostPage *self,
             GObject         *edited,
             const char      *heading,
             const char      *title,
             const char      *body,
             GCallback        saved_cb)
{
  gboolean is_post = ORGDESK_IS_POST (edited);
  OrgdeskRepository *repository = is_post ? ORGDESK_REPOSITORY (self->posts) : ORGDESK_REPOSITORY (self->comments);
  OrgdeskPostEditor *editor;

  editor = orgdesk_post_editor_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                    orgdesk_repository_get_session (repository), self->write_access,
                                    heading, _("_Save"), is_post, title, body);
  g_object_set_data_full (G_OBJECT (editor), "orgdesk-edited", g_object_ref (edited), g_object_unref);
  g_signal_connect_object (editor, "save", G_CALLBACK (on_editor_save_cb), self, 0);
  g_signal_connect_object (editor, "saved", saved_cb, self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

/* Asks before deleting; @response_cb gets the page, the response and the
 * dialog, which keeps @comment_id (if any) as "orgdesk-comment-id". */
static void
confirm_delete (OrgdeskPostPage *self,
                const char      *heading,
                const char      *body,
                const char      *comment_id,
                GCallback        response_cb)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  if (comment_id != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "orgdesk-comment-id", g_strdup (comment_id), g_free);
  g_signal_connect_object (dialog, "response", response_cb, self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* }}} */

/* Unsent comments {{{ */

/* A comment typed but not sent when the page moves on (back to the list, or
 * another organization): it comes back when the same post is opened again. */
typedef struct
{
  char *text;
  char *comment_id;   /* the id a failed send used: sending again stays one comment */
} CommentDraft;

static void
comment_draft_free (gpointer data)
{
  CommentDraft *draft = data;

  g_free (draft->text);
  g_free (draft->comment_id);
  g_free (draft);
}

static char *
dup_draft_key (OrgdeskPostPage *self)
{
  return g_strconcat (self->organization_id != NULL ? self->organization_id : "", "/",
                      orgdesk_post_get_id (self->post), NULL);
}

static void
keep_comment_draft (OrgdeskPostPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->comment_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  CommentDraft *draft;

  if (self->post == NULL)
    return;

  if (*stripped == '\0')
    {
      g_autofree char *key = dup_draft_key (self);

      g_hash_table_remove (self->comment_drafts, key);
      return;
    }

  draft = g_new0 (CommentDraft, 1);
  draft->text = g_strdup (text);
  draft->comment_id = g_steal_pointer (&self->pending_comment_id);
  g_hash_table_replace (self->comment_drafts, dup_draft_key (self), draft);
}

static void
restore_comment_draft (OrgdeskPostPage *self)
{
  g_autofree char *key = dup_draft_key (self);
  CommentDraft *draft = g_hash_table_lookup (self->comment_drafts, key);

  if (draft == NULL)
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), draft->text);
  self->pending_comment_id = g_steal_pointer (&draft->comment_id);
  g_hash_table_remove (self->comment_drafts, key);
}

/* }}} */

/* Comments {{{ */

/* A row keeps its comment (for the id and the text to edit) and its body label,
 * so an edit is shown in place. */
static void
set_row_comment (GtkWidget      *row,
                 OrgdeskComment *comment)
{
  g_object_set_data_full (G_OBJECT (row), "orgdesk-comment", g_object_ref (comment), g_object_unref);
  gtk_label_set_label (g_object_get_data (G_OBJECT (row), "orgdesk-body-label"), orgdesk_comment_get_body (comment));
}

static GtkWidget *
create_comment_menu_button (OrgdeskComment *comment)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) edit = g_menu_item_new (_("_Edit"), NULL);
  g_autoptr(GMenuItem) delete = g_menu_item_new (_("_Delete"), NULL);
  GtkWidget *button = gtk_menu_button_new ();

  g_menu_item_set_action_and_target_value (edit, "comment.edit", g_variant_new_string (orgdesk_comment_get_id (comment)));
  g_menu_item_set_action_and_target_value (delete, "comment.delete", g_variant_new_string (orgdesk_comment_get_id (comment)));
  g_menu_append_item (menu, edit);
  g_menu_append_item (menu, delete);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_tooltip_text (button, _("Comment Actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comment Actions"), -1);
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "flat");

  return button;
}

static GtkWidget *
create_comment_row (OrgdeskPostPage *self,
                    OrgdeskComment  *comment)
{
  g_autofree char *meta = format_meta (orgdesk_comment_get_author_name (comment),
                                       orgdesk_comment_get_created_at (comment));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *meta_label = gtk_label_new (meta);
  GtkWidget *body_label = gtk_label_new (NULL);
  GtkWidget *menu_button = create_comment_menu_button (comment);

  gtk_label_set_xalign (GTK_LABEL (meta_label), 0);
  gtk_widget_add_css_class (meta_label, "dim-label");
  gtk_widget_add_css_class (meta_label, "caption");
  gtk_label_set_xalign (GTK_LABEL (body_label), 0);
  gtk_label_set_wrap (GTK_LABEL (body_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (body_label), TRUE);
  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_margin_start (hbox, 12);
  gtk_widget_set_margin_end (hbox, 6);
  gtk_widget_set_margin_top (hbox, 9);
  gtk_widget_set_margin_bottom (hbox, 9);
  gtk_box_append (GTK_BOX (box), meta_label);
  gtk_box_append (GTK_BOX (box), body_label);
  gtk_box_append (GTK_BOX (hbox), box);
  /* Its items would all be disabled. */
  gtk_widget_set_visible (menu_button, !self->read_only);
  gtk_box_append (GTK_BOX (hbox), menu_button);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), hbox);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  g_object_set_data (G_OBJECT (row), "orgdesk-body-label", body_label);
  g_object_set_data (G_OBJECT (row), "orgdesk-menu-button", menu_button);
  set_row_comment (row, comment);

  return row;
}

static void
on_comments_listed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(OrgdeskPostPage) self = user_data;
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(GError) error = NULL;

  comments = orgdesk_comment_repository_list_finish (ORGDESK_COMMENT_REPOSITORY (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (comments == NULL)
    {
      show_error (self, error);
      return;
    }

  for (guint i = 0; i < comments->len; i++)
    gtk_list_box_append (self->comments_list, create_comment_row (self, g_ptr_array_index (comments, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->comments_list), comments->len > 0);
}

static void
reload_comments (OrgdeskPostPage *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->comments_list))) != NULL)
    gtk_list_box_remove (self->comments_list, row);

  orgdesk_comment_repository_list_async (self->comments, orgdesk_post_get_id (self->post), self->cancellable,
                                         on_comments_listed_cb, g_object_ref (self));
}

static void
on_comment_created_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(OrgdeskPostPage) self = user_data;
  g_autoptr(OrgdeskComment) comment = NULL;
  g_autoptr(GError) error = NULL;

  comment = orgdesk_comment_repository_create_finish (ORGDESK_COMMENT_REPOSITORY (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->comment_entry), TRUE);
  if (comment == NULL)
    {
      /* The text stays in the entry, to try again. */
      show_error (self, error);
      return;
    }

  g_clear_pointer (&self->pending_comment_id, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  gtk_list_box_append (self->comments_list, create_comment_row (self, comment));
  gtk_widget_set_visible (GTK_WIDGET (self->comments_list), TRUE);
}

static void
comment_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  OrgdeskPostPage *self = ORGDESK_POST_PAGE (widget);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));

  /* Disabled when read-only; this is for a caller that doesn't look. */
  if (self->post == NULL || *text == '\0' || self->read_only)
    return;

  /* Sending again after a failure reuses the id: if the first attempt did
   * reach the database after all, this updates it rather than adding a twin. */
  if (self->pending_comment_id == NULL)
    self->pending_comment_id = g_uuid_string_random ();

  gtk_widget_set_sensitive (GTK_WIDGET (self->comment_entry), FALSE);
  orgdesk_comment_repository_create_async (self->comments, self->pending_comment_id, orgdesk_post_get_id (self->post),
                                           gtk_editable_get_text (GTK_EDITABLE (self->comment_entry)),
                                           self->cancellable, on_comment_created_cb, g_object_ref (self));
}

static void
on_comment_entry_activate_cb (OrgdeskPostPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "post.comment", NULL);
}

/* Editing and deleting a comment, by id (the comment.* actions' parameter). */

static GtkWidget *
find_comment_row (OrgdeskPostPage *self,
                  const char      *comment_id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->comments_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      OrgdeskComment *comment = g_object_get_data (G_OBJECT (row), "orgdesk-comment");

      if (comment != NULL && g_str_equal (orgdesk_comment_get_id (comment), comment_id))
        return row;
    }

  return NULL;
}

static void
on_comment_editor_saved_cb (OrgdeskPostPage *self,
                            OrgdeskComment  *comment)
{
  GtkWidget *row = find_comment_row (self, orgdesk_comment_get_id (comment));

  if (row != NULL)
    set_row_comment (row, comment);
}

static void
comment_edit_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  OrgdeskPostPage *self = ORGDESK_POST_PAGE (widget);
  GtkWidget *row = find_comment_row (self, g_variant_get_string (parameter, NULL));
  OrgdeskComment *comment;

  if (row == NULL || self->read_only)
    return;

  comment = g_object_get_data (G_OBJECT (row), "orgdesk-comment");
  open_editor (self, G_OBJECT (comment), _("Edit Comment"), NULL, orgdesk_comment_get_body (comment),
               G_CALLBACK (on_comment_editor_saved_cb));
}

/* A deletion under way: the row to remove once it is done. */
typedef struct
{
  OrgdeskPostPage *self;
  char            *comment_id;
} CommentDeletion;

static void
comment_deletion_free (CommentDeletion *deletion)
{
  g_object_unref (deletion->self);
  g_free (deletion->comment_id);
  g_free (deletion);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CommentDeletion, comment_deletion_free)

static void
on_comment_deleted_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(CommentDeletion) deletion = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  /* Not found: someone else deleted it first, and it is gone all the same. */
  if (!orgdesk_comment_repository_delete_finish (ORGDESK_COMMENT_REPOSITORY (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (deletion->self, error);
      return;
    }

  row = find_comment_row (deletion->self, deletion->comment_id);
  if (row != NULL)
    gtk_list_box_remove (deletion->self->comments_list, row);
  gtk_widget_set_visible (GTK_WIDGET (deletion->self->comments_list),
                          gtk_widget_get_first_child (GTK_WIDGET (deletion->self->comments_list)) != NULL);
}

static void
on_comment_delete_response_cb (OrgdeskPostPage  *self,
                               const char       *response,
                               AdwMessageDialog *dialog)
{
  CommentDeletion *deletion;

  /* Read-only by now (the role changed while the dialog was open): the
   * database would refuse, and the comment stays. */
  if (!g_str_equal (response, "delete") || self->read_only)
    return;

  deletion = g_new0 (CommentDeletion, 1);
  deletion->self = g_object_ref (self);
  deletion->comment_id = g_strdup (g_object_get_data (G_OBJECT (dialog), "orgdesk-comment-id"));
  orgdesk_comment_repository_delete_async (self->comments, deletion->comment_id, self->cancellable,
                                           on_comment_deleted_cb, deletion);
}

static void
comment_delete_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  OrgdeskPostPage *self = ORGDESK_POST_PAGE (widget);
  const char *comment_id = g_variant_get_string (parameter, NULL);

  if (find_comment_row (self, comment_id) == NULL || self->read_only)
    return;

  confirm_delete (self, _("Delete Comment?"), _("The comment is deleted for everyone in this organization."),
                  comment_id, G_CALLBACK (on_comment_delete_response_cb));
}

/* }}} */

/* Edit and delete {{{ */

static void
on_post_editor_saved_cb (OrgdeskPostPage *self,
                         OrgdeskPost     *post)
{
  if (self->post != NULL && g_str_equal (orgdesk_post_get_id (self->post), orgdesk_post_get_id (post)))
    orgdesk_post_page_set_post (self, post);
}

static void
edit_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  OrgdeskPostPage *self = ORGDESK_POST_PAGE (widget);

  if (self->post == NULL || self->read_only)
    return;

  open_editor (self, G_OBJECT (self->post), _("Edit Post"), orgdesk_post_get_title (self->post),
               orgdesk_post_get_body (self->post), G_CALLBACK (on_post_editor_saved_cb));
}

static void
on_post_deleted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OrgdeskPostPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!orgdesk_post_repository_delete_finish (ORGDESK_POST_REPOSITORY (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  g_signal_emit (self, signals[CLOSED], 0, TRUE);
}

static void
on_delete_response_cb (OrgdeskPostPage  *self,
                       const char       *response)
{
  if (!g_str_equal (response, "delete") || self->post == NULL || self->read_only)
    return;

  orgdesk_post_repository_delete_async (self->posts, orgdesk_post_get_id (self->post), self->cancellable,
                                        on_post_deleted_cb, g_object_ref (self));
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OrgdeskPostPage *self = ORGDESK_POST_PAGE (widget);

  if (self->post == NULL || self->read_only)
    return;

  confirm_delete (self, _("Delete Post?"), _("The post and its comments are deleted for everyone in this organization."),
                  NULL, G_CALLBACK (on_delete_response_cb));
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSED], 0, FALSE);
}

/* }}} */

static void
orgdesk_post_page_dispose (GObject *object)
{
  OrgdeskPostPage *self = ORGDESK_POST_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_comment_id, g_free);
  g_clear_pointer (&self->organization_id, g_free);
  g_clear_pointer (&self->comment_drafts, g_hash_table_unref);
  g_clear_object (&self->post);
  g_clear_object (&self->posts);
  g_clear_object (&self->comments);
  g_clear_object (&self->write_access);

  gtk_widget_dispose_template (GTK_WIDGET (self), ORGDESK_TYPE_POST_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (orgdesk_post_page_parent_class)->dispose (object);
}

static void
orgdesk_post_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OrgdeskPostPage *self = ORGDESK_POST_PAGE (object);

  switch (prop_id)
    {
    case PROP_POSTS:
      self->posts = g_value_dup_object (value);
      break;

    case PROP_COMMENTS:
      self->comments = g_value_dup_object (value);
      break;

    case PROP_WRITE_ACCESS:
      self->write_access = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_post_page_class_init (OrgdeskPostPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = orgdesk_post_page_dispose;
  object_class->set_property = orgdesk_post_page_set_property;

  properties[PROP_POSTS] =
    g_param_spec_object ("posts", NULL, NULL, ORGDESK_TYPE_POST_REPOSITORY,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMENTS] =
    g_param_spec_object ("comments", NULL, NULL, ORGDESK_TYPE_COMMENT_REPOSITORY,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* For the editors it opens; the page's own state comes from its owner. */
  properties[PROP_WRITE_ACCESS] =
    g_param_spec_object ("write-access", NULL, NULL, ORGDESK_TYPE_WRITE_ACCESS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OrgdeskPostPage::closed:
   * @deleted: whether the post was deleted
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/orgdesk/Orgdesk/orgdesk-post-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostPage, meta_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostPage, body_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostPage, comments_list);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostPage, composer);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostPage, comment_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_comment_entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "post.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "post.edit", NULL, edit_activated);
  gtk_widget_class_install_action (widget_class, "post.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "post.comment", NULL, comment_activated);
  gtk_widget_class_install_action (widget_class, "comment.edit", "s", comment_edit_activated);
  gtk_widget_class_install_action (widget_class, "comment.delete", "s", comment_delete_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "post.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "post.back", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
orgdesk_post_page_init (OrgdeskPostPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->comment_drafts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, comment_draft_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
orgdesk_post_page_new (OrgdeskPostRepository    *posts,
                       OrgdeskCommentRepository *comments,
                       OrgdeskWriteAccess       *write_access)
{
  g_return_val_if_fail (ORGDESK_IS_POST_REPOSITORY (posts), NULL);
  g_return_val_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (comments), NULL);
  g_return_val_if_fail (ORGDESK_IS_WRITE_ACCESS (write_access), NULL);

  return g_object_new (ORGDESK_TYPE_POST_PAGE,
                       "posts", posts,
                       "comments", comments,
                       "write-access", write_access,
                       NULL);
}

/**
 * orgdesk_post_page_set_read_only:
 * @self: a #OrgdeskPostPage
 * @read_only: whether the post may be changed, commented on, deleted
 *
 * Disables post.edit, post.delete, post.comment, comment.edit and
 * comment.delete (their buttons, menus and keys with them) and hides the
 * comment entry and the comments' menus, or brings them back.
 */
void
orgdesk_post_page_set_read_only (OrgdeskPostPage *self,
                                 gboolean         read_only)
{
  static const char * const actions[] = { "post.edit", "post.delete", "post.comment", "comment.edit", "comment.delete" };

  g_return_if_fail (ORGDESK_IS_POST_PAGE (self));

  read_only = !!read_only;
  self->read_only = read_only;

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], !read_only);
  gtk_widget_set_visible (self->composer, !read_only);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->comments_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *menu_button = g_object_get_data (G_OBJECT (row), "orgdesk-menu-button");

      if (menu_button != NULL)
        gtk_widget_set_visible (menu_button, !read_only);
    }
}

gboolean
orgdesk_post_page_get_read_only (OrgdeskPostPage *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST_PAGE (self), FALSE);
  return self->read_only;
}

/**
 * orgdesk_post_page_set_post:
 * @self: a #OrgdeskPostPage
 * @post: (nullable): the post to show, or %NULL to show nothing
 *
 * Requests for the previous post are cancelled: their answers are dropped.
 */
void
orgdesk_post_page_set_post (OrgdeskPostPage *self,
                            OrgdeskPost     *post)
{
  g_autofree char *meta = NULL;
  gboolean same_post;

  g_return_if_fail (ORGDESK_IS_POST_PAGE (self));
  g_return_if_fail (!post || ORGDESK_IS_POST (post));

  same_post = post != NULL && self->post != NULL &&
              g_str_equal (orgdesk_post_get_id (post), orgdesk_post_get_id (self->post));
  if (!same_post)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      gtk_widget_set_sensitive (GTK_WIDGET (self->comment_entry), TRUE);
      keep_comment_draft (self);
      g_clear_pointer (&self->pending_comment_id, g_free);
      gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
    }

  g_set_object (&self->post, post);
  if (post == NULL)
    return;

  if (!same_post)
    {
      OrgdeskSession *session = orgdesk_repository_get_session (ORGDESK_REPOSITORY (self->posts));
      OrgdeskOrganization *active = orgdesk_session_get_active_organization (session);

      g_free (self->organization_id);
      self->organization_id = active != NULL ? g_strdup (orgdesk_organization_get_id (active)) : NULL;
      restore_comment_draft (self);
    }

  meta = format_meta (orgdesk_post_get_author_name (post), orgdesk_post_get_created_at (post));
  gtk_label_set_label (self->title_label, orgdesk_post_get_title (post));
  gtk_label_set_label (self->meta_label, meta);
  gtk_label_set_label (self->body_label, orgdesk_post_get_body (post));
  gtk_widget_set_visible (GTK_WIDGET (self->body_label), *orgdesk_post_get_body (post) != '\0');

  if (!same_post)
    reload_comments (self);
}

OrgdeskPost *
orgdesk_post_page_get_post (OrgdeskPostPage *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST_PAGE (self), NULL);
  return self->post;
}
