/* orgdesk-provisioner-logto.c: the Logto Management API calls of the provisioner.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A machine-to-machine token (client credentials, HTTP Basic, scope "all"
 * for the Management API resource) is fetched when needed and cached until
 * shortly before it expires; a 401 drops it and the call is sent once more
 * with a new one.  Every answer is read with a bound.  Errors say whether a
 * request should be tried again (ORGDESK_PROVISIONER_ERROR_TEMPORARY: no
 * answer, 5xx, 429, a 401 again, an answer we cannot read) or is refused for
 * good (ORGDESK_PROVISIONER_ERROR_REFUSED: another 4xx).  Neither the secret
 * nor a token is ever logged; Logto's error bodies are, through
 * orgdesk_admin_printable().
 */

#define _DEFAULT_SOURCE   /* explicit_bzero, O_NOFOLLOW, O_CLOEXEC */
#define G_LOG_DOMAIN "orgdesk-provisioner"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "orgdesk-admin-jwks.h"
#include "orgdesk-json.h"
#include "orgdesk-provisioner-logto.h"

#define HTTP_TIMEOUT_SECONDS 10
#define READ_CHUNK_BYTES (16 * 1024)
#define ROLES_PAGE_SIZE 100
#define ROLES_MAX_PAGES 50

/* A token is renewed this long before Logto says it expires. */
#define TOKEN_MARGIN_SECONDS 60

#define NAME_SUFFIX "'s organization"

struct _OrgdeskProvisionerLogto
{
  GObject      parent_instance;

  SoupSession *session;
  char        *endpoint;
  char        *client_id;
  char        *client_secret;
  char        *resource;
  char        *role;

  char        *access_token;
  gint64       token_valid_until;   /* monotonic, µs */
  char        *role_id;             /* the role's id, once found */
};

G_DEFINE_FINAL_TYPE (OrgdeskProvisionerLogto, orgdesk_provisioner_logto, G_TYPE_OBJECT)

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      explicit_bzero (*secret, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

static void
orgdesk_provisioner_logto_finalize (GObject *object)
{
  OrgdeskProvisionerLogto *self = (OrgdeskProvisionerLogto *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->client_id, g_free);
  clear_secret (&self->client_secret);
  g_clear_pointer (&self->resource, g_free);
  g_clear_pointer (&self->role, g_free);
  clear_secret (&self->access_token);
  g_clear_pointer (&self->role_id, g_free);

  G_OBJECT_CLASS (orgdesk_provisioner_logto_parent_class)->finalize (object);
}

static void
orgdesk_provisioner_logto_class_init (OrgdeskProvisionerLogtoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = orgdesk_provisioner_logto_finalize;
}

static void
orgdesk_provisioner_logto_init (OrgdeskProvisionerLogto *self)
{
  self->session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_SECONDS,
                                                 "idle-timeout", HTTP_TIMEOUT_SECONDS,
                                                 "user-agent", "orgdesk-provisioner/" PACKAGE_VERSION " ",
                                                 NULL);
}

OrgdeskProvisionerLogto *
orgdesk_provisioner_logto_new (const OrgdeskProvisionerConfig *config)
{
  OrgdeskProvisionerLogto *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->endpoint != NULL && config->client_id != NULL, NULL);
  g_return_val_if_fail (config->client_secret != NULL, NULL);

  self = g_object_new (ORGDESK_TYPE_PROVISIONER_LOGTO, NULL);
  self->endpoint = g_strdup (config->endpoint);
  self->client_id = g_strdup (config->client_id);
  self->client_secret = g_strdup (config->client_secret);
  self->resource = g_strdup (config->resource);
  self->role = g_strdup (config->role);
  return self;
}

/* Parsing {{{ */

/**
 * orgdesk_provisioner_parse_json:
 *
 * Returns: (transfer full): the root of @bytes (UTF-8 JSON within the shared
 *   nesting limit), or %NULL with a TEMPORARY error
 */
JsonNode *
orgdesk_provisioner_parse_json (GBytes  *bytes,
                                GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;
  JsonNode *root;

  if (size == 0 || !g_utf8_validate_len (data, size, NULL) ||
      !orgdesk_json_parser_load (parser, data, (gssize) size, &local_error) ||
      (root = json_parser_get_root (parser)) == NULL)
    {
      g_autofree char *reason = orgdesk_admin_printable (local_error != NULL ? local_error->message
                                                                             : "empty or not UTF-8");

      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                   "Logto's answer is not valid JSON: %s", reason);
      return NULL;
    }

  return json_node_copy (root);
}

static JsonObject *
parse_object (GBytes      *bytes,
              const char  *what,
              GError     **error)
{
  g_autoptr(JsonNode) root = orgdesk_provisioner_parse_json (bytes, error);

  if (root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                   "Logto's %s is not a JSON object", what);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/**
 * orgdesk_provisioner_parse_token:
 * @expires_in: (out): seconds the token is valid, as Logto says (3600 if absent)
 *
 * Returns: (transfer full): the access token of a token response
 */
char *
orgdesk_provisioner_parse_token (GBytes  *bytes,
                                 gint64  *expires_in,
                                 GError **error)
{
  g_autoptr(JsonObject) object = parse_object (bytes, "token response", error);
  const char *token;
  const char *type;
  JsonNode *lifetime;

  if (object == NULL)
    return NULL;

  token = orgdesk_json_get_string (object, "access_token");
  type = orgdesk_json_get_string (object, "token_type");
  if (token == NULL || *token == '\0' || (type != NULL && g_ascii_strcasecmp (type, "Bearer") != 0))
    {
      g_set_error_literal (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                           "Logto's token response has no Bearer access_token");
      return NULL;
    }

  *expires_in = 3600;
  lifetime = json_object_get_member (object, "expires_in");
  if (lifetime != NULL && JSON_NODE_HOLDS_VALUE (lifetime) &&
      json_node_get_value_type (lifetime) == G_TYPE_INT64)
    *expires_in = CLAMP (json_node_get_int (lifetime), 0, 7 * 24 * 3600);

  return g_strdup (token);
}

static gboolean
is_logto_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 128)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

/**
 * orgdesk_provisioner_parse_organization_id:
 *
 * Returns: (transfer full): the "id" of a created organization
 */
char *
orgdesk_provisioner_parse_organization_id (GBytes  *bytes,
                                           GError **error)
{
  g_autoptr(JsonObject) object = parse_object (bytes, "new organization", error);
  const char *id;

  if (object == NULL)
    return NULL;

  id = orgdesk_json_get_string (object, "id");
  if (!is_logto_id (id))
    {
      g_set_error_literal (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                           "Logto's new organization has no usable id");
      return NULL;
    }

  return g_strdup (id);
}

/**
 * orgdesk_provisioner_find_role_id:
 * @n_roles: (out): how many roles the page lists
 *
 * Returns: (transfer full) (nullable): the id of the organization role named
 *   @role_name in a page of GET /api/organization-roles, %NULL (and no
 *   error) if the page does not list it
 */
char *
orgdesk_provisioner_find_role_id (GBytes      *bytes,
                                  const char  *role_name,
                                  guint       *n_roles,
                                  GError     **error)
{
  g_autoptr(JsonNode) root = orgdesk_provisioner_parse_json (bytes, error);
  JsonArray *roles;

  *n_roles = 0;
  if (root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                           "Logto's list of organization roles is not a JSON array");
      return NULL;
    }

  roles = json_node_get_array (root);
  *n_roles = json_array_get_length (roles);
  for (guint i = 0; i < *n_roles; i++)
    {
      JsonNode *node = json_array_get_element (roles, i);
      JsonObject *role;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      role = json_node_get_object (node);
      id = orgdesk_json_get_string (role, "id");
      if (g_strcmp0 (orgdesk_json_get_string (role, "name"), role_name) == 0 && is_logto_id (id))
        return g_strdup (id);
    }

  return NULL;
}

/**
 * orgdesk_provisioner_find_organization_id:
 *
 * Returns: (transfer full) (nullable): the id of the organization in a page
 *   of GET /api/organizations whose customData.orgdeskRequestId is
 *   @request_id, %NULL (and no error) if none is
 */
char *
orgdesk_provisioner_find_organization_id (GBytes      *bytes,
                                          const char  *request_id,
                                          GError     **error)
{
  g_autoptr(JsonNode) root = orgdesk_provisioner_parse_json (bytes, error);
  JsonArray *organizations;

  if (root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                           "Logto's list of organizations is not a JSON array");
      return NULL;
    }

  organizations = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (organizations); i++)
    {
      JsonNode *node = json_array_get_element (organizations, i);
      JsonNode *custom;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      id = orgdesk_json_get_string (json_node_get_object (node), "id");
      custom = json_object_get_member (json_node_get_object (node), "customData");
      if (custom != NULL && JSON_NODE_HOLDS_OBJECT (custom) && is_logto_id (id) &&
          g_strcmp0 (orgdesk_json_get_string (json_node_get_object (custom), "orgdeskRequestId"),
                     request_id) == 0)
        return g_strdup (id);
    }

  return NULL;
}

static const char *
non_blank (JsonObject *user,
           const char *member)
{
  const char *value = orgdesk_json_get_string (user, member);

  if (value == NULL)
    return NULL;

  while (g_ascii_isspace (*value))
    value++;
  return *value != '\0' ? value : NULL;
}

/**
 * orgdesk_provisioner_organization_name:
 * @user: a user as GET /api/users/{id} returns it
 *
 * "<name>'s organization", from the user's name, else username, else
 * primary email, else id; at most %ORGDESK_PROVISIONER_MAX_NAME_CHARS
 * characters, control characters dropped.
 *
 * Returns: (transfer full): the default organization's name
 */
char *
orgdesk_provisioner_organization_name (JsonObject *user)
{
  static const char * const members[] = { "name", "username", "primaryEmail", "id" };
  const glong max_chars = ORGDESK_PROVISIONER_MAX_NAME_CHARS - (glong) strlen (NAME_SUFFIX);
  g_autofree char *valid = NULL;
  const char *base = NULL;
  GString *name;
  glong n_chars = 0;

  g_return_val_if_fail (user != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (members) && base == NULL; i++)
    base = non_blank (user, members[i]);
  if (base == NULL)
    base = "New user";

  valid = g_utf8_make_valid (base, -1);
  g_strchomp (valid);

  name = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && n_chars < max_chars; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        continue;
      g_string_append_unichar (name, c);
      n_chars++;
    }

  g_string_append (name, NAME_SUFFIX);
  return g_string_free (name, FALSE);
}

/**
 * orgdesk_provisioner_describe_refusal:
 *
 * Returns: (transfer full): "HTTP 404 (entity.not_found: …)", from Logto's
 *   error body ({code, message}, or OAuth's {error, error_description})
 */
char *
orgdesk_provisioner_describe_refusal (guint   status,
                                      GBytes *body)
{
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  const char *reason = soup_status_get_phrase (status);

  if (body != NULL && g_bytes_get_size (body) > 0)
    object = parse_object (body, "error", NULL);

  if (object != NULL)
    {
      const char *c = orgdesk_json_get_string (object, "code");
      const char *m = orgdesk_json_get_string (object, "message");

      if (c == NULL)
        c = orgdesk_json_get_string (object, "error");
      if (m == NULL)
        m = orgdesk_json_get_string (object, "error_description");
      code = c != NULL ? orgdesk_admin_printable (c) : NULL;
      message = m != NULL ? orgdesk_admin_printable (m) : NULL;
    }

  if (code == NULL && message == NULL)
    return g_strdup_printf ("HTTP %u %s", status, reason != NULL ? reason : "");

  return g_strdup_printf ("HTTP %u (%s%s%s)", status,
                          code != NULL ? code : "",
                          code != NULL && message != NULL ? ": " : "",
                          message != NULL ? message : "");
}

/* }}} */

/* A bounded read of one answer {{{ */

typedef struct
{
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
} Exchange;

static void
exchange_free (gpointer data)
{
  Exchange *exchange = data;

  g_clear_object (&exchange->message);
  g_clear_object (&exchange->stream);
  g_clear_pointer (&exchange->body, g_byte_array_unref);
  g_free (exchange);
}

static void
set_unreachable (GTask        *task,
                 SoupMessage  *message,
                 GError       *error)
{
  g_autofree char *uri = g_uri_to_string_partial (soup_message_get_uri (message),
                                                  G_URI_HIDE_PASSWORD | G_URI_HIDE_QUERY);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_new_error (task, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                             "No answer from Logto (%s %s): %s",
                             soup_message_get_method (message), uri, error->message);
}

static void read_next (GTask *task);

static void
chunk_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  Exchange *exchange = g_task_get_task_data (task);

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      set_unreachable (task, exchange->message, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&exchange->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  g_byte_array_append (exchange->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (exchange->body->len > ORGDESK_PROVISIONER_MAX_RESPONSE_BYTES)
    {
      g_task_return_new_error (task, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                               "Logto's answer is larger than %d bytes",
                               ORGDESK_PROVISIONER_MAX_RESPONSE_BYTES);
      return;
    }

  read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  Exchange *exchange = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (exchange->stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), chunk_read_cb, task);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Exchange *exchange = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  exchange->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (exchange->stream == NULL)
    {
      set_unreachable (task, exchange->message, error);
      return;
    }

  headers = soup_message_get_response_headers (exchange->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > ORGDESK_PROVISIONER_MAX_RESPONSE_BYTES)
    {
      g_task_return_new_error (task, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                               "Logto's answer is larger than %d bytes",
                               ORGDESK_PROVISIONER_MAX_RESPONSE_BYTES);
      return;
    }

  exchange->body = g_byte_array_new ();
  read_next (g_steal_pointer (&task));
}

/* Sends @message (no redirects) and reads its whole body, bounded. */
static void
exchange_async (OrgdeskProvisionerLogto *self,
                SoupMessage             *message,
                GCancellable            *cancellable,
                GAsyncReadyCallback      callback,
                gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Exchange *exchange = g_new0 (Exchange, 1);

  g_task_set_source_tag (task, exchange_async);
  exchange->message = g_object_ref (message);
  g_task_set_task_data (task, exchange, exchange_free);

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                           sent_cb, g_steal_pointer (&task));
}

static GBytes *
exchange_finish (OrgdeskProvisionerLogto  *self,
                 GAsyncResult             *result,
                 GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* Management API calls with the machine-to-machine token {{{ */

typedef struct
{
  char        *method;
  char        *uri;
  char        *body;        /* JSON, or NULL */
  gboolean     renewed;     /* after a 401 */
  SoupMessage *message;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_free (call->method);
  g_free (call->uri);
  g_free (call->body);
  g_clear_object (&call->message);
  g_free (call);
}

typedef struct
{
  guint   status;
  GBytes *body;
} Answer;

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

static void send_call (GTask *task);

static gboolean
token_is_fresh (OrgdeskProvisionerLogto *self)
{
  return self->access_token != NULL && g_get_monotonic_time () < self->token_valid_until;
}

static void
token_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  OrgdeskProvisionerLogto *self = ORGDESK_PROVISIONER_LOGTO (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  Call *call = g_task_get_task_data (task);
  g_autofree char *token = NULL;
  gint64 expires_in = 0;
  guint status;

  body = exchange_finish (self, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Whatever Logto says here is about our credentials, not the user's
   * request: never a reason to give the request up. */
  status = soup_message_get_status (call->message);
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *refusal = orgdesk_provisioner_describe_refusal (status, body);

      g_task_return_new_error (task, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                               "Logto gave no machine-to-machine token: %s%s", refusal,
                               status >= 400 && status < 500
                                 ? " (check the client id, secret, the Management API resource "
                                   "and the application's role)"
                                 : "");
      return;
    }

  token = orgdesk_provisioner_parse_token (body, &expires_in, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  clear_secret (&self->access_token);
  self->access_token = g_steal_pointer (&token);
  self->token_valid_until = g_get_monotonic_time () +
    MAX (expires_in - TOKEN_MARGIN_SECONDS, expires_in / 2) * G_USEC_PER_SEC;
  g_debug ("Got a Management API token, valid for %" G_GINT64_FORMAT " s", expires_in);

  send_call (g_steal_pointer (&task));
}

static void
request_token (GTask *task)
{
  OrgdeskProvisionerLogto *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autofree char *uri = g_strconcat (self->endpoint, "/oidc/token", NULL);
  g_autofree char *id = g_uri_escape_string (self->client_id, NULL, FALSE);
  g_autofree char *secret = g_uri_escape_string (self->client_secret, NULL, FALSE);
  g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
  g_autofree char *basic = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *header = g_strconcat ("Basic ", basic, NULL);
  char *form = soup_form_encode ("grant_type", "client_credentials",
                                 "resource", self->resource,
                                 "scope", "all",
                                 NULL);

  g_clear_object (&call->message);
  call->message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, uri, form);
  soup_message_headers_replace (soup_message_get_request_headers (call->message),
                                "Authorization", header);
  explicit_bzero (secret, strlen (secret));
  explicit_bzero (pair, strlen (pair));
  explicit_bzero (basic, strlen (basic));
  explicit_bzero (header, strlen (header));

  g_debug ("Asking Logto for a Management API token");
  exchange_async (self, call->message, g_task_get_cancellable (task), token_read_cb, task);
}

static void
call_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  OrgdeskProvisionerLogto *self = ORGDESK_PROVISIONER_LOGTO (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Call *call = g_task_get_task_data (task);
  Answer *answer;
  GBytes *body;

  body = exchange_finish (self, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  answer = g_new0 (Answer, 1);
  answer->status = soup_message_get_status (call->message);
  answer->body = body;
  g_debug ("%s %s: HTTP %u", call->method, g_uri_get_path (soup_message_get_uri (call->message)),
           answer->status);

  /* The token was revoked or expired early: one new token, one more try. */
  if (answer->status == SOUP_STATUS_UNAUTHORIZED && !call->renewed)
    {
      answer_free (answer);
      call->renewed = TRUE;
      clear_secret (&self->access_token);
      request_token (g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, answer, (GDestroyNotify) answer_free);
}

static void
send_call (GTask *task)
{
  OrgdeskProvisionerLogto *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autofree char *bearer = NULL;

  if (!token_is_fresh (self))
    {
      request_token (task);
      return;
    }

  g_clear_object (&call->message);
  call->message = soup_message_new (call->method, call->uri);
  if (call->body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (call->body, strlen (call->body));

      soup_message_set_request_body_from_bytes (call->message, "application/json", bytes);
    }

  bearer = g_strconcat ("Bearer ", self->access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (call->message),
                                "Authorization", bearer);
  explicit_bzero (bearer, strlen (bearer));

  exchange_async (self, call->message, g_task_get_cancellable (task), call_read_cb, task);
}

/* @path is below <endpoint>/api, its segments escaped by the caller. */
static void
call_async (OrgdeskProvisionerLogto *self,
            const char              *method,
            const char              *path,
            const char              *body,
            GCancellable            *cancellable,
            GAsyncReadyCallback      callback,
            gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, call_async);
  call->method = g_strdup (method);
  call->uri = g_strconcat (self->endpoint, "/api", path, NULL);
  call->body = g_strdup (body);
  g_task_set_task_data (task, call, call_free);

  send_call (g_steal_pointer (&task));
}

static Answer *
call_finish (OrgdeskProvisionerLogto  *self,
             GAsyncResult             *result,
             GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* An answer that is not 2xx as an error: TEMPORARY for 5xx, 408, 429 and a
 * 401 after a new token; REFUSED for the other 4xx. */
static gboolean
check_answer (const Answer  *answer,
              const char    *what,
              GError       **error)
{
  g_autofree char *refusal = NULL;
  guint status = answer->status;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;

  refusal = orgdesk_provisioner_describe_refusal (status, answer->body);
  if (status >= 400 && status < 500 && status != SOUP_STATUS_UNAUTHORIZED &&
      status != SOUP_STATUS_REQUEST_TIMEOUT && status != 429)
    g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_REFUSED,
                 "Logto refused to %s: %s", what, refusal);
  else
    g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                 "Logto could not %s: %s", what, refusal);
  return FALSE;
}

/* A second add of the same member or role: Logto answers 201 again (its
 * relation inserts ignore conflicts); a 409 or 422 about uniqueness from
 * another version means the same. */
static gboolean
is_already_done (const Answer *answer)
{
  g_autoptr(JsonObject) object = NULL;
  const char *code;

  if (answer->status == SOUP_STATUS_CONFLICT)
    return TRUE;
  if (answer->status != SOUP_STATUS_UNPROCESSABLE_ENTITY)
    return FALSE;

  object = parse_object (answer->body, "error", NULL);
  code = object != NULL ? orgdesk_json_get_string (object, "code") : NULL;
  return code != NULL && (strstr (code, "unique") != NULL || strstr (code, "already") != NULL);
}

static char *
json_with_array (const char *member,
                 const char *value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, value);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
escape (const char *segment)
{
  return g_uri_escape_string (segment, NULL, FALSE);
}

/* }}} */

/* GET /api/users/{id} {{{ */

static void
user_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Answer) answer = NULL;
  JsonObject *user = NULL;

  answer = call_finish (ORGDESK_PROVISIONER_LOGTO (source), result, &error);
  if (answer == NULL || !check_answer (answer, "read the user", &error) ||
      !(user = parse_object (answer->body, "user", &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, user, (GDestroyNotify) json_object_unref);
}

void
orgdesk_provisioner_logto_get_user_async (OrgdeskProvisionerLogto *self,
                                          const char              *user_id,
                                          GCancellable            *cancellable,
                                          GAsyncReadyCallback      callback,
                                          gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ORGDESK_IS_PROVISIONER_LOGTO (self));
  g_return_if_fail (user_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_provisioner_logto_get_user_async);

  id = escape (user_id);
  path = g_strconcat ("/users/", id, NULL);
  call_async (self, SOUP_METHOD_GET, path, NULL, cancellable, user_read_cb, g_steal_pointer (&task));
}

JsonObject *
orgdesk_provisioner_logto_get_user_finish (OrgdeskProvisionerLogto  *self,
                                           GAsyncResult             *result,
                                           GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* POST /api/organizations {{{ */

static void
organization_created_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Answer) answer = NULL;
  char *id = NULL;

  answer = call_finish (ORGDESK_PROVISIONER_LOGTO (source), result, &error);
  if (answer == NULL || !check_answer (answer, "create the organization", &error) ||
      !(id = orgdesk_provisioner_parse_organization_id (answer->body, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, id, g_free);
}

void
orgdesk_provisioner_logto_create_organization_async (OrgdeskProvisionerLogto *self,
                                                     const char              *name,
                                                     const char              *request_id,
                                                     GCancellable            *cancellable,
                                                     GAsyncReadyCallback      callback,
                                                     gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (ORGDESK_IS_PROVISIONER_LOGTO (self));
  g_return_if_fail (name != NULL && request_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_provisioner_logto_create_organization_async);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  /* Which request made it, for an operator looking at Logto's Console. */
  json_builder_set_member_name (builder, "customData");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "orgdeskRequestId");
  json_builder_add_string_value (builder, request_id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  call_async (self, SOUP_METHOD_POST, "/organizations", body, cancellable,
              organization_created_cb, g_steal_pointer (&task));
}

char *
orgdesk_provisioner_logto_create_organization_finish (OrgdeskProvisionerLogto  *self,
                                                      GAsyncResult             *result,
                                                      GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* GET /api/organizations?q=: one made for this request before a crash {{{ */

static void
organizations_read_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Answer) answer = NULL;
  char *id;

  answer = call_finish (ORGDESK_PROVISIONER_LOGTO (source), result, &error);
  if (answer == NULL || !check_answer (answer, "list the organizations", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  id = orgdesk_provisioner_find_organization_id (answer->body, g_task_get_task_data (task), &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, id, g_free);
}

/* Logto cannot search customData, but it can search names: the
 * organizations named like the one we would make, marked with our request's
 * id.  Finishes with %NULL when there is none. */
void
orgdesk_provisioner_logto_find_organization_async (OrgdeskProvisionerLogto *self,
                                                   const char              *name,
                                                   const char              *request_id,
                                                   GCancellable            *cancellable,
                                                   GAsyncReadyCallback      callback,
                                                   gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ORGDESK_IS_PROVISIONER_LOGTO (self));
  g_return_if_fail (name != NULL && request_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_provisioner_logto_find_organization_async);
  g_task_set_task_data (task, g_strdup (request_id), g_free);

  query = g_uri_escape_string (name, NULL, FALSE);
  path = g_strdup_printf ("/organizations?q=%s&page=1&page_size=100", query);
  call_async (self, SOUP_METHOD_GET, path, NULL, cancellable, organizations_read_cb,
              g_steal_pointer (&task));
}

char *
orgdesk_provisioner_logto_find_organization_finish (OrgdeskProvisionerLogto  *self,
                                                    GAsyncResult             *result,
                                                    GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* POST /api/organizations/{id}/users {{{ */

static void
member_added_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Answer) answer = NULL;

  answer = call_finish (ORGDESK_PROVISIONER_LOGTO (source), result, &error);
  if (answer != NULL && is_already_done (answer))
    g_debug ("The user was a member already");
  else if (answer == NULL || !check_answer (answer, "add the member", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
orgdesk_provisioner_logto_add_member_async (OrgdeskProvisionerLogto *self,
                                            const char              *organization_id,
                                            const char              *user_id,
                                            GCancellable            *cancellable,
                                            GAsyncReadyCallback      callback,
                                            gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (ORGDESK_IS_PROVISIONER_LOGTO (self));
  g_return_if_fail (organization_id != NULL && user_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_provisioner_logto_add_member_async);

  organization = escape (organization_id);
  path = g_strconcat ("/organizations/", organization, "/users", NULL);
  body = json_with_array ("userIds", user_id);
  call_async (self, SOUP_METHOD_POST, path, body, cancellable, member_added_cb, g_steal_pointer (&task));
}

gboolean
orgdesk_provisioner_logto_add_member_finish (OrgdeskProvisionerLogto  *self,
                                             GAsyncResult             *result,
                                             GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* The organization role: find its id, then assign it {{{ */

typedef struct
{
  char *organization_id;
  char *user_id;
  guint page;
} Assignment;

static void
assignment_free (gpointer data)
{
  Assignment *assignment = data;

  g_free (assignment->organization_id);
  g_free (assignment->user_id);
  g_free (assignment);
}

static void
role_assigned_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OrgdeskProvisionerLogto *self = ORGDESK_PROVISIONER_LOGTO (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Answer) answer = NULL;

  answer = call_finish (self, result, &error);
  if (answer != NULL && is_already_done (answer))
    g_debug ("The user had the role already");
  else if (answer == NULL || !check_answer (answer, "assign the organization role", &error))
    {
      /* Perhaps the role was deleted and made again: look it up next time. */
      if (answer != NULL && answer->status >= 400 && answer->status < 500)
        g_clear_pointer (&self->role_id, g_free);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
assign_role (GTask *task)
{
  OrgdeskProvisionerLogto *self = g_task_get_source_object (task);
  Assignment *assignment = g_task_get_task_data (task);
  g_autofree char *organization = escape (assignment->organization_id);
  g_autofree char *user = escape (assignment->user_id);
  g_autofree char *path = g_strconcat ("/organizations/", organization, "/users/", user, "/roles", NULL);
  g_autofree char *body = json_with_array ("organizationRoleIds", self->role_id);

  call_async (self, SOUP_METHOD_POST, path, body, g_task_get_cancellable (task),
              role_assigned_cb, task);
}

static void list_roles (GTask *task);

static void
roles_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  OrgdeskProvisionerLogto *self = ORGDESK_PROVISIONER_LOGTO (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Answer) answer = NULL;
  Assignment *assignment = g_task_get_task_data (task);
  guint n_roles = 0;

  answer = call_finish (self, result, &error);
  if (answer == NULL || !check_answer (answer, "list the organization roles", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->role_id = orgdesk_provisioner_find_role_id (answer->body, self->role, &n_roles, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->role_id != NULL)
    {
      assign_role (g_steal_pointer (&task));
      return;
    }

  if (n_roles < ROLES_PAGE_SIZE || assignment->page >= ROLES_MAX_PAGES)
    {
      g_autofree char *role = orgdesk_admin_printable (self->role);

      /* The operator's to fix: the request waits for it. */
      g_task_return_new_error (task, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY,
                               "Logto has no organization role named “%s”: create it in the "
                               "Console or pass --role", role);
      return;
    }

  assignment->page++;
  list_roles (g_steal_pointer (&task));
}

static void
list_roles (GTask *task)
{
  OrgdeskProvisionerLogto *self = g_task_get_source_object (task);
  Assignment *assignment = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("/organization-roles?page=%u&page_size=%u",
                                           assignment->page, ROLES_PAGE_SIZE);

  call_async (self, SOUP_METHOD_GET, path, NULL, g_task_get_cancellable (task), roles_read_cb, task);
}

void
orgdesk_provisioner_logto_assign_role_async (OrgdeskProvisionerLogto *self,
                                             const char              *organization_id,
                                             const char              *user_id,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  Assignment *assignment;

  g_return_if_fail (ORGDESK_IS_PROVISIONER_LOGTO (self));
  g_return_if_fail (organization_id != NULL && user_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_provisioner_logto_assign_role_async);

  assignment = g_new0 (Assignment, 1);
  assignment->organization_id = g_strdup (organization_id);
  assignment->user_id = g_strdup (user_id);
  assignment->page = 1;
  g_task_set_task_data (task, assignment, assignment_free);

  if (self->role_id != NULL)
    assign_role (g_steal_pointer (&task));
  else
    list_roles (g_steal_pointer (&task));
}

gboolean
orgdesk_provisioner_logto_assign_role_finish (OrgdeskProvisionerLogto  *self,
                                              GAsyncResult             *result,
                                              GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */
