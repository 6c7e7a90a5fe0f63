/* orgdesk-organization-setup.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-auth-error.h"
#include "orgdesk-organization-request-repository.h"
#include "orgdesk-organization-setup.h"

/*
 * A user signed in with no organization gets a default one ("<name>'s
 * organization").  The app holds no Management API credentials, so it asks
 * the database (orgdesk.request_default_organization(), with a user-level
 * token) and orgdesk-provisioner, next to the database, makes it at Logto.
 * This object drives the app's half, by itself, whenever the session is
 * signed in and online with an empty organization list:
 *
 *   REQUESTING   record the request (or find the open one: asking twice,
 *                e.g. after a restart half-way, is the same request)
 *   WAITING      read the request again every second until the provisioner
 *                marks it done or failed, or the timeout passes.  Not
 *                LISTEN: a notification does not pass PgBouncer in
 *                transaction pooling mode, and a poll is one cheap
 *                transaction through the normal authenticated path.
 *   REFRESHING   refresh the grant: the new organization is in userinfo now
 *   AUTHORIZING  only when its database token lacks the write scope: Logto
 *                fixed the grant's API scopes at sign-in, before she had the
 *                role, and a refresh never adds any; a new authorization in
 *                the browser does (no form while the browser is still signed
 *                in at Logto)
 *   DONE         the organization is listed and active
 *
 * A timeout leaves the request open: a provisioner that comes later still
 * does it, and retrying finds the same request.
 */

#define POLL_INTERVAL_MS       1000
#define REFRESH_ATTEMPTS       3
#define REFRESH_RETRY_DELAY_MS 1000
/* The waiting bar is half-way to its share after this long. */
#define EXPECTED_WAIT_SECONDS  10.0

struct _OrgdeskOrganizationSetup
{
  GObject parent_instance;

  OrgdeskSession                       *session;
  OrgdeskDatabase                      *database;
  OrgdeskOrganizationRequestRepository *requests;
  GAppLaunchContext                    *launch_context;
  char                                 *write_scope;
  guint                                 timeout_seconds;

  OrgdeskOrganizationSetupStep          step;
  double                                fraction;
  GError                               *error;
  char                                 *provisioner_message;

  /* The run under way: cancelled by sign-out, and by its own end */
  GCancellable                         *cancellable;
  char                                 *request_id;
  char                                 *organization_id;
  gint64                                waiting_since;   /* monotonic µs */
  guint                                 refresh_attempts;
  guint                                 timer_id;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_DATABASE,
  PROP_STEP,
  PROP_FRACTION,
  PROP_ERROR,
  PROP_PROVISIONER_MESSAGE,
  PROP_TIMEOUT_SECONDS,
  PROP_WRITE_SCOPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskOrganizationSetup, orgdesk_organization_setup, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (OrgdeskOrganizationSetupStep, orgdesk_organization_setup_step,
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_SETUP_STEP_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_SETUP_STEP_REQUESTING, "requesting"),
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_SETUP_STEP_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_SETUP_STEP_REFRESHING, "refreshing"),
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_SETUP_STEP_AUTHORIZING, "authorizing"),
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_SETUP_STEP_DONE, "done"),
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_SETUP_STEP_FAILED, "failed"))

G_DEFINE_QUARK (orgdesk-organization-setup-error-quark, orgdesk_organization_setup_error)

static void poll_request (OrgdeskOrganizationSetup *self);
static void refresh_grant (OrgdeskOrganizationSetup *self);

/* State {{{ */

static void
set_fraction (OrgdeskOrganizationSetup *self,
              double                    fraction)
{
  if (self->fraction == fraction)
    return;

  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

/* Each step's share of the bar when it starts */
static double
step_fraction (OrgdeskOrganizationSetupStep step)
{
  switch (step)
    {
    case ORGDESK_ORGANIZATION_SETUP_STEP_REQUESTING:  return 0.1;
    case ORGDESK_ORGANIZATION_SETUP_STEP_WAITING:     return 0.2;
    case ORGDESK_ORGANIZATION_SETUP_STEP_REFRESHING:  return 0.7;
    case ORGDESK_ORGANIZATION_SETUP_STEP_AUTHORIZING: return 0.85;
    case ORGDESK_ORGANIZATION_SETUP_STEP_DONE:        return 1.0;
    case ORGDESK_ORGANIZATION_SETUP_STEP_IDLE:
    case ORGDESK_ORGANIZATION_SETUP_STEP_FAILED:
    default:
      return 0.0;
    }
}

static void
set_step (OrgdeskOrganizationSetup     *self,
          OrgdeskOrganizationSetupStep  step)
{
  if (self->step == step)
    return;

  g_debug ("Organization setup: %d → %d", self->step, step);
  self->step = step;
  /* A failure keeps the bar where it stopped. */
  if (step != ORGDESK_ORGANIZATION_SETUP_STEP_FAILED)
    set_fraction (self, step_fraction (step));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

static void
set_error (OrgdeskOrganizationSetup *self,
           GError                   *error)   /* (transfer full) (nullable) */
{
  if (self->error == NULL && error == NULL)
    return;

  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_provisioner_message (OrgdeskOrganizationSetup *self,
                         const char               *message)
{
  if (g_strcmp0 (self->provisioner_message, message) == 0)
    return;

  g_free (self->provisioner_message);
  self->provisioner_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVISIONER_MESSAGE]);
}

/* Ends the run under way, if any: its callbacks find their cancellable
 * cancelled and do nothing. */
static void
end_run (OrgdeskOrganizationSetup *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->request_id, g_free);
  g_clear_pointer (&self->organization_id, g_free);
  self->refresh_attempts = 0;
}

static void
fail (OrgdeskOrganizationSetup *self,
      GError                   *error)   /* (transfer full) */
{
  g_debug ("Organization setup failed: %s", error->message);
  end_run (self);
  set_provisioner_message (self, NULL);
  set_error (self, error);
  set_step (self, ORGDESK_ORGANIZATION_SETUP_STEP_FAILED);
}

static void
finish (OrgdeskOrganizationSetup *self)
{
  end_run (self);
  set_provisioner_message (self, NULL);
  set_step (self, ORGDESK_ORGANIZATION_SETUP_STEP_DONE);
}

/* A callback of the current run, or of one that ended since (then it returns
 * TRUE and the result is dropped). */
static gboolean
is_stale (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* }}} */

/* Authorizing again for the new role's scopes {{{ */

static void
on_authorized_again_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(OrgdeskOrganizationSetup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!orgdesk_session_authorize_again_finish (ORGDESK_SESSION (source), result, &error) && is_stale (error))
    return;

  /* The organization is hers either way; without the new authorization it is
   * read-only until she signs in again, and the error says why. */
  if (error != NULL)
    g_message ("The new authorization for the organization's role did not finish: %s", error->message);
  finish (self);
  set_error (self, g_steal_pointer (&error));
}

static gboolean
scope_grants (const char *scopes,
              const char *wanted)
{
  g_auto(GStrv) names = g_strsplit (scopes != NULL ? scopes : "", " ", -1);

  return g_strv_contains ((const char * const *) names, wanted);
}

static void
on_organization_token_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(OrgdeskOrganizationSetup) self = user_data;
  g_autoptr(OrgdeskTokenResponse) token = NULL;
  GError *error = NULL;

  token = orgdesk_session_request_database_token_finish (ORGDESK_SESSION (source), result, &error);
  if (token == NULL)
    {
      if (is_stale (error))
        g_clear_error (&error);
      else
        fail (self, error);
      return;
    }

  if (self->write_scope == NULL || *self->write_scope == '\0' ||
      scope_grants (orgdesk_token_response_get_scope (token), self->write_scope))
    {
      finish (self);
      return;
    }

  set_step (self, ORGDESK_ORGANIZATION_SETUP_STEP_AUTHORIZING);
  orgdesk_session_authorize_again_async (self->session, self->launch_context, self->cancellable,
                                         on_authorized_again_cb, g_object_ref (self));
}

/* }}} */

/* Refreshing the grant until the organization is listed {{{ */

static void
on_refresh_retry_cb (gpointer user_data)
{
  OrgdeskOrganizationSetup *self = user_data;

  self->timer_id = 0;
  refresh_grant (self);
}

static void
on_grant_refreshed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(OrgdeskOrganizationSetup) self = user_data;
  GError *error = NULL;

  if (!orgdesk_session_reconnect_finish (ORGDESK_SESSION (source), result, &error))
    {
      if (is_stale (error))
        g_clear_error (&error);
      else
        fail (self, error);
      return;
    }

  if (!orgdesk_session_set_active_organization_id (self->session, self->organization_id))
    {
      /* Logto may list a new membership a moment late. */
      if (++self->refresh_attempts < REFRESH_ATTEMPTS)
        {
          self->timer_id = g_timeout_add_once (REFRESH_RETRY_DELAY_MS, on_refresh_retry_cb, self);
          return;
        }

      fail (self, g_error_new_literal (ORGDESK_ORGANIZATION_SETUP_ERROR, ORGDESK_ORGANIZATION_SETUP_ERROR_NOT_LISTED,
                                       "The new organization is not in the refreshed sign-in"));
      return;
    }

  orgdesk_session_request_database_token_async (self->session, self->organization_id, self->cancellable,
                                                on_organization_token_cb, g_object_ref (self));
}

static void
refresh_grant (OrgdeskOrganizationSetup *self)
{
  orgdesk_session_reconnect_async (self->session, self->cancellable, on_grant_refreshed_cb, g_object_ref (self));
}

/* }}} */

/* Requesting and waiting {{{ */

static void
on_poll_timeout_cb (gpointer user_data)
{
  OrgdeskOrganizationSetup *self = user_data;

  self->timer_id = 0;
  poll_request (self);
}

static void
follow_request (OrgdeskOrganizationSetup   *self,
                OrgdeskOrganizationRequest *request)
{
  gint64 now = g_get_monotonic_time ();
  double waited;

  switch (orgdesk_organization_request_get_status (request))
    {
    case ORGDESK_ORGANIZATION_REQUEST_DONE:
      self->organization_id = g_strdup (orgdesk_organization_request_get_organization_id (request));
      set_provisioner_message (self, NULL);
      set_step (self, ORGDESK_ORGANIZATION_SETUP_STEP_REFRESHING);
      refresh_grant (self);
      return;

    case ORGDESK_ORGANIZATION_REQUEST_FAILED:
      fail (self, g_error_new_literal (ORGDESK_ORGANIZATION_SETUP_ERROR, ORGDESK_ORGANIZATION_SETUP_ERROR_REFUSED,
                                       orgdesk_organization_request_get_last_error (request) != NULL ?
                                       orgdesk_organization_request_get_last_error (request) :
                                       "The organization could not be created"));
      return;

    case ORGDESK_ORGANIZATION_REQUEST_OPEN:
    default:
      break;
    }

  if (self->step != ORGDESK_ORGANIZATION_SETUP_STEP_WAITING)
    {
      self->waiting_since = now;
      set_step (self, ORGDESK_ORGANIZATION_SETUP_STEP_WAITING);
    }

  /* Why the provisioner is trying again, once it has failed at least once */
  set_provisioner_message (self, orgdesk_organization_request_get_attempts (request) > 0 ?
                                 orgdesk_organization_request_get_last_error (request) : NULL);

  if (now - self->waiting_since >= (gint64) self->timeout_seconds * G_USEC_PER_SEC)
    {
      fail (self, g_error_new (ORGDESK_ORGANIZATION_SETUP_ERROR, ORGDESK_ORGANIZATION_SETUP_ERROR_TIMED_OUT,
                               "No organization server finished the request within %u s", self->timeout_seconds));
      return;
    }

  /* The bar moves while she waits, towards the next step's share but never to it. */
  waited = (double) (now - self->waiting_since) / G_USEC_PER_SEC;
  set_fraction (self, step_fraction (ORGDESK_ORGANIZATION_SETUP_STEP_WAITING) +
                      (step_fraction (ORGDESK_ORGANIZATION_SETUP_STEP_REFRESHING) -
                       step_fraction (ORGDESK_ORGANIZATION_SETUP_STEP_WAITING)) *
                      0.9 * waited / (waited + EXPECTED_WAIT_SECONDS));

  self->timer_id = g_timeout_add_once (POLL_INTERVAL_MS, on_poll_timeout_cb, self);
}

static void
on_request_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OrgdeskOrganizationSetup) self = user_data;
  OrgdeskOrganizationRequestRepository *requests = ORGDESK_ORGANIZATION_REQUEST_REPOSITORY (source);
  g_autoptr(OrgdeskOrganizationRequest) request = NULL;
  GError *error = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == orgdesk_organization_request_repository_request_async)
    request = orgdesk_organization_request_repository_request_finish (requests, result, &error);
  else
    request = orgdesk_organization_request_repository_fetch_finish (requests, result, &error);

  if (request == NULL)
    {
      if (is_stale (error))
        g_clear_error (&error);
      else
        fail (self, error);
      return;
    }

  if (self->request_id == NULL)
    self->request_id = g_strdup (orgdesk_organization_request_get_id (request));
  follow_request (self, request);
}

static void
poll_request (OrgdeskOrganizationSetup *self)
{
  orgdesk_organization_request_repository_fetch_async (self->requests, self->request_id, self->cancellable,
                                                       on_request_read_cb, g_object_ref (self));
}

static void
start (OrgdeskOrganizationSetup *self)
{
  end_run (self);
  set_error (self, NULL);
  set_provisioner_message (self, NULL);
  self->cancellable = g_cancellable_new ();
  set_step (self, ORGDESK_ORGANIZATION_SETUP_STEP_REQUESTING);

  orgdesk_organization_request_repository_request_async (self->requests, self->cancellable,
                                                         on_request_read_cb, g_object_ref (self));
}

/* }}} */

/* Following the session {{{ */

/* Starts when she is signed in and online with no organization; stops at
 * sign-out.  An organization that turns up otherwise (an invitation accepted
 * meanwhile) makes a setup that has not got far yet unnecessary. */
static void
update (OrgdeskOrganizationSetup *self)
{
  guint n_organizations = g_list_model_get_n_items (orgdesk_session_get_organizations (self->session));

  if (orgdesk_session_get_state (self->session) != ORGDESK_SESSION_STATE_SIGNED_IN)
    {
      end_run (self);
      set_error (self, NULL);
      set_provisioner_message (self, NULL);
      set_step (self, ORGDESK_ORGANIZATION_SETUP_STEP_IDLE);
      return;
    }

  switch (self->step)
    {
    case ORGDESK_ORGANIZATION_SETUP_STEP_IDLE:
      if (n_organizations == 0 && !orgdesk_session_get_offline (self->session))
        start (self);
      break;

    case ORGDESK_ORGANIZATION_SETUP_STEP_REQUESTING:
    case ORGDESK_ORGANIZATION_SETUP_STEP_WAITING:
    case ORGDESK_ORGANIZATION_SETUP_STEP_FAILED:
      if (n_organizations > 0)
        {
          end_run (self);
          set_error (self, NULL);
          set_provisioner_message (self, NULL);
          set_step (self, ORGDESK_ORGANIZATION_SETUP_STEP_IDLE);
        }
      break;

    /* Its own refresh brings the organization; a later loss of every
     * organization waits for the next sign-in. */
    case ORGDESK_ORGANIZATION_SETUP_STEP_REFRESHING:
    case ORGDESK_ORGANIZATION_SETUP_STEP_AUTHORIZING:
    case ORGDESK_ORGANIZATION_SETUP_STEP_DONE:
    default:
      break;
    }
}

/* Later than the session's own handlers, so the list is complete. */
static gboolean
on_update_idle_cb (gpointer user_data)
{
  update (ORGDESK_ORGANIZATION_SETUP (user_data));
  return G_SOURCE_REMOVE;
}

static void
schedule_update (OrgdeskOrganizationSetup *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, on_update_idle_cb, g_object_ref (self), g_object_unref);
}

/* }}} */

/* GObject {{{ */

static void
orgdesk_organization_setup_constructed (GObject *object)
{
  OrgdeskOrganizationSetup *self = ORGDESK_ORGANIZATION_SETUP (object);

  G_OBJECT_CLASS (orgdesk_organization_setup_parent_class)->constructed (object);

  g_assert (ORGDESK_IS_SESSION (self->session));
  g_assert (ORGDESK_IS_DATABASE (self->database));

  self->requests = orgdesk_organization_request_repository_new (self->database, self->session);

  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (schedule_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::offline", G_CALLBACK (schedule_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (orgdesk_session_get_organizations (self->session), "items-changed",
                           G_CALLBACK (schedule_update), self, G_CONNECT_SWAPPED);
  schedule_update (self);
}

static void
orgdesk_organization_setup_dispose (GObject *object)
{
  OrgdeskOrganizationSetup *self = ORGDESK_ORGANIZATION_SETUP (object);

  end_run (self);
  g_clear_object (&self->requests);
  g_clear_object (&self->launch_context);
  g_clear_object (&self->database);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (orgdesk_organization_setup_parent_class)->dispose (object);
}

static void
orgdesk_organization_setup_finalize (GObject *object)
{
  OrgdeskOrganizationSetup *self = ORGDESK_ORGANIZATION_SETUP (object);

  g_clear_error (&self->error);
  g_free (self->provisioner_message);
  g_free (self->write_scope);

  G_OBJECT_CLASS (orgdesk_organization_setup_parent_class)->finalize (object);
}

static void
orgdesk_organization_setup_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  OrgdeskOrganizationSetup *self = ORGDESK_ORGANIZATION_SETUP (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_DATABASE:
      g_value_set_object (value, self->database);
      break;

    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;

    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_PROVISIONER_MESSAGE:
      g_value_set_string (value, self->provisioner_message);
      break;

    case PROP_TIMEOUT_SECONDS:
      g_value_set_uint (value, self->timeout_seconds);
      break;

    case PROP_WRITE_SCOPE:
      g_value_set_string (value, self->write_scope);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_organization_setup_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  OrgdeskOrganizationSetup *self = ORGDESK_ORGANIZATION_SETUP (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_DATABASE:
      self->database = g_value_dup_object (value);
      break;

    case PROP_TIMEOUT_SECONDS:
      orgdesk_organization_setup_set_timeout_seconds (self, g_value_get_uint (value));
      break;

    case PROP_WRITE_SCOPE:
      if (g_strcmp0 (self->write_scope, g_value_get_string (value)) != 0)
        {
          g_free (self->write_scope);
          self->write_scope = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_organization_setup_class_init (OrgdeskOrganizationSetupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = orgdesk_organization_setup_constructed;
  object_class->dispose = orgdesk_organization_setup_dispose;
  object_class->finalize = orgdesk_organization_setup_finalize;
  object_class->get_property = orgdesk_organization_setup_get_property;
  object_class->set_property = orgdesk_organization_setup_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ORGDESK_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL, ORGDESK_TYPE_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * OrgdeskOrganizationSetup:step:
   *
   * Where the setup is; see #OrgdeskOrganizationSetupStep.
   */
  properties[PROP_STEP] =
    g_param_spec_enum ("step", NULL, NULL, ORGDESK_TYPE_ORGANIZATION_SETUP_STEP,
                       ORGDESK_ORGANIZATION_SETUP_STEP_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OrgdeskOrganizationSetup:fraction:
   *
   * Progress for a bar, 0 to 1: each step has its share, and it moves on
   * while the provisioner is waited for.
   */
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OrgdeskOrganizationSetup:error:
   *
   * Why the setup failed (in %ORGDESK_ORGANIZATION_SETUP_STEP_FAILED), or why
   * the new authorization did not finish (in %ORGDESK_ORGANIZATION_SETUP_STEP_DONE:
   * the organization is hers, read-only until she signs in again); else %NULL.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OrgdeskOrganizationSetup:provisioner-message:
   *
   * While waiting: why orgdesk-provisioner is trying again (its last error,
   * e.g. Logto unreachable), once it failed at least once; else %NULL.  Not
   * translated: the provisioner's own words.
   */
  properties[PROP_PROVISIONER_MESSAGE] =
    g_param_spec_string ("provisioner-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OrgdeskOrganizationSetup:timeout-seconds:
   *
   * How long to wait for the provisioner before giving up (the request stays
   * open).
   */
  properties[PROP_TIMEOUT_SECONDS] =
    g_param_spec_uint ("timeout-seconds", NULL, NULL, 1, G_MAXUINT / G_USEC_PER_SEC,
                       ORGDESK_ORGANIZATION_SETUP_DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OrgdeskOrganizationSetup:write-scope:
   *
   * The database write scope; a new organization's token without it is
   * authorized again.  Empty or %NULL: never.
   */
  properties[PROP_WRITE_SCOPE] =
    g_param_spec_string ("write-scope", NULL, NULL, "data:write",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_organization_setup_init (OrgdeskOrganizationSetup *self)
{
  self->timeout_seconds = ORGDESK_ORGANIZATION_SETUP_DEFAULT_TIMEOUT_SECONDS;
}

/* }}} */

/* API {{{ */

/**
 * orgdesk_organization_setup_new:
 * @session: the session to follow
 * @database: the database to ask
 *
 * Returns: (transfer full): a setup that starts by itself whenever @session is
 *   signed in and online with no organization
 */
OrgdeskOrganizationSetup *
orgdesk_organization_setup_new (OrgdeskSession  *session,
                                OrgdeskDatabase *database)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (session), NULL);
  g_return_val_if_fail (ORGDESK_IS_DATABASE (database), NULL);

  return g_object_new (ORGDESK_TYPE_ORGANIZATION_SETUP, "session", session, "database", database, NULL);
}

OrgdeskOrganizationSetupStep
orgdesk_organization_setup_get_step (OrgdeskOrganizationSetup *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_SETUP (self), ORGDESK_ORGANIZATION_SETUP_STEP_IDLE);
  return self->step;
}

double
orgdesk_organization_setup_get_fraction (OrgdeskOrganizationSetup *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_SETUP (self), 0.0);
  return self->fraction;
}

const GError *
orgdesk_organization_setup_get_error (OrgdeskOrganizationSetup *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_SETUP (self), NULL);
  return self->error;
}

const char *
orgdesk_organization_setup_get_provisioner_message (OrgdeskOrganizationSetup *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_SETUP (self), NULL);
  return self->provisioner_message;
}

guint
orgdesk_organization_setup_get_timeout_seconds (OrgdeskOrganizationSetup *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_SETUP (self), 0);
  return self->timeout_seconds;
}

/**
 * orgdesk_organization_setup_set_timeout_seconds:
 * @self: a #OrgdeskOrganizationSetup
 * @seconds: how long to wait for the provisioner, at least 1
 *
 * Applies from the next check of a wait under way.
 */
void
orgdesk_organization_setup_set_timeout_seconds (OrgdeskOrganizationSetup *self,
                                                guint                     seconds)
{
  g_return_if_fail (ORGDESK_IS_ORGANIZATION_SETUP (self));
  g_return_if_fail (seconds >= 1);

  if (self->timeout_seconds == seconds)
    return;

  self->timeout_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT_SECONDS]);
}

/**
 * orgdesk_organization_setup_set_launch_context:
 * @self: a #OrgdeskOrganizationSetup
 * @launch_context: (nullable): for the browser, when the new role needs a new
 *   authorization
 */
void
orgdesk_organization_setup_set_launch_context (OrgdeskOrganizationSetup *self,
                                               GAppLaunchContext        *launch_context)
{
  g_return_if_fail (ORGDESK_IS_ORGANIZATION_SETUP (self));
  g_return_if_fail (!launch_context || G_IS_APP_LAUNCH_CONTEXT (launch_context));

  g_set_object (&self->launch_context, launch_context);
}

/**
 * orgdesk_organization_setup_retry:
 * @self: a #OrgdeskOrganizationSetup
 *
 * After a failure: starts again (an open request is found again, not made
 * twice).  Does nothing in any other step.
 */
void
orgdesk_organization_setup_retry (OrgdeskOrganizationSetup *self)
{
  g_return_if_fail (ORGDESK_IS_ORGANIZATION_SETUP (self));

  if (self->step != ORGDESK_ORGANIZATION_SETUP_STEP_FAILED ||
      orgdesk_session_get_state (self->session) != ORGDESK_SESSION_STATE_SIGNED_IN)
    return;

  start (self);
}

/* }}} */
