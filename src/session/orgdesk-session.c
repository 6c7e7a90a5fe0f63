/* orgdesk-session.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-session"

#include "config.h"

#include "orgdesk-auth-error.h"
#include "orgdesk-secret-memory.h"
#include "orgdesk-session.h"

/*
 * OrgdeskSession is the one source of truth the UI binds to: who is signed in,
 * their organizations, the active one and its database token.  It drives the auth
 * layer (sign-in, resume from the keyring, refresh, sign-out) and keeps the last
 * userinfo in the keyring record so that a start without network still shows the
 * organization list.
 */

static const char * const base_scopes[] = {
  "openid",
  "offline_access",
  "profile",
  "email",
  "urn:logto:scope:organizations",
  "urn:logto:scope:organization_roles",
  NULL
};

#define ORGANIZATIONS_RESOURCE "urn:logto:resource:organizations"

struct _OrgdeskSession
{
  GObject parent_instance;

  OrgdeskLogtoClient   *client;
  OrgdeskTokenStore    *store;
  char                 *database_resource;
  GStrv                 database_scopes;

  OrgdeskSessionState   state;
  OrgdeskUser          *user;
  GListStore           *organizations;
  OrgdeskOrganization  *active_organization;
  char                 *preferred_organization_id;

  OrgdeskGrant         *grant;
  OrgdeskSignIn        *sign_in;
  GCancellable         *sign_in_cancellable;
  GCancellable         *database_token_cancellable;
  OrgdeskTokenResponse *database_token;

  guint                 offline : 1;
  guint                 persistent : 1;
  guint                 switching : 1;
  guint                 signing_out : 1;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_OFFLINE,
  PROP_PERSISTENT,
  PROP_SWITCHING,
  PROP_USER,
  PROP_ORGANIZATIONS,
  PROP_ACTIVE_ORGANIZATION,
  PROP_DATABASE_TOKEN,
  PROP_SIGN_IN,
  N_PROPS
};

enum {
  ERROR_OCCURRED,
  ORGANIZATION_REMOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_ENUM_TYPE (OrgdeskSessionState, orgdesk_session_state,
  G_DEFINE_ENUM_VALUE (ORGDESK_SESSION_STATE_SIGNED_OUT, "signed-out"),
  G_DEFINE_ENUM_VALUE (ORGDESK_SESSION_STATE_RESUMING, "resuming"),
  G_DEFINE_ENUM_VALUE (ORGDESK_SESSION_STATE_SIGNING_IN, "signing-in"),
  G_DEFINE_ENUM_VALUE (ORGDESK_SESSION_STATE_SIGNED_IN, "signed-in"))

G_DEFINE_FINAL_TYPE (OrgdeskSession, orgdesk_session, G_TYPE_OBJECT)

static void choose_active_organization (OrgdeskSession *self);

/* State {{{ */

static void
set_state (OrgdeskSession      *self,
           OrgdeskSessionState  state)
{
  if (self->state == state)
    return;

  g_debug ("Session state %d → %d", self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_offline (OrgdeskSession *self,
             gboolean        offline)
{
  if (self->offline == !!offline)
    return;

  self->offline = !!offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

static void
set_switching (OrgdeskSession *self,
               gboolean        switching)
{
  if (self->switching == !!switching)
    return;

  self->switching = !!switching;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SWITCHING]);
}

static void
update_persistent (OrgdeskSession *self)
{
  gboolean persistent = self->grant != NULL && orgdesk_grant_get_persistent (self->grant);

  if (self->persistent == persistent)
    return;

  self->persistent = persistent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSISTENT]);
}

static void
set_database_token (OrgdeskSession       *self,
                    OrgdeskTokenResponse *token)
{
  if (g_set_object (&self->database_token, token))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_TOKEN]);
}

/* Sign-out came while a step was under way: the step ends with this. */
static GError *
signed_out_error (void)
{
  return g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT, "You are signed out");
}

static void
report_error (OrgdeskSession *self,
              const GError   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_signal_emit (self, signals[ERROR_OCCURRED], 0, error);
}

/* Logto is unreachable: said once, when the session goes offline.  At an
 * offline start the resume and the database token fail together. */
static void
go_offline (OrgdeskSession *self,
            const GError   *error)
{
  if (self->offline)
    return;

  set_offline (self, TRUE);
  report_error (self, error);
}

/* }}} */

/* The active organization and its database token {{{ */

/* Logto says the user is no longer a member: drop it from the list (and make
 * another one active if it was). */
static void
drop_organization (OrgdeskSession *self,
                   const char     *organization_id)
{
  g_autoptr(OrgdeskOrganization) removed = NULL;
  guint position;

  removed = orgdesk_session_find_organization (self, organization_id, &position);
  if (removed == NULL)
    return;

  g_object_ref (removed);
  g_list_store_remove (self->organizations, position);
  choose_active_organization (self);
  if (self->grant != NULL)
    orgdesk_grant_forget_organization (self->grant, orgdesk_organization_get_id (removed));
  g_signal_emit (self, signals[ORGANIZATION_REMOVED], 0, removed);
}

static void
on_database_token_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(OrgdeskSession) self = user_data;
  g_autoptr(OrgdeskTokenResponse) token = NULL;
  g_autoptr(GError) error = NULL;

  token = orgdesk_grant_request_token_finish (ORGDESK_GRANT (source), result, &error);

  /* A newer switch cancelled this one; its result belongs to nobody. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_switching (self, FALSE);

  if (token != NULL)
    {
      set_offline (self, FALSE);
      set_database_token (self, token);
      return;
    }

  if (g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_ACCESS_DENIED) &&
      self->active_organization != NULL)
    {
      drop_organization (self, orgdesk_organization_get_id (self->active_organization));
      return;
    }

  if (orgdesk_auth_error_is_network (error))
    go_offline (self, error);
  /* invalid_grant is reported once, by the grant's invalidated signal. */
  else if (!g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT))
    report_error (self, error);
}

static void
fetch_database_token (OrgdeskSession *self)
{
  g_cancellable_cancel (self->database_token_cancellable);
  g_clear_object (&self->database_token_cancellable);
  set_database_token (self, NULL);

  if (self->active_organization == NULL || self->grant == NULL ||
      self->database_resource == NULL || *self->database_resource == '\0')
    {
      set_switching (self, FALSE);
      return;
    }

  self->database_token_cancellable = g_cancellable_new ();
  set_switching (self, TRUE);
  orgdesk_grant_request_token_async (self->grant,
                                     orgdesk_organization_get_id (self->active_organization),
                                     self->database_resource,
                                     self->database_token_cancellable,
                                     on_database_token_cb,
                                     g_object_ref (self));
}

static void
set_active_organization (OrgdeskSession      *self,
                         OrgdeskOrganization *organization)
{
  gboolean same_id;

  if (self->active_organization == organization)
    return;

  /* A refreshed list brings new objects for the same organizations: that is an
   * update of name or roles, not a switch, so the token stays. */
  same_id = self->active_organization != NULL && organization != NULL &&
            g_str_equal (orgdesk_organization_get_id (self->active_organization),
                         orgdesk_organization_get_id (organization));

  g_set_object (&self->active_organization, organization);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE_ORGANIZATION]);

  if (same_id)
    return;

  if (organization != NULL)
    orgdesk_session_set_preferred_organization_id (self, orgdesk_organization_get_id (organization));

  fetch_database_token (self);
}

/* After the list changed: keep the active organization if it is still there, else
 * take the preferred (remembered) one, else the first. */
static void
choose_active_organization (OrgdeskSession *self)
{
  OrgdeskOrganization *choice = NULL;
  const char *current_id = NULL;

  if (self->active_organization != NULL)
    current_id = orgdesk_organization_get_id (self->active_organization);

  if (current_id != NULL)
    choice = orgdesk_session_find_organization (self, current_id, NULL);
  if (choice == NULL && self->preferred_organization_id != NULL)
    choice = orgdesk_session_find_organization (self, self->preferred_organization_id, NULL);
  if (choice == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->organizations)) > 0)
    {
      g_autoptr(OrgdeskOrganization) first = g_list_model_get_item (G_LIST_MODEL (self->organizations), 0);

      choice = first;
    }

  set_active_organization (self, choice);
}

/* }}} */

/* Profile: user and organizations from userinfo {{{ */

static gboolean
apply_userinfo (OrgdeskSession  *self,
                JsonObject      *userinfo,
                GError         **error)
{
  g_autoptr(OrgdeskUser) user = orgdesk_user_new_from_userinfo (userinfo);
  g_autoptr(GPtrArray) organizations = NULL;

  if (user == NULL || g_strcmp0 (orgdesk_user_get_subject (user), orgdesk_grant_get_subject (self->grant)) != 0)
    {
      g_set_error_literal (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The profile from Logto does not belong to the signed-in user");
      return FALSE;
    }

  if (g_set_object (&self->user, user))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);

  organizations = orgdesk_organizations_from_userinfo (userinfo);
  g_list_store_splice (self->organizations, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->organizations)),
                       organizations->pdata, organizations->len);
  /* Only after the list's own listeners (the selector) have seen the change. */
  choose_active_organization (self);

  return TRUE;
}

static void
on_grant_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OrgdeskSession) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A grant that ended meanwhile (sign-out) is not written back, by design. */
  if (!orgdesk_grant_save_finish (ORGDESK_GRANT (source), result, &error) &&
      !g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT))
    {
      g_message ("Sign-in is kept for this session only: %s", error->message);
      report_error (self, error);
    }

  update_persistent (self);
}

static void
remember_userinfo (OrgdeskSession *self,
                   JsonObject     *userinfo)
{
  orgdesk_grant_set_resume_data (self->grant, userinfo);
  orgdesk_grant_save_async (self->grant, NULL, on_grant_saved_cb, g_object_ref (self));
}

static void
on_userinfo_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) userinfo = NULL;
  GError *error = NULL;

  userinfo = orgdesk_logto_client_fetch_userinfo_finish (ORGDESK_LOGTO_CLIENT (source), result, &error);
  if (userinfo != NULL && self->grant == NULL)
    error = signed_out_error ();
  if (error != NULL || !apply_userinfo (self, userinfo, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  set_offline (self, FALSE);
  set_state (self, ORGDESK_SESSION_STATE_SIGNED_IN);
  remember_userinfo (self, userinfo);
  g_task_return_boolean (task, TRUE);
}

static void
fetch_userinfo (GTask      *task,
                const char *access_token)
{
  OrgdeskSession *self = g_task_get_source_object (task);

  orgdesk_logto_client_fetch_userinfo_async (self->client, access_token,
                                             g_task_get_cancellable (task),
                                             on_userinfo_cb, task);
}

static void
on_profile_token_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(OrgdeskTokenResponse) token = NULL;
  GError *error = NULL;

  token = orgdesk_grant_request_token_finish (ORGDESK_GRANT (source), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  fetch_userinfo (task, orgdesk_token_response_get_access_token (token));
}

static void
on_profile_discovered_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (orgdesk_logto_client_discover_finish (ORGDESK_LOGTO_CLIENT (source), result, &error) &&
      self->grant == NULL)
    error = signed_out_error ();
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* A plain refresh: a fresh ID token (same sub) and an access token for userinfo. */
  orgdesk_grant_request_token_async (self->grant, NULL, NULL, g_task_get_cancellable (task),
                                     on_profile_token_cb, task);
}

/* Refreshes the grant and re-reads the profile; the step shared by resume and
 * reconnect.  An unreachable Logto leaves the session signed in but offline. */
static void
refresh_profile_async (OrgdeskSession      *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, refresh_profile_async);
  orgdesk_logto_client_discover_async (self->client, cancellable, on_profile_discovered_cb, task);
}

static gboolean
refresh_profile_finish (OrgdeskSession  *self,
                        GAsyncResult    *result,
                        GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Losing the grant {{{ */

static void
clear_signed_in_state (OrgdeskSession *self)
{
  g_cancellable_cancel (self->database_token_cancellable);
  g_clear_object (&self->database_token_cancellable);
  set_database_token (self, NULL);
  set_switching (self, FALSE);

  if (self->grant != NULL)
    g_signal_handlers_disconnect_by_data (self->grant, self);
  g_clear_object (&self->grant);
  update_persistent (self);

  g_list_store_remove_all (self->organizations);
  choose_active_organization (self);
  if (g_set_object (&self->user, NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);

  set_offline (self, FALSE);
  set_state (self, ORGDESK_SESSION_STATE_SIGNED_OUT);
}

static void
on_stale_record_cleared_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!orgdesk_token_store_clear_finish (ORGDESK_TOKEN_STORE (source), result, &error))
    g_message ("Could not delete the expired sign-in from the keyring: %s", error->message);
}

static void
on_ended_record_deleted_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!orgdesk_grant_delete_record_finish (ORGDESK_GRANT (source), result, &error))
    g_message ("Could not delete the expired sign-in from the keyring: %s", error->message);
}

/* The grant was revoked or expired at Logto: the keyring record is worthless now.
 * The grant deletes it once its own writes are done, so none comes after. */
static void
on_grant_invalidated_cb (OrgdeskSession *self,
                         const GError   *error,
                         OrgdeskGrant   *grant)
{
  if (self->signing_out)
    return;

  orgdesk_grant_delete_record_async (grant, on_ended_record_deleted_cb, NULL);
  clear_signed_in_state (self);
  report_error (self, error);
}

static void
on_grant_persistent_changed_cb (OrgdeskSession *self)
{
  update_persistent (self);
}

static void
adopt_grant (OrgdeskSession *self,
             OrgdeskGrant   *grant)
{
  g_set_object (&self->grant, grant);
  g_signal_connect_object (grant, "invalidated", G_CALLBACK (on_grant_invalidated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (grant, "notify::persistent", G_CALLBACK (on_grant_persistent_changed_cb), self, G_CONNECT_SWAPPED);
  update_persistent (self);
}

/* }}} */

/* Resume {{{ */

static void
on_resume_refreshed_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = ORGDESK_SESSION (source);
  GError *error = NULL;

  if (refresh_profile_finish (self, result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Without network, start from the saved profile and say so. */
  if (orgdesk_auth_error_is_network (error) && self->user != NULL)
    {
      g_debug ("Logto is unreachable; starting offline: %s", error->message);
      go_offline (self, error);
      set_state (self, ORGDESK_SESSION_STATE_SIGNED_IN);
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->grant != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    clear_signed_in_state (self);
  else if (self->grant == NULL)
    set_state (self, ORGDESK_SESSION_STATE_SIGNED_OUT);

  g_task_return_error (task, error);
}

static void
on_record_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_auto(OrgdeskSecretString) record = NULL;
  g_autofree char *subject = NULL;
  GError *error = NULL;
  JsonObject *saved_userinfo;

  record = orgdesk_token_store_load_finish (ORGDESK_TOKEN_STORE (source), result, &subject, &error);
  if (record == NULL)
    {
      set_state (self, ORGDESK_SESSION_STATE_SIGNED_OUT);
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, FALSE);
      return;
    }

  grant = orgdesk_grant_new_from_record (self->client, self->store, record, &error);
  if (grant == NULL)
    {
      set_state (self, ORGDESK_SESSION_STATE_SIGNED_OUT);
      orgdesk_token_store_clear_async (self->store, subject, NULL, on_stale_record_cleared_cb, NULL);
      g_task_return_error (task, error);
      return;
    }

  adopt_grant (self, grant);

  /* Show the last known profile at once; the refresh below replaces it. */
  saved_userinfo = orgdesk_grant_get_resume_data (grant);
  if (saved_userinfo != NULL)
    apply_userinfo (self, saved_userinfo, NULL);

  refresh_profile_async (self, g_task_get_cancellable (task), on_resume_refreshed_cb, g_object_ref (task));
}

/**
 * orgdesk_session_resume_async:
 * @self: a signed-out #OrgdeskSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the session is resumed or found absent
 * @user_data: data for @callback
 *
 * Start-up: reads the keyring record and resumes the session without a browser.
 * Finishes with %TRUE when signed in (possibly offline), %FALSE when there is
 * nothing to resume, or an error (keyring unavailable, grant expired).
 */
void
orgdesk_session_resume_async (OrgdeskSession      *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ORGDESK_IS_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_session_resume_async);

  if (self->state != ORGDESK_SESSION_STATE_SIGNED_OUT || self->store == NULL)
    {
      g_task_return_boolean (task, self->state == ORGDESK_SESSION_STATE_SIGNED_IN);
      g_object_unref (task);
      return;
    }

  set_state (self, ORGDESK_SESSION_STATE_RESUMING);
  orgdesk_token_store_load_async (self->store, cancellable, on_record_loaded_cb, task);
}

gboolean
orgdesk_session_resume_finish (OrgdeskSession  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_reconnected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = ORGDESK_SESSION (source);
  GError *error = NULL;

  if (!refresh_profile_finish (self, result, &error))
    {
      if (orgdesk_auth_error_is_network (error))
        set_offline (self, TRUE);
      g_task_return_error (task, error);
      return;
    }

  /* Back online: the active organization's token may never have come. */
  if (self->database_token == NULL && !self->switching)
    fetch_database_token (self);

  g_task_return_boolean (task, TRUE);
}

/**
 * orgdesk_session_reconnect_async:
 * @self: a signed-in #OrgdeskSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Tries Logto again after an offline start: refreshes the profile and the
 * organization list.
 */
void
orgdesk_session_reconnect_async (OrgdeskSession      *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ORGDESK_IS_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_session_reconnect_async);

  if (self->grant == NULL || self->signing_out)
    {
      g_task_return_error (task, signed_out_error ());
      g_object_unref (task);
      return;
    }

  refresh_profile_async (self, cancellable, on_reconnected_cb, task);
}

gboolean
orgdesk_session_reconnect_finish (OrgdeskSession  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Sign-in {{{ */

static void
end_sign_in_attempt (OrgdeskSession *self)
{
  g_clear_object (&self->sign_in_cancellable);
  if (self->sign_in != NULL)
    {
      g_clear_object (&self->sign_in);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN]);
    }
}

/* Starts a browser authorization as #OrgdeskSession:sign-in (the link the UI
 * offers to copy); @callback gets the OrgdeskSignIn's result. */
static void
run_sign_in (OrgdeskSession      *self,
             GAppLaunchContext   *launch_context,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             GTask               *task)
{
  g_autoptr(GStrvBuilder) scopes = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) resources = g_strv_builder_new ();
  g_auto(GStrv) scope_list = NULL;
  g_auto(GStrv) resource_list = NULL;

  /* Logto grants API scopes later only if they and the resource were asked for now. */
  g_strv_builder_addv (scopes, (const char **) base_scopes);
  g_strv_builder_add (resources, ORGANIZATIONS_RESOURCE);
  if (self->database_resource != NULL && *self->database_resource != '\0')
    {
      g_strv_builder_addv (scopes, (const char **) self->database_scopes);
      g_strv_builder_add (resources, self->database_resource);
    }
  scope_list = g_strv_builder_end (scopes);
  resource_list = g_strv_builder_end (resources);

  self->sign_in = orgdesk_sign_in_new (self->client, (const char * const *) scope_list,
                                       (const char * const *) resource_list);
  self->sign_in_cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN]);

  orgdesk_sign_in_run_async (self->sign_in, launch_context, self->sign_in_cancellable, callback, task);
}

static void
on_signed_in_profile_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  end_sign_in_attempt (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      clear_signed_in_state (self);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_sign_in_run_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(OrgdeskJwt) id_token = NULL;
  GTask *profile_task;
  GError *error = NULL;

  response = orgdesk_sign_in_run_finish (ORGDESK_SIGN_IN (source), result, &id_token, &error);
  if (response == NULL)
    {
      end_sign_in_attempt (self);
      set_state (self, ORGDESK_SESSION_STATE_SIGNED_OUT);
      g_task_return_error (task, error);
      return;
    }

  grant = orgdesk_grant_new (self->client, self->store,
                             orgdesk_jwt_get_string_claim (id_token, "sub"),
                             orgdesk_token_response_get_refresh_token (response),
                             orgdesk_token_response_get_id_token (response));
  adopt_grant (self, grant);

  /* The code-exchange access token is the one userinfo accepts. */
  profile_task = g_task_new (self, g_task_get_cancellable (task), on_signed_in_profile_cb, g_object_ref (task));
  fetch_userinfo (profile_task, orgdesk_token_response_get_access_token (response));
}

/**
 * orgdesk_session_sign_in_async:
 * @self: a signed-out #OrgdeskSession
 * @launch_context: (nullable): for the browser launch
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when signed in, failed or cancelled
 * @user_data: data for @callback
 *
 * Signs in through the system browser.  While it runs, #OrgdeskSession:sign-in
 * holds the attempt (its authorization URI is the link the user may copy), and
 * orgdesk_session_cancel_sign_in() ends it.
 */
void
orgdesk_session_sign_in_async (OrgdeskSession      *self,
                               GAppLaunchContext   *launch_context,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ORGDESK_IS_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_session_sign_in_async);

  if (self->state != ORGDESK_SESSION_STATE_SIGNED_OUT)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "Already signed in or signing in");
      g_object_unref (task);
      return;
    }

  set_state (self, ORGDESK_SESSION_STATE_SIGNING_IN);
  run_sign_in (self, launch_context, cancellable, on_sign_in_run_cb, task);
}

gboolean
orgdesk_session_sign_in_finish (OrgdeskSession  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
orgdesk_session_cancel_sign_in (OrgdeskSession *self)
{
  g_return_if_fail (ORGDESK_IS_SESSION (self));

  if (self->sign_in_cancellable != NULL)
    g_cancellable_cancel (self->sign_in_cancellable);
}

/* }}} */

/* Authorizing again {{{ */

/* The old grant writes nothing any more: this record is the last word. */
static void
on_replaced_grant_retired_cb (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(OrgdeskSession) self = user_data;

  orgdesk_grant_retire_finish (ORGDESK_GRANT (source), result, NULL);
  if (self->grant != NULL)
    orgdesk_grant_save_async (self->grant, NULL, on_grant_saved_cb, g_object_ref (self));
}

static void
on_authorized_again_profile_cb (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  /* The same active organization with the new grant's scopes, profile or not. */
  if (self->grant != NULL)
    fetch_database_token (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_authorize_again_run_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(OrgdeskJwt) id_token = NULL;
  g_autoptr(OrgdeskGrant) replaced = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  GTask *profile_task;
  GError *error = NULL;

  response = orgdesk_sign_in_run_finish (ORGDESK_SIGN_IN (source), result, &id_token, &error);
  end_sign_in_attempt (self);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->grant == NULL || self->signing_out)
    {
      g_task_return_error (task, signed_out_error ());
      return;
    }

  /* The browser may be signed in at Logto as someone else by now. */
  if (g_strcmp0 (orgdesk_jwt_get_string_claim (id_token, "sub"), orgdesk_grant_get_subject (self->grant)) != 0)
    {
      const char *stray = orgdesk_token_response_get_refresh_token (response);

      if (stray != NULL)
        orgdesk_logto_client_revoke_async (self->client, stray, NULL, NULL, NULL);
      g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_WRONG_ACCOUNT,
                               "The browser is signed in to Logto as another user");
      return;
    }

  /* Disconnected first: retiring ends the old grant, which is no sign-out. */
  replaced = g_object_ref (self->grant);
  g_signal_handlers_disconnect_by_data (replaced, self);
  grant = orgdesk_grant_new (self->client, self->store,
                             orgdesk_grant_get_subject (replaced),
                             orgdesk_token_response_get_refresh_token (response),
                             orgdesk_token_response_get_id_token (response));
  adopt_grant (self, grant);
  orgdesk_grant_retire_async (replaced, on_replaced_grant_retired_cb, g_object_ref (self));

  /* The active organization's token has the old scopes. */
  g_cancellable_cancel (self->database_token_cancellable);
  g_clear_object (&self->database_token_cancellable);
  set_database_token (self, NULL);

  profile_task = g_task_new (self, g_task_get_cancellable (task), on_authorized_again_profile_cb, g_object_ref (task));
  fetch_userinfo (profile_task, orgdesk_token_response_get_access_token (response));
}

/**
 * orgdesk_session_authorize_again_async:
 * @self: a signed-in #OrgdeskSession
 * @launch_context: (nullable): for the browser launch
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done, failed or cancelled
 * @user_data: data for @callback
 *
 * Runs the browser authorization again for the signed-in account and replaces
 * the grant with the new one.  Logto fixes a grant's API scopes when the user
 * authorizes, to what her roles grant then, and a refresh never adds any: a
 * role she got later (her new organization's admin role) brings its database
 * scopes only this way.  While the browser still has its Logto session this
 * shows no form.  #OrgdeskSession:sign-in holds the attempt meanwhile; the
 * state stays signed in.  Fails with %ORGDESK_AUTH_ERROR_WRONG_ACCOUNT when the
 * browser came back signed in as someone else (the session is left as it was).
 */
void
orgdesk_session_authorize_again_async (OrgdeskSession      *self,
                                       GAppLaunchContext   *launch_context,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ORGDESK_IS_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_session_authorize_again_async);

  if (self->state != ORGDESK_SESSION_STATE_SIGNED_IN || self->grant == NULL || self->signing_out)
    {
      g_task_return_error (task, signed_out_error ());
      g_object_unref (task);
      return;
    }

  if (self->sign_in != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "An authorization is under way");
      g_object_unref (task);
      return;
    }

  run_sign_in (self, launch_context, cancellable, on_authorize_again_run_cb, task);
}

gboolean
orgdesk_session_authorize_again_finish (OrgdeskSession  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Sign-out {{{ */

static void
on_grant_revoked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->signing_out = FALSE;
  clear_signed_in_state (self);

  if (!orgdesk_grant_revoke_finish (ORGDESK_GRANT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (g_task_get_task_data (task)), g_free);
}

static void
on_records_cleared_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!orgdesk_token_store_clear_finish (ORGDESK_TOKEN_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, NULL, NULL);
}

/**
 * orgdesk_session_sign_out_async:
 * @self: a #OrgdeskSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when signed out
 * @user_data: data for @callback
 *
 * Revokes the grant at Logto, deletes the keyring record and forgets everything
 * in memory.  The browser keeps its Logto session; sign_out_finish() gives the
 * end-session link that ends it too.
 */
void
orgdesk_session_sign_out_async (OrgdeskSession      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ORGDESK_IS_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_session_sign_out_async);

  orgdesk_session_cancel_sign_in (self);

  if (self->grant == NULL)
    {
      clear_signed_in_state (self);
      if (self->store == NULL)
        {
          g_task_return_pointer (task, NULL, NULL);
          g_object_unref (task);
          return;
        }
      orgdesk_token_store_clear_async (self->store, NULL, NULL, on_records_cleared_cb, task);
      return;
    }

  g_task_set_task_data (task,
                        orgdesk_logto_client_build_end_session_uri (self->client,
                                                                    orgdesk_grant_get_id_token (self->grant)),
                        g_free);
  self->signing_out = TRUE;
  orgdesk_grant_revoke_async (self->grant, NULL, on_grant_revoked_cb, task);
}

/**
 * orgdesk_session_sign_out_finish:
 * @self: a #OrgdeskSession
 * @result: the result
 * @end_session_uri: (out) (optional) (transfer full) (nullable): where to end the
 *   browser's Logto session, if the provider has an end-session endpoint
 * @error: return location for a #GError
 *
 * Returns: %TRUE when signed out everywhere this app can reach
 */
gboolean
orgdesk_session_sign_out_finish (OrgdeskSession  *self,
                                 GAsyncResult    *result,
                                 char           **end_session_uri,
                                 GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  char *uri;

  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  uri = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (end_session_uri != NULL)
    *end_session_uri = uri;
  else
    g_free (uri);

  return TRUE;
}

/* }}} */

/* Database tokens for the data layer {{{ */

static void
on_requested_database_token_cb (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSession *self = g_task_get_source_object (task);
  const char *organization_id = g_task_get_task_data (task);
  g_autoptr(OrgdeskTokenResponse) token = NULL;
  GError *error = NULL;

  token = orgdesk_grant_request_token_finish (ORGDESK_GRANT (source), result, &error);

  /* A new authorization replaced the grant while this waited: ask the new one. */
  if (token == NULL && g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT) &&
      self->grant != NULL && self->grant != ORGDESK_GRANT (source) && !self->signing_out)
    {
      g_clear_error (&error);
      orgdesk_grant_request_token_async (self->grant, organization_id, self->database_resource,
                                         g_task_get_cancellable (task), on_requested_database_token_cb,
                                         g_steal_pointer (&task));
      return;
    }

  if (token == NULL)
    {
      /* Logto says the user is no longer a member: as on a switch to it. */
      if (g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_ACCESS_DENIED) &&
          organization_id != NULL && self->grant == ORGDESK_GRANT (source))
        drop_organization (self, organization_id);
      g_task_return_error (task, error);
      return;
    }

  /* A new token for the active organization (the last one was refused) is the
   * one its role is read from now; during a switch the switch decides. */
  if (organization_id != NULL && self->grant == ORGDESK_GRANT (source) && !self->switching &&
      self->active_organization != NULL &&
      g_str_equal (orgdesk_organization_get_id (self->active_organization), organization_id))
    {
      set_offline (self, FALSE);
      set_database_token (self, token);
    }

  g_task_return_pointer (task, g_steal_pointer (&token), g_object_unref);
}

/* }}} */

/* GObject {{{ */

static void
orgdesk_session_dispose (GObject *object)
{
  OrgdeskSession *self = ORGDESK_SESSION (object);

  g_cancellable_cancel (self->database_token_cancellable);
  g_clear_object (&self->database_token_cancellable);
  g_cancellable_cancel (self->sign_in_cancellable);
  g_clear_object (&self->sign_in_cancellable);

  g_clear_object (&self->sign_in);
  g_clear_object (&self->grant);
  g_clear_object (&self->database_token);
  g_clear_object (&self->active_organization);
  g_clear_object (&self->user);
  g_clear_object (&self->organizations);
  g_clear_object (&self->store);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (orgdesk_session_parent_class)->dispose (object);
}

static void
orgdesk_session_finalize (GObject *object)
{
  OrgdeskSession *self = ORGDESK_SESSION (object);

  g_free (self->database_resource);
  g_strfreev (self->database_scopes);
  g_free (self->preferred_organization_id);

  G_OBJECT_CLASS (orgdesk_session_parent_class)->finalize (object);
}

static void
orgdesk_session_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OrgdeskSession *self = ORGDESK_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;

    case PROP_PERSISTENT:
      g_value_set_boolean (value, self->persistent);
      break;

    case PROP_SWITCHING:
      g_value_set_boolean (value, self->switching);
      break;

    case PROP_USER:
      g_value_set_object (value, self->user);
      break;

    case PROP_ORGANIZATIONS:
      g_value_set_object (value, self->organizations);
      break;

    case PROP_ACTIVE_ORGANIZATION:
      g_value_set_object (value, self->active_organization);
      break;

    case PROP_DATABASE_TOKEN:
      g_value_set_object (value, self->database_token);
      break;

    case PROP_SIGN_IN:
      g_value_set_object (value, self->sign_in);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_session_class_init (OrgdeskSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_session_dispose;
  object_class->finalize = orgdesk_session_finalize;
  object_class->get_property = orgdesk_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, ORGDESK_TYPE_SESSION_STATE, ORGDESK_SESSION_STATE_SIGNED_OUT,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * OrgdeskSession:offline:
   *
   * Signed in, but Logto could not be reached: the organization list is the one
   * saved last time.
   */
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * OrgdeskSession:persistent:
   *
   * Whether the sign-in is kept in the keyring; %FALSE means it ends with the app.
   */
  properties[PROP_PERSISTENT] =
    g_param_spec_boolean ("persistent", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * OrgdeskSession:switching:
   *
   * The active organization's database token is being fetched.
   */
  properties[PROP_SWITCHING] =
    g_param_spec_boolean ("switching", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_USER] =
    g_param_spec_object ("user", NULL, NULL, ORGDESK_TYPE_USER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_ORGANIZATIONS] =
    g_param_spec_object ("organizations", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_ACTIVE_ORGANIZATION] =
    g_param_spec_object ("active-organization", NULL, NULL, ORGDESK_TYPE_ORGANIZATION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_DATABASE_TOKEN] =
    g_param_spec_object ("database-token", NULL, NULL, ORGDESK_TYPE_TOKEN_RESPONSE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_SIGN_IN] =
    g_param_spec_object ("sign-in", NULL, NULL, ORGDESK_TYPE_SIGN_IN,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OrgdeskSession::error-occurred:
   * @error: what went wrong in the background
   *
   * A background failure the user should hear about (offline, keyring, grant
   * ended).  Never emitted for cancellation.
   */
  signals[ERROR_OCCURRED] =
    g_signal_new ("error-occurred", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * OrgdeskSession::organization-removed:
   * @organization: the organization
   *
   * Logto denied access to an organization (membership removed); it is gone
   * from the list.
   */
  signals[ORGANIZATION_REMOVED] =
    g_signal_new ("organization-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, ORGDESK_TYPE_ORGANIZATION);
}

static void
orgdesk_session_init (OrgdeskSession *self)
{
  self->organizations = g_list_store_new (ORGDESK_TYPE_ORGANIZATION);
}

/* }}} */

/**
 * orgdesk_session_new:
 * @client: the Logto client
 * @store: (nullable): the keyring store, or %NULL for a session kept in memory
 * @database_resource: (nullable): the database API resource indicator
 * @database_scopes: (nullable): its scopes to request at sign-in
 *
 * Returns: (transfer full): a signed-out session
 */
OrgdeskSession *
orgdesk_session_new (OrgdeskLogtoClient *client,
                     OrgdeskTokenStore  *store,
                     const char         *database_resource,
                     const char * const *database_scopes)
{
  OrgdeskSession *self;

  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (client), NULL);
  g_return_val_if_fail (!store || ORGDESK_IS_TOKEN_STORE (store), NULL);

  self = g_object_new (ORGDESK_TYPE_SESSION, NULL);
  self->client = g_object_ref (client);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->database_resource = g_strdup (database_resource);
  self->database_scopes = database_scopes != NULL ? g_strdupv ((char **) database_scopes) : g_new0 (char *, 1);

  return self;
}

OrgdeskSessionState
orgdesk_session_get_state (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), ORGDESK_SESSION_STATE_SIGNED_OUT);
  return self->state;
}

gboolean
orgdesk_session_get_offline (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);
  return self->offline;
}

gboolean
orgdesk_session_get_persistent (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);
  return self->persistent;
}

gboolean
orgdesk_session_get_switching (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);
  return self->switching;
}

OrgdeskUser *
orgdesk_session_get_user (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);
  return self->user;
}

GListModel *
orgdesk_session_get_organizations (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->organizations);
}

OrgdeskOrganization *
orgdesk_session_get_active_organization (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);
  return self->active_organization;
}

/**
 * orgdesk_session_find_organization:
 * @self: a #OrgdeskSession
 * @organization_id: an organization id
 * @position: (out) (optional): its position in the list
 *
 * Returns: (transfer none) (nullable): the organization in the session's list
 */
OrgdeskOrganization *
orgdesk_session_find_organization (OrgdeskSession *self,
                                   const char     *organization_id,
                                   guint          *position)
{
  GListModel *model;

  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);

  if (organization_id == NULL)
    return NULL;

  model = G_LIST_MODEL (self->organizations);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OrgdeskOrganization) organization = g_list_model_get_item (model, i);

      if (g_str_equal (orgdesk_organization_get_id (organization), organization_id))
        {
          if (position != NULL)
            *position = i;
          return organization; /* the list keeps it alive */
        }
    }

  return NULL;
}

/**
 * orgdesk_session_set_active_organization_id:
 * @self: a signed-in #OrgdeskSession
 * @organization_id: the organization to switch to
 *
 * Switches only to an organization of the session's own list: the id comes from
 * Logto, never from elsewhere.
 *
 * Returns: %TRUE if @organization_id is in the list (and now active)
 */
gboolean
orgdesk_session_set_active_organization_id (OrgdeskSession *self,
                                            const char     *organization_id)
{
  OrgdeskOrganization *organization;

  g_return_val_if_fail (ORGDESK_IS_SESSION (self), FALSE);

  organization = orgdesk_session_find_organization (self, organization_id, NULL);
  if (organization == NULL)
    return FALSE;

  set_active_organization (self, organization);
  return TRUE;
}

/**
 * orgdesk_session_set_preferred_organization_id:
 * @self: a #OrgdeskSession
 * @organization_id: (nullable): the organization to make active when the list
 *   arrives (the one remembered from the last run)
 */
void
orgdesk_session_set_preferred_organization_id (OrgdeskSession *self,
                                               const char     *organization_id)
{
  g_return_if_fail (ORGDESK_IS_SESSION (self));

  if (g_strcmp0 (self->preferred_organization_id, organization_id) == 0)
    return;

  g_free (self->preferred_organization_id);
  self->preferred_organization_id = g_strdup (organization_id);
}

OrgdeskTokenResponse *
orgdesk_session_get_database_token (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);
  return self->database_token;
}

/**
 * orgdesk_session_request_database_token_async:
 * @self: a #OrgdeskSession
 * @organization_id: (nullable): the organization the token is for (one the
 *   request took from the session when it started), or %NULL for a user-level
 *   token (no organization in it)
 * @cancellable: (nullable): cancels the wait
 * @callback: called with the token
 * @user_data: data for @callback
 *
 * Gets an access token for the database API resource, what the database's
 * orgdesk.authenticate() verifies.  It goes through the grant, which keeps it
 * until shortly before it expires: for the active organization it is the
 * #OrgdeskSession:database-token.  Fails with %ORGDESK_AUTH_ERROR_INVALID_GRANT
 * when signed out and %ORGDESK_AUTH_ERROR_NOT_CONFIGURED without a database
 * resource.
 */
void
orgdesk_session_request_database_token_async (OrgdeskSession      *self,
                                              const char          *organization_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ORGDESK_IS_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_session_request_database_token_async);
  g_task_set_task_data (task, g_strdup (organization_id), g_free);

  if (self->grant == NULL || self->signing_out)
    {
      g_task_return_error (task, signed_out_error ());
      g_object_unref (task);
      return;
    }

  if (self->database_resource == NULL || *self->database_resource == '\0')
    {
      g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_NOT_CONFIGURED,
                               "No database API resource is configured");
      g_object_unref (task);
      return;
    }

  orgdesk_grant_request_token_async (self->grant, organization_id, self->database_resource,
                                     cancellable, on_requested_database_token_cb, task);
}

/**
 * orgdesk_session_request_database_token_finish:
 * @self: a #OrgdeskSession
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the token, or %NULL with @error set
 */
OrgdeskTokenResponse *
orgdesk_session_request_database_token_finish (OrgdeskSession  *self,
                                               GAsyncResult    *result,
                                               GError         **error)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * orgdesk_session_forget_database_token:
 * @self: a #OrgdeskSession
 * @organization_id: (nullable): what @token was requested for
 * @token: a token from orgdesk_session_request_database_token_finish() that the
 *   database refused
 *
 * Drops @token from the grant's cache, so the next request gets a new one.  A
 * newer token that replaced it already stays.
 */
void
orgdesk_session_forget_database_token (OrgdeskSession       *self,
                                       const char           *organization_id,
                                       OrgdeskTokenResponse *token)
{
  g_return_if_fail (ORGDESK_IS_SESSION (self));
  g_return_if_fail (ORGDESK_IS_TOKEN_RESPONSE (token));

  if (self->grant == NULL || self->database_resource == NULL)
    return;

  if (orgdesk_grant_forget_token (self->grant, organization_id, self->database_resource, token))
    g_debug ("Dropped a database token the database refused");
}

OrgdeskSignIn *
orgdesk_session_get_sign_in (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);
  return self->sign_in;
}

OrgdeskGrant *
orgdesk_session_get_grant (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);
  return self->grant;
}

OrgdeskLogtoClient *
orgdesk_session_get_client (OrgdeskSession *self)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (self), NULL);
  return self->client;
}
