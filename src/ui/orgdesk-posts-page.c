/* orgdesk-posts-page.c
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
#include "orgdesk-post-page.h"
#include "orgdesk-post-source.h"
#include "orgdesk-posts-page.h"
#include "orgdesk-window.h"

/*
 * The active organization's posts.  Every switch of organization (or search) makes
 * a new paged model for the new scope and drops the old one, whose pending loads
 * are cancelled: rows of the previous organization can never arrive here.
 *
 * When the user's role in the active organization may not change data
 * (OrgdeskWriteAccess:read-only), a banner above the posts says so and every
 * way to change something is withheld: posts.new is disabled (so is Ctrl+N),
 * the empty page offers no New Post, and the open post page does the same for
 * its own actions.
 */

struct _OrgdeskPostsPage
{
  GtkWidget              parent_instance;

  OrgdeskPostRepository *repository;
  OrgdeskCommentRepository *comment_repository;
  OrgdeskWriteAccess    *write_access;
  OrgdeskPagedModel     *model;
  char                  *organization_id;   /* whose posts the model shows */
  OrgdeskPostSort        sort;

  GtkRevealer           *read_only_revealer;
  GtkLabel              *read_only_label;
  GtkWidget             *toolbar_new_post_button;
  GtkStack              *view_stack;
  OrgdeskPostPage       *post_page;
  GtkSearchEntry        *search_entry;
  GtkStack              *stack;
  GtkSpinner            *loading_spinner;
  GtkListView           *list_view;
  AdwStatusPage         *empty_page;
  GtkWidget             *new_post_button;
  AdwStatusPage         *error_page;
};

enum {
  PROP_0,
  PROP_REPOSITORY,
  PROP_COMMENT_REPOSITORY,
  PROP_WRITE_ACCESS,
  PROP_SORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskPostsPage, orgdesk_posts_page, GTK_TYPE_WIDGET)

static OrgdeskDatabase *
get_database (OrgdeskPostsPage *self)
{
  return orgdesk_repository_get_database (ORGDESK_REPOSITORY (self->repository));
}

/* A load failed because the connection is down (not because of what was
 * asked): say "offline" and reload by itself once the database is back. */
static gboolean
database_is_down (OrgdeskPostsPage *self)
{
  return orgdesk_database_get_state (get_database (self)) == ORGDESK_DATABASE_STATE_WAITING_TO_RETRY;
}

static void
update_empty_page (OrgdeskPostsPage *self)
{
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *description = NULL;

  if (*search == '\0')
    {
      adw_status_page_set_icon_name (self->empty_page, "document-edit-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Posts Yet"));
      if (orgdesk_write_access_get_read_only (self->write_access))
        adw_status_page_set_description (self->empty_page,
                                         _("Posts your colleagues write in this organization appear here"));
      else
        adw_status_page_set_description (self->empty_page,
                                         _("Posts you and your colleagues write in this organization appear here"));
      gtk_widget_set_visible (self->new_post_button, !orgdesk_write_access_get_read_only (self->write_access));
      return;
    }

  /* Translators: %s is what the user searched for */
  description = g_markup_printf_escaped (_("No post in this organization contains “%s”"), search);
  adw_status_page_set_icon_name (self->empty_page, "system-search-symbolic");
  adw_status_page_set_title (self->empty_page, _("No Results"));
  adw_status_page_set_description (self->empty_page, description);
  gtk_widget_set_visible (self->new_post_button, FALSE);
}

static void
update_state (OrgdeskPostsPage *self)
{
  const char *page = "loading";

  if (self->model != NULL)
    switch (orgdesk_paged_model_get_state (self->model))
      {
      case ORGDESK_PAGED_MODEL_STATE_IDLE:
      case ORGDESK_PAGED_MODEL_STATE_COUNTING:
        page = "loading";
        break;

      case ORGDESK_PAGED_MODEL_STATE_READY:
        page = g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0 ? "list" : "empty";
        if (g_str_equal (page, "empty"))
          update_empty_page (self);
        break;

      case ORGDESK_PAGED_MODEL_STATE_ERROR:
        if (database_is_down (self))
          page = "offline";
        else
          {
            page = "error";
            adw_status_page_set_description (self->error_page,
                                             orgdesk_error_text (orgdesk_paged_model_get_error (self->model)));
          }
        break;

      default:
        g_assert_not_reached ();
      }

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
}

static void
update_write_access (OrgdeskPostsPage *self)
{
  gboolean read_only = orgdesk_write_access_get_read_only (self->write_access);
  g_autofree char *explanation = orgdesk_write_access_dup_explanation (self->write_access);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "posts.new", !read_only);
  /* Kept while the bar slides away, so it doesn't empty in the animation. */
  if (explanation != NULL)
    gtk_label_set_label (self->read_only_label, explanation);
  gtk_revealer_set_reveal_child (self->read_only_revealer, read_only);
  if (read_only)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->toolbar_new_post_button),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, explanation, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->toolbar_new_post_button),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0)
    update_empty_page (self);
  orgdesk_post_page_set_read_only (self->post_page, read_only);
}

static void
on_database_state_changed_cb (OrgdeskPostsPage *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (orgdesk_database_get_state (get_database (self)) == ORGDESK_DATABASE_STATE_CONNECTED &&
      (g_str_equal (page, "offline") || g_str_equal (page, "error")))
    orgdesk_posts_page_reload (self);
  else if (self->model != NULL && orgdesk_paged_model_get_state (self->model) == ORGDESK_PAGED_MODEL_STATE_ERROR)
    update_state (self);
}

static void
show_list (OrgdeskPostsPage *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, "browse");
  if (self->post_page != NULL)
    orgdesk_post_page_set_post (self->post_page, NULL);
}

static void
on_post_activated_cb (OrgdeskPostsPage *self,
                      guint             position)
{
  g_autoptr(OrgdeskPagedItem) holder = NULL;
  OrgdeskPost *post;

  if (self->model == NULL)
    return;

  holder = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  post = holder != NULL ? orgdesk_paged_item_get_item (holder) : NULL;
  if (post == NULL)
    return;   /* still loading: the row shows nothing to open yet */

  orgdesk_post_page_set_post (self->post_page, post);
  gtk_stack_set_visible_child_name (self->view_stack, "post");
}

static void
on_post_closed_cb (OrgdeskPostsPage *self,
                   gboolean          deleted)
{
  if (deleted)
    orgdesk_posts_page_reload (self);
  else
    show_list (self);
}

/**
 * orgdesk_posts_page_reload:
 * @self: a #OrgdeskPostsPage
 *
 * Shows the posts of the organization that is active now.
 */
void
orgdesk_posts_page_reload (OrgdeskPostsPage *self)
{
  g_autoptr(OrgdeskPageSource) source = NULL;
  g_autoptr(GtkSelectionModel) selection = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ORGDESK_IS_POSTS_PAGE (self));

  /* An open post belongs to the organization it was opened in. */
  show_list (self);

  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->model, self);
      orgdesk_paged_model_cancel (self->model);
      g_clear_object (&self->model);
    }

  g_clear_pointer (&self->organization_id, g_free);
  source = orgdesk_post_repository_list (self->repository, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                         self->sort, &error);
  if (source == NULL)
    {
      /* Signed out or no organization: the window shows its own page for that. */
      gtk_list_view_set_model (self->list_view, NULL);
      update_state (self);
      return;
    }

  self->organization_id = g_strdup (orgdesk_post_source_get_organization_id (ORGDESK_POST_SOURCE (source)));
  self->model = orgdesk_paged_model_new (source, 0);
  g_signal_connect_object (self->model, "notify::state", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model))));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_list_view_set_model (self->list_view, selection);
  orgdesk_paged_model_load (self->model);
  update_state (self);
}

/* The session also notifies when it refreshes the same organization (new name or
 * roles from Logto): only a different organization means new posts. */
static void
on_active_organization_changed_cb (OrgdeskPostsPage *self)
{
  OrgdeskSession *session = orgdesk_repository_get_session (ORGDESK_REPOSITORY (self->repository));
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (session);

  if (self->model != NULL && active != NULL &&
      g_strcmp0 (orgdesk_organization_get_id (active), self->organization_id) == 0)
    return;

  orgdesk_posts_page_reload (self);
}

static void
on_search_changed_cb (OrgdeskPostsPage *self)
{
  orgdesk_posts_page_reload (self);
}

/* New post {{{ */

static void
on_post_created_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OrgdeskPostEditor) editor = user_data;
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(GError) error = NULL;

  post = orgdesk_post_repository_create_finish (ORGDESK_POST_REPOSITORY (source), result, &error);
  orgdesk_post_editor_finish_saving (editor, G_OBJECT (post), error);
}

/* The editor saves only while its organization is the active one, so the post
 * lands where it was written; every attempt for one draft uses the same id, so
 * saving again after a lost connection cannot make a second post. */
static void
on_editor_save_cb (OrgdeskPostEditor *editor,
                   const char        *title,
                   const char        *body,
                   OrgdeskPostsPage  *self)
{
  const char *post_id = g_object_get_data (G_OBJECT (editor), "orgdesk-post-id");

  orgdesk_post_repository_create_async (self->repository, post_id, title, body,
                                        orgdesk_post_editor_get_cancellable (editor),
                                        on_post_created_cb, g_object_ref (editor));
}

static void
on_editor_saved_cb (OrgdeskPostsPage *self)
{
  orgdesk_posts_page_reload (self);
}

static void
show_editor (OrgdeskPostsPage *self)
{
  OrgdeskSession *session = orgdesk_repository_get_session (ORGDESK_REPOSITORY (self->repository));
  OrgdeskPostEditor *editor;

  if (orgdesk_session_get_active_organization (session) == NULL)
    return;

  editor = orgdesk_post_editor_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), session,
                                    self->write_access, _("New Post"), _("_Publish"), TRUE, NULL, NULL);
  g_object_set_data_full (G_OBJECT (editor), "orgdesk-post-id", orgdesk_post_repository_new_post_id (), g_free);
  g_signal_connect_object (editor, "save", G_CALLBACK (on_editor_save_cb), self, 0);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_post_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  OrgdeskPostsPage *self = ORGDESK_POSTS_PAGE (widget);

  /* Disabled then; this is for a caller that doesn't look. */
  if (orgdesk_write_access_get_read_only (self->write_access))
    return;

  show_editor (self);
}

static void
reload_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  orgdesk_posts_page_reload (ORGDESK_POSTS_PAGE (widget));
}

/* }}} */

static void
orgdesk_posts_page_constructed (GObject *object)
{
  OrgdeskPostsPage *self = ORGDESK_POSTS_PAGE (object);
  OrgdeskSession *session = orgdesk_repository_get_session (ORGDESK_REPOSITORY (self->repository));

  G_OBJECT_CLASS (orgdesk_posts_page_parent_class)->constructed (object);

  self->post_page = ORGDESK_POST_PAGE (orgdesk_post_page_new (self->repository, self->comment_repository,
                                                              self->write_access));
  gtk_stack_add_named (self->view_stack, GTK_WIDGET (self->post_page), "post");
  g_signal_connect_object (self->post_page, "closed", G_CALLBACK (on_post_closed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (session, "notify::active-organization",
                           G_CALLBACK (on_active_organization_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (get_database (self), "notify::state",
                           G_CALLBACK (on_database_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->write_access, "notify::read-only",
                           G_CALLBACK (update_write_access), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->write_access, "notify::organization-name",
                           G_CALLBACK (update_write_access), self, G_CONNECT_SWAPPED);
  update_write_access (self);
  orgdesk_posts_page_reload (self);
}

static void
orgdesk_posts_page_dispose (GObject *object)
{
  OrgdeskPostsPage *self = ORGDESK_POSTS_PAGE (object);
  GtkWidget *child;

  if (self->model != NULL)
    orgdesk_paged_model_cancel (self->model);
  g_clear_object (&self->model);
  g_clear_pointer (&self->organization_id, g_free);
  g_clear_object (&self->repository);
  g_clear_object (&self->comment_repository);
  g_clear_object (&self->write_access);

  gtk_widget_dispose_template (GTK_WIDGET (self), ORGDESK_TYPE_POSTS_PAGE);
  /* A plain GtkWidget subclass unparents its own children (the template's box). */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (orgdesk_posts_page_parent_class)->dispose (object);
}

static const char *
sort_nick (OrgdeskPostSort sort)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (ORGDESK_TYPE_POST_SORT);

  return g_enum_get_value (enum_class, sort)->value_nick;
}

static void
orgdesk_posts_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  OrgdeskPostsPage *self = ORGDESK_POSTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SORT:
      g_value_set_string (value, sort_nick (self->sort));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A string (the enum's nick) rather than the enum: GTK's property actions,
 * behind the sort menu, take strings but not enums. */
static void
set_sort (OrgdeskPostsPage *self,
          const char       *nick)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (ORGDESK_TYPE_POST_SORT);
  GEnumValue *sort = g_enum_get_value_by_nick (enum_class, nick != NULL ? nick : "");

  if (sort == NULL || (OrgdeskPostSort) sort->value == self->sort)
    return;

  self->sort = sort->value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
  if (self->model != NULL)
    orgdesk_posts_page_reload (self);
}

static void
orgdesk_posts_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  OrgdeskPostsPage *self = ORGDESK_POSTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_REPOSITORY:
      self->repository = g_value_dup_object (value);
      break;

    case PROP_COMMENT_REPOSITORY:
      self->comment_repository = g_value_dup_object (value);
      break;

    case PROP_WRITE_ACCESS:
      self->write_access = g_value_dup_object (value);
      break;

    case PROP_SORT:
      set_sort (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_posts_page_class_init (OrgdeskPostsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = orgdesk_posts_page_constructed;
  object_class->dispose = orgdesk_posts_page_dispose;
  object_class->get_property = orgdesk_posts_page_get_property;
  object_class->set_property = orgdesk_posts_page_set_property;

  properties[PROP_REPOSITORY] =
    g_param_spec_object ("repository", NULL, NULL, ORGDESK_TYPE_POST_REPOSITORY,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMENT_REPOSITORY] =
    g_param_spec_object ("comment-repository", NULL, NULL, ORGDESK_TYPE_COMMENT_REPOSITORY,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WRITE_ACCESS] =
    g_param_spec_object ("write-access", NULL, NULL, ORGDESK_TYPE_WRITE_ACCESS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The nick of an #OrgdeskPostSort: "newest", "oldest" or "title". */
  properties[PROP_SORT] =
    g_param_spec_string ("sort", NULL, NULL, "newest",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ORGDESK_TYPE_PAGED_ITEM);
  g_type_ensure (ORGDESK_TYPE_POST);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/orgdesk/Orgdesk/orgdesk-posts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, read_only_revealer);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, read_only_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, toolbar_new_post_button);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, new_post_button);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskPostsPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_post_activated_cb);

  gtk_widget_class_install_action (widget_class, "posts.new", NULL, new_post_activated);
  gtk_widget_class_install_action (widget_class, "posts.reload", NULL, reload_activated);
  gtk_widget_class_install_property_action (widget_class, "posts.sort", "sort");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "posts.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "posts.reload", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
orgdesk_posts_page_init (OrgdeskPostsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * orgdesk_posts_page_new:
 * @repository: the posts
 * @comment_repository: their comments
 * @write_access: whether the active organization's data may be changed
 * @sort: (nullable): the order to start with (#OrgdeskPostSort's nick), so the
 *   first load is already in it
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
orgdesk_posts_page_new (OrgdeskPostRepository    *repository,
                        OrgdeskCommentRepository *comment_repository,
                        OrgdeskWriteAccess       *write_access,
                        const char               *sort)
{
  g_return_val_if_fail (ORGDESK_IS_POST_REPOSITORY (repository), NULL);
  g_return_val_if_fail (ORGDESK_IS_COMMENT_REPOSITORY (comment_repository), NULL);
  g_return_val_if_fail (ORGDESK_IS_WRITE_ACCESS (write_access), NULL);

  return g_object_new (ORGDESK_TYPE_POSTS_PAGE,
                       "repository", repository,
                       "comment-repository", comment_repository,
                       "write-access", write_access,
                       "sort", sort,
                       NULL);
}

OrgdeskPagedModel *
orgdesk_posts_page_get_model (OrgdeskPostsPage *self)
{
  g_return_val_if_fail (ORGDESK_IS_POSTS_PAGE (self), NULL);
  return self->model;
}

const char *
orgdesk_posts_page_get_visible_state (OrgdeskPostsPage *self)
{
  g_return_val_if_fail (ORGDESK_IS_POSTS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * orgdesk_posts_page_get_read_only_message:
 * @self: a #OrgdeskPostsPage
 *
 * Returns: (nullable): what the read-only banner says while it is shown
 *   (for tests and accessibility checks)
 */
const char *
orgdesk_posts_page_get_read_only_message (OrgdeskPostsPage *self)
{
  g_return_val_if_fail (ORGDESK_IS_POSTS_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->read_only_revealer))
    return NULL;

  return gtk_label_get_label (self->read_only_label);
}
