/* orgdesk-loopback-receiver.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-loopback-receiver.h"
#include "orgdesk-secret-memory.h"

#define CALLBACK_PATH "/callback"

/* A browser sends its request as soon as it connects, and the whole exchange is a
 * few hundred bytes each way.  A connection still open after this long is stalled
 * (or trickling bytes to stay open), so it is closed; and only this many may be
 * open at once, so stalled ones cannot pile up. */
#define DEFAULT_CONNECTION_TIMEOUT_MS 10000
#define DEFAULT_MAX_CONNECTIONS 16

/* A real redirect carries code, state and iss: a few hundred bytes.  libsoup itself
 * drops requests whose head passes 64 KiB; we refuse long queries well before that. */
#define MAX_QUERY_LENGTH 8192
#define MAX_ERROR_CODE_LENGTH 64
#define MAX_DESCRIPTION_LENGTH 200

/* Nothing on our pages needs a script, a style sheet, an image or a frame. */
#define CONTENT_SECURITY_POLICY \
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* The page's only style, allowed by its hash in the Content-Security-Policy. */
static const char page_style[] =
  "body{font-family:Cantarell,'Noto Sans',sans-serif;background:#fafafa;color:#2e3436;"
  "display:flex;min-height:90vh;align-items:center;justify-content:center;text-align:center}"
  "main{max-width:32em;padding:2em}h1{font-weight:800;font-size:1.6em}"
  "p{color:#5e5c64;line-height:1.5}"
  "@media(prefers-color-scheme:dark){body{background:#242424;color:#fff}p{color:#c0bfbc}}";

struct _OrgdeskLoopbackReceiver
{
  GObject         parent_instance;

  char           *expected_state;
  char           *expected_issuer;
  gboolean        issuer_required;
  char           *redirect_uri;
  int             port;

  /* We accept connections ourselves and hand them to the server, so that we can
   * count them and give each a deadline. */
  GSocketService *service;
  SoupServer     *server;
  GPtrArray      *connections;
  guint           connection_timeout_ms;
  guint           max_connections;

  /* The outcome: set once, by the accepted callback or by the end of the wait */
  gboolean        has_outcome;
  char           *code;
  char           *issuer;
  GError         *error;

  GTask          *task;
  GSource        *timeout_source;
  GSource        *cancel_source;
};

/* A connection handed to the server, until it closes or its deadline passes */
typedef struct
{
  OrgdeskLoopbackReceiver *self;
  GSocketConnection       *stream;
  GSource                 *deadline_source;
} Connection;

G_DEFINE_FINAL_TYPE (OrgdeskLoopbackReceiver, orgdesk_loopback_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_EXPECTED_STATE,
  PROP_EXPECTED_ISSUER,
  PROP_ISSUER_REQUIRED,
  PROP_REDIRECT_URI,
  PROP_LISTENING,
  PROP_CONNECTION_TIMEOUT,
  PROP_MAX_CONNECTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Compares without an early exit, so the time taken does not reveal how much of
 * a guessed state was right. */
static gboolean
strings_equal_constant_time (const char *a,
                             const char *b)
{
  gsize len_a = strlen (a);
  gsize len_b = strlen (b);
  guint diff = len_a != len_b;

  /* The loop runs over the expected value, so only its (fixed) length shows. */
  for (gsize i = 0; i < len_b; i++)
    diff |= (guchar) (i < len_a ? a[i] : 0) ^ (guchar) b[i];

  return diff == 0;
}

/* RFC 6749 §4.1.2: the code is printable ASCII; we also refuse spaces. */
static gboolean
code_is_valid (const char *code)
{
  if (code == NULL || *code == '\0')
    return FALSE;

  for (const char *p = code; *p != '\0'; p++)
    {
      if (*p < 0x21 || *p > 0x7e)
        return FALSE;
    }

  return TRUE;
}

/* error and error_description come from whoever sent the redirect: keep printable
 * ASCII only and cut them short before they reach a message the UI shows. */
static char *
sanitize (const char *text,
          gsize       max_length)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (out->len == max_length)
        {
          g_string_append (out, "…");
          break;
        }

      /* Markup characters too, in case the UI shows the message in a label. */
      if (*p < 0x20 || *p > 0x7e || strchr ("<>&\"\\", *p) != NULL)
        g_string_append_c (out, '?');
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static void
set_outcome (OrgdeskLoopbackReceiver *self,
             const char              *code,
             GError                  *error)
{
  g_assert (!self->has_outcome);

  self->has_outcome = TRUE;
  self->code = g_strdup (code);
  self->error = error;
}

static void
clear_wait_sources (OrgdeskLoopbackReceiver *self)
{
  if (self->timeout_source != NULL)
    g_source_destroy (self->timeout_source);
  g_clear_pointer (&self->timeout_source, g_source_unref);

  if (self->cancel_source != NULL)
    g_source_destroy (self->cancel_source);
  g_clear_pointer (&self->cancel_source, g_source_unref);
}

static void
connection_free (Connection *connection)
{
  if (connection->deadline_source != NULL)
    g_source_destroy (connection->deadline_source);
  g_clear_pointer (&connection->deadline_source, g_source_unref);
  g_clear_object (&connection->stream);
  g_free (connection);
}

/* The server closes a connection's stream when it is done with it. */
static void
forget_closed_connections (OrgdeskLoopbackReceiver *self)
{
  for (guint i = self->connections->len; i > 0; i--)
    {
      Connection *connection = g_ptr_array_index (self->connections, i - 1);

      if (g_io_stream_is_closed (G_IO_STREAM (connection->stream)))
        g_ptr_array_remove_index_fast (self->connections, i - 1);
    }
}

static void
close_listener (OrgdeskLoopbackReceiver *self)
{
  g_autoptr(GSocketService) service = g_steal_pointer (&self->service);
  g_autoptr(SoupServer) server = g_steal_pointer (&self->server);

  if (server == NULL)
    return;

  /* Cleared first: handlers that run while disconnecting see a closed receiver. */
  g_signal_handlers_disconnect_by_data (service, self);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));

  /* This closes every connection the server still has, stalled ones included. */
  soup_server_disconnect (server);
  g_ptr_array_set_size (self->connections, 0);

  g_debug ("Loopback receiver closed");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);
}

/* Hands the outcome to a pending wait.  The caller may drop its last reference in
 * the callback, so nothing touches @self after the task returns. */
static void
deliver_outcome (OrgdeskLoopbackReceiver *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->task == NULL || !self->has_outcome)
    return;

  task = g_steal_pointer (&self->task);
  clear_wait_sources (self);

  /* The code is handed over, not kept: the receiver has no further use for it. */
  if (self->error != NULL)
    g_task_return_error (task, g_error_copy (self->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&self->code), (GDestroyNotify) orgdesk_secret_free);
}

/* Ends the wait early (timeout, cancel, close) unless a callback already decided it. */
static void
finish_with_error (OrgdeskLoopbackReceiver *self,
                   GError                  *error)
{
  g_autoptr(GError) owned = error;

  if (!self->has_outcome)
    set_outcome (self, NULL, g_steal_pointer (&owned));

  close_listener (self);
  deliver_outcome (self);
}

static const char *
content_security_policy (void)
{
  static char *policy;

  /* Built once, on the main thread, the only one the receiver runs on. */
  if (policy == NULL)
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize length = sizeof digest;
      g_autofree char *hash = NULL;

      g_checksum_update (checksum, (const guchar *) page_style, strlen (page_style));
      g_checksum_get_digest (checksum, digest, &length);
      hash = g_base64_encode (digest, length);
      policy = g_strdup_printf ("%s; style-src 'sha256-%s'", CONTENT_SECURITY_POLICY, hash);
    }

  return policy;
}

static void
set_common_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Content-Security-Policy", content_security_policy ());
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

static void
reject (SoupServerMessage *msg,
        guint              status)
{
  const char *phrase = soup_status_get_phrase (status);
  char *body = g_strdup_printf ("%u %s\n", status, phrase);

  g_debug ("Loopback receiver refused a request: %u %s", status, phrase);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_TAKE, body, strlen (body));
  set_common_headers (msg);

  if (status == SOUP_STATUS_METHOD_NOT_ALLOWED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
}

/* The page the browser shows after the redirect.  It never contains request data. */
static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *heading,
              const char        *text)
{
  g_autofree char *escaped_heading = g_markup_escape_text (heading, -1);
  g_autofree char *escaped_text = g_markup_escape_text (text, -1);
  char *page;

  page = g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<title>%s</title><style>%s</style></head>\n"
                          "<body><main><h1>%s</h1><p>%s</p></main></body></html>\n",
                          escaped_heading, page_style, escaped_heading, escaped_text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8",
                                    SOUP_MEMORY_TAKE, page, strlen (page));
  set_common_headers (msg);

  /* One response and we are done: don't let the browser keep the connection. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

static gboolean
host_is_ours (OrgdeskLoopbackReceiver *self,
              SoupServerMessage       *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *host = soup_message_headers_get_one (headers, "Host");
  g_autofree char *expected = g_strdup_printf ("127.0.0.1:%d", self->port);

  /* A page the browser loaded from elsewhere (DNS rebinding) sends its own Host. */
  return g_strcmp0 (host, expected) == 0;
}

static gboolean
has_body (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_NONE:
      return FALSE;
    case SOUP_ENCODING_CONTENT_LENGTH:
      return soup_message_headers_get_content_length (headers) > 0;
    default:
      return TRUE;
    }
}

/* Returns SOUP_STATUS_OK if @msg may be the redirect, else the status to refuse it with. */
static guint
check_request (OrgdeskLoopbackReceiver *self,
               SoupServerMessage       *msg,
               const char              *path)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));

  if (self->has_outcome || self->server == NULL)
    return SOUP_STATUS_BAD_REQUEST;
  if (g_strcmp0 (path, CALLBACK_PATH) != 0)
    return SOUP_STATUS_NOT_FOUND;
  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0)
    return SOUP_STATUS_METHOD_NOT_ALLOWED;
  if (query != NULL && strlen (query) > MAX_QUERY_LENGTH)
    return SOUP_STATUS_REQUEST_URI_TOO_LONG;
  if (!host_is_ours (self, msg) || has_body (msg))
    return SOUP_STATUS_BAD_REQUEST;

  return SOUP_STATUS_OK;
}

/* Decodes the query into @params.  A repeated parameter is refused: which copy
 * counts would otherwise depend on the parser (parameter pollution). */
static guint
parse_params (SoupServerMessage  *msg,
              GHashTable        **params)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) table = NULL;
  GUriParamsIter iter;
  char *name;
  char *value;
  g_autoptr(GError) error = NULL;

  /* The values include the code and the state: wiped when the table goes. */
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) orgdesk_secret_free);

  g_uri_params_iter_init (&iter, query != NULL ? query : "", -1, "&", G_URI_PARAMS_WWW_FORM);
  while (g_uri_params_iter_next (&iter, &name, &value, &error))
    {
      if (!g_hash_table_insert (table, name, value))
        return SOUP_STATUS_BAD_REQUEST;
    }

  if (error != NULL)
    return SOUP_STATUS_BAD_REQUEST;

  *params = g_steal_pointer (&table);
  return SOUP_STATUS_OK;
}

static guint
check_params (OrgdeskLoopbackReceiver *self,
              GHashTable              *params)
{
  const char *state = g_hash_table_lookup (params, "state");

  if (state == NULL || !strings_equal_constant_time (state, self->expected_state))
    return SOUP_STATUS_BAD_REQUEST;

  return SOUP_STATUS_OK;
}

/* RFC 9207: an answer to our request that names another issuer, or none where
 * the issuer promised to name itself, may be a mix-up attack; it ends the
 * sign-in, and its code goes nowhere.  A present iss is checked even when the
 * issuer's metadata does not advertise it. */
static GError *
check_issuer (OrgdeskLoopbackReceiver *self,
              const char              *issuer)
{
  if (self->expected_issuer == NULL || g_strcmp0 (issuer, self->expected_issuer) == 0)
    return NULL;

  if (issuer == NULL && !self->issuer_required)
    return NULL;

  if (issuer == NULL)
    return g_error_new (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                        /* Translators: %s is the address of the sign-in server */
                        _("The sign-in answer does not say which server sent it, though %s "
                          "promised to (RFC 9207); it was refused"), self->expected_issuer);

  return g_error_new (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                      /* Translators: %s is the address of the sign-in server */
                      _("The sign-in answer names another server than %s (RFC 9207); it was refused"),
                      self->expected_issuer);
}

static GError *
denial_error (const char *error_code,
              const char *description)
{
  g_autofree char *safe_code = sanitize (error_code, MAX_ERROR_CODE_LENGTH);
  g_autofree char *safe_description = NULL;

  if (description == NULL || *description == '\0')
    return g_error_new (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_AUTHORIZATION_DENIED,
                        /* Translators: %s is an OAuth error code such as access_denied */
                        _("The sign-in was declined (%s)"), safe_code);

  safe_description = sanitize (description, MAX_DESCRIPTION_LENGTH);
  return g_error_new (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_AUTHORIZATION_DENIED,
                      /* Translators: the first %s is an OAuth error code such as
                       * access_denied, the second the server's explanation (English) */
                      _("The sign-in was declined (%s): %s"), safe_code, safe_description);
}

static gboolean
on_accepted_idle_cb (gpointer user_data)
{
  OrgdeskLoopbackReceiver *self = user_data;

  close_listener (self);
  deliver_outcome (self);

  return G_SOURCE_REMOVE;
}

/* The page is written; closing the listener from an idle keeps libsoup out of
 * our way while it is still finishing the message. */
static void
on_accepted_message_finished_cb (SoupServerMessage       *msg,
                                 OrgdeskLoopbackReceiver *self)
{
  if (self->server == NULL)
    return;

  g_idle_add_full (G_PRIORITY_DEFAULT, on_accepted_idle_cb,
                   g_object_ref (self), g_object_unref);
}

static void
accept_callback (OrgdeskLoopbackReceiver *self,
                 SoupServerMessage       *msg,
                 GHashTable              *params)
{
  const char *error_code = g_hash_table_lookup (params, "error");
  const char *code = g_hash_table_lookup (params, "code");
  GError *issuer_error;

  self->issuer = g_strdup (g_hash_table_lookup (params, "iss"));
  issuer_error = check_issuer (self, self->issuer);

  if (issuer_error != NULL)
    {
      g_debug ("Loopback receiver got a callback from an unexpected issuer");
      set_outcome (self, NULL, issuer_error);
      respond_page (msg, SOUP_STATUS_BAD_REQUEST, _("Sign-in was not completed"),
                    _("You can close this tab and return to Orgdesk."));
    }
  else if (error_code != NULL)
    {
      g_debug ("Loopback receiver got an error response from the authorization server");
      set_outcome (self, NULL, denial_error (error_code, g_hash_table_lookup (params, "error_description")));
      respond_page (msg, SOUP_STATUS_OK, _("Sign-in was not completed"),
                    _("You can close this tab and return to Orgdesk."));
    }
  else if (!code_is_valid (code))
    {
      g_debug ("Loopback receiver got a callback without a usable code");
      set_outcome (self, NULL, g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_REQUEST,
                                                    _("The identity provider sent no authorization code")));
      respond_page (msg, SOUP_STATUS_BAD_REQUEST, _("Sign-in was not completed"),
                    _("You can close this tab and return to Orgdesk."));
    }
  else
    {
      g_debug ("Loopback receiver accepted the authorization callback");
      set_outcome (self, code, NULL);
      respond_page (msg, SOUP_STATUS_OK, _("Signed in to Orgdesk"),
                    _("You can close this tab and return to Orgdesk."));
    }

  g_signal_connect_object (msg, "finished",
                           G_CALLBACK (on_accepted_message_finished_cb), self,
                           G_CONNECT_DEFAULT);
}

/* Runs once the request head is parsed, before any body: a body is never wanted,
 * so don't let a client make us buffer one. */
static void
on_request_head_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  OrgdeskLoopbackReceiver *self = user_data;
  g_autoptr(GHashTable) params = NULL;
  guint status;

  status = check_request (self, msg, path);
  if (status == SOUP_STATUS_OK)
    status = parse_params (msg, &params);
  if (status == SOUP_STATUS_OK)
    status = check_params (self, params);

  if (status != SOUP_STATUS_OK)
    reject (msg, status);
  else
    accept_callback (self, msg, params);
}

/* Shutting the socket down, rather than closing it, leaves the descriptor to the
 * server, which reads the end of the stream and closes the connection itself. */
static gboolean
on_connection_deadline_cb (gpointer user_data)
{
  Connection *connection = user_data;
  OrgdeskLoopbackReceiver *self = connection->self;

  if (!g_io_stream_is_closed (G_IO_STREAM (connection->stream)))
    {
      g_debug ("Loopback receiver closed a connection that sent no complete request in time");
      g_socket_shutdown (g_socket_connection_get_socket (connection->stream), TRUE, TRUE, NULL);
    }

  g_ptr_array_remove_fast (self->connections, connection);

  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming_cb (GSocketService          *service,
                GSocketConnection       *stream,
                GObject                 *source_object,
                OrgdeskLoopbackReceiver *self)
{
  g_autoptr(GSocketAddress) local_address = NULL;
  g_autoptr(GSocketAddress) remote_address = NULL;
  g_autoptr(GError) error = NULL;
  Connection *connection;

  forget_closed_connections (self);

  /* The ones already open keep their place; the new one is turned away. */
  if (self->connections->len >= self->max_connections)
    {
      g_debug ("Loopback receiver refused a connection: %u are open already", self->connections->len);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }

  local_address = g_socket_connection_get_local_address (stream, &error);
  if (local_address != NULL)
    remote_address = g_socket_connection_get_remote_address (stream, &error);
  if (remote_address == NULL)
    {
      g_debug ("Loopback receiver dropped a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }

  connection = g_new0 (Connection, 1);
  connection->self = self;
  connection->stream = g_object_ref (stream);
  connection->deadline_source = g_timeout_source_new (self->connection_timeout_ms);
  g_source_set_callback (connection->deadline_source, on_connection_deadline_cb, connection, NULL);
  g_source_set_static_name (connection->deadline_source, "[orgdesk] loopback connection deadline");
  g_source_attach (connection->deadline_source, g_main_context_get_thread_default ());
  g_ptr_array_add (self->connections, connection);

  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (stream), local_address, remote_address, &error))
    {
      g_debug ("Loopback receiver dropped a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
    }

  return TRUE;
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  OrgdeskLoopbackReceiver *self = g_task_get_source_object (user_data);

  g_debug ("Loopback receiver timed out");
  finish_with_error (self, g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_TIMED_OUT,
                                                _("The browser did not return to Orgdesk in time")));

  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  OrgdeskLoopbackReceiver *self = g_task_get_source_object (user_data);
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  finish_with_error (self, error);

  return G_SOURCE_REMOVE;
}

static void
orgdesk_loopback_receiver_dispose (GObject *object)
{
  OrgdeskLoopbackReceiver *self = (OrgdeskLoopbackReceiver *)object;

  clear_wait_sources (self);
  close_listener (self);

  G_OBJECT_CLASS (orgdesk_loopback_receiver_parent_class)->dispose (object);
}

static void
orgdesk_loopback_receiver_finalize (GObject *object)
{
  OrgdeskLoopbackReceiver *self = (OrgdeskLoopbackReceiver *)object;

  g_assert (self->task == NULL);
  g_assert (self->connections->len == 0);

  g_ptr_array_unref (self->connections);
  orgdesk_secret_free (self->expected_state);
  g_free (self->expected_issuer);
  g_free (self->redirect_uri);
  orgdesk_secret_free (self->code);
  g_free (self->issuer);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (orgdesk_loopback_receiver_parent_class)->finalize (object);
}

static void
orgdesk_loopback_receiver_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  OrgdeskLoopbackReceiver *self = ORGDESK_LOOPBACK_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_EXPECTED_ISSUER:
      g_value_set_string (value, self->expected_issuer);
      break;

    case PROP_ISSUER_REQUIRED:
      g_value_set_boolean (value, self->issuer_required);
      break;

    case PROP_REDIRECT_URI:
      g_value_set_string (value, self->redirect_uri);
      break;

    case PROP_LISTENING:
      g_value_set_boolean (value, orgdesk_loopback_receiver_is_listening (self));
      break;

    case PROP_CONNECTION_TIMEOUT:
      g_value_set_uint (value, self->connection_timeout_ms);
      break;

    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_loopback_receiver_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  OrgdeskLoopbackReceiver *self = ORGDESK_LOOPBACK_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_EXPECTED_STATE:
      self->expected_state = g_value_dup_string (value);
      break;

    case PROP_EXPECTED_ISSUER:
      self->expected_issuer = g_value_dup_string (value);
      break;

    case PROP_ISSUER_REQUIRED:
      self->issuer_required = g_value_get_boolean (value);
      break;

    case PROP_CONNECTION_TIMEOUT:
      orgdesk_loopback_receiver_set_connection_timeout (self, g_value_get_uint (value));
      break;

    case PROP_MAX_CONNECTIONS:
      orgdesk_loopback_receiver_set_max_connections (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_loopback_receiver_class_init (OrgdeskLoopbackReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_loopback_receiver_dispose;
  object_class->finalize = orgdesk_loopback_receiver_finalize;
  object_class->get_property = orgdesk_loopback_receiver_get_property;
  object_class->set_property = orgdesk_loopback_receiver_set_property;

  /* Write-only: nothing needs to read the state back out of the receiver. */
  properties[PROP_EXPECTED_STATE] =
    g_param_spec_string ("expected-state", NULL, NULL,
                         NULL,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_EXPECTED_ISSUER] =
    g_param_spec_string ("expected-issuer", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* Whether a callback without iss is refused (the metadata advertises it). */
  properties[PROP_ISSUER_REQUIRED] =
    g_param_spec_boolean ("issuer-required", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_REDIRECT_URI] =
    g_param_spec_string ("redirect-uri", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LISTENING] =
    g_param_spec_boolean ("listening", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* In milliseconds, so tests need not wait seconds for a deadline. */
  properties[PROP_CONNECTION_TIMEOUT] =
    g_param_spec_uint ("connection-timeout", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_CONNECTION_TIMEOUT_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_MAX_CONNECTIONS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_loopback_receiver_init (OrgdeskLoopbackReceiver *self)
{
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) connection_free);
  self->connection_timeout_ms = DEFAULT_CONNECTION_TIMEOUT_MS;
  self->max_connections = DEFAULT_MAX_CONNECTIONS;
}

/**
 * orgdesk_loopback_receiver_new:
 * @expected_state: the `state` sent in the authorization request
 * @expected_issuer: (nullable): the issuer an `iss` in the callback must name
 * @issuer_required: whether a callback without `iss` is refused (the issuer's
 *   metadata advertises `authorization_response_iss_parameter_supported`)
 *
 * Creates a receiver that accepts exactly one `GET /callback` whose `state`
 * matches.  Callbacks with another state get a plain 400 and change nothing; one
 * with our state but another issuer (RFC 9207) ends the wait with an error.
 *
 * Returns: (transfer full): a new #OrgdeskLoopbackReceiver
 */
OrgdeskLoopbackReceiver *
orgdesk_loopback_receiver_new (const char *expected_state,
                               const char *expected_issuer,
                               gboolean    issuer_required)
{
  g_return_val_if_fail (expected_state != NULL && *expected_state != '\0', NULL);
  g_return_val_if_fail (!issuer_required || expected_issuer != NULL, NULL);

  return g_object_new (ORGDESK_TYPE_LOOPBACK_RECEIVER,
                       "expected-state", expected_state,
                       "expected-issuer", expected_issuer,
                       "issuer-required", issuer_required,
                       NULL);
}

/**
 * orgdesk_loopback_receiver_listen:
 * @self: a #OrgdeskLoopbackReceiver
 * @error: return location for a #GError
 *
 * Binds 127.0.0.1 on a port the kernel picks and builds the redirect URI from it.
 * A receiver listens once.
 *
 * Returns: %TRUE if listening
 */
gboolean
orgdesk_loopback_receiver_listen (OrgdeskLoopbackReceiver  *self,
                                  GError                  **error)
{
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound_address = NULL;
  int port;

  g_return_val_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self), FALSE);
  g_return_val_if_fail (self->redirect_uri == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The IPv4 loopback address itself, not "localhost" (RFC 8252 §8.3). */
  service = g_socket_service_new ();
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &bound_address, error))
    return FALSE;

  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound_address));
  if (port <= 0)
    {
      g_socket_listener_close (G_SOCKET_LISTENER (service));
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("Could not find the port of the sign-in listener"));
      return FALSE;
    }

  /* A server without listeners of its own also never keeps a connection alive:
   * one request per connection. */
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_early_handler (self->server, NULL, on_request_head_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, on_request_cb, self, NULL);

  /* A new service is active: it accepts once the main context runs. */
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming_cb), self);

  self->service = g_steal_pointer (&service);
  self->port = port;
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d" CALLBACK_PATH, port);
  g_debug ("Loopback receiver listening on %s", self->redirect_uri);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDIRECT_URI]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);

  return TRUE;
}

/**
 * orgdesk_loopback_receiver_get_redirect_uri:
 * @self: a #OrgdeskLoopbackReceiver
 *
 * Returns: (nullable): `http://127.0.0.1:<port>/callback`, or %NULL before listen()
 */
const char *
orgdesk_loopback_receiver_get_redirect_uri (OrgdeskLoopbackReceiver *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self), NULL);

  return self->redirect_uri;
}

/**
 * orgdesk_loopback_receiver_wait_async:
 * @self: a listening #OrgdeskLoopbackReceiver
 * @timeout_seconds: give up after this long; 0 waits until cancelled
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the outcome
 * @user_data: data for @callback
 *
 * Waits for the redirect.  The listener closes when the wait ends, however it ends.
 */
void
orgdesk_loopback_receiver_wait_async (OrgdeskLoopbackReceiver *self,
                                      guint                    timeout_seconds,
                                      GCancellable            *cancellable,
                                      GAsyncReadyCallback      callback,
                                      gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self));
  g_return_if_fail (self->redirect_uri != NULL);
  g_return_if_fail (self->task == NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_loopback_receiver_wait_async);

  self->task = g_object_ref (task);

  /* The browser may have been quicker than our caller. */
  if (self->has_outcome)
    {
      deliver_outcome (self);
      return;
    }

  if (timeout_seconds > 0)
    {
      self->timeout_source = g_timeout_source_new (MIN (timeout_seconds, G_MAXUINT / 1000) * 1000);
      g_task_attach_source (task, self->timeout_source, on_timeout_cb);
    }

  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_task_attach_source (task, self->cancel_source, G_SOURCE_FUNC (on_cancelled_cb));
    }
}

/**
 * orgdesk_loopback_receiver_wait_finish:
 * @self: a #OrgdeskLoopbackReceiver
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns the authorization code.  Fails with %ORGDESK_AUTH_ERROR_AUTHORIZATION_DENIED
 * (an `error=` redirect), %ORGDESK_AUTH_ERROR_INVALID_REQUEST (no usable code),
 * %ORGDESK_AUTH_ERROR_TIMED_OUT, %G_IO_ERROR_CANCELLED or %G_IO_ERROR_CLOSED.
 *
 * Returns: (transfer full) (nullable): the code, or %NULL with @error set
 */
char *
orgdesk_loopback_receiver_wait_finish (OrgdeskLoopbackReceiver  *self,
                                       GAsyncResult             *result,
                                       GError                  **error)
{
  g_return_val_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == orgdesk_loopback_receiver_wait_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * orgdesk_loopback_receiver_close:
 * @self: a #OrgdeskLoopbackReceiver
 *
 * Stops listening.  A pending wait fails with %G_IO_ERROR_CLOSED unless a callback
 * was already accepted.
 */
void
orgdesk_loopback_receiver_close (OrgdeskLoopbackReceiver *self)
{
  g_return_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self));

  finish_with_error (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                _("The sign-in listener was closed")));
}

gboolean
orgdesk_loopback_receiver_is_listening (OrgdeskLoopbackReceiver *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self), FALSE);

  return self->server != NULL;
}

const char *
orgdesk_loopback_receiver_get_expected_issuer (OrgdeskLoopbackReceiver *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self), NULL);

  return self->expected_issuer;
}

/**
 * orgdesk_loopback_receiver_get_issuer:
 * @self: a #OrgdeskLoopbackReceiver
 *
 * Returns: (nullable): the `iss` of the accepted callback, if it had one
 */
const char *
orgdesk_loopback_receiver_get_issuer (OrgdeskLoopbackReceiver *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self), NULL);

  return self->issuer;
}

/**
 * orgdesk_loopback_receiver_set_connection_timeout:
 * @self: a #OrgdeskLoopbackReceiver
 * @timeout_ms: how long a connection may stay open, in milliseconds
 *
 * Sets how long after it was accepted a connection is closed, whether or not
 * it sent anything meanwhile.  Applies to connections accepted afterwards.
 */
void
orgdesk_loopback_receiver_set_connection_timeout (OrgdeskLoopbackReceiver *self,
                                                  guint                    timeout_ms)
{
  g_return_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->connection_timeout_ms == timeout_ms)
    return;

  self->connection_timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_TIMEOUT]);
}

guint
orgdesk_loopback_receiver_get_connection_timeout (OrgdeskLoopbackReceiver *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self), 0);

  return self->connection_timeout_ms;
}

/**
 * orgdesk_loopback_receiver_set_max_connections:
 * @self: a #OrgdeskLoopbackReceiver
 * @max_connections: how many connections may be open at once
 *
 * A connection beyond the limit is closed as soon as it is accepted; those
 * already open are not affected.
 */
void
orgdesk_loopback_receiver_set_max_connections (OrgdeskLoopbackReceiver *self,
                                               guint                    max_connections)
{
  g_return_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self));
  g_return_if_fail (max_connections > 0);

  if (self->max_connections == max_connections)
    return;

  self->max_connections = max_connections;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONNECTIONS]);
}

guint
orgdesk_loopback_receiver_get_max_connections (OrgdeskLoopbackReceiver *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOOPBACK_RECEIVER (self), 0);

  return self->max_connections;
}
