/* orgdesk-window.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-error-text.h"
#include "orgdesk-posts-page.h"
#include "orgdesk-window.h"

/*
 * The main window shows the session: a page per state, the organization selector
 * in the header bar and the active organization.  It does no I/O of its own; it
 * follows the session's properties and triggers the application's actions.
 */

struct _OrgdeskWindow
{
  AdwApplicationWindow  parent_instance;

  OrgdeskSession       *session;
  GSettings            *settings;
  OrgdeskPostRepository *post_repository;
  OrgdeskCommentRepository *comment_repository;
  OrgdeskWriteAccess   *write_access;
  GSignalGroup         *sign_in_signals;
  gboolean              syncing_selector;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *title_stack;
  GtkDropDown          *organization_dropdown;
  GtkMenuButton        *primary_menu_button;
  GtkMenuButton        *organization_info_button;
  AdwBin               *posts_bin;
  GtkSpinner           *switching_spinner;
  GtkRevealer          *offline_revealer;
  GtkStack             *main_stack;
  GtkSpinner           *waiting_spinner;
  AdwStatusPage        *waiting_page;
  GtkLabel             *organization_name_label;
  GtkLabel             *organization_description_label;
  AdwActionRow         *roles_row;
  AdwActionRow         *organization_id_row;
  AdwActionRow         *database_row;

  GtkLabel             *user_name_label;
  GtkLabel             *user_email_label;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SETTINGS,
  PROP_POST_REPOSITORY,
  PROP_COMMENT_REPOSITORY,
  PROP_WRITE_ACCESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskWindow, orgdesk_window, ADW_TYPE_APPLICATION_WINDOW)

/* Following the session {{{ */

static void
update_title (OrgdeskWindow *self)
{
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);
  g_autofree char *title = NULL;

  if (active != NULL && orgdesk_session_get_state (self->session) == ORGDESK_SESSION_STATE_SIGNED_IN)
    /* Translators: window title, %s is the active organization's name */
    title = g_strdup_printf (_("%s – Orgdesk"), orgdesk_organization_get_name (active));
  else
    title = g_strdup (_("Orgdesk"));

  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_page (OrgdeskWindow *self)
{
  GListModel *organizations = orgdesk_session_get_organizations (self->session);
  gboolean has_organizations = g_list_model_get_n_items (organizations) > 0;
  const char *page = "signed-out";

  switch (orgdesk_session_get_state (self->session))
    {
    case ORGDESK_SESSION_STATE_SIGNED_OUT:
      page = "signed-out";
      break;

    case ORGDESK_SESSION_STATE_RESUMING:
      page = "resuming";
      break;

    case ORGDESK_SESSION_STATE_SIGNING_IN:
      page = "waiting";
      break;

    case ORGDESK_SESSION_STATE_SIGNED_IN:
      page = has_organizations ? "organization" : "no-organizations";
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_stack_set_visible_child_name (self->main_stack, page);
  gtk_stack_set_visible_child_name (self->title_stack,
                                    g_str_equal (page, "organization") ? "selector" : "title");
  gtk_spinner_set_spinning (self->waiting_spinner, g_str_equal (page, "waiting"));
  gtk_widget_set_visible (GTK_WIDGET (self->primary_menu_button),
                          orgdesk_session_get_state (self->session) == ORGDESK_SESSION_STATE_SIGNED_IN);
  gtk_widget_set_visible (GTK_WIDGET (self->organization_info_button), g_str_equal (page, "organization"));
  update_title (self);
}

static void
update_user (OrgdeskWindow *self)
{
  OrgdeskUser *user = orgdesk_session_get_user (self->session);
  const char *email = user != NULL ? orgdesk_user_get_email (user) : NULL;

  gtk_label_set_label (self->user_name_label, user != NULL ? orgdesk_user_get_display_name (user) : "");
  gtk_label_set_label (self->user_email_label, email != NULL ? email : "");
  gtk_widget_set_visible (GTK_WIDGET (self->user_email_label), email != NULL);
}

static void
update_database_row (OrgdeskWindow *self)
{
  OrgdeskTokenResponse *token = orgdesk_session_get_database_token (self->session);
  const char *scope = token != NULL ? orgdesk_token_response_get_scope (token) : NULL;
  g_autofree char *subtitle = NULL;

  if (orgdesk_session_get_switching (self->session))
    subtitle = g_strdup (_("Connecting…"));
  else if (token == NULL)
    subtitle = g_strdup (orgdesk_session_get_offline (self->session) ? _("Unavailable while offline") : _("Not available"));
  else if (scope == NULL || *scope == '\0')
    subtitle = g_strdup (_("Ready, without data permissions"));
  else
    /* Translators: %s lists the permissions the user's role grants, e.g. "data:read data:write" */
    subtitle = g_strdup_printf (_("Ready — %s"), scope);

  adw_action_row_set_subtitle (self->database_row, subtitle);
  gtk_spinner_set_spinning (self->switching_spinner, orgdesk_session_get_switching (self->session));
}

static void
sync_selector (OrgdeskWindow *self)
{
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);
  guint position = GTK_INVALID_LIST_POSITION;

  if (active != NULL)
    orgdesk_session_find_organization (self->session, orgdesk_organization_get_id (active), &position);

  self->syncing_selector = TRUE;
  gtk_drop_down_set_selected (self->organization_dropdown, position);
  self->syncing_selector = FALSE;
}

static void
update_organization (OrgdeskWindow *self)
{
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);
  g_autofree char *roles = NULL;

  if (active != NULL)
    {
      const char *description = orgdesk_organization_get_description (active);

      roles = orgdesk_organization_dup_roles_label (active);
      gtk_label_set_label (self->organization_name_label, orgdesk_organization_get_name (active));
      gtk_label_set_label (self->organization_description_label, description);
      gtk_widget_set_visible (GTK_WIDGET (self->organization_description_label), *description != '\0');
      adw_action_row_set_subtitle (self->roles_row, *roles != '\0' ? roles : _("No roles"));
      adw_action_row_set_subtitle (self->organization_id_row, orgdesk_organization_get_id (active));
    }

  sync_selector (self);
  update_title (self);
}

/* While the list changes, the selector moves its selection by itself (to the
 * first item, say); that is not the user choosing an organization. */
static void
on_organizations_changing_cb (OrgdeskWindow *self)
{
  self->syncing_selector = TRUE;
}

static void
on_organizations_changed_cb (OrgdeskWindow *self)
{
  self->syncing_selector = FALSE;
  sync_selector (self);
  update_page (self);
}

static void
on_dropdown_selected_cb (OrgdeskWindow *self)
{
  g_autoptr(OrgdeskOrganization) organization = NULL;
  GListModel *organizations;
  guint selected;

  if (self->syncing_selector)
    return;

  organizations = orgdesk_session_get_organizations (self->session);
  selected = gtk_drop_down_get_selected (self->organization_dropdown);
  if (selected == GTK_INVALID_LIST_POSITION || selected >= g_list_model_get_n_items (organizations))
    return;

  organization = g_list_model_get_item (organizations, selected);
  g_action_group_change_action_state (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (self))),
                                      "organization",
                                      g_variant_new_string (orgdesk_organization_get_id (organization)));
}

static void
on_organization_removed_cb (OrgdeskWindow       *self,
                            OrgdeskOrganization *organization)
{
  g_autoptr(AdwToast) toast = NULL;
  g_autofree char *title = NULL;

  /* Translators: %s is an organization's name */
  title = g_strdup_printf (_("You no longer have access to “%s”"), orgdesk_organization_get_name (organization));
  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&toast));
}

static void
on_browser_failed_cb (OrgdeskWindow *self)
{
  adw_status_page_set_description (self->waiting_page,
                                   _("The browser could not be opened. Copy the link and open it in a browser to sign in."));
}

/* }}} */

/* Actions {{{ */

static void
copy_sign_in_link_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  OrgdeskWindow *self = ORGDESK_WINDOW (widget);
  OrgdeskSignIn *sign_in = orgdesk_session_get_sign_in (self->session);
  const char *uri = sign_in != NULL ? orgdesk_sign_in_get_authorization_uri (sign_in) : NULL;

  if (uri == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), uri);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Sign-in link copied")));
}

static void
show_error_details_activated (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (widget), _("Details"), g_variant_get_string (parameter, NULL));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
end_browser_session_activated (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  g_autoptr(GAppLaunchContext) context = NULL;

  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (widget)));
  g_app_info_launch_default_for_uri_async (g_variant_get_string (parameter, NULL), context, NULL, NULL, NULL);
}

static void
step_organization (OrgdeskWindow *self,
                   int            delta)
{
  GListModel *organizations = orgdesk_session_get_organizations (self->session);
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);
  g_autoptr(OrgdeskOrganization) next = NULL;
  guint n_items = g_list_model_get_n_items (organizations);
  guint position;

  if (active == NULL || n_items < 2 ||
      orgdesk_session_find_organization (self->session, orgdesk_organization_get_id (active), &position) == NULL)
    return;

  next = g_list_model_get_item (organizations, (position + n_items + delta) % n_items);
  g_action_group_change_action_state (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (self))),
                                      "organization",
                                      g_variant_new_string (orgdesk_organization_get_id (next)));
}

static void
next_organization_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  step_organization (ORGDESK_WINDOW (widget), 1);
}

static void
previous_organization_activated (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  step_organization (ORGDESK_WINDOW (widget), -1);
}

/* }}} */

/* Window state {{{ */

static void
restore_geometry (OrgdeskWindow *self)
{
  int width, height;

  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
orgdesk_window_close_request (GtkWindow *window)
{
  OrgdeskWindow *self = ORGDESK_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (orgdesk_window_parent_class)->close_request (window);
}

/* }}} */

static GtkWidget *
create_user_box (OrgdeskWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  self->user_name_label = GTK_LABEL (gtk_label_new (NULL));
  self->user_email_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->user_name_label, 0);
  gtk_label_set_xalign (self->user_email_label, 0);
  gtk_label_set_ellipsize (self->user_name_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (self->user_email_label, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->user_name_label), "heading");
  gtk_widget_add_css_class (GTK_WIDGET (self->user_email_label), "dim-label");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->user_name_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->user_email_label));

  return box;
}

static void
connect_session (OrgdeskWindow *self)
{
  g_autoptr(GtkExpression) name = NULL;

  /* Connected around the selector's own handler: before it, and after it. */
  g_signal_connect_object (orgdesk_session_get_organizations (self->session), "items-changed",
                           G_CALLBACK (on_organizations_changing_cb), self, G_CONNECT_SWAPPED);
  name = gtk_property_expression_new (ORGDESK_TYPE_ORGANIZATION, NULL, "name");
  gtk_drop_down_set_expression (self->organization_dropdown, name);
  gtk_drop_down_set_model (self->organization_dropdown, orgdesk_session_get_organizations (self->session));
  g_signal_connect_object (orgdesk_session_get_organizations (self->session), "items-changed",
                           G_CALLBACK (on_organizations_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  g_object_bind_property (self->session, "offline", self->offline_revealer, "reveal-child", G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::user", G_CALLBACK (update_user), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::active-organization", G_CALLBACK (update_organization), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::switching", G_CALLBACK (update_database_row), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::database-token", G_CALLBACK (update_database_row), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::offline", G_CALLBACK (update_database_row), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "organization-removed", G_CALLBACK (on_organization_removed_cb), self, G_CONNECT_SWAPPED);

  /* Follow whichever sign-in attempt is current. */
  self->sign_in_signals = g_signal_group_new (ORGDESK_TYPE_SIGN_IN);
  g_signal_group_connect_swapped (self->sign_in_signals, "notify::browser-failed", G_CALLBACK (on_browser_failed_cb), self);
  g_object_bind_property (self->session, "sign-in", self->sign_in_signals, "target", G_BINDING_SYNC_CREATE);

  update_page (self);
  update_user (self);
  update_organization (self);
  update_database_row (self);
}

static void
orgdesk_window_constructed (GObject *object)
{
  OrgdeskWindow *self = ORGDESK_WINDOW (object);
  GtkPopover *popover;

  G_OBJECT_CLASS (orgdesk_window_parent_class)->constructed (object);

  g_assert (ORGDESK_IS_SESSION (self->session));
  g_assert (G_IS_SETTINGS (self->settings));
  g_assert (ORGDESK_IS_POST_REPOSITORY (self->post_repository));
  g_assert (ORGDESK_IS_WRITE_ACCESS (self->write_access));

  {
    g_autofree char *sort = g_settings_get_string (self->settings, "posts-sort");
    GtkWidget *posts_page = orgdesk_posts_page_new (self->post_repository, self->comment_repository,
                                                    self->write_access, sort);

    /* The order chosen last time is the first load's; a new choice is kept. */
    adw_bin_set_child (self->posts_bin, posts_page);
    g_settings_bind (self->settings, "posts-sort", posts_page, "sort", G_SETTINGS_BIND_DEFAULT);
  }

  popover = gtk_menu_button_get_popover (self->primary_menu_button);
  gtk_popover_menu_add_child (GTK_POPOVER_MENU (popover), create_user_box (self), "user");

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  restore_geometry (self);
  connect_session (self);
}

static void
orgdesk_window_dispose (GObject *object)
{
  OrgdeskWindow *self = ORGDESK_WINDOW (object);

  g_clear_object (&self->sign_in_signals);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->post_repository);
  g_clear_object (&self->comment_repository);
  g_clear_object (&self->write_access);

  gtk_widget_dispose_template (GTK_WIDGET (self), ORGDESK_TYPE_WINDOW);

  G_OBJECT_CLASS (orgdesk_window_parent_class)->dispose (object);
}

static void
orgdesk_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  OrgdeskWindow *self = ORGDESK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_POST_REPOSITORY:
      self->post_repository = g_value_dup_object (value);
      break;

    case PROP_COMMENT_REPOSITORY:
      self->comment_repository = g_value_dup_object (value);
      break;

    case PROP_WRITE_ACCESS:
      self->write_access = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_window_class_init (OrgdeskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = orgdesk_window_constructed;
  object_class->dispose = orgdesk_window_dispose;
  object_class->set_property = orgdesk_window_set_property;
  window_class->close_request = orgdesk_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ORGDESK_TYPE_SESSION,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POST_REPOSITORY] =
    g_param_spec_object ("post-repository", NULL, NULL, ORGDESK_TYPE_POST_REPOSITORY,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMENT_REPOSITORY] =
    g_param_spec_object ("comment-repository", NULL, NULL, ORGDESK_TYPE_COMMENT_REPOSITORY,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WRITE_ACCESS] =
    g_param_spec_object ("write-access", NULL, NULL, ORGDESK_TYPE_WRITE_ACCESS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/orgdesk/Orgdesk/orgdesk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, title_stack);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, organization_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, organization_info_button);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, posts_bin);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, switching_spinner);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, waiting_spinner);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, waiting_page);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, organization_name_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, organization_description_label);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, roles_row);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, organization_id_row);
  gtk_widget_class_bind_template_child (widget_class, OrgdeskWindow, database_row);
  gtk_widget_class_bind_template_callback (widget_class, on_dropdown_selected_cb);

  gtk_widget_class_install_action (widget_class, "win.copy-sign-in-link", NULL, copy_sign_in_link_activated);
  gtk_widget_class_install_action (widget_class, "win.show-error-details", "s", show_error_details_activated);
  gtk_widget_class_install_action (widget_class, "win.end-browser-session", "s", end_browser_session_activated);
  gtk_widget_class_install_action (widget_class, "win.next-organization", NULL, next_organization_activated);
  gtk_widget_class_install_action (widget_class, "win.previous-organization", NULL, previous_organization_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK, "win.next-organization", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK, "win.previous-organization", NULL);
}

static void
orgdesk_window_init (OrgdeskWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

OrgdeskWindow *
orgdesk_window_new (OrgdeskApplication *application)
{
  g_return_val_if_fail (ORGDESK_IS_APPLICATION (application), NULL);

  return g_object_new (ORGDESK_TYPE_WINDOW,
                       "application", application,
                       "session", orgdesk_application_get_session (application),
                       "settings", orgdesk_application_get_settings (application),
                       "post-repository", orgdesk_application_get_post_repository (application),
                       "comment-repository", orgdesk_application_get_comment_repository (application),
                       "write-access", orgdesk_application_get_write_access (application),
                       NULL);
}

/**
 * orgdesk_window_show_error:
 * @self: a #OrgdeskWindow
 * @error: a background failure
 *
 * Shows a translated sentence in a toast, with the raw message behind "Details".
 */
void
orgdesk_window_show_error (OrgdeskWindow *self,
                           const GError  *error)
{
  g_autoptr(AdwToast) toast = NULL;

  g_return_if_fail (ORGDESK_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  toast = adw_toast_new (orgdesk_error_text (error));
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.show-error-details");
  adw_toast_set_action_target_value (toast, g_variant_new_string (error->message));
  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&toast));
}

/**
 * orgdesk_window_show_signed_out:
 * @self: a #OrgdeskWindow
 * @end_session_uri: (nullable): where the browser's Logto session ends
 *
 * The browser keeps its Logto cookie after sign-out, which would sign the user
 * straight back in; offer to end that session too.
 */
void
orgdesk_window_show_signed_out (OrgdeskWindow *self,
                                const char    *end_session_uri)
{
  g_autoptr(AdwToast) toast = NULL;

  g_return_if_fail (ORGDESK_IS_WINDOW (self));

  toast = adw_toast_new (_("Signed out"));
  if (end_session_uri != NULL)
    {
      adw_toast_set_button_label (toast, _("Sign Out of _Browser Too"));
      adw_toast_set_action_name (toast, "win.end-browser-session");
      adw_toast_set_action_target_value (toast, g_variant_new_string (end_session_uri));
      adw_toast_set_timeout (toast, 0);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&toast));
}

/**
 * orgdesk_window_get_visible_page:
 * @self: a #OrgdeskWindow
 *
 * Returns: the name of the page shown (for tests and accessibility checks)
 */
const char *
orgdesk_window_get_visible_page (OrgdeskWindow *self)
{
  g_return_val_if_fail (ORGDESK_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}
