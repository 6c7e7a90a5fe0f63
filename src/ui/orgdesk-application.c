/* orgdesk-application.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-application.h"
#include "orgdesk-auth-error.h"
#include "orgdesk-error-text.h"
#include "orgdesk-user-repository.h"
#include "orgdesk-window.h"

/*
 * The application owns the one session of the process (GApplication is single
 * instance, so no two windows ever refresh the same token).  Its actions are the
 * scriptable surface: app.sign-in, app.cancel-sign-in, app.sign-out and the
 * stateful app.organization, exported on D-Bus by GApplication.
 */

struct _OrgdeskApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  OrgdeskSession *session;
  OrgdeskDatabase *database;
  OrgdeskPostRepository *post_repository;
  OrgdeskCommentRepository *comment_repository;
  OrgdeskUserRepository *user_repository;
  OrgdeskWriteAccess *write_access;
  GCancellable   *cancellable;
  /* One reconnect at a time: the network monitor and Retry both start one, and
   * the monitor says "changed" several times as a network comes up */
  gboolean        reconnecting;
  /* Sign-out waits for a token request on the wire; one at a time. */
  gboolean        signing_out;

  /* The signed-in user's row: the upsert under way and the profile it sends
   * ("subject\nemail\nname"), and the last profile the database has */
  GCancellable   *upsert_cancellable;
  char           *upserting_profile;
  char           *upserted_profile;
};

G_DEFINE_FINAL_TYPE (OrgdeskApplication, orgdesk_application, ADW_TYPE_APPLICATION)

static OrgdeskWindow *
get_window (OrgdeskApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return ORGDESK_IS_WINDOW (window) ? ORGDESK_WINDOW (window) : NULL;
}

static void
show_error (OrgdeskApplication *self,
            const GError       *error)
{
  OrgdeskWindow *window = get_window (self);

  if (window != NULL)
    orgdesk_window_show_error (window, error);
  else
    g_message ("%s", error->message);
}

static void
set_action_enabled (OrgdeskApplication *self,
                    const char         *name,
                    gboolean            enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* One place decides which actions make sense in which state. */
static void
update_actions (OrgdeskApplication *self)
{
  OrgdeskSessionState state = orgdesk_session_get_state (self->session);
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);
  GAction *organization = g_action_map_lookup_action (G_ACTION_MAP (self), "organization");
  g_autoptr(GVariant) current = g_action_get_state (organization);
  const char *active_id = active != NULL ? orgdesk_organization_get_id (active) : "";

  set_action_enabled (self, "sign-in", state == ORGDESK_SESSION_STATE_SIGNED_OUT);
  set_action_enabled (self, "cancel-sign-in", state == ORGDESK_SESSION_STATE_SIGNING_IN);
  set_action_enabled (self, "sign-out", state == ORGDESK_SESSION_STATE_SIGNED_IN && !self->signing_out);
  set_action_enabled (self, "reconnect", state == ORGDESK_SESSION_STATE_SIGNED_IN &&
                                         orgdesk_session_get_offline (self->session) &&
                                         !self->reconnecting);
  set_action_enabled (self, "organization", state == ORGDESK_SESSION_STATE_SIGNED_IN &&
                                            active != NULL);

  if (!g_str_equal (g_variant_get_string (current, NULL), active_id))
    g_simple_action_set_state (G_SIMPLE_ACTION (organization), g_variant_new_string (active_id));
}

static void
on_active_organization_changed_cb (OrgdeskApplication *self)
{
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);

  /* Remember the choice for the next start; signing out keeps it too. */
  if (active != NULL)
    g_settings_set_string (self->settings, "last-organization-id", orgdesk_organization_get_id (active));

  update_actions (self);
}

static void
on_session_error_cb (OrgdeskApplication *self,
                     const GError       *error)
{
  show_error (self, error);
}

/* The signed-in user {{{ */

static char *
dup_signed_in_profile (OrgdeskApplication *self)
{
  OrgdeskUser *user = orgdesk_session_get_user (self->session);
  const char *email;

  if (orgdesk_session_get_state (self->session) != ORGDESK_SESSION_STATE_SIGNED_IN || user == NULL)
    return NULL;

  email = orgdesk_user_get_email (user);
  return g_strdup_printf ("%s\n%s\n%s", orgdesk_user_get_subject (user), email != NULL ? email : "",
                          orgdesk_user_get_display_name (user));
}

static void upsert_user (OrgdeskApplication *self);

static void
on_user_upserted_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(OrgdeskApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  /* Cancelled by a sign-out, which forgot this upsert already */
  id = orgdesk_user_repository_upsert_finish (ORGDESK_USER_REPOSITORY (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->upsert_cancellable);
  if (id == NULL)
    {
      /* Not the user's concern: what they write still names them (each write adds
       * the row if it is missing) */
      g_message ("Could not record the signed-in user in the database; trying again "
                 "when the database reconnects: %s", error->message);
      g_clear_pointer (&self->upserting_profile, g_free);
      return;
    }

  g_debug ("Recorded the signed-in user in the database");
  g_free (self->upserted_profile);
  self->upserted_profile = g_steal_pointer (&self->upserting_profile);

  /* The profile may have changed meanwhile */
  upsert_user (self);
}

/* Writes the signed-in user's row (orgdesk.users) in the background, once per user
 * and profile: after a sign-in, a resume from the keyring or a new profile from
 * Logto.  A failed one is tried again when the database reconnects. */
static void
upsert_user (OrgdeskApplication *self)
{
  g_autofree char *profile = NULL;

  if (self->user_repository == NULL)
    return;

  profile = dup_signed_in_profile (self);
  if (profile == NULL)
    {
      /* Signed out: the next sign-in writes the row again */
      g_cancellable_cancel (self->upsert_cancellable);
      g_clear_object (&self->upsert_cancellable);
      g_clear_pointer (&self->upserting_profile, g_free);
      g_clear_pointer (&self->upserted_profile, g_free);
      return;
    }

  /* Under way (its callback looks again when done), or done */
  if (self->upsert_cancellable != NULL || g_strcmp0 (profile, self->upserted_profile) == 0)
    return;

  self->upserting_profile = g_steal_pointer (&profile);
  self->upsert_cancellable = g_cancellable_new ();
  orgdesk_user_repository_upsert_async (self->user_repository, self->upsert_cancellable,
                                        on_user_upserted_cb, g_object_ref (self));
}

static void
on_database_state_changed_cb (OrgdeskApplication *self)
{
  if (orgdesk_database_get_state (self->database) == ORGDESK_DATABASE_STATE_CONNECTED)
    upsert_user (self);
}

/* }}} */

/* Actions {{{ */

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OrgdeskApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  if (!orgdesk_session_sign_in_finish (ORGDESK_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  /* Bring Orgdesk back in front of the browser. */
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    gtk_window_present (window);
}

static void
sign_in_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  OrgdeskApplication *self = user_data;
  g_autoptr(GAppLaunchContext) launch_context = NULL;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    launch_context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (window))));

  orgdesk_session_sign_in_async (self->session, launch_context, self->cancellable,
                                 on_signed_in_cb, g_object_ref (self));
}

static void
cancel_sign_in_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  OrgdeskApplication *self = user_data;

  orgdesk_session_cancel_sign_in (self->session);
}

static void
on_signed_out_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(OrgdeskApplication) self = user_data;
  g_autofree char *end_session_uri = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskWindow *window;

  self->signing_out = FALSE;
  update_actions (self);

  if (!orgdesk_session_sign_out_finish (ORGDESK_SESSION (source), result, &end_session_uri, &error))
    {
      show_error (self, error);
      return;
    }

  window = get_window (self);
  if (window != NULL)
    orgdesk_window_show_signed_out (window, end_session_uri);
}

static void
sign_out_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  OrgdeskApplication *self = user_data;

  self->signing_out = TRUE;
  update_actions (self);
  orgdesk_session_sign_out_async (self->session, self->cancellable, on_signed_out_cb, g_object_ref (self));
}

static void
on_reconnected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OrgdeskApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->reconnecting = FALSE;
  update_actions (self);

  /* A sign-out meanwhile ends the reconnect with invalid_grant; a grant revoked
   * at Logto is reported by the session itself. */
  if (!orgdesk_session_reconnect_finish (ORGDESK_SESSION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT))
    show_error (self, error);
}

static void
reconnect_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  OrgdeskApplication *self = user_data;

  self->reconnecting = TRUE;
  update_actions (self);
  orgdesk_session_reconnect_async (self->session, self->cancellable, on_reconnected_cb, g_object_ref (self));
}

/* A change request (from the selector, a shortcut or D-Bus) switches only to an
 * organization in the session's list; anything else leaves the state as it is. */
static void
organization_change_state (GSimpleAction *action,
                           GVariant      *value,
                           gpointer       user_data)
{
  OrgdeskApplication *self = user_data;
  const char *organization_id = g_variant_get_string (value, NULL);

  if (!orgdesk_session_set_active_organization_id (self->session, organization_id))
    g_debug ("Ignoring a switch to an organization that is not in the list");
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  OrgdeskApplication *self = user_data;
  const char *developers[] = { _("The Orgdesk developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-icon", APPLICATION_ID,
                        "application-name", _("Orgdesk"),
                        "developer-name", _("The Orgdesk developers"),
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/orgdesk/orgdesk",
                        "issue-url", "https://github.com/orgdesk/orgdesk/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "sign-in", sign_in_activated },
  { "cancel-sign-in", cancel_sign_in_activated },
  { "sign-out", sign_out_activated },
  { "reconnect", reconnect_activated },
  { "organization", NULL, NULL, "''", organization_change_state },
  { "about", about_activated },
  { "quit", quit_activated },
};

/* }}} */

static void
on_resumed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(OrgdeskApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Offline starts and keyring trouble reach the user through error-occurred. */
  if (!orgdesk_session_resume_finish (ORGDESK_SESSION (source), result, &error) && error != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error);
}

/* Back online after an offline start: try Logto again without waiting for Retry. */
static void
on_network_changed_cb (OrgdeskApplication *self,
                       gboolean            available)
{
  if (available && orgdesk_session_get_offline (self->session))
    g_action_group_activate_action (G_ACTION_GROUP (self), "reconnect", NULL);
}

static OrgdeskSession *
create_session (GSettings *settings)
{
  g_autofree char *endpoint = g_settings_get_string (settings, "logto-endpoint");
  g_autofree char *client_id = g_settings_get_string (settings, "client-id");
  g_autofree char *resource = g_settings_get_string (settings, "database-resource");
  g_auto(GStrv) scopes = g_settings_get_strv (settings, "database-scopes");
  g_autoptr(OrgdeskLogtoClient) client = orgdesk_logto_client_new (endpoint, client_id);
  g_autoptr(OrgdeskTokenStore) store = orgdesk_token_store_new (endpoint, client_id);

  return orgdesk_session_new (client, store, resource, (const char * const *) scopes);
}

static void
orgdesk_application_startup (GApplication *application)
{
  OrgdeskApplication *self = ORGDESK_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  g_autofree char *last_organization = NULL;

  G_APPLICATION_CLASS (orgdesk_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  self->settings = g_settings_new (APPLICATION_ID);
  self->session = create_session (self->settings);
  {
    g_autofree char *database_uri = g_settings_get_string (self->settings, "database-uri");

    /* Connects on first use, in the background; a password the URI lacks comes
     * from the keyring, asked before each attempt (README, "The database"). */
    self->database = orgdesk_database_new (database_uri);
    orgdesk_database_set_password_from_keyring (self->database, TRUE);
    self->post_repository = orgdesk_post_repository_new (self->database, self->session);
    self->comment_repository = orgdesk_comment_repository_new (self->database, self->session);
    self->user_repository = orgdesk_user_repository_new (self->database, self->session);
  }
  /* Whether the active organization's role allows changes, for every view. */
  self->write_access = orgdesk_write_access_new (self->session, NULL);
  g_settings_bind (self->settings, "database-write-scope", self->write_access, "write-scope", G_SETTINGS_BIND_GET);
  self->cancellable = g_cancellable_new ();

  last_organization = g_settings_get_string (self->settings, "last-organization-id");
  if (*last_organization != '\0')
    orgdesk_session_set_preferred_organization_id (self->session, last_organization);

  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (upsert_user), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::user", G_CALLBACK (upsert_user), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->database, "notify::state", G_CALLBACK (on_database_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::offline", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::active-organization",
                           G_CALLBACK (on_active_organization_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "error-occurred", G_CALLBACK (on_session_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed_cb), self, G_CONNECT_SWAPPED);
  update_actions (self);

  orgdesk_session_resume_async (self->session, self->cancellable, on_resumed_cb, g_object_ref (self));
}

static void
orgdesk_application_activate (GApplication *application)
{
  OrgdeskApplication *self = ORGDESK_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (orgdesk_window_new (self));

  gtk_window_present (window);
}

/* Quitting right after a sign-in or a token rotation must not lose the keyring write
 * (or the rotated refresh token still on the wire): give them a few seconds. */
static void
wait_for_grant (OrgdeskApplication *self)
{
  OrgdeskGrant *grant = orgdesk_session_get_grant (self->session);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (grant != NULL && orgdesk_grant_get_busy (grant) && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
}

static void
orgdesk_application_shutdown (GApplication *application)
{
  OrgdeskApplication *self = ORGDESK_APPLICATION (application);

  wait_for_grant (self);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->upsert_cancellable);

  G_APPLICATION_CLASS (orgdesk_application_parent_class)->shutdown (application);
}

static void
orgdesk_application_dispose (GObject *object)
{
  OrgdeskApplication *self = ORGDESK_APPLICATION (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->upsert_cancellable);
  g_clear_object (&self->post_repository);
  g_clear_object (&self->comment_repository);
  g_clear_object (&self->user_repository);
  g_clear_object (&self->write_access);
  g_clear_object (&self->database);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (orgdesk_application_parent_class)->dispose (object);
}

static void
orgdesk_application_finalize (GObject *object)
{
  OrgdeskApplication *self = ORGDESK_APPLICATION (object);

  g_free (self->upserting_profile);
  g_free (self->upserted_profile);

  G_OBJECT_CLASS (orgdesk_application_parent_class)->finalize (object);
}

static void
orgdesk_application_class_init (OrgdeskApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = orgdesk_application_dispose;
  object_class->finalize = orgdesk_application_finalize;
  app_class->startup = orgdesk_application_startup;
  app_class->activate = orgdesk_application_activate;
  app_class->shutdown = orgdesk_application_shutdown;
}

static void
orgdesk_application_init (OrgdeskApplication *self)
{
}

OrgdeskApplication *
orgdesk_application_new (void)
{
  return g_object_new (ORGDESK_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/orgdesk/Orgdesk",
                       NULL);
}

OrgdeskSession *
orgdesk_application_get_session (OrgdeskApplication *self)
{
  g_return_val_if_fail (ORGDESK_IS_APPLICATION (self), NULL);
  return self->session;
}

GSettings *
orgdesk_application_get_settings (OrgdeskApplication *self)
{
  g_return_val_if_fail (ORGDESK_IS_APPLICATION (self), NULL);
  return self->settings;
}

OrgdeskPostRepository *
orgdesk_application_get_post_repository (OrgdeskApplication *self)
{
  g_return_val_if_fail (ORGDESK_IS_APPLICATION (self), NULL);
  return self->post_repository;
}

OrgdeskCommentRepository *
orgdesk_application_get_comment_repository (OrgdeskApplication *self)
{
  g_return_val_if_fail (ORGDESK_IS_APPLICATION (self), NULL);
  return self->comment_repository;
}

OrgdeskWriteAccess *
orgdesk_application_get_write_access (OrgdeskApplication *self)
{
  g_return_val_if_fail (ORGDESK_IS_APPLICATION (self), NULL);
  return self->write_access;
}
