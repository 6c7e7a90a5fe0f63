/* orgdesk-logto-client.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-json.h"
#include "orgdesk-logto-client.h"
#include "orgdesk-secret-memory.h"

/* Nothing Orgdesk reads from Logto comes near this; a larger body is hostile. */
#define MAX_RESPONSE_BYTES (1024 * 1024)
#define READ_CHUNK_BYTES (16 * 1024)
#define HTTP_TIMEOUT_SECONDS 30
#define MAX_ERROR_DESCRIPTION_CHARS 200

struct _OrgdeskLogtoClient
{
  GObject parent_instance;

  char                     *endpoint;
  char                     *client_id;
  char                     *issuer;

  SoupSession              *session;
  OrgdeskOidcConfiguration *configuration;
  OrgdeskJwks              *jwks;

  /* Discovery is single-flight: callers that arrive while it runs wait for it. */
  GPtrArray                *discover_waiters;
};

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_CLIENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskLogtoClient, orgdesk_logto_client, G_TYPE_OBJECT)

/* HTTP plumbing {{{ */

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Forms carry codes, verifiers and refresh tokens: GString would grow with
 * realloc() and leave a copy behind, so this grows it by copy and wipe. */
static void
form_reserve (GString *form,
              gsize    extra)
{
  gsize allocated;
  char *str;

  if (form->len + extra < form->allocated_len)
    return;

  allocated = MAX (form->allocated_len * 2, form->len + extra + 1);
  str = g_malloc (allocated);
  memcpy (str, form->str, form->len + 1);
  orgdesk_secret_wipe (form->str, form->len);
  g_free (form->str);
  form->str = str;
  form->allocated_len = allocated;
}

static GString *
form_new (void)
{
  return g_string_sized_new (1024);
}

static void
form_append (GString    *form,
             const char *name,
             const char *value)
{
  g_auto(OrgdeskSecretString) escaped = NULL;
  gsize escaped_len;

  if (value == NULL)
    return;

  escaped = g_uri_escape_string (value, NULL, FALSE);
  escaped_len = strlen (escaped);
  form_reserve (form, 1 + strlen (name) + 1 + escaped_len);
  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append (form, name);
  g_string_append_c (form, '=');
  g_string_append_len (form, escaped, escaped_len);
}

/* Text that came from the server goes only into error details: keep it short,
 * valid UTF-8 and free of control characters. */
static char *
sanitize_server_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_new (NULL);
  guint n_chars = 0;

  for (const char *p = valid; *p != '\0' && n_chars < MAX_ERROR_DESCRIPTION_CHARS; p = g_utf8_next_char (p), n_chars++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }

  return g_string_free (out, FALSE);
}

/* Turns a transport failure into an error the UI can explain; cancellation stays.
 * Whether the request may have reached the server decides the code: until
 * libsoup has written the whole request body (SoupMessage::wrote-body), the
 * server cannot have acted on it (UNREACHABLE); after that, a timeout or a
 * dropped connection leaves it unknown (NO_RESPONSE), and a refresh token may
 * have been rotated.  libsoup 3.2 never resends a POST by itself: it gets a new
 * connection and is not restarted when that fails (not SOUP_METHOD_IS_IDEMPOTENT),
 * so one call is at most one request. */
static GError *
transport_error (GError   *error,
                 gboolean  wrote_body)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (!wrote_body)
    return g_error_new (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNREACHABLE,
                        "Could not reach the identity provider: %s", error->message);

  return g_error_new (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_NO_RESPONSE,
                      "The identity provider did not answer: %s", error->message);
}

/* Every request but discovery needs the discovered endpoints (and keys); without
 * them @task fails at once, and is consumed. */
static gboolean
require_discovery (OrgdeskLogtoClient *self,
                   GTask              *task)
{
  if (self->configuration != NULL && self->jwks != NULL)
    return TRUE;

  g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_FAILED,
                           "The identity provider has not been discovered yet");
  g_object_unref (task);
  return FALSE;
}

/* A buffer whose bytes are wiped before it is freed (token responses hold tokens). */
typedef struct
{
  guint8 *data;
  gsize   length;
  gsize   capacity;
} WipedBuffer;

static void
wiped_buffer_free (gpointer data)
{
  WipedBuffer *buffer = data;

  orgdesk_secret_wipe (buffer->data, buffer->length);
  g_free (buffer->data);
  g_free (buffer);
}

/* Makes room for @room more bytes; a grown buffer is a copy, so the old one is
 * wiped rather than left to realloc(). */
static void
wiped_buffer_reserve (WipedBuffer *buffer,
                      gsize        room)
{
  guint8 *data;
  gsize capacity;

  if (buffer->capacity - buffer->length >= room)
    return;

  capacity = MAX (MAX (buffer->capacity * 2, buffer->length + room), READ_CHUNK_BYTES);
  capacity = MAX (MIN (capacity, MAX_RESPONSE_BYTES + 1), buffer->length + room);
  data = g_malloc (capacity);
  if (buffer->length > 0)
    memcpy (data, buffer->data, buffer->length);
  orgdesk_secret_wipe (buffer->data, buffer->length);
  g_free (buffer->data);
  buffer->data = data;
  buffer->capacity = capacity;
}

/* Hands the bytes over; freeing the GBytes wipes them. */
static GBytes *
wiped_buffer_free_to_bytes (WipedBuffer *buffer)
{
  g_assert (buffer->data != NULL);
  return g_bytes_new_with_free_func (buffer->data, buffer->length, wiped_buffer_free, buffer);
}

/* A form body (RFC 6749 §4.1.3, §6; RFC 7009) as a GBytes that wipes itself:
 * it carries codes, verifiers and refresh tokens.  form_append() grew @form
 * without leaving copies; soup_message_new_from_encoded_form() would g_free() it. */
static GBytes *
form_free_to_bytes (GString *form)
{
  WipedBuffer *buffer = g_new0 (WipedBuffer, 1);

  buffer->length = form->len;
  buffer->capacity = form->allocated_len;
  buffer->data = (guint8 *) g_string_free (form, FALSE);

  return g_bytes_new_with_free_func (buffer->data, buffer->length, wiped_buffer_free, buffer);
}

/* One request and its bounded response body: never more than
 * MAX_RESPONSE_BYTES + 1 bytes are read, so a hostile endpoint cannot make
 * Orgdesk buffer more. */
typedef struct
{
  SoupMessage  *message;
  GInputStream *stream;
  WipedBuffer  *body;
  gboolean      wrote_body;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_signal_handlers_disconnect_by_data (exchange->message, exchange);
  /* Closing before the end drops the connection; libsoup 3.2 does not read the
   * rest of the body to keep it. */
  if (exchange->stream != NULL && !g_input_stream_is_closed (exchange->stream))
    g_input_stream_close_async (exchange->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&exchange->stream);
  g_clear_object (&exchange->message);
  g_clear_pointer (&exchange->body, wiped_buffer_free);
  g_free (exchange);
}

static void
on_wrote_body_cb (SoupMessage *message,
                  gpointer     user_data)
{
  Exchange *exchange = user_data;

  exchange->wrote_body = TRUE;
}

static void read_next_chunk (GTask *task);

static void
fail_oversized (GTask *task)
{
  g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The identity provider sent an oversized response");
  g_object_unref (task);
}

static void
on_chunk_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n_read < 0)
    {
      g_task_return_error (task, transport_error (error, exchange->wrote_body));
      g_object_unref (task);
      return;
    }

  if (n_read == 0)
    {
      g_task_return_pointer (task, wiped_buffer_free_to_bytes (g_steal_pointer (&exchange->body)),
                             (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return;
    }

  exchange->body->length += n_read;
  if (exchange->body->length > MAX_RESPONSE_BYTES)
    {
      fail_oversized (task);
      return;
    }

  read_next_chunk (task);
}

/* Reads into the free part of the buffer, never past one byte over the limit. */
static void
read_next_chunk (GTask *task)
{
  Exchange *exchange = g_task_get_task_data (task);
  WipedBuffer *body = exchange->body;
  gsize limit = MAX_RESPONSE_BYTES + 1 - body->length;
  gsize room;

  if (body->capacity == body->length)
    wiped_buffer_reserve (body, MIN (READ_CHUNK_BYTES, limit));
  room = MIN (body->capacity - body->length, limit);

  g_input_stream_read_async (exchange->stream, body->data + body->length, room,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_chunk_read_cb, task);
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  g_autoptr(GError) error = NULL;
  goffset declared = 0;

  exchange->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (exchange->stream == NULL)
    {
      g_task_return_error (task, transport_error (error, exchange->wrote_body));
      g_object_unref (task);
      return;
    }

  /* Refused before reading anything when the server says it is too large. */
  headers = soup_message_get_response_headers (exchange->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    declared = soup_message_headers_get_content_length (headers);
  if (declared > MAX_RESPONSE_BYTES)
    {
      fail_oversized (task);
      return;
    }

  exchange->body = g_new0 (WipedBuffer, 1);
  wiped_buffer_reserve (exchange->body, declared + 1);
  read_next_chunk (task);
}

/* Sends @message and reads its body (at most MAX_RESPONSE_BYTES), asynchronously
 * on the thread-default main context; @callback gets it from read_response(). */
static void
send_message (OrgdeskLogtoClient  *self,
              SoupMessage         *message,
              GTask               *task,
              GAsyncReadyCallback  callback)
{
  Exchange *exchange = g_new0 (Exchange, 1);
  GTask *exchange_task;

  exchange->message = g_object_ref (message);
  g_signal_connect (message, "wrote-body", G_CALLBACK (on_wrote_body_cb), exchange);

  exchange_task = g_task_new (self, g_task_get_cancellable (task), callback, task);
  g_task_set_source_tag (exchange_task, send_message);
  g_task_set_task_data (exchange_task, exchange, (GDestroyNotify) exchange_free);

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_sent_cb, exchange_task);
}

/* The body of the response send_message() read, and its HTTP status. */
static GBytes *
read_response (OrgdeskLogtoClient  *self,
               GAsyncResult        *result,
               guint               *status,
               GError             **error)
{
  Exchange *exchange;
  GBytes *body;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  exchange = g_task_get_task_data (G_TASK (result));
  body = g_task_propagate_pointer (G_TASK (result), error);
  if (body != NULL)
    *status = soup_message_get_status (exchange->message);

  return body;
}

static JsonObject *
parse_json_object (GBytes *body)
{
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  return orgdesk_json_parse_object (data != NULL ? data : "", length);
}

/* Maps an OAuth error response (RFC 6749 §5.2, plus Logto's 403s) to our codes. */
static GError *
token_endpoint_error (guint   status,
                      GBytes *body)
{
  g_autoptr(JsonObject) object = parse_json_object (body);
  g_autofree char *description = NULL;
  const char *code = NULL;
  int error_code = ORGDESK_AUTH_ERROR_FAILED;

  if (object != NULL)
    {
      code = orgdesk_json_get_string (object, "error");
      description = sanitize_server_text (orgdesk_json_get_string (object, "error_description"));
    }

  if (g_strcmp0 (code, "invalid_grant") == 0)
    error_code = ORGDESK_AUTH_ERROR_INVALID_GRANT;
  else if (g_strcmp0 (code, "access_denied") == 0)
    error_code = ORGDESK_AUTH_ERROR_ACCESS_DENIED;
  else if (g_strcmp0 (code, "insufficient_scope") == 0 || g_strcmp0 (code, "invalid_scope") == 0)
    error_code = ORGDESK_AUTH_ERROR_INSUFFICIENT_SCOPE;
  else if (g_strcmp0 (code, "invalid_client") == 0 || g_strcmp0 (code, "unauthorized_client") == 0)
    error_code = ORGDESK_AUTH_ERROR_NOT_CONFIGURED;
  else if (code == NULL)
    return g_error_new (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                        "The identity provider answered HTTP %u without an OAuth error", status);

  {
    g_autofree char *safe_code = sanitize_server_text (code);

    return g_error_new (ORGDESK_AUTH_ERROR, error_code, "%s (HTTP %u): %s",
                        safe_code, status, description != NULL ? description : "");
  }
}

/* }}} */

/* Discovery {{{ */

static void
complete_discovery (OrgdeskLogtoClient *self,
                    GError             *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->discover_waiters);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }
}

/* GET of a JSON document that must answer 200 (discovery, JWKS). */
static void
on_document_fetched_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskLogtoClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = read_response (self, result, &status, &error);
  if (body == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (status != SOUP_STATUS_OK)
    g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                             "The identity provider answered HTTP %u for %s", status,
                             (const char *) g_task_get_task_data (task));
  else
    g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

static void
fetch_document_async (OrgdeskLogtoClient  *self,
                      const char          *uri,
                      const char          *what,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(SoupMessage) message = NULL;
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fetch_document_async);
  g_task_set_task_data (task, g_strdup (what), g_free);

  message = soup_message_new (SOUP_METHOD_GET, uri);
  if (message == NULL)
    {
      g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                               "The address of the %s is not valid", what);
      g_object_unref (task);
      return;
    }

  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  send_message (self, message, task, on_document_fetched_cb);
}

static GBytes *
fetch_document_finish (OrgdeskLogtoClient  *self,
                       GAsyncResult        *result,
                       GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_jwks_fetched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskLogtoClient *self = g_task_get_source_object (task);
  g_autoptr(OrgdeskJwks) jwks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = fetch_document_finish (self, result, &error);
  if (body != NULL)
    jwks = orgdesk_jwks_new_from_bytes (body, &error);

  if (jwks == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_set_object (&self->jwks, jwks);
  g_task_return_boolean (task, TRUE);
}

static void
fetch_jwks_async (OrgdeskLogtoClient  *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fetch_jwks_async);

  fetch_document_async (self, orgdesk_oidc_configuration_get_jwks_uri (self->configuration),
                        "key set", cancellable, on_jwks_fetched_cb, task);
}

static gboolean
fetch_jwks_finish (OrgdeskLogtoClient  *self,
                   GAsyncResult        *result,
                   GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_discovery_jwks_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  OrgdeskLogtoClient *self = ORGDESK_LOGTO_CLIENT (source);
  g_autoptr(GError) error = NULL;

  if (!fetch_jwks_finish (self, result, &error))
    g_clear_object (&self->configuration);

  complete_discovery (self, error);
}

static void
on_discovery_document_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  OrgdeskLogtoClient *self = ORGDESK_LOGTO_CLIENT (source);
  g_autoptr(OrgdeskOidcConfiguration) configuration = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = fetch_document_finish (self, result, &error);
  if (body != NULL)
    configuration = orgdesk_oidc_configuration_new_from_data (g_bytes_get_data (body, NULL),
                                                              g_bytes_get_size (body),
                                                              self->issuer, &error);

  if (configuration == NULL)
    {
      complete_discovery (self, error);
      return;
    }

  g_set_object (&self->configuration, configuration);
  fetch_jwks_async (self, NULL, on_discovery_jwks_cb, NULL);
}

/**
 * orgdesk_logto_client_discover_async:
 * @self: a #OrgdeskLogtoClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the configuration and key set are known
 * @user_data: data for @callback
 *
 * Fetches the discovery document and the JWKS once; later calls complete at once.
 * Cancelling one caller does not stop the shared fetch for the others.
 */
void
orgdesk_logto_client_discover_async (OrgdeskLogtoClient  *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *uri = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_LOGTO_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_logto_client_discover_async);
  g_task_set_check_cancellable (task, TRUE);

  if (self->configuration != NULL && self->jwks != NULL && self->discover_waiters == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  if (self->discover_waiters != NULL)
    {
      g_ptr_array_add (self->discover_waiters, task);
      return;
    }

  self->discover_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->discover_waiters, task);

  if (!orgdesk_oidc_uri_is_acceptable (self->issuer))
    {
      g_autoptr(GError) error = g_error_new (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_NOT_CONFIGURED,
                                             "“%s” is not a usable Logto endpoint: it must be an "
                                             "https URL, or http on this computer",
                                             self->endpoint);
      complete_discovery (self, error);
      return;
    }

  uri = g_strconcat (self->issuer, "/.well-known/openid-configuration", NULL);
  fetch_document_async (self, uri, "discovery document", NULL, on_discovery_document_cb, NULL);
}

gboolean
orgdesk_logto_client_discover_finish (OrgdeskLogtoClient  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* URIs {{{ */

/* @endpoint with the parameters of @query (built with form_append()) added. */
static char *
uri_with_query (const char *endpoint,
                GString    *query)
{
  g_autoptr(GString) owned = query;

  return g_strconcat (endpoint, strchr (endpoint, '?') != NULL ? "&" : "?", query->str, NULL);
}

/**
 * orgdesk_logto_client_build_authorization_uri:
 * @self: a discovered #OrgdeskLogtoClient
 * @request: the request's values
 *
 * Builds the authorization code request with PKCE S256 (RFC 7636), state and
 * nonce, and one `resource` parameter per resource indicator (RFC 8707).
 *
 * Returns: (transfer full): the URI to open in the browser
 */
char *
orgdesk_logto_client_build_authorization_uri (OrgdeskLogtoClient                *self,
                                              const OrgdeskAuthorizationRequest *request)
{
  g_autofree char *scope = NULL;
  GString *query;

  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  g_return_val_if_fail (self->configuration != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->redirect_uri != NULL, NULL);
  g_return_val_if_fail (request->state != NULL && request->nonce != NULL, NULL);
  g_return_val_if_fail (request->code_challenge != NULL, NULL);
  g_return_val_if_fail (request->scopes != NULL, NULL);

  scope = g_strjoinv (" ", (char **) request->scopes);

  query = g_string_new (NULL);
  form_append (query, "client_id", self->client_id);
  form_append (query, "redirect_uri", request->redirect_uri);
  form_append (query, "response_type", "code");
  form_append (query, "scope", scope);
  form_append (query, "state", request->state);
  form_append (query, "nonce", request->nonce);
  form_append (query, "code_challenge", request->code_challenge);
  form_append (query, "code_challenge_method", "S256");
  form_append (query, "prompt", request->prompt);
  for (guint i = 0; request->resources != NULL && request->resources[i] != NULL; i++)
    form_append (query, "resource", request->resources[i]);

  return uri_with_query (orgdesk_oidc_configuration_get_authorization_endpoint (self->configuration), query);
}

/**
 * orgdesk_logto_client_build_end_session_uri:
 * @self: a discovered #OrgdeskLogtoClient
 * @id_token_hint: (nullable): the last ID token
 *
 * Returns: (transfer full) (nullable): the RP-initiated logout URI, or %NULL when
 *   the provider has no end-session endpoint
 */
char *
orgdesk_logto_client_build_end_session_uri (OrgdeskLogtoClient *self,
                                            const char         *id_token_hint)
{
  const char *endpoint;
  GString *query;

  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);

  if (self->configuration == NULL ||
      (endpoint = orgdesk_oidc_configuration_get_end_session_endpoint (self->configuration)) == NULL)
    return NULL;

  query = g_string_new (NULL);
  form_append (query, "id_token_hint", id_token_hint);
  form_append (query, "client_id", self->client_id);

  return uri_with_query (endpoint, query);
}

/* }}} */

/* Token endpoint {{{ */

static void
on_token_response_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskLogtoClient *self = g_task_get_source_object (task);
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = read_response (self, result, &status, &error);
  if (body != NULL && status != SOUP_STATUS_OK)
    error = token_endpoint_error (status, body);
  else if (body != NULL)
    response = orgdesk_token_response_new_from_data (g_bytes_get_data (body, NULL),
                                                     g_bytes_get_size (body),
                                                     now_unix (), &error);

  if (response == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&response), g_object_unref);
}

/* Every token endpoint call is a form POST with the public client's id (RFC 8252 §8.4). */
static void
post_to_token_endpoint (OrgdeskLogtoClient *self,
                        GString            *form,
                        GTask              *task)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;

  if (!require_discovery (self, task))
    {
      g_bytes_unref (form_free_to_bytes (form));
      return;
    }

  form_append (form, "client_id", self->client_id);
  body = form_free_to_bytes (form);
  message = soup_message_new (SOUP_METHOD_POST, orgdesk_oidc_configuration_get_token_endpoint (self->configuration));
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  /* A token endpoint never redirects; libsoup would follow a 301/302/303 as a GET. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  send_message (self, message, task, on_token_response_cb);
}

void
orgdesk_logto_client_exchange_code_async (OrgdeskLogtoClient  *self,
                                          const char          *code,
                                          const char          *redirect_uri,
                                          const char          *code_verifier,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GString *form;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_LOGTO_CLIENT (self));
  g_return_if_fail (code != NULL && redirect_uri != NULL && code_verifier != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_logto_client_exchange_code_async);

  form = form_new ();
  form_append (form, "grant_type", "authorization_code");
  form_append (form, "code", code);
  form_append (form, "redirect_uri", redirect_uri);
  form_append (form, "code_verifier", code_verifier);
  post_to_token_endpoint (self, form, task);
}

OrgdeskTokenResponse *
orgdesk_logto_client_exchange_code_finish (OrgdeskLogtoClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * orgdesk_logto_client_refresh_async:
 * @self: a discovered #OrgdeskLogtoClient
 * @refresh_token: the current refresh token (it is spent by this call)
 * @organization_id: (nullable): ask for an organization token (Logto extension)
 * @resource: (nullable): ask for an access token for this API resource
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the token response
 * @user_data: data for @callback
 *
 * One refresh-token grant.  Logto rotates the refresh token on every call, so the
 * caller must serialize these and keep the new refresh token before anything else.
 */
void
orgdesk_logto_client_refresh_async (OrgdeskLogtoClient  *self,
                                    const char          *refresh_token,
                                    const char          *organization_id,
                                    const char          *resource,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GString *form;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_LOGTO_CLIENT (self));
  g_return_if_fail (refresh_token != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_logto_client_refresh_async);

  form = form_new ();
  form_append (form, "grant_type", "refresh_token");
  form_append (form, "refresh_token", refresh_token);
  form_append (form, "organization_id", organization_id);
  form_append (form, "resource", resource);
  post_to_token_endpoint (self, form, task);
}

OrgdeskTokenResponse *
orgdesk_logto_client_refresh_finish (OrgdeskLogtoClient  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* ID token verification {{{ */

static gboolean
verify_id_token (OrgdeskLogtoClient  *self,
                 OrgdeskJwt          *jwt,
                 const char          *nonce,
                 GError             **error)
{
  return orgdesk_jwt_verify_signature (jwt, self->jwks, error) &&
         orgdesk_jwt_validate_id_token (jwt, self->issuer, self->client_id, nonce, now_unix (), error);
}

static void
on_jwks_refetched_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskLogtoClient *self = g_task_get_source_object (task);
  OrgdeskJwt *jwt = g_task_get_task_data (task);
  const char *nonce = g_object_get_data (G_OBJECT (task), "orgdesk-nonce");
  g_autoptr(GError) error = NULL;

  if (!fetch_jwks_finish (self, result, &error) ||
      !verify_id_token (self, jwt, nonce, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_object_ref (jwt), g_object_unref);
}

/**
 * orgdesk_logto_client_verify_id_token_async:
 * @self: a discovered #OrgdeskLogtoClient
 * @id_token: the compact JWT
 * @nonce: (nullable): the nonce of the authorization request, or %NULL for a
 *   refreshed ID token
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the verified token
 * @user_data: data for @callback
 *
 * Verifies signature and claims (OIDC Core 3.1.3.7).  A key id the cached JWKS
 * does not know makes one refetch of the JWKS: Logto rotates keys.
 */
void
orgdesk_logto_client_verify_id_token_async (OrgdeskLogtoClient  *self,
                                            const char          *id_token,
                                            const char          *nonce,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(OrgdeskJwt) jwt = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_LOGTO_CLIENT (self));
  g_return_if_fail (id_token != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_logto_client_verify_id_token_async);

  if (!require_discovery (self, task))
    return;

  jwt = orgdesk_jwt_parse (id_token, &error);
  if (jwt != NULL && verify_id_token (self, jwt, nonce, &error))
    {
      g_task_return_pointer (task, g_steal_pointer (&jwt), g_object_unref);
      g_object_unref (task);
      return;
    }

  if (!g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNKNOWN_KEY))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  g_debug ("ID token names an unknown key; fetching the key set again");
  g_task_set_task_data (task, g_steal_pointer (&jwt), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "orgdesk-nonce", g_strdup (nonce), (GDestroyNotify) orgdesk_secret_free);
  fetch_jwks_async (self, cancellable, on_jwks_refetched_cb, task);
}

OrgdeskJwt *
orgdesk_logto_client_verify_id_token_finish (OrgdeskLogtoClient  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* Userinfo and revocation {{{ */

static void
on_userinfo_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskLogtoClient *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = read_response (self, result, &status, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_TOKEN,
                               "The identity provider did not accept the access token for userinfo");
      return;
    }

  if (status != SOUP_STATUS_OK ||
      (object = parse_json_object (body)) == NULL ||
      orgdesk_json_get_string (object, "sub") == NULL)
    {
      g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                               "The userinfo endpoint sent no usable profile (HTTP %u)", status);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

void
orgdesk_logto_client_fetch_userinfo_async (OrgdeskLogtoClient  *self,
                                           const char          *access_token,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(SoupMessage) message = NULL;
  g_auto(OrgdeskSecretString) authorization = NULL;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_LOGTO_CLIENT (self));
  g_return_if_fail (access_token != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_logto_client_fetch_userinfo_async);

  if (!require_discovery (self, task))
    return;

  message = soup_message_new (SOUP_METHOD_GET, orgdesk_oidc_configuration_get_userinfo_endpoint (self->configuration));
  authorization = g_strconcat ("Bearer ", access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  send_message (self, message, task, on_userinfo_cb);
}

JsonObject *
orgdesk_logto_client_fetch_userinfo_finish (OrgdeskLogtoClient  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_revoked_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OrgdeskLogtoClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = read_response (self, result, &status, &error);
  if (body != NULL && status != SOUP_STATUS_OK)
    error = token_endpoint_error (status, body);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* RFC 7009: revoking a refresh token ends the whole grant at Logto. */
void
orgdesk_logto_client_revoke_async (OrgdeskLogtoClient  *self,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *endpoint;
  GString *form;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_LOGTO_CLIENT (self));
  g_return_if_fail (token != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_logto_client_revoke_async);

  if (self->configuration == NULL ||
      (endpoint = orgdesk_oidc_configuration_get_revocation_endpoint (self->configuration)) == NULL)
    {
      g_task_return_new_error (task, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_FAILED,
                               "The identity provider has no revocation endpoint");
      g_object_unref (task);
      return;
    }

  form = form_new ();
  form_append (form, "token", token);
  form_append (form, "token_type_hint", "refresh_token");
  form_append (form, "client_id", self->client_id);
  body = form_free_to_bytes (form);
  message = soup_message_new (SOUP_METHOD_POST, endpoint);
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  send_message (self, message, task, on_revoked_cb);
}

gboolean
orgdesk_logto_client_revoke_finish (OrgdeskLogtoClient  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* GObject {{{ */

static void
orgdesk_logto_client_constructed (GObject *object)
{
  OrgdeskLogtoClient *self = ORGDESK_LOGTO_CLIENT (object);
  g_autofree char *trimmed = g_strdup (self->endpoint != NULL ? self->endpoint : "");
  gsize length = strlen (trimmed);

  G_OBJECT_CLASS (orgdesk_logto_client_parent_class)->constructed (object);

  /* Logto's issuer is "<endpoint>/oidc" (LOGTO.md); tolerate a trailing slash. */
  while (length > 0 && trimmed[length - 1] == '/')
    trimmed[--length] = '\0';
  self->issuer = g_strconcat (trimmed, "/oidc", NULL);

  self->session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_SECONDS,
                                                 "user-agent", "Orgdesk/" PACKAGE_VERSION " ",
                                                 NULL);
}

static void
orgdesk_logto_client_dispose (GObject *object)
{
  OrgdeskLogtoClient *self = ORGDESK_LOGTO_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);

  g_clear_object (&self->session);
  g_clear_object (&self->configuration);
  g_clear_object (&self->jwks);

  G_OBJECT_CLASS (orgdesk_logto_client_parent_class)->dispose (object);
}

static void
orgdesk_logto_client_finalize (GObject *object)
{
  OrgdeskLogtoClient *self = ORGDESK_LOGTO_CLIENT (object);

  g_free (self->endpoint);
  g_free (self->client_id);
  g_free (self->issuer);

  G_OBJECT_CLASS (orgdesk_logto_client_parent_class)->finalize (object);
}

static void
orgdesk_logto_client_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  OrgdeskLogtoClient *self = ORGDESK_LOGTO_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;

    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_logto_client_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  OrgdeskLogtoClient *self = ORGDESK_LOGTO_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      self->endpoint = g_value_dup_string (value);
      break;

    case PROP_CLIENT_ID:
      self->client_id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_logto_client_class_init (OrgdeskLogtoClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = orgdesk_logto_client_constructed;
  object_class->dispose = orgdesk_logto_client_dispose;
  object_class->finalize = orgdesk_logto_client_finalize;
  object_class->get_property = orgdesk_logto_client_get_property;
  object_class->set_property = orgdesk_logto_client_set_property;

  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_logto_client_init (OrgdeskLogtoClient *self)
{
}

/* }}} */

OrgdeskLogtoClient *
orgdesk_logto_client_new (const char *endpoint,
                          const char *client_id)
{
  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  return g_object_new (ORGDESK_TYPE_LOGTO_CLIENT,
                       "endpoint", endpoint,
                       "client-id", client_id,
                       NULL);
}

const char *
orgdesk_logto_client_get_endpoint (OrgdeskLogtoClient *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  return self->endpoint;
}

const char *
orgdesk_logto_client_get_client_id (OrgdeskLogtoClient *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  return self->client_id;
}

const char *
orgdesk_logto_client_get_issuer (OrgdeskLogtoClient *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  return self->issuer;
}

OrgdeskOidcConfiguration *
orgdesk_logto_client_get_configuration (OrgdeskLogtoClient *self)
{
  g_return_val_if_fail (ORGDESK_IS_LOGTO_CLIENT (self), NULL);
  return self->configuration;
}

/**
 * orgdesk_logto_client_set_timeout:
 * @self: a #OrgdeskLogtoClient
 * @seconds: how long one read or write may stall before the request fails
 *   (0: never); the default is 30
 *
 * Applies to connections opened afterwards; every token-endpoint POST opens its
 * own.  Tests use a short one to see what a late answer does.
 */
void
orgdesk_logto_client_set_timeout (OrgdeskLogtoClient *self,
                                  guint               seconds)
{
  g_return_if_fail (ORGDESK_IS_LOGTO_CLIENT (self));

  soup_session_set_timeout (self->session, seconds);
}
