/* orgdesk-grant.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include "orgdesk-auth-error.h"
#include "orgdesk-grant-private.h"
#include "orgdesk-json.h"
#include "orgdesk-secret-memory.h"

/*
 * OrgdeskGrant owns the refresh token of one signed-in account.  Logto rotates the
 * refresh token on every token-endpoint call and revokes the whole grant when a
 * spent one is sent again, so every call goes through one queue here: one request
 * on the wire at a time, identical requests joined (single flight), the rotated
 * token written to the keyring before the new access token is handed out.
 *
 * Once the grant has ended (sign-out, or Logto said invalid_grant) nothing is
 * written to the keyring any more: a request still on the wire is let finish, its
 * rotated token is revoked rather than kept, and deleting the record waits until
 * no request and no keyring write is under way.
 */

#define RECORD_VERSION 1

typedef struct
{
  char      *key;
  char      *organization_id;
  char      *resource;
  GPtrArray *waiters;   /* GTask */
  gboolean   retried;
  gint64     sent_at;   /* monotonic µs, when the refresh went out */
  OrgdeskTokenResponse *response;
} TokenRequest;

struct _OrgdeskGrant
{
  GObject parent_instance;

  OrgdeskLogtoClient *client;
  OrgdeskTokenStore  *store;
  char               *subject;
  char               *refresh_token;
  char               *id_token;
  JsonObject         *resume_data;

  GHashTable         *cache;       /* key → OrgdeskTokenResponse */
  GQueue              pending;     /* TokenRequest */
  TokenRequest       *in_flight;

  guint               persistent : 1;
  guint               valid : 1;
  /* Replaced by a newer authorization of the same account (see retire) */
  guint               retired : 1;

  /* Why the grant ended; set together with valid = FALSE. */
  GError             *invalidation;

  /* Keyring writes under way; quitting must wait for them (see get_busy). */
  guint               pending_saves;
  /* Rotated tokens that came back after the grant ended, being revoked. */
  guint               pending_revocations;
  /* IdleWaiter: work that must wait until nothing above is under way. */
  GPtrArray          *idle_waiters;
};

typedef void (*IdleFunc) (GTask *task);

typedef struct
{
  GTask    *task;
  IdleFunc  func;
} IdleWaiter;

enum {
  PROP_0,
  PROP_PERSISTENT,
  PROP_VALID,
  N_PROPS
};

enum {
  INVALIDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OrgdeskGrant, orgdesk_grant, G_TYPE_OBJECT)

static void pump_queue (OrgdeskGrant *self);

static char *
make_key (const char *organization_id,
          const char *resource)
{
  /* \x1f cannot appear in an organization id or a resource URI. */
  return g_strdup_printf ("%s\x1f%s", organization_id ? organization_id : "", resource ? resource : "");
}

static void
token_request_free (TokenRequest *request)
{
  g_free (request->key);
  g_free (request->organization_id);
  g_free (request->resource);
  g_clear_object (&request->response);
  g_ptr_array_unref (request->waiters);
  g_free (request);
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
set_persistent (OrgdeskGrant *self,
                gboolean      persistent)
{
  if (self->persistent == !!persistent)
    return;

  self->persistent = !!persistent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSISTENT]);
}

/* The fields set this way hold tokens: the old value is wiped. */
static void
set_secret_string (char       **field,
                   const char  *value)
{
  char *copy = g_strdup (value);

  orgdesk_secret_free (*field);
  *field = copy;
}

static gboolean
is_busy (OrgdeskGrant *self)
{
  return self->in_flight != NULL || self->pending_saves > 0 || self->pending_revocations > 0;
}

static void
idle_waiter_free (IdleWaiter *waiter)
{
  g_clear_object (&waiter->task);
  g_free (waiter);
}

/* Runs @func (@task) once no request, keyring write or revocation is under way. */
static void
when_idle (OrgdeskGrant *self,
           GTask        *task,
           IdleFunc      func)
{
  IdleWaiter *waiter = g_new0 (IdleWaiter, 1);

  waiter->task = task;
  waiter->func = func;
  g_ptr_array_add (self->idle_waiters, waiter);
}

/* Called after every piece of work that kept the grant busy has ended. */
static void
run_idle_waiters (OrgdeskGrant *self)
{
  g_autoptr(GPtrArray) waiters = NULL;

  if (is_busy (self) || self->idle_waiters->len == 0)
    return;

  waiters = g_steal_pointer (&self->idle_waiters);
  self->idle_waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) idle_waiter_free);

  for (guint i = 0; i < waiters->len; i++)
    {
      IdleWaiter *waiter = g_ptr_array_index (waiters, i);

      waiter->func (g_steal_pointer (&waiter->task));
    }
}

static GError *
ended_error (OrgdeskGrant *self)
{
  if (self->invalidation != NULL)
    return g_error_copy (self->invalidation);

  return g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT, "You are signed out");
}

/* A cached token for @key that is not about to expire, or %NULL. */
static OrgdeskTokenResponse *
lookup_fresh_token (OrgdeskGrant *self,
                    const char   *key)
{
  OrgdeskTokenResponse *cached = g_hash_table_lookup (self->cache, key);

  if (cached == NULL || orgdesk_token_response_get_expires_at (cached) - ORGDESK_GRANT_EXPIRY_MARGIN_SECONDS <= now_unix ())
    return NULL;

  return cached;
}

/* Completing requests {{{ */

/* A waiter whose cancellable fires leaves its request at once with
 * G_IO_ERROR_CANCELLED; the request itself goes on (a refresh on the wire is
 * never abandoned) and its token is cached for the next caller. */
static gboolean
on_waiter_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  GTask *task = user_data;   /* alive: its task data owns this source */
  OrgdeskGrant *self = g_task_get_source_object (task);
  TokenRequest *request = NULL;

  if (self->in_flight != NULL && g_ptr_array_find (self->in_flight->waiters, task, NULL))
    request = self->in_flight;
  for (GList *l = self->pending.head; request == NULL && l != NULL; l = l->next)
    if (g_ptr_array_find (((TokenRequest *) l->data)->waiters, task, NULL))
      request = l->data;

  if (request != NULL)
    {
      g_object_ref (task);
      g_ptr_array_remove (request->waiters, task);
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);
    }

  return G_SOURCE_REMOVE;
}

static void
destroy_source (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
watch_waiter_cancellable (GTask *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  GSource *source;

  if (cancellable == NULL)
    return;

  source = g_cancellable_source_new (cancellable);
  g_source_set_callback (source, G_SOURCE_FUNC (on_waiter_cancelled_cb), task, NULL);
  g_source_set_static_name (source, "[orgdesk] token waiter cancelled");
  g_source_attach (source, g_task_get_context (task));
  g_task_set_task_data (task, source, (GDestroyNotify) destroy_source);
}

static void
return_to_waiters (TokenRequest *request,
                   const GError *error)
{
  for (guint i = 0; i < request->waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (request->waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_pointer (waiter, g_object_ref (request->response), g_object_unref);
    }

  g_ptr_array_set_size (request->waiters, 0);
}

/* The grant is gone (revoked, replayed, signed out): nothing queued can succeed. */
static void
invalidate (OrgdeskGrant *self,
            const GError *error)
{
  TokenRequest *request;

  g_hash_table_remove_all (self->cache);
  orgdesk_secret_clear (&self->refresh_token);

  while ((request = g_queue_pop_head (&self->pending)) != NULL)
    {
      return_to_waiters (request, error);
      token_request_free (request);
    }

  if (self->valid)
    {
      self->valid = FALSE;
      self->invalidation = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
      g_signal_emit (self, signals[INVALIDATED], 0, error);
    }
}

static void
finish_in_flight (OrgdeskGrant *self,
                  const GError *error)
{
  TokenRequest *request = g_steal_pointer (&self->in_flight);

  /* A token that arrives after the grant ended belongs to nobody. */
  if (error == NULL && !self->valid)
    error = self->invalidation;

  if (error == NULL)
    g_hash_table_replace (self->cache, g_strdup (request->key), g_object_ref (request->response));

  return_to_waiters (request, error);
  token_request_free (request);

  pump_queue (self);
  run_idle_waiters (self);
}

/* }}} */

/* The request pipeline: refresh → save → check ID token → hand out {{{ */

static void
on_refreshed_id_token_verified_cb (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(OrgdeskGrant) self = user_data;
  g_autoptr(OrgdeskJwt) jwt = NULL;
  g_autoptr(GError) error = NULL;

  jwt = orgdesk_logto_client_verify_id_token_finish (ORGDESK_LOGTO_CLIENT (source), result, &error);

  if (jwt != NULL && g_strcmp0 (orgdesk_jwt_get_string_claim (jwt, "sub"), self->subject) != 0)
    g_set_error_literal (&error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                         "The refreshed ID token belongs to another user");

  if (error != NULL)
    {
      g_warning ("Refreshed ID token rejected: %s", error->message);
      invalidate (self, error);
      finish_in_flight (self, error);
      return;
    }

  finish_in_flight (self, NULL);
}

static void
check_refreshed_id_token (OrgdeskGrant *self)
{
  const char *id_token = orgdesk_token_response_get_id_token (self->in_flight->response);

  if (id_token == NULL)
    {
      finish_in_flight (self, NULL);
      return;
    }

  orgdesk_logto_client_verify_id_token_async (self->client, id_token, NULL, NULL,
                                              on_refreshed_id_token_verified_cb,
                                              g_object_ref (self));
}

static void
on_rotated_token_saved_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(OrgdeskGrant) self = user_data;
  g_autoptr(GError) error = NULL;

  self->pending_saves--;
  if (!orgdesk_token_store_save_finish (ORGDESK_TOKEN_STORE (source), result, &error))
    {
      /* Keep working with the token in memory; the session says it is not kept. */
      g_message ("Could not keep the rotated refresh token in the keyring: %s", error->message);
      set_persistent (self, FALSE);
    }
  else
    set_persistent (self, TRUE);

  check_refreshed_id_token (self);
}

static void
save_rotated_token (OrgdeskGrant *self)
{
  g_auto(OrgdeskSecretString) record = NULL;

  if (self->store == NULL)
    {
      check_refreshed_id_token (self);
      return;
    }

  record = orgdesk_grant_to_record (self);
  self->pending_saves++;
  orgdesk_token_store_save_async (self->store, self->subject, record, NULL,
                                  on_rotated_token_saved_cb, g_object_ref (self));
}

static void send_in_flight (OrgdeskGrant *self);

/* Logto still accepts a spent refresh token for about 3 s after its rotation
 * (LOGTO.md); a retry sent this soon after the first attempt lands inside that. */
#define REUSE_WINDOW_MARGIN_USEC (1500 * G_TIME_SPAN_MILLISECOND)

/* A refresh is sent again only when that cannot replay a spent token: the first
 * attempt provably never reached Logto, or failed so soon that the retry is
 * inside the reuse window.  Otherwise the token is kept and the network error
 * reported; a blind retry would make Logto revoke the whole grant. */
static gboolean
may_retry (TokenRequest *request,
           const GError *error)
{
  if (request->retried)
    return FALSE;

  if (g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNREACHABLE))
    return TRUE;

  return g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_NO_RESPONSE) &&
         g_get_monotonic_time () - request->sent_at < REUSE_WINDOW_MARGIN_USEC;
}

static void
on_late_token_revoked_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(OrgdeskGrant) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!orgdesk_logto_client_revoke_finish (ORGDESK_LOGTO_CLIENT (source), result, &error))
    g_message ("Could not revoke a refresh token that arrived after sign-out: %s", error->message);

  self->pending_revocations--;
  run_idle_waiters (self);
}

/* A refresh answered after the grant ended: its rotated token would keep the
 * grant alive at Logto, so it is revoked and never kept. */
static void
revoke_late_token (OrgdeskGrant         *self,
                   OrgdeskTokenResponse *response)
{
  const char *rotated = response != NULL ? orgdesk_token_response_get_refresh_token (response) : NULL;

  /* A retired grant's tokens belong to the same grant at Logto as its
   * successor's: revoking one would end both. */
  if (rotated == NULL || self->retired)
    return;

  g_debug ("A refresh token arrived after the grant ended; revoking it");
  self->pending_revocations++;
  orgdesk_logto_client_revoke_async (self->client, rotated, NULL, on_late_token_revoked_cb, g_object_ref (self));
}

static void
on_refreshed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OrgdeskGrant) self = user_data;
  TokenRequest *request = self->in_flight;
  g_autoptr(GError) error = NULL;
  const char *rotated;

  request->response = orgdesk_logto_client_refresh_finish (ORGDESK_LOGTO_CLIENT (source), result, &error);

  if (!self->valid)
    {
      revoke_late_token (self, request->response);
      finish_in_flight (self, self->invalidation);
      return;
    }

  if (request->response == NULL)
    {
      if (may_retry (request, error))
        {
          request->retried = TRUE;
          send_in_flight (self);
          return;
        }

      if (g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT))
        invalidate (self, error);

      finish_in_flight (self, error);
      return;
    }

  /* The record keeps the newest ID token as the hint for sign-out; if it fails
   * verification below, the grant is invalidated and the record deleted anyway. */
  if (orgdesk_token_response_get_id_token (request->response) != NULL)
    set_secret_string (&self->id_token, orgdesk_token_response_get_id_token (request->response));

  rotated = orgdesk_token_response_get_refresh_token (request->response);
  if (rotated != NULL && g_strcmp0 (rotated, self->refresh_token) != 0)
    {
      set_secret_string (&self->refresh_token, rotated);
      save_rotated_token (self);
    }
  else
    check_refreshed_id_token (self);
}

static void
on_discovered_for_request_cb (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(OrgdeskGrant) self = user_data;
  TokenRequest *request = self->in_flight;
  g_autoptr(GError) error = NULL;

  if (!orgdesk_logto_client_discover_finish (self->client, result, &error))
    {
      finish_in_flight (self, error);
      return;
    }

  /* Signed out while discovery ran: there is no token to send. */
  if (!self->valid || self->refresh_token == NULL)
    {
      g_autoptr(GError) ended = ended_error (self);

      finish_in_flight (self, ended);
      return;
    }

  /* Never cancelled: abandoning a sent refresh would lose the rotated token. */
  request->sent_at = g_get_monotonic_time ();
  orgdesk_logto_client_refresh_async (self->client, self->refresh_token,
                                      request->organization_id, request->resource,
                                      NULL, on_refreshed_cb, g_object_ref (self));
}

/* A resumed grant may ask before anything else discovered the token endpoint;
 * discovery completes at once when it is already known. */
static void
send_in_flight (OrgdeskGrant *self)
{
  orgdesk_logto_client_discover_async (self->client, NULL, on_discovered_for_request_cb, g_object_ref (self));
}

static void
pump_queue (OrgdeskGrant *self)
{
  if (self->in_flight != NULL)
    return;

  while ((self->in_flight = g_queue_pop_head (&self->pending)) != NULL)
    {
      OrgdeskTokenResponse *cached = lookup_fresh_token (self, self->in_flight->key);
      gboolean anyone_waiting = FALSE;

      /* Waiters that gave up need no request on the wire. */
      for (guint i = 0; i < self->in_flight->waiters->len; i++)
        if (!g_cancellable_is_cancelled (g_task_get_cancellable (g_ptr_array_index (self->in_flight->waiters, i))))
          anyone_waiting = TRUE;

      if (cached != NULL)
        {
          self->in_flight->response = g_object_ref (cached);
          finish_in_flight (self, NULL);
          return;
        }

      if (anyone_waiting)
        break;

      {
        g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");

        return_to_waiters (self->in_flight, cancelled);
        g_clear_pointer (&self->in_flight, token_request_free);
      }
    }

  if (self->in_flight == NULL)
    return;

  if (!self->valid || self->refresh_token == NULL)
    {
      g_autoptr(GError) error = ended_error (self);

      finish_in_flight (self, error);
      return;
    }

  send_in_flight (self);
}

/* }}} */

/* GObject {{{ */

static void
orgdesk_grant_dispose (GObject *object)
{
  OrgdeskGrant *self = ORGDESK_GRANT (object);

  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (orgdesk_grant_parent_class)->dispose (object);
}

static void
orgdesk_grant_finalize (GObject *object)
{
  OrgdeskGrant *self = ORGDESK_GRANT (object);

  /* Requests, writes and revocations hold a reference on the grant while they
   * run, and idle waiters are tasks of the grant. */
  g_assert (self->in_flight == NULL);
  g_assert (self->idle_waiters->len == 0);
  g_queue_clear_full (&self->pending, (GDestroyNotify) token_request_free);
  g_hash_table_unref (self->cache);
  g_ptr_array_unref (self->idle_waiters);
  g_clear_pointer (&self->resume_data, json_object_unref);
  g_clear_error (&self->invalidation);
  g_free (self->subject);
  orgdesk_secret_free (self->refresh_token);
  orgdesk_secret_free (self->id_token);

  G_OBJECT_CLASS (orgdesk_grant_parent_class)->finalize (object);
}

static void
orgdesk_grant_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  OrgdeskGrant *self = ORGDESK_GRANT (object);

  switch (prop_id)
    {
    case PROP_PERSISTENT:
      g_value_set_boolean (value, self->persistent);
      break;

    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_grant_class_init (OrgdeskGrantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_grant_dispose;
  object_class->finalize = orgdesk_grant_finalize;
  object_class->get_property = orgdesk_grant_get_property;

  /**
   * OrgdeskGrant:persistent:
   *
   * Whether the last write of the refresh token to the keyring worked.  When it
   * did not, the session lasts only as long as the process.
   */
  properties[PROP_PERSISTENT] =
    g_param_spec_boolean ("persistent", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * OrgdeskGrant:valid:
   *
   * Whether the grant can still be refreshed.  It turns %FALSE, once, when Logto
   * answers invalid_grant (revoked, expired or replayed) or after revocation.
   */
  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OrgdeskGrant::invalidated:
   * @error: why
   *
   * The grant cannot be used any more; the user must sign in again.
   */
  signals[INVALIDATED] =
    g_signal_new ("invalidated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
orgdesk_grant_init (OrgdeskGrant *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_queue_init (&self->pending);
  self->idle_waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) idle_waiter_free);
  self->valid = TRUE;
}

/* }}} */

/**
 * orgdesk_grant_new:
 * @client: the discovered client the grant was issued by
 * @store: (nullable): where to keep the rotating refresh token, or %NULL to keep
 *   it in memory only
 * @subject: the verified `sub` of the user
 * @refresh_token: the current refresh token
 * @id_token: (nullable): the last ID token (for `id_token_hint` at sign-out)
 *
 * Returns: (transfer full): a new #OrgdeskGrant
 */
OrgdeskGrant *
orgdesk_grant_new (OrgdeskLogtoClient *client,
                   OrgdeskTokenStore  *store,
                   const char         *subject,
                   const char         *refresh_token,
                   const char         *id_token)
{
  OrgdeskGrant *self;

  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (client), NULL);
  g_return_val_if_fail (!store || ORGDESK_IS_TOKEN_STORE (store), NULL);
  g_return_val_if_fail (subject != NULL && refresh_token != NULL, NULL);

  self = g_object_new (ORGDESK_TYPE_GRANT, NULL);
  self->client = g_object_ref (client);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->subject = g_strdup (subject);
  self->refresh_token = g_strdup (refresh_token);
  self->id_token = g_strdup (id_token);

  return self;
}

/**
 * orgdesk_grant_new_from_record:
 * @client: the client for the record's endpoint
 * @store: (nullable): the store the record came from
 * @record: a record written by orgdesk_grant_to_record()
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the grant, or %NULL if the record is unusable (then the
 *   user signs in again; nothing else is lost)
 */
OrgdeskGrant *
orgdesk_grant_new_from_record (OrgdeskLogtoClient  *client,
                               OrgdeskTokenStore   *store,
                               const char          *record,
                               GError             **error)
{
  g_autoptr(JsonObject) object = NULL;
  OrgdeskGrant *self;
  JsonNode *resume;
  const char *subject;
  const char *refresh_token;

  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (client), NULL);
  g_return_val_if_fail (record != NULL, NULL);

  object = orgdesk_json_parse_object (record, -1);
  if (object == NULL ||
      json_object_get_int_member_with_default (object, "version", 0) != RECORD_VERSION ||
      (subject = orgdesk_json_get_string (object, "subject")) == NULL ||
      (refresh_token = orgdesk_json_get_string (object, "refresh_token")) == NULL)
    {
      g_set_error_literal (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The saved sign-in could not be read");
      return NULL;
    }

  self = orgdesk_grant_new (client, store, subject, refresh_token,
                            orgdesk_json_get_string (object, "id_token"));
  self->persistent = store != NULL;

  resume = json_object_get_member (object, "resume");
  if (resume != NULL && JSON_NODE_HOLDS_OBJECT (resume))
    self->resume_data = json_object_ref (json_node_get_object (resume));

  return self;
}

/**
 * orgdesk_grant_to_record:
 * @self: a #OrgdeskGrant
 *
 * The keyring record: everything needed to resume without a browser.  It holds
 * the refresh token, so it goes nowhere but the Secret Service.
 *
 * Returns: (transfer full): the record as a JSON string
 */
char *
orgdesk_grant_to_record (OrgdeskGrant *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (ORGDESK_IS_GRANT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, RECORD_VERSION);
  json_builder_set_member_name (builder, "endpoint");
  json_builder_add_string_value (builder, orgdesk_logto_client_get_endpoint (self->client));
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, orgdesk_logto_client_get_client_id (self->client));
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, self->subject);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, self->refresh_token);
  if (self->id_token != NULL)
    {
      json_builder_set_member_name (builder, "id_token");
      json_builder_add_string_value (builder, self->id_token);
    }
  if (self->resume_data != NULL)
    {
      JsonNode *resume = json_node_init_object (json_node_alloc (), self->resume_data);

      json_builder_set_member_name (builder, "resume");
      json_builder_add_value (builder, resume);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

const char *
orgdesk_grant_get_subject (OrgdeskGrant *self)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), NULL);
  return self->subject;
}

const char *
orgdesk_grant_get_id_token (OrgdeskGrant *self)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), NULL);
  return self->id_token;
}

gboolean
orgdesk_grant_get_persistent (OrgdeskGrant *self)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), FALSE);
  return self->persistent;
}

/**
 * orgdesk_grant_get_busy:
 * @self: a #OrgdeskGrant
 *
 * Whether a token request is on the wire, a keyring write or the revocation of a
 * late token is under way.  A process that exits now may lose the rotated refresh
 * token, and with it the session, so the application waits for this to turn
 * %FALSE before it quits.
 *
 * Returns: %TRUE while work that must not be cut short is under way
 */
gboolean
orgdesk_grant_get_busy (OrgdeskGrant *self)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), FALSE);
  return is_busy (self);
}

gboolean
orgdesk_grant_get_valid (OrgdeskGrant *self)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), FALSE);
  return self->valid;
}

JsonObject *
orgdesk_grant_get_resume_data (OrgdeskGrant *self)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), NULL);
  return self->resume_data;
}

/**
 * orgdesk_grant_set_resume_data:
 * @self: a #OrgdeskGrant
 * @resume_data: (nullable): what the session needs to start offline (profile,
 *   organization list); saved with the next write of the record
 */
void
orgdesk_grant_set_resume_data (OrgdeskGrant *self,
                               JsonObject   *resume_data)
{
  g_return_if_fail (ORGDESK_IS_GRANT (self));

  if (resume_data != NULL)
    json_object_ref (resume_data);
  g_clear_pointer (&self->resume_data, json_object_unref);
  self->resume_data = resume_data;
}

/**
 * orgdesk_grant_request_token_async:
 * @self: a #OrgdeskGrant
 * @organization_id: (nullable): for an organization token
 * @resource: (nullable): for an API resource token
 * @cancellable: (nullable): cancels the wait, never a request already sent
 * @callback: called with the token response
 * @user_data: data for @callback
 *
 * Hands out a cached access token for (@organization_id, @resource) until shortly
 * before it expires, otherwise queues one refresh-token grant.  With both %NULL it
 * is a plain refresh (a fresh ID token and an access token for userinfo).
 */
void
orgdesk_grant_request_token_async (OrgdeskGrant        *self,
                                   const char          *organization_id,
                                   const char          *resource,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *key = NULL;
  OrgdeskTokenResponse *cached;
  TokenRequest *request = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_GRANT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_grant_request_token_async);
  g_task_set_check_cancellable (task, TRUE);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (!self->valid)
    {
      g_task_return_error (task, ended_error (self));
      g_object_unref (task);
      return;
    }

  key = make_key (organization_id, resource);
  cached = lookup_fresh_token (self, key);
  if (cached != NULL)
    {
      g_task_return_pointer (task, g_object_ref (cached), g_object_unref);
      g_object_unref (task);
      return;
    }

  if (self->in_flight != NULL && g_str_equal (self->in_flight->key, key))
    request = self->in_flight;

  for (GList *l = self->pending.head; request == NULL && l != NULL; l = l->next)
    if (g_str_equal (((TokenRequest *) l->data)->key, key))
      request = l->data;

  if (request == NULL)
    {
      request = g_new0 (TokenRequest, 1);
      request->key = g_steal_pointer (&key);
      request->organization_id = g_strdup (organization_id);
      request->resource = g_strdup (resource);
      request->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_queue_push_tail (&self->pending, request);
    }

  g_ptr_array_add (request->waiters, task);
  watch_waiter_cancellable (task);
  pump_queue (self);
}

OrgdeskTokenResponse *
orgdesk_grant_request_token_finish (OrgdeskGrant  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * orgdesk_grant_forget_organization:
 * @self: a #OrgdeskGrant
 * @organization_id: an organization the user left or lost
 *
 * Drops every cached token of that organization.
 */
void
orgdesk_grant_forget_organization (OrgdeskGrant *self,
                                   const char   *organization_id)
{
  g_autofree char *prefix = NULL;
  GHashTableIter iter;
  const char *key;

  g_return_if_fail (ORGDESK_IS_GRANT (self));
  g_return_if_fail (organization_id != NULL);

  prefix = g_strdup_printf ("%s\x1f", organization_id);
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_hash_table_iter_remove (&iter);
}

/**
 * orgdesk_grant_forget_token:
 * @self: a #OrgdeskGrant
 * @organization_id: (nullable): the organization of @token
 * @resource: (nullable): the resource of @token
 * @token: a token the grant handed out, that its audience refused (expired
 *   early, revoked, a key rotated away)
 *
 * Drops @token from the cache, so the next request for (@organization_id,
 * @resource) gets a new one.  A token cached since, by a request that already
 * replaced @token, stays.
 *
 * Returns: %TRUE if @token was cached and is dropped
 */
gboolean
orgdesk_grant_forget_token (OrgdeskGrant         *self,
                            const char           *organization_id,
                            const char           *resource,
                            OrgdeskTokenResponse *token)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (ORGDESK_IS_GRANT (self), FALSE);
  g_return_val_if_fail (ORGDESK_IS_TOKEN_RESPONSE (token), FALSE);

  key = make_key (organization_id, resource);
  if (g_hash_table_lookup (self->cache, key) != token)
    return FALSE;

  return g_hash_table_remove (self->cache, key);
}

void
_orgdesk_grant_cache_token (OrgdeskGrant         *self,
                            const char           *organization_id,
                            const char           *resource,
                            OrgdeskTokenResponse *token)
{
  g_return_if_fail (ORGDESK_IS_GRANT (self));
  g_return_if_fail (ORGDESK_IS_TOKEN_RESPONSE (token));

  g_hash_table_replace (self->cache, make_key (organization_id, resource), g_object_ref (token));
}

static void
on_record_saved_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskGrant *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->pending_saves--;
  if (!orgdesk_token_store_save_finish (ORGDESK_TOKEN_STORE (source), result, &error))
    {
      set_persistent (self, FALSE);
      g_task_return_error (task, error);
    }
  else
    {
      set_persistent (self, TRUE);
      g_task_return_boolean (task, TRUE);
    }

  run_idle_waiters (self);
}

/**
 * orgdesk_grant_save_async:
 * @self: a #OrgdeskGrant
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the record is written
 * @user_data: data for @callback
 *
 * Writes the record now (after sign-in, or when the resume data changed).  Fails
 * with %ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE when there is no usable keyring (the
 * grant then stays in memory), and with %ORGDESK_AUTH_ERROR_INVALID_GRANT once the
 * grant has ended: a signed-out account is never written back.
 */
void
orgdesk_grant_save_async (OrgdeskGrant        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_auto(OrgdeskSecretString) record = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_GRANT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_grant_save_async);

  if (!self->valid)
    {
      g_task_return_error (task, ended_error (self));
      g_object_unref (task);
      return;
    }

  if (self->store == NULL)
    {
      g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE,
                               "There is no keyring to keep the sign-in in");
      g_object_unref (task);
      return;
    }

  record = orgdesk_grant_to_record (self);
  self->pending_saves++;
  orgdesk_token_store_save_async (self->store, self->subject, record, cancellable, on_record_saved_cb, task);
}

gboolean
orgdesk_grant_save_finish (OrgdeskGrant  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_record_cleared_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!orgdesk_token_store_clear_finish (ORGDESK_TOKEN_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Runs when the grant is idle, so no write of the record can come after this. */
static void
clear_record (GTask *task)
{
  OrgdeskGrant *self = g_task_get_source_object (task);

  if (self->store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  orgdesk_token_store_clear_async (self->store, self->subject, NULL, on_record_cleared_cb, task);
}

/**
 * orgdesk_grant_delete_record_async:
 * @self: a #OrgdeskGrant that has ended (see #OrgdeskGrant:valid)
 * @callback: called when the keyring record is deleted
 * @user_data: data for @callback
 *
 * Deletes the account's keyring record once no request and no keyring write of
 * the grant is under way any more, so nothing can write it back afterwards.
 */
void
orgdesk_grant_delete_record_async (OrgdeskGrant        *self,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ORGDESK_IS_GRANT (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, orgdesk_grant_delete_record_async);

  if (self->valid)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "The grant is still in use; revoke it first");
      g_object_unref (task);
      return;
    }

  when_idle (self, task, clear_record);
  run_idle_waiters (self);
}

gboolean
orgdesk_grant_delete_record_finish (OrgdeskGrant  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_token_revoked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  /* An unreachable Logto must not keep the user signed in on this computer. */
  if (!orgdesk_logto_client_revoke_finish (ORGDESK_LOGTO_CLIENT (source), result, &error))
    g_message ("Could not revoke the refresh token: %s", error->message);

  clear_record (task);
}

/* After an offline start nothing was discovered yet; Logto may be back by now. */
static void
on_discovered_for_revoke_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  GTask *task = user_data;
  OrgdeskGrant *self = g_task_get_source_object (task);
  const char *refresh_token = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!orgdesk_logto_client_discover_finish (self->client, result, &error))
    {
      g_message ("Could not revoke the refresh token: %s", error->message);
      clear_record (task);
      return;
    }

  orgdesk_logto_client_revoke_async (self->client, refresh_token, NULL, on_token_revoked_cb, task);
}

/* Idle now: a refresh that was on the wire has answered, and its rotated token
 * (revoked by revoke_late_token()) is no longer the newest one; this one is. */
static void
revoke_when_idle (GTask *task)
{
  OrgdeskGrant *self = g_task_get_source_object (task);

  if (g_task_get_task_data (task) == NULL)
    {
      clear_record (task);
      return;
    }

  orgdesk_logto_client_discover_async (self->client, NULL, on_discovered_for_revoke_cb, task);
}

/**
 * orgdesk_grant_revoke_async:
 * @self: a #OrgdeskGrant
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the grant is revoked and the record deleted
 * @user_data: data for @callback
 *
 * Sign-out: ends the grant at once (queued requests fail, nothing is written to
 * the keyring any more), waits for a request or keyring write already under way,
 * revokes the refresh token at Logto (which ends the grant there; a token rotated
 * by the request that was on the wire is revoked too) and deletes the keyring
 * record.  The record is deleted even when Logto cannot be reached.
 */
void
orgdesk_grant_revoke_async (OrgdeskGrant        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GError) signed_out = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_GRANT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_grant_revoke_async);

  /* The token to revoke is taken before invalidate() wipes it. */
  g_task_set_task_data (task, g_strdup (self->refresh_token), (GDestroyNotify) orgdesk_secret_free);
  signed_out = g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT, "You signed out");
  invalidate (self, signed_out);

  when_idle (self, task, revoke_when_idle);
  run_idle_waiters (self);
}

gboolean
orgdesk_grant_revoke_finish (OrgdeskGrant  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
return_when_idle (GTask *task)
{
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * orgdesk_grant_retire_async:
 * @self: a #OrgdeskGrant
 * @callback: called once nothing of this grant is under way any more
 * @user_data: data for @callback
 *
 * A new authorization of the same account replaced this grant.  Like sign-out,
 * it ends at once: queued requests fail, nothing is written to the keyring any
 * more.  Unlike sign-out, nothing is revoked: at Logto both refresh tokens
 * belong to one grant (the browser session's), and revoking either would end
 * the new one too.  @callback runs when no request or keyring write of this
 * grant is under way, so the successor's record can be written last.
 */
void
orgdesk_grant_retire_async (OrgdeskGrant        *self,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GError) replaced = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_GRANT (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, orgdesk_grant_retire_async);

  self->retired = TRUE;
  replaced = g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT,
                                  "This sign-in was replaced by a newer one");
  invalidate (self, replaced);

  when_idle (self, task, return_when_idle);
  run_idle_waiters (self);
}

gboolean
orgdesk_grant_retire_finish (OrgdeskGrant  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (ORGDESK_IS_GRANT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
