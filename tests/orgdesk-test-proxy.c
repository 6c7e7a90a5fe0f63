/* orgdesk-test-proxy.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-test-proxy"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <libpq-fe.h>

#include "orgdesk-test-proxy.h"

/*
 * A TCP relay between a client (OrgdeskDatabase, libpq) and a server
 * (PostgreSQL) on 127.0.0.1, for the tests and the benchmark:
 *
 *  - faults: orgdesk_test_proxy_sever() closes every relayed connection on both
 *    sides at once, as a server that goes away or a network that drops does;
 *    while orgdesk_test_proxy_set_refusing() is on, each new connection is
 *    accepted and closed at once, as a server that is down;
 *  - counts: connections open, relayed, refused and severed, and "turns": how
 *    often one side starts talking after the other did.  One client turn and
 *    one server turn are one round trip, whatever the bytes say.
 *
 * Non-blocking GSockets with GSources on one GMainContext: the creator's
 * thread-default one (no threads, so a test decides exactly when the proxy
 * runs), or one iterated by a thread of the proxy's own, so a caller that times
 * its own main context (the benchmark) does not time the relay too.
 */

#define BUFFER_SIZE 65536

typedef enum
{
  SPEAKER_NONE,
  SPEAKER_CLIENT,
  SPEAKER_SERVER,
} Speaker;

typedef struct _Connection Connection;

/* One direction of a connection */
typedef struct
{
  Connection *connection;
  Speaker     speaker;
  GSocket    *from;
  GSocket    *to;
  GSource    *source;       /* reading @from, or writing @to while bytes are pending */
  GByteArray *pending;      /* read from @from, not yet taken by @to */
} Pipe;

struct _Connection
{
  OrgdeskTestProxy *proxy;  /* unowned: the proxy closes its connections first */
  GSocket          *client;
  GSocket          *server;
  GSource          *connect_source;
  Pipe              up;     /* client → server */
  Pipe              down;   /* server → client */
  Speaker           last;
};

struct _OrgdeskTestProxy
{
  GObject         parent_instance;

  GSocketAddress *target;
  GSocket        *listener;
  GSource        *accept_source;
  guint16         port;

  GMainContext   *context;
  GThread        *thread;         /* NULL: the creator's context */
  gint            stopping;

  GPtrArray      *connections;    /* Connection, on the proxy's context only */

  /* Read from any thread */
  gint            refusing;
  gint            n_open;
  gint            n_relayed;
  gint            n_refused;
  gint            n_severed;
  gint            client_turns;
  gint            server_turns;
};

G_DEFINE_FINAL_TYPE (OrgdeskTestProxy, orgdesk_test_proxy, G_TYPE_OBJECT)

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static GSource *
watch (OrgdeskTestProxy  *self,
       GSocket           *socket,
       GIOCondition       condition,
       GSocketSourceFunc  callback,
       gpointer           data)
{
  GSource *source = g_socket_create_source (socket, condition, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (callback), data, NULL);
  g_source_set_static_name (source, "[orgdesk] test proxy");
  g_source_attach (source, self->context);
  return source;
}

/* Both ends of libpq's connection set TCP_NODELAY; without it here, Nagle's
 * algorithm and delayed ACKs would add ~40 ms to any multi-segment answer. */
static void
prepare_socket (GSocket *socket)
{
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

/* Connections {{{ */

static void
close_socket (GSocket **socket)
{
  if (*socket != NULL)
    g_socket_close (*socket, NULL);
  g_clear_object (socket);
}

static void
connection_free (Connection *connection)
{
  clear_source (&connection->connect_source);
  clear_source (&connection->up.source);
  clear_source (&connection->down.source);
  g_byte_array_unref (connection->up.pending);
  g_byte_array_unref (connection->down.pending);
  close_socket (&connection->client);
  close_socket (&connection->server);
  g_atomic_int_add (&connection->proxy->n_open, -1);
  g_free (connection);
}

static void
connection_close (Connection *connection)
{
  g_ptr_array_remove_fast (connection->proxy->connections, connection);
}

static void
pipe_init (Pipe       *pipe,
           Connection *connection,
           Speaker     speaker,
           GSocket    *from,
           GSocket    *to)
{
  pipe->connection = connection;
  pipe->speaker = speaker;
  pipe->from = from;
  pipe->to = to;
  pipe->pending = g_byte_array_new ();
}

/* Sends what is pending; FALSE when @to is gone. */
static gboolean
pipe_flush (Pipe *pipe)
{
  while (pipe->pending->len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize sent = g_socket_send (pipe->to, (const char *) pipe->pending->data, pipe->pending->len, NULL, &error);

      if (sent < 0)
        return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      g_byte_array_remove_range (pipe->pending, 0, sent);
    }

  return TRUE;
}

static gboolean on_pipe_readable_cb (GSocket      *socket,
                                     GIOCondition  condition,
                                     gpointer      user_data);
static gboolean on_pipe_writable_cb (GSocket      *socket,
                                     GIOCondition  condition,
                                     gpointer      user_data);

/* Reads while nothing is pending, else waits until @to takes it: a slow reader
 * slows the writer down instead of filling our memory. */
static void
pipe_watch (Pipe *pipe)
{
  OrgdeskTestProxy *self = pipe->connection->proxy;

  clear_source (&pipe->source);
  if (pipe->pending->len > 0)
    pipe->source = watch (self, pipe->to, G_IO_OUT, on_pipe_writable_cb, pipe);
  else
    pipe->source = watch (self, pipe->from, G_IO_IN, on_pipe_readable_cb, pipe);
}

static gboolean
on_pipe_readable_cb (GSocket      *socket,
                     GIOCondition  condition,
                     gpointer      user_data)
{
  Pipe *pipe = user_data;
  Connection *connection = pipe->connection;
  g_autoptr(GError) error = NULL;
  char buffer[BUFFER_SIZE];
  gssize n;

  n = g_socket_receive (pipe->from, buffer, sizeof buffer, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;

  /* Either side closing ends the whole connection, as PostgreSQL's protocol does */
  if (n <= 0)
    {
      connection_close (connection);
      return G_SOURCE_REMOVE;
    }

  if (connection->last != pipe->speaker)
    {
      OrgdeskTestProxy *self = connection->proxy;

      g_atomic_int_inc (pipe->speaker == SPEAKER_CLIENT ? &self->client_turns : &self->server_turns);
      connection->last = pipe->speaker;
    }

  g_byte_array_append (pipe->pending, (const guint8 *) buffer, n);
  if (!pipe_flush (pipe))
    {
      connection_close (connection);
      return G_SOURCE_REMOVE;
    }

  if (pipe->pending->len == 0)
    return G_SOURCE_CONTINUE;

  pipe_watch (pipe);
  return G_SOURCE_REMOVE;
}

static gboolean
on_pipe_writable_cb (GSocket      *socket,
                     GIOCondition  condition,
                     gpointer      user_data)
{
  Pipe *pipe = user_data;

  if (!pipe_flush (pipe))
    {
      connection_close (pipe->connection);
      return G_SOURCE_REMOVE;
    }

  if (pipe->pending->len > 0)
    return G_SOURCE_CONTINUE;

  pipe_watch (pipe);
  return G_SOURCE_REMOVE;
}

static void
connection_relay (Connection *connection)
{
  clear_source (&connection->connect_source);
  pipe_watch (&connection->up);
  pipe_watch (&connection->down);
}

static gboolean
on_server_connected_cb (GSocket      *socket,
                        GIOCondition  condition,
                        gpointer      user_data)
{
  Connection *connection = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_socket_check_connect_result (socket, &error))
    {
      g_debug ("Cannot reach the proxy's target: %s", error->message);
      connection_close (connection);
      return G_SOURCE_REMOVE;
    }

  connection_relay (connection);
  return G_SOURCE_REMOVE;
}

static void
connection_start (OrgdeskTestProxy *self,
                  GSocket          *client)
{
  Connection *connection = g_new0 (Connection, 1);
  g_autoptr(GError) error = NULL;

  connection->proxy = self;
  connection->client = g_object_ref (client);
  g_ptr_array_add (self->connections, connection);
  g_atomic_int_inc (&self->n_open);
  g_atomic_int_inc (&self->n_relayed);

  connection->server = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  pipe_init (&connection->up, connection, SPEAKER_CLIENT, connection->client, connection->server);
  pipe_init (&connection->down, connection, SPEAKER_SERVER, connection->server, connection->client);
  if (connection->server == NULL)
    {
      g_debug ("Cannot make a socket: %s", error->message);
      connection_close (connection);
      return;
    }

  prepare_socket (connection->client);
  prepare_socket (connection->server);

  if (g_socket_connect (connection->server, self->target, NULL, &error))
    connection_relay (connection);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    connection->connect_source = watch (self, connection->server, G_IO_OUT, on_server_connected_cb, connection);
  else
    {
      g_debug ("Cannot reach the proxy's target: %s", error->message);
      connection_close (connection);
    }
}

static gboolean
on_incoming_cb (GSocket      *listener,
                GIOCondition  condition,
                gpointer      user_data)
{
  OrgdeskTestProxy *self = user_data;

  for (;;)
    {
      g_autoptr(GSocket) client = NULL;
      g_autoptr(GError) error = NULL;

      client = g_socket_accept (listener, NULL, &error);
      if (client == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_debug ("Cannot accept a connection: %s", error->message);
          break;
        }

      if (g_atomic_int_get (&self->refusing))
        {
          g_atomic_int_inc (&self->n_refused);
          g_socket_close (client, NULL);
          continue;
        }

      connection_start (self, client);
    }

  return G_SOURCE_CONTINUE;
}

static void
sever_now (OrgdeskTestProxy *self)
{
  g_atomic_int_add (&self->n_severed, self->connections->len);
  g_ptr_array_set_size (self->connections, 0);
}

/* }}} */

/* The proxy's own thread {{{ */

static gpointer
run_thread (gpointer data)
{
  OrgdeskTestProxy *self = data;

  g_main_context_push_thread_default (self->context);
  while (!g_atomic_int_get (&self->stopping))
    g_main_context_iteration (self->context, TRUE);
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

typedef struct
{
  OrgdeskTestProxy *self;
  GMutex            mutex;
  GCond             cond;
  gboolean          done;
} Call;

static gboolean
sever_on_thread_cb (gpointer data)
{
  Call *call = data;

  sever_now (call->self);
  g_mutex_lock (&call->mutex);
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->mutex);

  return G_SOURCE_REMOVE;
}

/* }}} */

static void
orgdesk_test_proxy_dispose (GObject *object)
{
  OrgdeskTestProxy *self = ORGDESK_TEST_PROXY (object);

  if (self->thread != NULL)
    {
      g_atomic_int_set (&self->stopping, TRUE);
      g_main_context_wakeup (self->context);
      g_clear_pointer (&self->thread, g_thread_join);
    }

  clear_source (&self->accept_source);
  if (self->connections != NULL)
    g_ptr_array_set_size (self->connections, 0);
  close_socket (&self->listener);

  G_OBJECT_CLASS (orgdesk_test_proxy_parent_class)->dispose (object);
}

static void
orgdesk_test_proxy_finalize (GObject *object)
{
  OrgdeskTestProxy *self = ORGDESK_TEST_PROXY (object);

  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_object (&self->target);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (orgdesk_test_proxy_parent_class)->finalize (object);
}

static void
orgdesk_test_proxy_class_init (OrgdeskTestProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_test_proxy_dispose;
  object_class->finalize = orgdesk_test_proxy_finalize;
}

static void
orgdesk_test_proxy_init (OrgdeskTestProxy *self)
{
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) connection_free);
}

static OrgdeskTestProxy *
proxy_new (const char    *target_address,
           guint16        target_port,
           GMainContext  *context,
           GError       **error)
{
  g_autoptr(OrgdeskTestProxy) self = g_object_new (ORGDESK_TYPE_TEST_PROXY, NULL);
  g_autoptr(GInetAddress) target = g_inet_address_new_from_string (target_address);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (target == NULL || g_inet_address_get_family (target) != G_SOCKET_FAMILY_IPV4)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The proxy relays to an IPv4 address, not to “%s”", target_address);
      return NULL;
    }

  self->context = context;
  self->target = g_inet_socket_address_new (target, target_port);
  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (self->listener == NULL)
    return NULL;

  g_socket_set_blocking (self->listener, FALSE);
  g_socket_set_listen_backlog (self->listener, 16);
  if (!g_socket_bind (self->listener, any_port, TRUE, error) ||
      !g_socket_listen (self->listener, error) ||
      (bound = g_socket_get_local_address (self->listener, error)) == NULL)
    return NULL;

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->accept_source = watch (self, self->listener, G_IO_IN, on_incoming_cb, self);

  return g_steal_pointer (&self);
}

/**
 * orgdesk_test_proxy_new:
 * @target_address: the server's IPv4 address, such as "127.0.0.1"
 * @target_port: the server's port
 * @error: return location for a #GError
 *
 * Listens on a free port of 127.0.0.1 and relays every connection to the
 * target, on the caller's thread-default main context: the proxy only works
 * while that context runs, and must be used and dropped on that thread.
 *
 * Returns: (transfer full): the proxy, or %NULL with @error set
 */
OrgdeskTestProxy *
orgdesk_test_proxy_new (const char  *target_address,
                        guint16      target_port,
                        GError     **error)
{
  g_return_val_if_fail (target_address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return proxy_new (target_address, target_port, g_main_context_ref_thread_default (), error);
}

/**
 * orgdesk_test_proxy_new_in_thread:
 * @target_address: the server's IPv4 address, such as "127.0.0.1"
 * @target_port: the server's port
 * @error: return location for a #GError
 *
 * Like orgdesk_test_proxy_new(), but relays on a thread of its own, which
 * stops when the proxy is dropped.
 *
 * Returns: (transfer full): the proxy, or %NULL with @error set
 */
OrgdeskTestProxy *
orgdesk_test_proxy_new_in_thread (const char  *target_address,
                                  guint16      target_port,
                                  GError     **error)
{
  OrgdeskTestProxy *self;

  g_return_val_if_fail (target_address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = proxy_new (target_address, target_port, g_main_context_new (), error);
  if (self != NULL)
    self->thread = g_thread_new ("test-proxy", run_thread, self);

  return self;
}

/* The value of @keyword in @conninfo, or NULL */
static char *
conninfo_get (const PQconninfoOption *options,
              const char             *keyword)
{
  for (const PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      if (g_str_equal (option->keyword, keyword) && option->val != NULL && *option->val != '\0')
        return g_strdup (option->val);
    }

  return NULL;
}

/**
 * orgdesk_test_proxy_new_for_conninfo:
 * @conninfo: a libpq connection string or URI of a server on 127.0.0.1
 *   (or localhost) over TCP, such as `ORGDESK_TEST_DATABASE_URI`
 * @error: return location for a #GError
 *
 * orgdesk_test_proxy_new() to that server; connect through it with
 * orgdesk_test_proxy_dup_conninfo().
 *
 * Returns: (transfer full): the proxy, or %NULL with @error set
 */
OrgdeskTestProxy *
orgdesk_test_proxy_new_for_conninfo (const char  *conninfo,
                                     GError     **error)
{
  PQconninfoOption *options;
  g_autofree char *host = NULL;
  g_autofree char *hostaddr = NULL;
  g_autofree char *port = NULL;
  guint64 port_number = 5432;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  options = PQconninfoParse (conninfo, NULL);
  if (options == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Not a valid connection string");
      return NULL;
    }
  host = conninfo_get (options, "host");
  hostaddr = conninfo_get (options, "hostaddr");
  port = conninfo_get (options, "port");
  PQconninfoFree (options);

  if (g_strcmp0 (hostaddr != NULL ? hostaddr : host, "127.0.0.1") != 0 &&
      (hostaddr != NULL || g_strcmp0 (host, "localhost") != 0))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "The proxy relays only to a server on 127.0.0.1 over TCP");
      return NULL;
    }

  if (port != NULL && !g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16, &port_number, error))
    return NULL;

  return orgdesk_test_proxy_new ("127.0.0.1", (guint16) port_number, error);
}

guint16
orgdesk_test_proxy_get_port (OrgdeskTestProxy *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_PROXY (self), 0);
  return self->port;
}

/**
 * orgdesk_test_proxy_dup_conninfo:
 * @self: a #OrgdeskTestProxy
 * @conninfo: a libpq connection string or URI
 *
 * Returns: (transfer full): @conninfo as a key=value string whose host and port
 *   are the proxy's, everything else (user, password, database…) kept
 */
char *
orgdesk_test_proxy_dup_conninfo (OrgdeskTestProxy *self,
                                 const char       *conninfo)
{
  g_autofree char *port = NULL;
  PQconninfoOption *options;
  GString *result;

  g_return_val_if_fail (ORGDESK_IS_TEST_PROXY (self), NULL);
  g_return_val_if_fail (conninfo != NULL, NULL);

  options = PQconninfoParse (conninfo, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  port = g_strdup_printf ("%u", self->port);
  result = g_string_new (NULL);
  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      const char *value = option->val;

      if (g_str_equal (option->keyword, "host"))
        value = "127.0.0.1";
      else if (g_str_equal (option->keyword, "port"))
        value = port;
      else if (g_str_equal (option->keyword, "hostaddr"))
        value = NULL;

      if (value == NULL)
        continue;

      g_string_append_printf (result, "%s%s='", result->len > 0 ? " " : "", option->keyword);
      for (const char *c = value; *c != '\0'; c++)
        {
          if (*c == '\'' || *c == '\\')
            g_string_append_c (result, '\\');
          g_string_append_c (result, *c);
        }
      g_string_append_c (result, '\'');
    }
  PQconninfoFree (options);

  return g_string_free (result, FALSE);
}

/**
 * orgdesk_test_proxy_sever:
 * @self: a #OrgdeskTestProxy
 *
 * Closes every relayed connection on both sides at once: the client reads the
 * end of its stream, as when the server goes away.  New connections are
 * relayed as before unless orgdesk_test_proxy_set_refusing() says otherwise.
 * With orgdesk_test_proxy_new_in_thread() it returns once they are closed.
 */
void
orgdesk_test_proxy_sever (OrgdeskTestProxy *self)
{
  Call call = { self };

  g_return_if_fail (ORGDESK_IS_TEST_PROXY (self));

  if (self->thread == NULL)
    {
      sever_now (self);
      return;
    }

  g_mutex_init (&call.mutex);
  g_cond_init (&call.cond);
  g_main_context_invoke (self->context, sever_on_thread_cb, &call);
  g_mutex_lock (&call.mutex);
  while (!call.done)
    g_cond_wait (&call.cond, &call.mutex);
  g_mutex_unlock (&call.mutex);
  g_mutex_clear (&call.mutex);
  g_cond_clear (&call.cond);
}

/**
 * orgdesk_test_proxy_set_refusing:
 * @self: a #OrgdeskTestProxy
 * @refusing: whether to refuse new connections
 *
 * While refusing, every new connection is accepted and closed at once (the
 * client sees its connection closed before the server says anything), as a
 * server that is down.  Connections already relayed stay.
 */
void
orgdesk_test_proxy_set_refusing (OrgdeskTestProxy *self,
                                 gboolean          refusing)
{
  g_return_if_fail (ORGDESK_IS_TEST_PROXY (self));
  g_atomic_int_set (&self->refusing, !!refusing);
}

/* Connections being relayed now */
guint
orgdesk_test_proxy_get_n_open (OrgdeskTestProxy *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_PROXY (self), 0);
  return (guint) g_atomic_int_get (&self->n_open);
}

/* Connections accepted for relaying since the start */
guint
orgdesk_test_proxy_get_n_relayed (OrgdeskTestProxy *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_PROXY (self), 0);
  return (guint) g_atomic_int_get (&self->n_relayed);
}

/* Connections closed at once while refusing */
guint
orgdesk_test_proxy_get_n_refused (OrgdeskTestProxy *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_PROXY (self), 0);
  return (guint) g_atomic_int_get (&self->n_refused);
}

/* Connections closed by orgdesk_test_proxy_sever() */
guint
orgdesk_test_proxy_get_n_severed (OrgdeskTestProxy *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_PROXY (self), 0);
  return (guint) g_atomic_int_get (&self->n_severed);
}

/* How often a client started talking after the server (or first) */
guint
orgdesk_test_proxy_get_client_turns (OrgdeskTestProxy *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_PROXY (self), 0);
  return (guint) g_atomic_int_get (&self->client_turns);
}

/* How often a server started talking after the client */
guint
orgdesk_test_proxy_get_server_turns (OrgdeskTestProxy *self)
{
  g_return_val_if_fail (ORGDESK_IS_TEST_PROXY (self), 0);
  return (guint) g_atomic_int_get (&self->server_turns);
}
