/* test-responses.c: what Orgdesk makes of well-formed, malformed and hostile
 * answers from an identity provider
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/socket.h>

#include <libsoup/soup.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-grant.h"
#include "orgdesk-json.h"
#include "orgdesk-logto-client.h"
#include "orgdesk-oidc-configuration.h"
#include "orgdesk-organization.h"
#include "orgdesk-sign-in.h"
#include "orgdesk-test-jwt-signer.h"
#include "orgdesk-test-utils.h"
#include "orgdesk-token-response.h"
#include "orgdesk-user.h"

#define ISSUER "http://127.0.0.1:3001/oidc"

/* What the client reads at most of any answer (orgdesk-logto-client.c). */
#define MAX_RESPONSE_BYTES (1024 * 1024)

/* Token responses {{{ */

static void
test_token_response_good (void)
{
  const char *json = "{\"access_token\":\"at\",\"expires_in\":3600,\"id_token\":\"it\",\"refresh_token\":\"rt\","
                     "\"scope\":\"openid offline_access\",\"token_type\":\"Bearer\"}";
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = orgdesk_token_response_new_from_data (json, strlen (json), 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_token_response_get_access_token (response), ==, "at");
  g_assert_cmpstr (orgdesk_token_response_get_refresh_token (response), ==, "rt");
  g_assert_cmpstr (orgdesk_token_response_get_id_token (response), ==, "it");
  g_assert_cmpstr (orgdesk_token_response_get_scope (response), ==, "openid offline_access");
  g_assert_cmpint (orgdesk_token_response_get_expires_at (response), ==, 4600);
}

static void
test_token_response_bad (void)
{
  static const char *cases[] = {
    "",
    "not json",
    "[1,2]",
    "{\"access_token\":\"at\",\"token_type\":\"Bearer\"",                       /* truncated */
    "{\"token_type\":\"Bearer\"}",                                              /* no access token */
    "{\"access_token\":\"\",\"token_type\":\"Bearer\"}",                        /* empty */
    "{\"access_token\":42,\"token_type\":\"Bearer\"}",                          /* wrong type */
    "{\"access_token\":\"at\"}",                                                /* no token type */
    "{\"access_token\":\"at\",\"token_type\":\"mac\"}",                         /* not bearer */
    "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":\"3600\"}",
    "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":-5}",
    "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":1e300}",
    "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"refresh_token\":{}}",
    "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":[\"x\"]}",
    "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"scope\":true}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(OrgdeskTokenResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      response = orgdesk_token_response_new_from_data (cases[i], strlen (cases[i]), 1000, &error);
      g_assert_null (response);
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
      /* The message never echoes what the server sent. */
      g_assert_null (strstr (error->message, "\"at\""));
    }
}

/* }}} */

/* Discovery documents {{{ */

static char *
discovery_document (const char *issuer,
                    const char *token_endpoint,
                    const char *extra)
{
  return g_strdup_printf ("{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/auth\","
                          "\"token_endpoint\":\"%s\",\"userinfo_endpoint\":\"%s/me\","
                          "\"jwks_uri\":\"%s/jwks\",\"end_session_endpoint\":\"%s/session/end\","
                          "\"revocation_endpoint\":\"%s/token/revocation\"%s}",
                          issuer, issuer, token_endpoint, issuer, issuer, issuer, issuer, extra);
}

static void
test_discovery_good (void)
{
  g_autofree char *json = discovery_document (ISSUER, ISSUER "/token",
                                              ",\"code_challenge_methods_supported\":[\"S256\"],"
                                              "\"authorization_response_iss_parameter_supported\":true");
  g_autoptr(OrgdeskOidcConfiguration) configuration = NULL;
  g_autoptr(GError) error = NULL;

  configuration = orgdesk_oidc_configuration_new_from_data (json, strlen (json), ISSUER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_oidc_configuration_get_token_endpoint (configuration), ==, ISSUER "/token");
  g_assert_true (orgdesk_oidc_configuration_get_iss_parameter_supported (configuration));
}

static void
test_discovery_bad (void)
{
  struct { const char *issuer; const char *token_endpoint; const char *extra; } cases[] = {
    { "http://127.0.0.1:3001/other", ISSUER "/token", "" },                      /* another issuer */
    { ISSUER "/", ISSUER "/token", "" },                                          /* not exactly equal */
    { ISSUER, "http://evil.example/token", "" },                                  /* clear text off-host */
    { ISSUER, "javascript:alert(1)", "" },
    { ISSUER, "https://user:pw@logto.example/token", "" },                        /* credentials in URI */
    { ISSUER, ISSUER "/token", ",\"code_challenge_methods_supported\":[\"plain\"]" },
    { ISSUER, ISSUER "/token", ",\"code_challenge_methods_supported\":\"S256\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = discovery_document (cases[i].issuer, cases[i].token_endpoint, cases[i].extra);
      g_autoptr(OrgdeskOidcConfiguration) configuration = NULL;
      g_autoptr(GError) error = NULL;

      configuration = orgdesk_oidc_configuration_new_from_data (json, strlen (json), ISSUER, &error);
      g_assert_null (configuration);
      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
    }
}

static void
test_uri_acceptable (void)
{
  g_assert_true (orgdesk_oidc_uri_is_acceptable ("https://logto.example.com/oidc/token"));
  g_assert_true (orgdesk_oidc_uri_is_acceptable ("http://127.0.0.1:3001/oidc"));
  g_assert_true (orgdesk_oidc_uri_is_acceptable ("http://localhost:3001/oidc"));
  g_assert_true (orgdesk_oidc_uri_is_acceptable ("http://[::1]:3001/oidc"));
  g_assert_false (orgdesk_oidc_uri_is_acceptable ("http://logto.example.com/oidc"));
  g_assert_false (orgdesk_oidc_uri_is_acceptable ("http://127.0.0.1.evil.example/oidc"));
  g_assert_false (orgdesk_oidc_uri_is_acceptable ("ftp://logto.example.com/"));
  g_assert_false (orgdesk_oidc_uri_is_acceptable ("https:///no-host"));
  g_assert_false (orgdesk_oidc_uri_is_acceptable ("https://logto.example.com/#fragment"));
  g_assert_false (orgdesk_oidc_uri_is_acceptable (""));
  g_assert_false (orgdesk_oidc_uri_is_acceptable (NULL));
}

/* }}} */

/* Userinfo: user and organizations {{{ */

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_organizations_from_userinfo (void)
{
  g_autoptr(JsonObject) userinfo = parse (
    "{\"sub\":\"u1\",\"organization_roles\":[\"a:admin\",\"a:billing\",\"b:member\",\"ab:member\",42,\"c:\",\":x\"],"
    "\"organization_data\":["
    "  {\"id\":\"a\",\"name\":\"Acme\",\"description\":\"Anvils\"},"
    "  {\"id\":\"b\",\"name\":null,\"description\":7},"
    "  {\"id\":\"a\",\"name\":\"Duplicate\"},"
    "  {\"name\":\"No id\"},"
    "  {\"id\":\"\",\"name\":\"Empty id\"},"
    "  \"not an object\","
    "  {\"id\":\"<script>\",\"name\":\"\\u003cb\\u003eBold\\u003c/b\\u003e; DROP TABLE x\"}"
    "]}");
  g_autoptr(GPtrArray) organizations = orgdesk_organizations_from_userinfo (userinfo);
  OrgdeskOrganization *acme, *nameless, *hostile;

  g_assert_cmpuint (organizations->len, ==, 3);
  acme = g_ptr_array_index (organizations, 0);
  g_assert_cmpstr (orgdesk_organization_get_name (acme), ==, "Acme");
  g_assert_cmpstrv (orgdesk_organization_get_roles (acme), ((const char *[]) { "admin", "billing", NULL }));

  /* A missing name shows the id; a description of the wrong type is empty. */
  nameless = g_ptr_array_index (organizations, 1);
  g_assert_cmpstr (orgdesk_organization_get_name (nameless), ==, "b");
  g_assert_cmpstr (orgdesk_organization_get_description (nameless), ==, "");
  g_assert_cmpstrv (orgdesk_organization_get_roles (nameless), ((const char *[]) { "member", NULL }));

  /* Hostile strings stay data. */
  hostile = g_ptr_array_index (organizations, 2);
  g_assert_cmpstr (orgdesk_organization_get_name (hostile), ==, "<b>Bold</b>; DROP TABLE x");
  g_assert_cmpuint (g_strv_length ((char **) orgdesk_organization_get_roles (hostile)), ==, 0);
}

static void
test_organizations_absent (void)
{
  g_autoptr(JsonObject) without = parse ("{\"sub\":\"u1\"}");
  g_autoptr(JsonObject) wrong = parse ("{\"sub\":\"u1\",\"organization_data\":{\"id\":\"a\"}}");
  g_autoptr(GPtrArray) none = orgdesk_organizations_from_userinfo (without);
  g_autoptr(GPtrArray) also_none = orgdesk_organizations_from_userinfo (wrong);

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (also_none->len, ==, 0);
}

static void
test_user_from_userinfo (void)
{
  g_autoptr(JsonObject) full = parse ("{\"sub\":\"u1\",\"name\":\"Alice\",\"username\":\"alice\",\"email\":\"a@example.test\"}");
  g_autoptr(JsonObject) unnamed = parse ("{\"sub\":\"u2\",\"name\":null,\"username\":\"bob\"}");
  g_autoptr(JsonObject) no_sub = parse ("{\"name\":\"Nobody\"}");
  g_autoptr(JsonObject) numeric_sub = parse ("{\"sub\":12}");
  g_autoptr(OrgdeskUser) alice = orgdesk_user_new_from_userinfo (full);
  g_autoptr(OrgdeskUser) bob = orgdesk_user_new_from_userinfo (unnamed);

  g_assert_cmpstr (orgdesk_user_get_display_name (alice), ==, "Alice");
  g_assert_cmpstr (orgdesk_user_get_email (alice), ==, "a@example.test");
  g_assert_cmpstr (orgdesk_user_get_display_name (bob), ==, "bob");
  g_assert_null (orgdesk_user_get_email (bob));
  g_assert_null (orgdesk_user_new_from_userinfo (no_sub));
  g_assert_null (orgdesk_user_new_from_userinfo (numeric_sub));
}

/* }}} */

/* A hostile server on the loopback interface {{{ */

/* What the hostile token endpoint answers. */
typedef enum
{
  TOKEN_INVALID_GRANT,   /* a 400 invalid_grant, as Logto would */
  TOKEN_ENDLESS,         /* 200, chunked, 64 MiB of spaces */
  TOKEN_DECLARED_HUGE,   /* 200 with Content-Length: 64 MiB, then a few bytes and silence */
  TOKEN_STALLED,         /* 200, chunked, a few bytes and silence */
  TOKEN_COUNTED,         /* 200, a new access token "at-<n>" for each request */
} TokenAnswer;

#define HUGE_BODY_BYTES (64 * 1024 * 1024)
#define STREAM_CHUNK_BYTES (64 * 1024)

typedef struct
{
  SoupServer           *server;
  char                 *endpoint;
  const char           *discovery;       /* the discovery document; NULL: a valid one */
  const char           *token_endpoint;  /* in the valid one; NULL: this server's */
  const char           *discovery_extra; /* members added to the valid one */
  guint                 status;          /* of the discovery document */
  gsize                 padding;         /* make the discovery document this large */
  TokenAnswer           token_answer;
  OrgdeskTestJwtSigner *signer;          /* its key is the JWKS */
  guint                 n_requests;
  guint                 n_token_requests;
  guint64               token_bytes_queued;   /* body bytes handed to libsoup */
  guint64               token_bytes_written;  /* … and written to the socket */
  gboolean              token_answer_done;    /* finished, or the client hung up */
  GSocket              *token_socket;         /* of the stalled answer */
} HostileServer;

static char *
issuer_of (HostileServer *hostile)
{
  return g_strconcat (hostile->endpoint, "/oidc", NULL);
}

static void
answer_discovery (HostileServer     *hostile,
                  SoupServerMessage *message)
{
  g_autofree char *issuer = issuer_of (hostile);
  g_autofree char *token_endpoint = g_strconcat (issuer, "/token", NULL);
  g_autofree char *valid = discovery_document (issuer, hostile->token_endpoint != NULL ? hostile->token_endpoint : token_endpoint,
                                               hostile->discovery_extra != NULL ? hostile->discovery_extra : "");
  GString *body = g_string_new (hostile->discovery != NULL ? hostile->discovery : valid);

  while (body->len < hostile->padding)
    g_string_append_c (body, ' ');

  soup_server_message_set_status (message, hostile->status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                    body->str, body->len);
  g_string_free (body, FALSE);
}

static void
on_token_body_data_written_cb (SoupServerMessage *message,
                               guint              size,
                               gpointer           user_data)
{
  HostileServer *hostile = user_data;

  hostile->token_bytes_written += size;
}

/* Queues the next piece of the endless answer once the last one is written. */
static void
on_token_chunk_written_cb (SoupServerMessage *message,
                           gpointer           user_data)
{
  static char spaces[STREAM_CHUNK_BYTES];
  HostileServer *hostile = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (message);

  if (hostile->token_bytes_queued >= HUGE_BODY_BYTES)
    {
      soup_message_body_complete (body);
      return;
    }

  if (spaces[0] != ' ')
    memset (spaces, ' ', sizeof spaces);
  soup_message_body_append (body, SOUP_MEMORY_STATIC, spaces, sizeof spaces);
  hostile->token_bytes_queued += sizeof spaces;
}

static void
on_token_answer_finished_cb (SoupServerMessage *message,
                             gpointer           user_data)
{
  HostileServer *hostile = user_data;

  hostile->token_answer_done = TRUE;
}

static void
answer_token (HostileServer     *hostile,
              SoupServerMessage *message)
{
  static const char invalid_grant[] = "{\"error\":\"invalid_grant\"}";
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  SoupMessageBody *body = soup_server_message_get_response_body (message);

  hostile->n_token_requests++;

  switch (hostile->token_answer)
    {
    case TOKEN_INVALID_GRANT:
      soup_server_message_set_status (message, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        invalid_grant, strlen (invalid_grant));
      return;

    case TOKEN_ENDLESS:
      /* A small send buffer keeps what the kernel holds for the client small, so
       * what was written is close to what the client read. */
      g_socket_set_option (soup_server_message_get_socket (message), SOL_SOCKET, SO_SNDBUF,
                           STREAM_CHUNK_BYTES, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      soup_message_body_set_accumulate (body, FALSE);
      g_signal_connect (message, "wrote-chunk", G_CALLBACK (on_token_chunk_written_cb), hostile);
      g_signal_connect (message, "wrote-body-data", G_CALLBACK (on_token_body_data_written_cb), hostile);
      g_signal_connect (message, "finished", G_CALLBACK (on_token_answer_finished_cb), hostile);
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      on_token_chunk_written_cb (message, hostile);
      return;

    case TOKEN_DECLARED_HUGE:
      soup_message_headers_set_content_length (headers, HUGE_BODY_BYTES);
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      g_signal_connect (message, "wrote-body-data", G_CALLBACK (on_token_body_data_written_cb), hostile);
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      /* The rest never comes: libsoup waits for more body, the client must not. */
      soup_message_body_append (body, SOUP_MEMORY_COPY, "{\"access_token\":\"", 17);
      hostile->token_bytes_queued += 17;
      return;

    case TOKEN_COUNTED:
      {
        char *answer = g_strdup_printf ("{\"access_token\":\"at-%u\",\"expires_in\":3600,"
                                        "\"refresh_token\":\"rt-%u\",\"token_type\":\"Bearer\"}",
                                        hostile->n_token_requests, hostile->n_token_requests);

        soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                          answer, strlen (answer));
        return;
      }

    case TOKEN_STALLED:
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      g_signal_connect (message, "wrote-body-data", G_CALLBACK (on_token_body_data_written_cb), hostile);
      g_signal_connect (message, "finished", G_CALLBACK (on_token_answer_finished_cb), hostile);
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_message_body_append (body, SOUP_MEMORY_COPY, "{\"access_token\":\"", 17);
      hostile->token_bytes_queued += 17;
      /* libsoup stops watching a paused answer's socket; the test watches it. */
      g_set_object (&hostile->token_socket, soup_server_message_get_socket (message));
      return;
    }
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  HostileServer *hostile = user_data;

  hostile->n_requests++;

  if (g_str_equal (path, "/oidc/.well-known/openid-configuration"))
    answer_discovery (hostile, message);
  else if (g_str_equal (path, "/oidc/jwks"))
    {
      char *jwks = orgdesk_test_jwt_signer_get_jwks (hostile->signer);

      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE, jwks, strlen (jwks));
    }
  else if (g_str_equal (path, "/oidc/token"))
    answer_token (hostile, message);
  else
    soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
hostile_server_start (HostileServer *hostile)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  if (hostile->status == 0)
    hostile->status = SOUP_STATUS_OK;
  hostile->signer = orgdesk_test_jwt_signer_new ("ES384", "hostile-key");
  hostile->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (hostile->server, NULL, on_request_cb, hostile, NULL);
  soup_server_listen_local (hostile->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (hostile->server);
  hostile->endpoint = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
hostile_server_stop (HostileServer *hostile)
{
  soup_server_disconnect (hostile->server);
  g_clear_object (&hostile->server);
  g_clear_object (&hostile->signer);
  g_clear_object (&hostile->token_socket);
  g_clear_pointer (&hostile->endpoint, g_free);
}

/* A loopback port that was just free: nothing listens there. */
static guint16
closed_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
on_plain_text_incoming_cb (GSocketService    *service,
                           GSocketConnection *connection,
                           GObject           *source_object,
                           gpointer           user_data)
{
  static const char answer[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  g_output_stream_write_all (out, answer, strlen (answer), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  return TRUE;
}

/* A loopback port where something answers plain text to whatever it is sent (a
 * TLS ClientHello too); stop it with g_socket_service_stop() and unref. */
static GSocketService *
plain_text_service_new (guint16 *port)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GError) error = NULL;

  *port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_plain_text_incoming_cb), NULL);
  g_socket_service_start (service);

  return g_steal_pointer (&service);
}

static gboolean
token_answer_done (gconstpointer data)
{
  const HostileServer *hostile = data;

  return hostile->token_answer_done;
}

/* A client that discovered @hostile (started already). */
static OrgdeskLogtoClient *
discovered_client (HostileServer *hostile)
{
  g_autoptr(OrgdeskLogtoClient) client = orgdesk_logto_client_new (hostile->endpoint, "orgdesk-desktop");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_logto_client_discover_async (client, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_logto_client_discover_finish (client, result, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&client);
}

static GError *
refresh_against (OrgdeskLogtoClient *client)
{
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  orgdesk_logto_client_refresh_async (client, "rt", NULL, NULL, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  response = orgdesk_logto_client_refresh_finish (client, result, &error);
  g_assert_null (response);

  return error;
}

static GError *
discover_against (HostileServer *hostile)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  hostile_server_start (hostile);
  client = orgdesk_logto_client_new (hostile->endpoint, "orgdesk-desktop");
  orgdesk_logto_client_discover_async (client, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_false (orgdesk_logto_client_discover_finish (client, result, &error));
  g_assert_null (orgdesk_logto_client_get_configuration (client));
  hostile_server_stop (hostile);

  return error;
}

/* Nesting is counted outside strings only, and up to ORGDESK_JSON_MAX_DEPTH. */
static void
test_json_depth (void)
{
  g_autoptr(GString) nested = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) in_string = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < ORGDESK_JSON_MAX_DEPTH; i++)
    g_string_append (nested, i == 0 ? "{\"a\":" : "[");
  for (guint i = 1; i < ORGDESK_JSON_MAX_DEPTH; i++)
    g_string_append_c (nested, ']');
  g_string_append_c (nested, '}');
  g_assert_true (orgdesk_json_parser_load (parser, nested->str, -1, &error));
  g_assert_no_error (error);

  /* One level more is refused, whatever follows. */
  g_string_insert (nested, 5, "[");
  g_string_insert (nested, nested->len - 1, "]");
  g_assert_false (orgdesk_json_parser_load (parser, nested->str, -1, &error));
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
  g_assert_null (orgdesk_json_parse_object (nested->str, -1));

  /* Brackets inside strings (and escaped quotes) are text, not nesting. */
  in_string = orgdesk_json_parse_object ("{\"name\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ \\\" {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\"}", -1);
  g_assert_nonnull (in_string);
}

static void
test_hostile_discovery (void)
{
  /* 200,000 levels of "[": json-glib alone recurses past the stack on it. */
  g_autofree char *deep = g_strnfill (200 * 1000, '[');
  g_autofree char *deep_document = g_strconcat ("{\"issuer\":", deep, NULL);
  struct { const char *body; guint status; gsize padding; } cases[] = {
    { "{\"issuer\":\"http://127.0.0.1:1/oidc\"", 200, 0 },   /* truncated */
    { deep_document, 200, 0 },                                /* nested too deep */
    { "{}", 500, 0 },                                         /* a 500 */
    { "<html>Bad gateway</html>", 502, 0 },
    { "[]", 200, 0 },
    { NULL, 200, 2 * 1024 * 1024 },                          /* valid, but oversized */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HostileServer hostile = { .discovery = cases[i].body, .status = cases[i].status, .padding = cases[i].padding };
      g_autoptr(GError) error = discover_against (&hostile);

      g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
      /* Refused at the discovery document: the client never went on to the key set. */
      g_assert_cmpuint (hostile.n_requests, ==, 1);
    }
}

/* The request provably never reached a server: nothing listens at the token
 * endpoint, or it does not speak TLS. */
static void
test_token_endpoint_unreachable (gconstpointer data)
{
  gboolean tls = GPOINTER_TO_INT (data);
  HostileServer hostile = { 0 };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GSocketService) plain_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_endpoint = NULL;
  guint16 port = 0;

  if (tls)
    {
      plain_text = plain_text_service_new (&port);
      token_endpoint = g_strdup_printf ("https://127.0.0.1:%u/oidc/token", port);
    }
  else
    token_endpoint = g_strdup_printf ("http://127.0.0.1:%u/oidc/token", closed_port ());

  hostile.token_endpoint = token_endpoint;
  hostile_server_start (&hostile);
  client = discovered_client (&hostile);
  error = refresh_against (client);
  g_test_message ("%s", error->message);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNREACHABLE);
  g_assert_cmpuint (hostile.n_token_requests, ==, 0);

  if (plain_text != NULL)
    g_socket_service_stop (plain_text);
  hostile_server_stop (&hostile);
}

/* A token its audience refused is dropped from the grant's cache, and only
 * that one: a token that replaced it already stays. */
static OrgdeskTokenResponse *
request_grant_token (OrgdeskGrant *grant,
                     const char   *organization_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskTokenResponse *token;

  orgdesk_grant_request_token_async (grant, organization_id, "https://db.example.test", NULL,
                                     orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  token = orgdesk_grant_request_token_finish (grant, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  return token;
}

static void
test_grant_forget_token (void)
{
  HostileServer hostile = { .token_answer = TOKEN_COUNTED };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(OrgdeskTokenResponse) first = NULL;
  g_autoptr(OrgdeskTokenResponse) again = NULL;
  g_autoptr(OrgdeskTokenResponse) other_org = NULL;
  g_autoptr(OrgdeskTokenResponse) user_level = NULL;
  g_autoptr(OrgdeskTokenResponse) second = NULL;
  g_autoptr(OrgdeskTokenResponse) cached = NULL;

  hostile_server_start (&hostile);
  client = discovered_client (&hostile);
  grant = orgdesk_grant_new (client, NULL, "alice", "rt-0", NULL);

  first = request_grant_token (grant, "org-a");
  g_assert_cmpstr (orgdesk_token_response_get_access_token (first), ==, "at-1");
  other_org = request_grant_token (grant, "org-b");
  user_level = request_grant_token (grant, NULL);
  g_assert_cmpuint (hostile.n_token_requests, ==, 3);

  /* Cached: the same object, no request */
  again = request_grant_token (grant, "org-a");
  g_assert_true (again == first);
  g_assert_cmpuint (hostile.n_token_requests, ==, 3);

  /* Not the cached one of that key: nothing is dropped */
  g_assert_false (orgdesk_grant_forget_token (grant, "org-a", "https://db.example.test", other_org));
  g_assert_false (orgdesk_grant_forget_token (grant, "org-a", NULL, first));
  g_clear_object (&again);
  again = request_grant_token (grant, "org-a");
  g_assert_true (again == first);
  g_assert_cmpuint (hostile.n_token_requests, ==, 3);

  /* The refused one: the next request gets a new token */
  g_assert_true (orgdesk_grant_forget_token (grant, "org-a", "https://db.example.test", first));
  second = request_grant_token (grant, "org-a");
  g_assert_true (second != first);
  g_assert_cmpstr (orgdesk_token_response_get_access_token (second), ==, "at-4");
  g_assert_cmpuint (hostile.n_token_requests, ==, 4);

  /* A second caller refused the old one too, late: the new one stays */
  g_assert_false (orgdesk_grant_forget_token (grant, "org-a", "https://db.example.test", first));
  cached = request_grant_token (grant, "org-a");
  g_assert_true (cached == second);
  g_assert_cmpuint (hostile.n_token_requests, ==, 4);

  /* The other keys were never touched */
  g_clear_object (&cached);
  cached = request_grant_token (grant, "org-b");
  g_assert_true (cached == other_org);
  g_clear_object (&cached);
  cached = request_grant_token (grant, NULL);
  g_assert_true (cached == user_level);
  g_assert_cmpuint (hostile.n_token_requests, ==, 4);

  g_clear_object (&grant);
  hostile_server_stop (&hostile);
}

static gboolean
token_request_arrived (gconstpointer data)
{
  const HostileServer *hostile = data;

  return hostile->n_token_requests > 0;
}

static gboolean
grant_is_idle (gconstpointer data)
{
  return !orgdesk_grant_get_busy ((OrgdeskGrant *) data);
}

/* A waiter that gives up gets G_IO_ERROR_CANCELLED at once, while the refresh
 * it waited for is still on the wire (and is let finish). */
static void
test_grant_waiter_cancelled (void)
{
  HostileServer hostile = { .token_answer = TOKEN_STALLED };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) early = NULL;
  g_autoptr(OrgdeskTokenResponse) token = NULL;
  g_autoptr(GError) error = NULL;

  hostile_server_start (&hostile);
  client = discovered_client (&hostile);
  grant = orgdesk_grant_new (client, NULL, "alice", "rt-0", NULL);

  /* Already cancelled: not even queued */
  g_cancellable_cancel (cancelled);
  orgdesk_grant_request_token_async (grant, "org-a", "https://db.example.test", cancelled,
                                     orgdesk_test_store_result_cb, &early);
  orgdesk_test_wait_for_result (&early, 5);
  token = orgdesk_grant_request_token_finish (grant, early, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (orgdesk_grant_get_busy (grant));

  orgdesk_grant_request_token_async (grant, "org-a", "https://db.example.test", cancellable,
                                     orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_condition (token_request_arrived, &hostile, 30);
  g_assert_null (result);
  g_assert_true (orgdesk_grant_get_busy (grant));

  g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 5);
  token = orgdesk_grant_request_token_finish (grant, result, &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (orgdesk_grant_get_busy (grant));

  /* The refresh ends when the server goes away, with nobody left waiting */
  hostile_server_stop (&hostile);
  orgdesk_test_wait_for_condition (grant_is_idle, grant, 60);
}

/* The same server's own token endpoint answers: no network error at all. */
static void
test_token_endpoint_answers (void)
{
  HostileServer hostile = { 0 };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GError) error = NULL;

  hostile_server_start (&hostile);
  client = discovered_client (&hostile);
  error = refresh_against (client);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);
  g_assert_cmpuint (hostile.n_token_requests, ==, 1);

  hostile_server_stop (&hostile);
}

/* A token endpoint that answers without end: the client stops at its limit,
 * having read about 1 MiB, and refuses the answer. */
static void
test_token_endpoint_endless (void)
{
  HostileServer hostile = { .token_answer = TOKEN_ENDLESS };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started, elapsed_ms;

  hostile_server_start (&hostile);
  client = discovered_client (&hostile);

  started = g_get_monotonic_time ();
  error = refresh_against (client);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);

  /* The client hung up: the server's next write fails and ends the answer. */
  orgdesk_test_wait_for_condition (token_answer_done, &hostile, 10);
  g_test_message ("refused after %" G_GINT64_FORMAT " ms; the server wrote %" G_GUINT64_FORMAT " bytes",
                  elapsed_ms, hostile.token_bytes_written);
  g_assert_cmpint (elapsed_ms, <, 5000);
  /* The limit, the kernel's buffers between the two, and far from all of it. */
  g_assert_cmpuint (hostile.token_bytes_written, >, MAX_RESPONSE_BYTES);
  g_assert_cmpuint (hostile.token_bytes_written, <, MAX_RESPONSE_BYTES + 4 * 1024 * 1024);

  hostile_server_stop (&hostile);
}

/* A Content-Length over the limit is refused from the headers alone: the client
 * neither waits for nor reads the body. */
static void
test_token_endpoint_declared_huge (void)
{
  HostileServer hostile = { .token_answer = TOKEN_DECLARED_HUGE };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started, elapsed_ms;

  hostile_server_start (&hostile);
  client = discovered_client (&hostile);
  orgdesk_logto_client_set_timeout (client, 3);

  started = g_get_monotonic_time ();
  error = refresh_against (client);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
  g_assert_cmpint (elapsed_ms, <, 2000);
  g_assert_cmpuint (hostile.n_token_requests, ==, 1);

  hostile_server_stop (&hostile);
}

/* The client closed the connection of the stalled answer (it sends nothing more
 * on it while an answer is due, so readable means the end of the stream). */
static gboolean
client_hung_up (gconstpointer data)
{
  const HostileServer *hostile = data;

  return g_socket_condition_check (hostile->token_socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
token_body_started (gconstpointer data)
{
  const HostileServer *hostile = data;

  return hostile->token_bytes_written > 0;
}

/* Cancelling while the client waits for more of the body ends the request at
 * once, quietly, and hangs up on the server. */
static void
test_token_endpoint_cancelled_mid_body (void)
{
  HostileServer hostile = { .token_answer = TOKEN_STALLED };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint tick;

  hostile_server_start (&hostile);
  client = discovered_client (&hostile);

  orgdesk_logto_client_refresh_async (client, "rt", NULL, NULL, cancellable, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_condition (token_body_started, &hostile, 10);
  g_assert_null (result);
  g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 5);
  response = orgdesk_logto_client_refresh_finish (client, result, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Polled: nothing in the main loop wakes up for it. */
  tick = g_timeout_add (20, tick_cb, NULL);
  orgdesk_test_wait_for_condition (client_hung_up, &hostile, 10);
  g_source_remove (tick);
  hostile_server_stop (&hostile);
}

/* }}} */

/* Browser sign-in against the hostile server, RFC 9207 {{{ */

typedef struct
{
  const char  *iss;          /* what the callback carries; NULL: no iss */
  SoupSession *session;
  guint        status;       /* of the callback request, once answered */
} FakeBrowser;

static void
on_callback_answered_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  FakeBrowser *browser = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  browser->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), result));
}

/* Plays the authorization server's redirect: the callback with our state, a
 * code, and the chosen iss. */
static void
on_authorization_uri_cb (OrgdeskSignIn *sign_in,
                         GParamSpec    *pspec,
                         FakeBrowser   *browser)
{
  const char *uri = orgdesk_sign_in_get_authorization_uri (sign_in);
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_autofree char *state = g_uri_escape_string (g_hash_table_lookup (params, "state"), NULL, FALSE);
  g_autofree char *iss = browser->iss != NULL ? g_uri_escape_string (browser->iss, NULL, FALSE) : NULL;
  g_autofree char *callback = NULL;
  g_autoptr(SoupMessage) message = NULL;

  callback = g_strdup_printf ("%s?code=a-code&state=%s%s%s", (const char *) g_hash_table_lookup (params, "redirect_uri"),
                              state, iss != NULL ? "&iss=" : "", iss != NULL ? iss : "");
  message = soup_message_new (SOUP_METHOD_GET, callback);
  soup_session_send_and_read_async (browser->session, message, G_PRIORITY_DEFAULT, NULL,
                                    on_callback_answered_cb, browser);
}

static gboolean
callback_answered (gconstpointer data)
{
  const FakeBrowser *browser = data;

  return browser->status != 0;
}

/* Runs a sign-in against @hostile whose callback carries @iss; returns its error. */
static GError *
sign_in_against (HostileServer *hostile,
                 const char    *iss,
                 guint         *callback_status)
{
  static const char * const scopes[] = { "openid", "offline_access", NULL };
  g_autoptr(OrgdeskLogtoClient) client = orgdesk_logto_client_new (hostile->endpoint, "orgdesk-desktop");
  g_autoptr(OrgdeskSignIn) sign_in = orgdesk_sign_in_new (client, scopes, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  FakeBrowser browser = { .iss = iss, .session = soup_session_new () };
  GError *error = NULL;

  g_signal_connect (sign_in, "notify::authorization-uri", G_CALLBACK (on_authorization_uri_cb), &browser);
  orgdesk_sign_in_run_async (sign_in, NULL, cancellable, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_condition (callback_answered, &browser, 10);

  /* A callback refused for its issuer ends the sign-in too. */
  orgdesk_test_wait_for_result (&result, 10);
  response = orgdesk_sign_in_run_finish (sign_in, result, NULL, &error);
  g_assert_null (response);

  *callback_status = browser.status;
  g_object_unref (browser.session);
  return error;
}

/* The metadata does not advertise iss: a present iss is checked all the same. */
static void
test_sign_in_iss_mismatch_unadvertised (void)
{
  HostileServer hostile = { 0 };
  g_autoptr(GError) error = NULL;
  guint status;

  hostile_server_start (&hostile);
  error = sign_in_against (&hostile, "https://attacker.example/oidc", &status);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "RFC 9207"));
  /* The browser says so too, rather than "Signed in". */
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  /* The code went nowhere. */
  g_assert_cmpuint (hostile.n_token_requests, ==, 0);
  hostile_server_stop (&hostile);
}

/* Without iss, or with ours, an unadvertised server gets its code exchanged (and
 * the hostile token endpoint refuses it). */
static void
test_sign_in_iss_unadvertised_accepted (gconstpointer data)
{
  gboolean with_iss = GPOINTER_TO_INT (data);
  HostileServer hostile = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer = NULL;
  guint status;

  hostile_server_start (&hostile);
  issuer = issuer_of (&hostile);
  error = sign_in_against (&hostile, with_iss ? issuer : NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);
  g_assert_cmpuint (hostile.n_token_requests, ==, 1);
  hostile_server_stop (&hostile);
}

/* Advertised: a missing or foreign iss is refused, the code never exchanged. */
static void
test_sign_in_iss_advertised_refused (gconstpointer data)
{
  const char *iss = data;
  HostileServer hostile = { .discovery_extra = ",\"authorization_response_iss_parameter_supported\":true" };
  g_autoptr(GError) error = NULL;
  guint status;

  hostile_server_start (&hostile);
  error = sign_in_against (&hostile, *iss != '\0' ? iss : NULL, &status);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpuint (hostile.n_token_requests, ==, 0);
  hostile_server_stop (&hostile);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The sign-in tests must not start a real browser (with-services.sh installs one
   * as the default): no desktop file handles http here.  Without the system's
   * schemas GNOME's proxy resolver would abort, so use none. */
  g_setenv ("XDG_DATA_HOME", "/nonexistent", TRUE);
  g_setenv ("XDG_DATA_DIRS", "/nonexistent", TRUE);
  g_setenv ("XDG_CONFIG_HOME", "/nonexistent", TRUE);
  g_setenv ("XDG_CONFIG_DIRS", "/nonexistent", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_add_func ("/orgdesk/responses/token/good", test_token_response_good);
  g_test_add_func ("/orgdesk/responses/token/bad", test_token_response_bad);
  g_test_add_func ("/orgdesk/responses/discovery/good", test_discovery_good);
  g_test_add_func ("/orgdesk/responses/discovery/bad", test_discovery_bad);
  g_test_add_func ("/orgdesk/responses/discovery/uri-acceptable", test_uri_acceptable);
  g_test_add_func ("/orgdesk/responses/discovery/hostile-server", test_hostile_discovery);
  g_test_add_func ("/orgdesk/responses/json-depth", test_json_depth);
  g_test_add_func ("/orgdesk/responses/token-endpoint/answers", test_token_endpoint_answers);
  g_test_add_func ("/orgdesk/responses/grant/forget-token", test_grant_forget_token);
  g_test_add_func ("/orgdesk/responses/grant/waiter-cancelled", test_grant_waiter_cancelled);
  g_test_add_data_func ("/orgdesk/responses/token-endpoint/refused", GINT_TO_POINTER (FALSE), test_token_endpoint_unreachable);
  g_test_add_data_func ("/orgdesk/responses/token-endpoint/not-tls", GINT_TO_POINTER (TRUE), test_token_endpoint_unreachable);
  g_test_add_func ("/orgdesk/responses/token-endpoint/endless", test_token_endpoint_endless);
  g_test_add_func ("/orgdesk/responses/token-endpoint/declared-huge", test_token_endpoint_declared_huge);
  g_test_add_func ("/orgdesk/responses/token-endpoint/cancelled-mid-body", test_token_endpoint_cancelled_mid_body);
  g_test_add_func ("/orgdesk/responses/sign-in/iss/unadvertised-mismatch", test_sign_in_iss_mismatch_unadvertised);
  g_test_add_data_func ("/orgdesk/responses/sign-in/iss/unadvertised-absent", GINT_TO_POINTER (FALSE),
                        test_sign_in_iss_unadvertised_accepted);
  g_test_add_data_func ("/orgdesk/responses/sign-in/iss/unadvertised-ours", GINT_TO_POINTER (TRUE),
                        test_sign_in_iss_unadvertised_accepted);
  g_test_add_data_func ("/orgdesk/responses/sign-in/iss/advertised-absent", "", test_sign_in_iss_advertised_refused);
  g_test_add_data_func ("/orgdesk/responses/sign-in/iss/advertised-mismatch", "https://attacker.example/oidc",
                        test_sign_in_iss_advertised_refused);
  g_test_add_func ("/orgdesk/responses/userinfo/organizations", test_organizations_from_userinfo);
  g_test_add_func ("/orgdesk/responses/userinfo/no-organizations", test_organizations_absent);
  g_test_add_func ("/orgdesk/responses/userinfo/user", test_user_from_userinfo);

  return g_test_run ();
}
