/* orgdesk-sign-in.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include "orgdesk-auth-error.h"
#include "orgdesk-loopback-receiver.h"
#include "orgdesk-pkce.h"
#include "orgdesk-secret-memory.h"
#include "orgdesk-sign-in.h"

/*
 * One browser sign-in (RFC 8252): discovery, a one-shot loopback listener, the
 * authorization request in the system browser, the code exchange with PKCE and the
 * ID token check.  The object lives for one attempt; a new attempt is a new object,
 * so no state, nonce or verifier is ever reused.
 */

struct _OrgdeskSignIn
{
  GObject parent_instance;

  OrgdeskLogtoClient      *client;
  GStrv                    scopes;
  GStrv                    resources;

  char                    *state;
  char                    *nonce;
  char                    *code_verifier;
  OrgdeskLoopbackReceiver *receiver;
  char                    *authorization_uri;
  gboolean                 browser_failed;
  OrgdeskTokenResponse    *response;
};

enum {
  PROP_0,
  PROP_AUTHORIZATION_URI,
  PROP_BROWSER_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskSignIn, orgdesk_sign_in, G_TYPE_OBJECT)

static void
close_receiver (OrgdeskSignIn *self)
{
  if (self->receiver != NULL)
    orgdesk_loopback_receiver_close (self->receiver);
}

/* Every failure path ends here, so the listener never outlives the attempt. */
static void
fail (GTask  *task,
      GError *error)
{
  close_receiver (g_task_get_source_object (task));
  g_task_return_error (task, error);
}

static void
on_id_token_verified_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSignIn *self = g_task_get_source_object (task);
  GError *error = NULL;
  OrgdeskJwt *jwt;

  jwt = orgdesk_logto_client_verify_id_token_finish (ORGDESK_LOGTO_CLIENT (source), result, &error);
  if (jwt == NULL)
    {
      fail (task, error);
      return;
    }

  g_task_set_task_data (task, jwt, g_object_unref);
  g_task_return_pointer (task, g_object_ref (self->response), g_object_unref);
}

static void
on_code_exchanged_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSignIn *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->response = orgdesk_logto_client_exchange_code_finish (ORGDESK_LOGTO_CLIENT (source), result, &error);
  if (self->response == NULL)
    {
      fail (task, error);
      return;
    }

  if (orgdesk_token_response_get_id_token (self->response) == NULL ||
      orgdesk_token_response_get_refresh_token (self->response) == NULL)
    {
      fail (task, g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                                       "Logto did not return an ID token and a refresh token; "
                                       "is offline access enabled for this application?"));
      return;
    }

  orgdesk_logto_client_verify_id_token_async (self->client,
                                              orgdesk_token_response_get_id_token (self->response),
                                              self->nonce,
                                              g_task_get_cancellable (task),
                                              on_id_token_verified_cb,
                                              g_object_ref (task));
}

static void
on_callback_received_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSignIn *self = g_task_get_source_object (task);
  g_auto(OrgdeskSecretString) code = NULL;
  GError *error = NULL;

  code = orgdesk_loopback_receiver_wait_finish (ORGDESK_LOOPBACK_RECEIVER (source), result, &error);
  if (code == NULL)
    {
      fail (task, error);
      return;
    }

  orgdesk_logto_client_exchange_code_async (self->client, code,
                                            orgdesk_loopback_receiver_get_redirect_uri (self->receiver),
                                            self->code_verifier,
                                            g_task_get_cancellable (task),
                                            on_code_exchanged_cb,
                                            g_object_ref (task));
}

static void
on_browser_launched_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(OrgdeskSignIn) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Not fatal: the user can still copy the link into a browser by hand. */
  if (!g_app_info_launch_default_for_uri_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Could not open the browser: %s", error->message);
      self->browser_failed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROWSER_FAILED]);
    }
}

static void
on_discovered_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskSignIn *self = g_task_get_source_object (task);
  GAppLaunchContext *launch_context = g_object_get_data (G_OBJECT (task), "orgdesk-launch-context");
  g_autofree char *challenge = NULL;
  OrgdeskOidcConfiguration *configuration;
  OrgdeskAuthorizationRequest request = { 0 };
  GError *error = NULL;

  if (!orgdesk_logto_client_discover_finish (ORGDESK_LOGTO_CLIENT (source), result, &error))
    {
      fail (task, error);
      return;
    }

  configuration = orgdesk_logto_client_get_configuration (self->client);
  /* RFC 9207: a present iss is checked whatever the metadata says. */
  self->receiver = orgdesk_loopback_receiver_new (self->state,
                                                  orgdesk_oidc_configuration_get_issuer (configuration),
                                                  orgdesk_oidc_configuration_get_iss_parameter_supported (configuration));
  if (!orgdesk_loopback_receiver_listen (self->receiver, &error))
    {
      fail (task, error);
      return;
    }

  challenge = orgdesk_pkce_challenge_s256 (self->code_verifier);
  request.redirect_uri = orgdesk_loopback_receiver_get_redirect_uri (self->receiver);
  request.state = self->state;
  request.nonce = self->nonce;
  request.code_challenge = challenge;
  request.scopes = (const char * const *) self->scopes;
  request.resources = (const char * const *) self->resources;
  /* Logto drops offline_access (no refresh token) without prompt=consent. */
  request.prompt = "consent";

  self->authorization_uri = orgdesk_logto_client_build_authorization_uri (self->client, &request);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORIZATION_URI]);

  orgdesk_loopback_receiver_wait_async (self->receiver, ORGDESK_SIGN_IN_TIMEOUT_SECONDS,
                                        g_task_get_cancellable (task),
                                        on_callback_received_cb, g_object_ref (task));

  g_app_info_launch_default_for_uri_async (self->authorization_uri, launch_context,
                                           g_task_get_cancellable (task),
                                           on_browser_launched_cb, g_object_ref (self));
}

static void
orgdesk_sign_in_dispose (GObject *object)
{
  OrgdeskSignIn *self = ORGDESK_SIGN_IN (object);

  close_receiver (self);
  g_clear_object (&self->receiver);
  g_clear_object (&self->client);
  g_clear_object (&self->response);

  G_OBJECT_CLASS (orgdesk_sign_in_parent_class)->dispose (object);
}

static void
orgdesk_sign_in_finalize (GObject *object)
{
  OrgdeskSignIn *self = ORGDESK_SIGN_IN (object);

  g_strfreev (self->scopes);
  g_strfreev (self->resources);
  orgdesk_secret_free (self->state);
  orgdesk_secret_free (self->nonce);
  orgdesk_secret_free (self->code_verifier);
  g_free (self->authorization_uri);

  G_OBJECT_CLASS (orgdesk_sign_in_parent_class)->finalize (object);
}

static void
orgdesk_sign_in_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OrgdeskSignIn *self = ORGDESK_SIGN_IN (object);

  switch (prop_id)
    {
    case PROP_AUTHORIZATION_URI:
      g_value_set_string (value, self->authorization_uri);
      break;

    case PROP_BROWSER_FAILED:
      g_value_set_boolean (value, self->browser_failed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_sign_in_class_init (OrgdeskSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_sign_in_dispose;
  object_class->finalize = orgdesk_sign_in_finalize;
  object_class->get_property = orgdesk_sign_in_get_property;

  /**
   * OrgdeskSignIn:authorization-uri:
   *
   * The link opened in the browser, known once the listener is up, so the user
   * can copy it into another browser.
   */
  properties[PROP_AUTHORIZATION_URI] =
    g_param_spec_string ("authorization-uri", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_BROWSER_FAILED] =
    g_param_spec_boolean ("browser-failed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_sign_in_init (OrgdeskSignIn *self)
{
  self->state = orgdesk_random_token_new (32);
  self->nonce = orgdesk_random_token_new (32);
  self->code_verifier = orgdesk_pkce_verifier_new ();
}

OrgdeskSignIn *
orgdesk_sign_in_new (OrgdeskLogtoClient *client,
                     const char * const *scopes,
                     const char * const *resources)
{
  OrgdeskSignIn *self;

  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (client), NULL);
  g_return_val_if_fail (scopes != NULL, NULL);

  self = g_object_new (ORGDESK_TYPE_SIGN_IN, NULL);
  self->client = g_object_ref (client);
  self->scopes = g_strdupv ((char **) scopes);
  self->resources = g_strdupv ((char **) resources);

  return self;
}

const char *
orgdesk_sign_in_get_authorization_uri (OrgdeskSignIn *self)
{
  g_return_val_if_fail (ORGDESK_IS_SIGN_IN (self), NULL);
  return self->authorization_uri;
}

/**
 * orgdesk_sign_in_run_async:
 * @self: a new #OrgdeskSignIn (each runs once)
 * @launch_context: (nullable): for the browser launch (startup notification,
 *   portal parent window)
 * @cancellable: (nullable): Cancel in the window; also closes the listener
 * @callback: called with the tokens
 * @user_data: data for @callback
 */
void
orgdesk_sign_in_run_async (OrgdeskSignIn       *self,
                           GAppLaunchContext   *launch_context,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ORGDESK_IS_SIGN_IN (self));
  g_return_if_fail (!launch_context || G_IS_APP_LAUNCH_CONTEXT (launch_context));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->receiver == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_sign_in_run_async);
  if (launch_context != NULL)
    g_object_set_data_full (G_OBJECT (task), "orgdesk-launch-context",
                            g_object_ref (launch_context), g_object_unref);

  orgdesk_logto_client_discover_async (self->client, cancellable, on_discovered_cb, task);
}

/**
 * orgdesk_sign_in_run_finish:
 * @self: a #OrgdeskSignIn
 * @result: the result
 * @id_token: (out) (transfer full) (optional): the verified ID token
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the token response with a refresh token, or %NULL
 */
OrgdeskTokenResponse *
orgdesk_sign_in_run_finish (OrgdeskSignIn  *self,
                            GAsyncResult   *result,
                            OrgdeskJwt    **id_token,
                            GError        **error)
{
  OrgdeskTokenResponse *response;

  g_return_val_if_fail (ORGDESK_IS_SIGN_IN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  response = g_task_propagate_pointer (G_TASK (result), error);
  if (response != NULL && id_token != NULL)
    *id_token = g_object_ref (g_task_get_task_data (G_TASK (result)));

  return response;
}
