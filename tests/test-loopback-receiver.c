/* test-loopback-receiver.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-loopback-receiver.h"
#include "orgdesk-test-utils.h"

#define STATE "st-7d0c2f3a9b8e4c1d"
#define ISSUER "http://127.0.0.1:3100/oidc"
#define MIB (1024 * 1024)

typedef struct
{
  OrgdeskLoopbackReceiver *receiver;
  GAsyncResult            *wait_result;
} Fixture;

typedef struct
{
  guint               status;
  char               *body;
  SoupMessageHeaders *headers;
} Response;

static void
response_free (Response *response)
{
  g_free (response->body);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  issuer)
{
  g_autoptr(GError) error = NULL;

  f->receiver = orgdesk_loopback_receiver_new (STATE, issuer, FALSE);
  g_assert_true (orgdesk_loopback_receiver_listen (f->receiver, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  issuer)
{
  g_clear_object (&f->wait_result);
  g_assert_finalize_object (f->receiver);
}

static int
receiver_port (Fixture *f)
{
  g_autoptr(GUri) uri = g_uri_parse (orgdesk_loopback_receiver_get_redirect_uri (f->receiver),
                                     G_URI_FLAGS_NONE, NULL);

  return g_uri_get_port (uri);
}

static char *
callback_uri (Fixture    *f,
              const char *query)
{
  return g_strconcat (orgdesk_loopback_receiver_get_redirect_uri (f->receiver), "?", query, NULL);
}

static void
start_wait (Fixture *f,
            guint    timeout_seconds)
{
  orgdesk_loopback_receiver_wait_async (f->receiver, timeout_seconds, NULL,
                                        orgdesk_test_store_result_cb, &f->wait_result);
}

static char *
finish_wait (Fixture  *f,
             GError  **error)
{
  orgdesk_test_wait_for_result (&f->wait_result, 10);
  return orgdesk_loopback_receiver_wait_finish (f->receiver, f->wait_result, error);
}

/* The wait ended with @domain/@code, handed out no code and closed the listener;
 * returns the error for further checks. */
static GError *
finish_wait_with_error (Fixture *f,
                        GQuark   domain,
                        int      code)
{
  GError *error = NULL;
  g_autofree char *received = finish_wait (f, &error);

  g_assert_error (error, domain, code);
  g_assert_null (received);
  g_assert_false (orgdesk_loopback_receiver_is_listening (f->receiver));

  return error;
}

/* Lets pending events run, then checks that nothing ended the wait. */
static void
assert_still_waiting (Fixture *f)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_null (f->wait_result);
  g_assert_true (orgdesk_loopback_receiver_is_listening (f->receiver));
}

/* Ends a wait that a test left running on purpose. */
static void
close_and_expect_closed (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  orgdesk_loopback_receiver_close (f->receiver);
  code = finish_wait (f, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_null (code);
}

static Response *
http_request (const char *method,
              const char *uri)
{
  /* No proxy: an http_proxy in the environment must not reroute 127.0.0.1. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  Response *response;

  g_assert_nonnull (msg);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 10);
  bytes = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);

  response = g_new0 (Response, 1);
  response->status = soup_message_get_status (msg);
  response->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return response;
}

static Response *
http_get (Fixture    *f,
          const char *query)
{
  g_autofree char *uri = callback_uri (f, query);

  return http_request (SOUP_METHOD_GET, uri);
}

static GSocketClient *
new_socket_client (void)
{
  GSocketClient *client = g_socket_client_new ();

  g_socket_client_set_enable_proxy (client, FALSE);
  return client;
}

/* Raw requests go through a thread with blocking sockets, so the receiver keeps
 * running on the main context meanwhile. */
typedef struct
{
  int     port;
  GBytes *request;
} RawRequest;

static void
raw_request_free (RawRequest *raw)
{
  g_bytes_unref (raw->request);
  g_free (raw);
}

static void
raw_exchange_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RawRequest *raw = task_data;
  g_autoptr(GSocketClient) client = new_socket_client ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) response = g_string_new (NULL);
  GOutputStream *output;
  GInputStream *input;
  char buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", raw->port, NULL, NULL);
  g_assert_nonnull (connection);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);

  /* The server may close before reading everything; that is an answer too. */
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_output_stream_write_all (output, g_bytes_get_data (raw->request, NULL),
                             g_bytes_get_size (raw->request), NULL, NULL, NULL);

  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (response, buffer, n);

  g_task_return_pointer (task, g_string_free (g_steal_pointer (&response), FALSE), g_free);
}

/* Returns everything the server sent before closing ("" if nothing). */
static char *
raw_exchange (Fixture *f,
              GBytes  *request)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  RawRequest *raw = g_new0 (RawRequest, 1);

  raw->port = receiver_port (f);
  raw->request = g_bytes_ref (request);
  g_task_set_task_data (task, raw, (GDestroyNotify) raw_request_free);
  g_task_run_in_thread (task, raw_exchange_thread);

  while (!g_task_get_completed (task))
    g_main_context_iteration (NULL, TRUE);

  return g_task_propagate_pointer (task, NULL);
}

static char *
raw_exchange_string (Fixture    *f,
                     const char *request)
{
  g_autoptr(GBytes) bytes = g_bytes_new (request, strlen (request));

  return raw_exchange (f, bytes);
}

static char *
host_header (Fixture *f)
{
  return g_strdup_printf ("Host: 127.0.0.1:%d\r\n", receiver_port (f));
}

static void
assert_connection_fails (const char *host,
                         int         port,
                         GQuark      domain,
                         int         code)
{
  g_autoptr(GSocketClient) client = new_socket_client ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host (client, host, port, NULL, &error);
  g_assert_null (connection);
  if (domain != 0)
    g_assert_error (error, domain, code);
  else
    g_assert_nonnull (error);
}

/* Stalled clients: raw connections that the test holds open, on the main thread,
 * while the receiver keeps running on the main context. */
static GSocketConnection *
open_connection (int port)
{
  g_autoptr(GSocketClient) client = new_socket_client ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  /* The kernel completes the handshake; the receiver accepts on its next turn. */
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return connection;
}

static void
send_text (GSocketConnection *connection,
           const char        *text)
{
  g_autoptr(GError) error = NULL;

  g_socket_send (g_socket_connection_get_socket (connection), text, strlen (text), NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  GPollableInputStream *input;
  gboolean              closed;
  gboolean              timed_out;
} CloseWatch;

static gboolean
on_watch_readable_cb (GObject  *stream,
                      gpointer  user_data)
{
  CloseWatch *watch = user_data;
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n;

  /* A response (a 400, say) may come first; only the end of the stream counts. */
  n = g_pollable_input_stream_read_nonblocking (watch->input, buffer, sizeof buffer, NULL, &error);
  if (n > 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;

  watch->closed = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_watch_timeout_cb (gpointer user_data)
{
  CloseWatch *watch = user_data;

  watch->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until the receiver closes @connection (the read sees the
 * end of the stream or an error) or @timeout_ms pass.  Returns how many
 * milliseconds after @start (monotonic time) the close was seen, or -1. */
static gint64
wait_for_close (GSocketConnection *connection,
                gint64             start,
                guint              timeout_ms)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  CloseWatch watch = { G_POLLABLE_INPUT_STREAM (input), FALSE, FALSE };
  g_autoptr(GSource) readable = g_pollable_input_stream_create_source (watch.input, NULL);
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);

  g_source_set_callback (readable, G_SOURCE_FUNC (on_watch_readable_cb), &watch, NULL);
  g_source_set_callback (timeout, on_watch_timeout_cb, &watch, NULL);
  g_source_attach (readable, NULL);
  g_source_attach (timeout, NULL);

  while (!watch.closed && !watch.timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_source_destroy (readable);
  g_source_destroy (timeout);

  return watch.closed ? (g_get_monotonic_time () - start) / 1000 : -1;
}

static void
assert_still_open (GSocketConnection *connection)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GError) error = NULL;
  char byte;

  g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input), &byte, 1, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

static void
assert_good_callback_succeeds (Fixture *f)
{
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  response = http_get (f, "code=late-but-good&state=" STATE);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  code = finish_wait (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "late-but-good");
}

static void
assert_page_headers (Response *response)
{
  const char *csp = soup_message_headers_get_one (response->headers, "Content-Security-Policy");

  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==, "text/html");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Type"), ==,
                   "text/html; charset=utf-8");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Referrer-Policy"), ==, "no-referrer");
  g_assert_nonnull (csp);
  g_assert_true (g_str_has_prefix (csp, "default-src 'none'"));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_properties (void)
{
  g_autoptr(OrgdeskLoopbackReceiver) receiver = orgdesk_loopback_receiver_new (STATE, ISSUER, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *redirect_uri = NULL;
  g_autofree char *issuer = NULL;
  guint notified = 0;
  gboolean listening = TRUE;

  g_object_get (receiver,
                "redirect-uri", &redirect_uri,
                "listening", &listening,
                "expected-issuer", &issuer,
                NULL);
  g_assert_null (redirect_uri);
  g_assert_false (listening);
  g_assert_cmpstr (issuer, ==, ISSUER);
  g_assert_cmpstr (orgdesk_loopback_receiver_get_expected_issuer (receiver), ==, ISSUER);
  g_assert_null (orgdesk_loopback_receiver_get_issuer (receiver));

  g_signal_connect (receiver, "notify", G_CALLBACK (count_notify_cb), &notified);

  g_assert_true (orgdesk_loopback_receiver_listen (receiver, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_true (orgdesk_loopback_receiver_is_listening (receiver));

  orgdesk_loopback_receiver_close (receiver);
  g_assert_cmpuint (notified, ==, 3);
  g_assert_false (orgdesk_loopback_receiver_is_listening (receiver));

  /* Closing twice notifies nothing. */
  orgdesk_loopback_receiver_close (receiver);
  g_assert_cmpuint (notified, ==, 3);

  g_assert_finalize_object (g_steal_pointer (&receiver));
}

static void
test_connection_limit_properties (void)
{
  g_autoptr(OrgdeskLoopbackReceiver) receiver = orgdesk_loopback_receiver_new (STATE, NULL, FALSE);
  guint timeout_ms = 0;
  guint max_connections = 0;
  guint notified = 0;

  g_object_get (receiver,
                "connection-timeout", &timeout_ms,
                "max-connections", &max_connections,
                NULL);
  g_assert_cmpuint (timeout_ms, ==, 10000);
  g_assert_cmpuint (max_connections, ==, 16);

  g_signal_connect (receiver, "notify", G_CALLBACK (count_notify_cb), &notified);

  g_object_set (receiver, "connection-timeout", 250, "max-connections", 3, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpuint (orgdesk_loopback_receiver_get_connection_timeout (receiver), ==, 250);
  g_assert_cmpuint (orgdesk_loopback_receiver_get_max_connections (receiver), ==, 3);

  /* The same values again notify nothing. */
  orgdesk_loopback_receiver_set_connection_timeout (receiver, 250);
  orgdesk_loopback_receiver_set_max_connections (receiver, 3);
  g_assert_cmpuint (notified, ==, 2);

  g_assert_finalize_object (g_steal_pointer (&receiver));
}

static void
test_redirect_uri (Fixture       *f,
                   gconstpointer  data)
{
  const char *redirect_uri = orgdesk_loopback_receiver_get_redirect_uri (f->receiver);
  g_autofree char *expected = NULL;
  g_autoptr(GSocketClient) client = new_socket_client ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) peer = NULL;
  g_autofree char *peer_ip = NULL;
  g_autoptr(GError) error = NULL;
  int port = receiver_port (f);

  g_assert_cmpint (port, >, 0);
  g_assert_cmpint (port, <, 65536);
  expected = g_strdup_printf ("http://127.0.0.1:%d/callback", port);
  g_assert_cmpstr (redirect_uri, ==, expected);

  /* Bound on 127.0.0.1 ... */
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  peer = g_socket_connection_get_remote_address (connection, &error);
  g_assert_no_error (error);
  peer_ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer)));
  g_assert_cmpstr (peer_ip, ==, "127.0.0.1");
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  /* ... and nowhere else: not the rest of 127/8, not IPv6 (which may be absent). */
  assert_connection_fails ("127.0.0.2", port, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  assert_connection_fails ("::1", port, 0, 0);

  orgdesk_loopback_receiver_close (f->receiver);
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  int port = receiver_port (f);

  start_wait (f, 30);
  response = http_get (f, "code=c0de-123_~.&state=" STATE "&scope=openid");

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  assert_page_headers (response);
  g_assert_nonnull (strstr (response->body, "Signed in to Orgdesk"));
  g_assert_nonnull (strstr (response->body, "You can close this tab and return to Orgdesk."));
  g_assert_null (strstr (response->body, "c0de"));

  code = finish_wait (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "c0de-123_~.");

  /* The listener is gone: nothing answers on the port any more. */
  g_assert_false (orgdesk_loopback_receiver_is_listening (f->receiver));
  assert_connection_fails ("127.0.0.1", port, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_success_before_wait (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  response = http_get (f, "state=" STATE "&code=early");
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);

  start_wait (f, 30);
  code = finish_wait (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "early");
}

static void
test_wrong_state (Fixture       *f,
                  gconstpointer  data)
{
  const char *queries[] = {
    "code=abc&state=wrong",
    "code=abc&state=" STATE "x",
    "code=abc&state=st-7d0c2f3a9b8e4c1",
    "code=abc&state=",
    "code=abc&State=" STATE,
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autoptr(Response) good = NULL;

  start_wait (f, 30);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(Response) response = http_get (f, queries[i]);

      g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
      g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Type"), ==,
                       "text/plain; charset=utf-8");
      assert_still_waiting (f);
    }

  good = http_get (f, "code=abc&state=" STATE);
  g_assert_cmpuint (good->status, ==, SOUP_STATUS_OK);
  code = finish_wait (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "abc");
}

static void
test_missing_state (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Response) no_state = NULL;
  g_autoptr(Response) empty = NULL;

  start_wait (f, 30);

  no_state = http_get (f, "code=abc");
  g_assert_cmpuint (no_state->status, ==, SOUP_STATUS_BAD_REQUEST);
  assert_still_waiting (f);

  empty = http_request (SOUP_METHOD_GET, orgdesk_loopback_receiver_get_redirect_uri (f->receiver));
  g_assert_cmpuint (empty->status, ==, SOUP_STATUS_BAD_REQUEST);
  assert_still_waiting (f);

  close_and_expect_closed (f);
}

static void
test_missing_code (Fixture       *f,
                   gconstpointer  query)
{
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;

  start_wait (f, 30);
  response = http_get (f, query);

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
  assert_page_headers (response);
  g_assert_nonnull (strstr (response->body, "Sign-in was not completed"));

  error = finish_wait_with_error (f, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_REQUEST);
}

static void
fixture_test_missing_code (Fixture       *f,
                           gconstpointer  data)
{
  /* A matching state makes the callback ours; without a usable code it ends the flow. */
  test_missing_code (f, "state=" STATE);
}

static void
fixture_test_unusable_code (Fixture       *f,
                            gconstpointer  data)
{
  test_missing_code (f, "state=" STATE "&code=a%0Ab");
}

static void
test_access_denied (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;

  start_wait (f, 30);
  response = http_get (f, "error=access_denied&error_description=The+user+denied+the+request&state=" STATE);

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  assert_page_headers (response);
  g_assert_nonnull (strstr (response->body, "Sign-in was not completed"));

  error = finish_wait_with_error (f, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_AUTHORIZATION_DENIED);
  g_assert_nonnull (strstr (error->message, "access_denied"));
  g_assert_nonnull (strstr (error->message, "The user denied the request"));
}

static void
test_error_needs_state (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(Response) response = NULL;

  /* Anyone can send error=; only the real redirect (with our state) may end the flow. */
  start_wait (f, 30);
  response = http_get (f, "error=access_denied&state=forged");
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
  assert_still_waiting (f);
  close_and_expect_closed (f);
}

static void
test_hostile_description (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GString) description = g_string_new ("<script>alert(1)</script>\"'&\n\r\t\xc3\xa9");
  g_autofree char *escaped = NULL;
  g_autofree char *query = NULL;
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  for (guint i = 0; i < 80; i++)
    g_string_append (description, "<img src=x onerror=alert(1)>");

  escaped = g_uri_escape_string (description->str, NULL, FALSE);
  query = g_strdup_printf ("error=server_error%%3Cb%%3E&error_description=%s&state=%s",
                           escaped, STATE);
  g_assert_cmpuint (strlen (query), <, 8192);

  start_wait (f, 30);
  response = http_get (f, query);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  assert_page_headers (response);

  /* The page shows none of it, escaped or not. */
  g_assert_null (strstr (response->body, "script"));
  g_assert_null (strstr (response->body, "alert"));
  g_assert_null (strstr (response->body, "server_error"));

  /* The message keeps a short, printable, markup-free version. */
  code = finish_wait (f, &error);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_AUTHORIZATION_DENIED);
  g_assert_cmpuint (strlen (error->message), <, 400);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '<'));
  g_assert_null (strchr (error->message, '>'));
  g_assert_null (strchr (error->message, '&'));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_nonnull (strstr (error->message, "server_error?b?"));
  g_assert_nonnull (strstr (error->message, "?script?alert(1)?/script?"));
}

/* Replaces the fixture's receiver with one that expects ISSUER. */
static void
use_issuer_receiver (Fixture  *f,
                     gboolean  issuer_required)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->wait_result);
  g_assert_finalize_object (g_steal_pointer (&f->receiver));
  f->receiver = orgdesk_loopback_receiver_new (STATE, ISSUER, issuer_required);
  g_assert_true (orgdesk_loopback_receiver_listen (f->receiver, &error));
  g_assert_no_error (error);
}

/* RFC 9207: our state but another issuer (or none, when the issuer promised one)
 * ends the sign-in with an error, in the app and in the browser. */
static void
test_issuer_wrong (Fixture       *f,
                   gconstpointer  data)
{
  const struct { const char *query; gboolean required; } cases[] = {
    { "code=abc&state=" STATE "&iss=http%3A%2F%2Fevil.example%2Foidc", FALSE },
    { "code=abc&state=" STATE "&iss=http%3A%2F%2F127.0.0.1%3A3100%2Foidc%2F", FALSE },
    { "code=abc&state=" STATE "&iss=", FALSE },
    { "code=abc&state=" STATE "&iss=http%3A%2F%2Fevil.example%2Foidc", TRUE },
    { "code=abc&state=" STATE, TRUE },
    { "error=access_denied&state=" STATE "&iss=http%3A%2F%2Fevil.example%2Foidc", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Response) response = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *code = NULL;

      use_issuer_receiver (f, cases[i].required);
      start_wait (f, 30);
      response = http_get (f, cases[i].query);
      g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
      g_assert_nonnull (strstr (response->body, "not completed"));

      error = finish_wait_with_error (f, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE);
      g_assert_nonnull (strstr (error->message, "RFC 9207"));
    }
}

/* Our issuer is accepted; so is no iss from an issuer that did not promise one. */
static void
test_issuer_accepted (Fixture       *f,
                      gconstpointer  data)
{
  const struct { const char *query; gboolean required; } cases[] = {
    { "code=abc&state=" STATE "&iss=http%3A%2F%2F127.0.0.1%3A3100%2Foidc", TRUE },
    { "code=abc&state=" STATE "&iss=http%3A%2F%2F127.0.0.1%3A3100%2Foidc", FALSE },
    { "code=abc&state=" STATE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Response) response = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *code = NULL;

      use_issuer_receiver (f, cases[i].required);
      start_wait (f, 30);
      /* A stranger's callback (another state) changes nothing first. */
      response = http_get (f, "code=abc&state=other&iss=http%3A%2F%2Fevil.example%2Foidc");
      g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
      assert_still_waiting (f);
      g_clear_pointer (&response, response_free);

      response = http_get (f, cases[i].query);
      g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
      code = finish_wait (f, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, "abc");
    }
}

static void
test_issuer_optional (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  /* Without an expected issuer, iss is only recorded. */
  start_wait (f, 30);
  response = http_get (f, "code=abc&state=" STATE "&iss=https%3A%2F%2Fid.example");
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  code = finish_wait (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_loopback_receiver_get_issuer (f->receiver), ==, "https://id.example");
}

static void
test_other_path (Fixture       *f,
                 gconstpointer  data)
{
  const char *paths[] = { "/", "/favicon.ico", "/callback/", "/callbackx", "/Callback", "/callback/..%2Fx" };
  int port = receiver_port (f);

  start_wait (f, 30);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%d%s?code=abc&state=%s", port, paths[i], STATE);
      g_autoptr(Response) response = http_request (SOUP_METHOD_GET, uri);

      g_assert_cmpuint (response->status, >=, 400);
      g_assert_cmpuint (response->status, <, 500);
      if (i < 5)
        g_assert_cmpuint (response->status, ==, SOUP_STATUS_NOT_FOUND);
      assert_still_waiting (f);
    }

  close_and_expect_closed (f);
}

static void
test_other_method (Fixture       *f,
                   gconstpointer  data)
{
  const char *methods[] = { SOUP_METHOD_POST, SOUP_METHOD_HEAD, SOUP_METHOD_PUT, SOUP_METHOD_OPTIONS, SOUP_METHOD_DELETE };
  g_autofree char *uri = callback_uri (f, "code=abc&state=" STATE);

  start_wait (f, 30);

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(Response) response = http_request (methods[i], uri);

      g_assert_cmpuint (response->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
      g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Allow"), ==, "GET");
      assert_still_waiting (f);
    }

  close_and_expect_closed (f);
}

static void
test_duplicate_params (Fixture       *f,
                       gconstpointer  data)
{
  const char *queries[] = {
    "code=abc&state=" STATE "&state=" STATE,
    "code=abc&code=def&state=" STATE,
    "code=abc&state=" STATE "&error=access_denied&error=x",
    "code=abc&state=%ZZ",
    "code=abc&state=" STATE "&novalue",
  };

  start_wait (f, 30);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *request = NULL;
      g_autofree char *host = host_header (f);
      g_autofree char *response = NULL;

      /* Raw, so no client library tidies the query up first. */
      request = g_strdup_printf ("GET /callback?%s HTTP/1.1\r\n%sConnection: close\r\n\r\n", queries[i], host);
      response = raw_exchange_string (f, request);
      g_assert_true (g_str_has_prefix (response, "HTTP/1.1 400 "));
      assert_still_waiting (f);
    }

  close_and_expect_closed (f);
}

static void
test_wrong_host (Fixture       *f,
                 gconstpointer  data)
{
  const char *hosts[] = { "Host: evil.example\r\n", "Host: localhost\r\n", "Host: 127.0.0.1\r\n", "" };

  start_wait (f, 30);

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *request = NULL;
      g_autofree char *response = NULL;

      request = g_strdup_printf ("GET /callback?code=abc&state=" STATE " HTTP/1.1\r\n%sConnection: close\r\n\r\n",
                                 hosts[i]);
      response = raw_exchange_string (f, request);
      g_assert_true (g_str_has_prefix (response, "HTTP/1.1 400 "));
      assert_still_waiting (f);
    }

  close_and_expect_closed (f);
}

static guint
count_status_lines (const char *response)
{
  guint count = 0;

  for (const char *p = response; (p = strstr (p, "HTTP/1.1 ")) != NULL; p++)
    count++;

  return count;
}

static void
test_second_request (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *host = host_header (f);
  g_autofree char *request = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  /* Two pipelined callbacks on one connection: only the first is answered. */
  start_wait (f, 30);
  request = g_strdup_printf ("GET /callback?code=first&state=" STATE " HTTP/1.1\r\n%s\r\n"
                             "GET /callback?code=second&state=" STATE " HTTP/1.1\r\n%s\r\n",
                             host, host);
  response = raw_exchange_string (f, request);
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
  g_assert_cmpuint (count_status_lines (response), ==, 1);

  code = finish_wait (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "first");

  /* A new connection is refused outright. */
  assert_connection_fails ("127.0.0.1", receiver_port (f), G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static GBytes *
build_oversized (Fixture    *f,
                 const char *kind)
{
  g_autofree char *host = host_header (f);
  g_autoptr(GString) request = g_string_new (NULL);
  g_autofree char *filler = g_strnfill (MIB, 'a');

  if (g_str_equal (kind, "request-line"))
    g_string_append_printf (request, "GET /callback?state=" STATE "&code=%s HTTP/1.1\r\n%s\r\n", filler, host);
  else if (g_str_equal (kind, "header"))
    g_string_append_printf (request, "GET /callback?state=" STATE "&code=x HTTP/1.1\r\n%sX-Filler: %s\r\n\r\n",
                            host, filler);
  else if (g_str_equal (kind, "many-headers"))
    {
      g_string_append_printf (request, "GET /callback?state=" STATE "&code=x HTTP/1.1\r\n%s", host);
      for (guint i = 0; i < 100000; i++)
        g_string_append_printf (request, "X-%u: y\r\n", i);
      g_string_append (request, "\r\n");
    }
  else if (g_str_equal (kind, "query"))
    g_string_append_printf (request, "GET /callback?state=" STATE "&code=%.*s HTTP/1.1\r\n%sConnection: close\r\n\r\n",
                            60000, filler, host);
  else if (g_str_equal (kind, "body"))
    g_string_append_printf (request, "GET /callback?state=" STATE "&code=x HTTP/1.1\r\n%s"
                            "Content-Length: %d\r\nConnection: close\r\n\r\n%s", host, MIB, filler);
  else
    g_assert_not_reached ();

  return g_string_free_to_bytes (g_steal_pointer (&request));
}

static void
test_oversized (Fixture       *f,
                gconstpointer  data)
{
  /* libsoup drops a request whose head passes 64 KiB without calling any handler;
   * the rest reach us and we refuse them. */
  struct {
    const char *kind;
    const char *expected_prefix;
  } cases[] = {
    { "request-line", NULL },
    { "header", NULL },
    { "many-headers", NULL },
    { "query", "HTTP/1.1 414 " },
    { "body", "HTTP/1.1 400 " },
  };
  g_autoptr(Response) good = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  start_wait (f, 30);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) request = build_oversized (f, cases[i].kind);
      g_autofree char *response = raw_exchange (f, request);

      g_test_message ("%s: %.40s", cases[i].kind, response);
      if (cases[i].expected_prefix != NULL)
        g_assert_true (g_str_has_prefix (response, cases[i].expected_prefix));
      else
        g_assert_true (*response == '\0' || g_str_has_prefix (response, "HTTP/1.1 400 "));
      assert_still_waiting (f);
    }

  good = http_get (f, "code=abc&state=" STATE);
  g_assert_cmpuint (good->status, ==, SOUP_STATUS_OK);
  code = finish_wait (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "abc");
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int port = receiver_port (f);

  start_wait (f, 1);
  error = finish_wait_with_error (f, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
  assert_connection_fails ("127.0.0.1", port, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  int port = receiver_port (f);

  orgdesk_loopback_receiver_wait_async (f->receiver, 30, cancellable,
                                        orgdesk_test_store_result_cb, &f->wait_result);
  assert_still_waiting (f);

  g_cancellable_cancel (cancellable);
  error = finish_wait_with_error (f, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_connection_fails ("127.0.0.1", port, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_cancel_before (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  orgdesk_loopback_receiver_wait_async (f->receiver, 30, cancellable,
                                        orgdesk_test_store_result_cb, &f->wait_result);
  error = finish_wait_with_error (f, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_close (Fixture       *f,
            gconstpointer  data)
{
  int port = receiver_port (f);

  start_wait (f, 30);
  assert_still_waiting (f);
  close_and_expect_closed (f);
  assert_connection_fails ("127.0.0.1", port, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_dispose_closes (void)
{
  g_autoptr(OrgdeskLoopbackReceiver) receiver = orgdesk_loopback_receiver_new (STATE, NULL, FALSE);
  g_autoptr(GUri) uri = NULL;
  int port;

  g_assert_true (orgdesk_loopback_receiver_listen (receiver, NULL));
  uri = g_uri_parse (orgdesk_loopback_receiver_get_redirect_uri (receiver), G_URI_FLAGS_NONE, NULL);
  port = g_uri_get_port (uri);

  g_assert_finalize_object (g_steal_pointer (&receiver));
  assert_connection_fails ("127.0.0.1", port, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_constant_time_lengths (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *long_state = g_strnfill (4000, 's');
  g_autofree char *query = g_strdup_printf ("code=abc&state=%s", long_state);
  g_autoptr(Response) response = NULL;

  /* Longer and shorter guesses than the real state are refused, not read past. */
  start_wait (f, 30);
  response = http_get (f, query);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
  assert_still_waiting (f);
  close_and_expect_closed (f);
}

static void
capture_log_cb (const char     *domain,
                GLogLevelFlags  level,
                const char     *message,
                gpointer        user_data)
{
  g_string_append_printf (user_data, "%s\n", message);
}

static void
test_no_secrets_in_logs (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(Response) wrong = NULL;
  g_autoptr(Response) good = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  guint handler;

  handler = g_log_set_handler ("orgdesk-auth", G_LOG_LEVEL_MASK, capture_log_cb, log);

  start_wait (f, 30);
  wrong = http_get (f, "code=LEAKED-WRONG&state=LEAKED-STATE");
  good = http_get (f, "code=LEAKED-CODE&state=" STATE);
  code = finish_wait (f, &error);
  g_assert_no_error (error);

  g_log_remove_handler ("orgdesk-auth", handler);

  /* The flow was logged, the query never. */
  g_assert_nonnull (strstr (log->str, "accepted"));
  g_assert_null (strstr (log->str, "LEAKED"));
  g_assert_null (strstr (log->str, STATE));
}

static void
test_stalled_silent (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GSocketConnection) silent = NULL;
  g_autoptr(GSocketConnection) half_line = NULL;
  gint64 start;
  gint64 closed_after;

  orgdesk_loopback_receiver_set_connection_timeout (f->receiver, 500);
  start_wait (f, 30);

  /* One sends nothing at all, one half a request line. */
  start = g_get_monotonic_time ();
  silent = open_connection (receiver_port (f));
  half_line = open_connection (receiver_port (f));
  send_text (half_line, "GET /callback?co");

  closed_after = wait_for_close (silent, start, 3000);
  g_test_message ("silent connection closed after %" G_GINT64_FORMAT " ms", closed_after);
  g_assert_cmpint (closed_after, >=, 450);
  g_assert_cmpint (closed_after, <=, 1500);

  closed_after = wait_for_close (half_line, start, 3000);
  g_assert_cmpint (closed_after, >=, 450);
  g_assert_cmpint (closed_after, <=, 1500);

  /* Neither took the listener or the wait with it. */
  assert_still_waiting (f);
  assert_good_callback_succeeds (f);
}

typedef struct
{
  GSocketConnection *connection;
  const char        *text;
  gsize              sent;
} Drip;

static gboolean
on_drip_cb (gpointer user_data)
{
  Drip *drip = user_data;
  GSocket *socket = g_socket_connection_get_socket (drip->connection);

  /* Stops once the receiver has closed the connection (EPIPE, ECONNRESET). */
  if (drip->text[drip->sent] == '\0' ||
      g_socket_send (socket, drip->text + drip->sent, 1, NULL, NULL) != 1)
    return G_SOURCE_REMOVE;

  drip->sent++;
  return G_SOURCE_CONTINUE;
}

static void
test_stalled_slowloris (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *host = host_header (f);
  g_autofree char *text = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  Drip drip = { NULL, NULL, 0 };
  guint drip_id;
  gint64 start;
  gint64 closed_after;

  /* A byte every 300 ms is progress, but the request never ends. */
  orgdesk_loopback_receiver_set_connection_timeout (f->receiver, 1000);
  start_wait (f, 30);

  text = g_strdup_printf ("GET /callback?code=abc&state=" STATE " HTTP/1.1\r\n%sX-Slow: %s", host, STATE);
  start = g_get_monotonic_time ();
  connection = open_connection (receiver_port (f));
  drip.connection = connection;
  drip.text = text;
  on_drip_cb (&drip);
  drip_id = g_timeout_add (300, on_drip_cb, &drip);

  closed_after = wait_for_close (connection, start, 4000);
  g_clear_handle_id (&drip_id, g_source_remove);
  g_test_message ("slowloris closed after %" G_GINT64_FORMAT " ms and %" G_GSIZE_FORMAT " bytes",
                  closed_after, drip.sent);
  g_assert_cmpint (closed_after, >=, 950);
  g_assert_cmpint (closed_after, <=, 2000);
  g_assert_cmpuint (drip.sent, >=, 3);

  assert_still_waiting (f);
  assert_good_callback_succeeds (f);
}

/* Fills the receiver's 16 places with stalled connections, checks that one more
 * is turned away at once and the 16 are left alone, then frees the places: by
 * closing them from our side or by waiting for the receiver's deadline. */
static void
test_connection_cap (Fixture       *f,
                     gboolean       wait_for_deadline)
{
  g_autoptr(GPtrArray) junk = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocketConnection) extra = NULL;
  guint timeout_ms = wait_for_deadline ? 1000 : 30000;
  gint64 start;
  gint64 closed_after;

  g_assert_cmpuint (orgdesk_loopback_receiver_get_max_connections (f->receiver), ==, 16);
  orgdesk_loopback_receiver_set_connection_timeout (f->receiver, timeout_ms);
  start_wait (f, 30);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 16; i++)
    g_ptr_array_add (junk, open_connection (receiver_port (f)));

  extra = open_connection (receiver_port (f));
  closed_after = wait_for_close (extra, g_get_monotonic_time (), 2000);
  g_test_message ("connection over the cap closed after %" G_GINT64_FORMAT " ms", closed_after);
  g_assert_cmpint (closed_after, >=, 0);
  g_assert_cmpint (closed_after, <, 250);

  for (guint i = 0; i < junk->len; i++)
    assert_still_open (g_ptr_array_index (junk, i));
  assert_still_waiting (f);

  for (guint i = 0; i < junk->len; i++)
    {
      GSocketConnection *connection = g_ptr_array_index (junk, i);

      if (wait_for_deadline)
        g_assert_cmpint (wait_for_close (connection, start, 3000), >=, 950);
      else
        g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }

  /* Let the receiver see the ends of the streams. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  assert_good_callback_succeeds (f);
}

static void
test_connection_cap_client_closes (Fixture       *f,
                                   gconstpointer  data)
{
  test_connection_cap (f, FALSE);
}

static void
test_connection_cap_deadline (Fixture       *f,
                              gconstpointer  data)
{
  test_connection_cap (f, TRUE);
}

static void
open_stalled_set (GPtrArray *connections,
                  int        port)
{
  GSocketConnection *connection;

  g_ptr_array_add (connections, open_connection (port));

  connection = open_connection (port);
  send_text (connection, "GET /callback?co");
  g_ptr_array_add (connections, connection);

  connection = open_connection (port);
  send_text (connection, "GET /callback?code=abc&state=" STATE " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  g_ptr_array_add (connections, connection);
}

static void
assert_all_closed (GPtrArray *connections)
{
  for (guint i = 0; i < connections->len; i++)
    {
      gint64 closed_after = wait_for_close (g_ptr_array_index (connections, i), g_get_monotonic_time (), 2000);

      g_assert_cmpint (closed_after, >=, 0);
      g_assert_cmpint (closed_after, <, 250);
    }
}

/* However the wait ends, connections still stalled end with it. */
static void
test_stalled_closed_with_receiver (Fixture       *f,
                                   gconstpointer  how)
{
  g_autoptr(GPtrArray) stalled = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  int port = receiver_port (f);

  orgdesk_loopback_receiver_set_connection_timeout (f->receiver, 30000);
  orgdesk_loopback_receiver_wait_async (f->receiver, g_str_equal (how, "timeout") ? 1 : 30, cancellable,
                                        orgdesk_test_store_result_cb, &f->wait_result);
  open_stalled_set (stalled, port);
  assert_still_waiting (f);

  if (g_str_equal (how, "success"))
    {
      assert_good_callback_succeeds (f);
    }
  else
    {
      if (g_str_equal (how, "close"))
        orgdesk_loopback_receiver_close (f->receiver);
      else if (g_str_equal (how, "cancel"))
        g_cancellable_cancel (cancellable);

      code = finish_wait (f, &error);
      g_assert_nonnull (error);
      g_assert_null (code);
    }

  g_assert_false (orgdesk_loopback_receiver_is_listening (f->receiver));
  assert_all_closed (stalled);
  assert_connection_fails ("127.0.0.1", port, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
fixture_test_stalled_success (Fixture       *f,
                              gconstpointer  data)
{
  test_stalled_closed_with_receiver (f, "success");
}

static void
fixture_test_stalled_close (Fixture       *f,
                            gconstpointer  data)
{
  test_stalled_closed_with_receiver (f, "close");
}

static void
fixture_test_stalled_cancel (Fixture       *f,
                             gconstpointer  data)
{
  test_stalled_closed_with_receiver (f, "cancel");
}

static void
fixture_test_stalled_timeout (Fixture       *f,
                              gconstpointer  data)
{
  test_stalled_closed_with_receiver (f, "timeout");
}

static gboolean
on_quit_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_stalled_dispose (void)
{
  g_autoptr(OrgdeskLoopbackReceiver) receiver = orgdesk_loopback_receiver_new (STATE, NULL, FALSE);
  g_autoptr(GPtrArray) stalled = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GUri) uri = NULL;
  gboolean done = FALSE;
  int port;

  /* Short, so a deadline left behind would fire (on freed memory) below. */
  orgdesk_loopback_receiver_set_connection_timeout (receiver, 200);
  g_assert_true (orgdesk_loopback_receiver_listen (receiver, NULL));
  uri = g_uri_parse (orgdesk_loopback_receiver_get_redirect_uri (receiver), G_URI_FLAGS_NONE, NULL);
  port = g_uri_get_port (uri);
  open_stalled_set (stalled, port);

  g_assert_finalize_object (g_steal_pointer (&receiver));
  assert_all_closed (stalled);
  assert_connection_fails ("127.0.0.1", port, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);

  g_timeout_add (400, on_quit_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

#define ADD(path, func, issuer) \
  g_test_add ("/orgdesk/auth/loopback/" path, Fixture, issuer, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/auth/loopback/properties", test_properties);
  g_test_add_func ("/orgdesk/auth/loopback/connection-limit-properties", test_connection_limit_properties);
  g_test_add_func ("/orgdesk/auth/loopback/dispose-closes", test_dispose_closes);
  g_test_add_func ("/orgdesk/auth/loopback/stalled/dispose", test_stalled_dispose);
  ADD ("redirect-uri", test_redirect_uri, NULL);
  ADD ("success", test_success, NULL);
  ADD ("success-before-wait", test_success_before_wait, NULL);
  ADD ("wrong-state", test_wrong_state, NULL);
  ADD ("long-state", test_constant_time_lengths, NULL);
  ADD ("missing-state", test_missing_state, NULL);
  ADD ("missing-code", fixture_test_missing_code, NULL);
  ADD ("unusable-code", fixture_test_unusable_code, NULL);
  ADD ("access-denied", test_access_denied, NULL);
  ADD ("error-needs-state", test_error_needs_state, NULL);
  ADD ("hostile-description", test_hostile_description, NULL);
  ADD ("issuer/wrong-or-missing", test_issuer_wrong, ISSUER);
  ADD ("issuer/accepted", test_issuer_accepted, ISSUER);
  ADD ("issuer/optional", test_issuer_optional, NULL);
  ADD ("other-path", test_other_path, NULL);
  ADD ("other-method", test_other_method, NULL);
  ADD ("duplicate-params", test_duplicate_params, NULL);
  ADD ("wrong-host", test_wrong_host, NULL);
  ADD ("second-request", test_second_request, NULL);
  ADD ("oversized", test_oversized, NULL);
  ADD ("timeout", test_timeout, NULL);
  ADD ("cancel", test_cancel, NULL);
  ADD ("cancel-before", test_cancel_before, NULL);
  ADD ("close", test_close, NULL);
  ADD ("no-secrets-in-logs", test_no_secrets_in_logs, NULL);
  ADD ("stalled/silent", test_stalled_silent, NULL);
  ADD ("stalled/slowloris", test_stalled_slowloris, NULL);
  ADD ("stalled/cap-then-client-closes", test_connection_cap_client_closes, NULL);
  ADD ("stalled/cap-then-deadline", test_connection_cap_deadline, NULL);
  ADD ("stalled/success", fixture_test_stalled_success, NULL);
  ADD ("stalled/close", fixture_test_stalled_close, NULL);
  ADD ("stalled/cancel", fixture_test_stalled_cancel, NULL);
  ADD ("stalled/timeout", fixture_test_stalled_timeout, NULL);

  return g_test_run ();
}
