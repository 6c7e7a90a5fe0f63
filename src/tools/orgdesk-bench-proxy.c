/* orgdesk-bench-proxy.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-bench"

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "orgdesk-bench-proxy.h"

/* The same idea as the proxy of tests/test-database.c: one thread, one
 * connection at a time (OrgdeskDatabase holds one), plain blocking sockets. */

typedef enum
{
  SPEAKER_NONE,
  SPEAKER_CLIENT,
  SPEAKER_SERVER,
} Speaker;

struct _OrgdeskBenchProxy
{
  int      listen_fd;
  guint16  port;
  guint16  target_port;
  int      wake[2];
  GThread *thread;
  gint     client_turns;
  gint     server_turns;
};

/* Copies what is there from @from to @to; FALSE when either side is gone. */
static gboolean
forward (int from,
         int to)
{
  char buffer[65536];
  ssize_t n;

  do
    n = read (from, buffer, sizeof buffer);
  while (n < 0 && errno == EINTR);

  if (n <= 0)
    return FALSE;

  for (ssize_t done = 0; done < n;)
    {
      ssize_t written = write (to, buffer + done, n - done);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return FALSE;
      done += written;
    }

  return TRUE;
}

static int
connect_to_target (OrgdeskBenchProxy *proxy)
{
  struct sockaddr_in target = { .sin_family = AF_INET };
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  target.sin_port = htons (proxy->target_port);
  target.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd >= 0 && connect (fd, (struct sockaddr *) &target, sizeof target) == 0)
    return fd;

  if (fd >= 0)
    close (fd);
  return -1;
}

/* Both ends of libpq's connection set TCP_NODELAY; without it here, Nagle's
 * algorithm and delayed ACKs would add ~40 ms to any multi-segment answer. */
static void
set_no_delay (int fd)
{
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Relays one connection until either side closes; FALSE when told to stop. */
static gboolean
relay (OrgdeskBenchProxy *proxy,
       int                client,
       int                server)
{
  Speaker last = SPEAKER_NONE;

  for (;;)
    {
      struct pollfd fds[3] = {
        { client, POLLIN, 0 }, { server, POLLIN, 0 }, { proxy->wake[0], POLLIN, 0 },
      };

      if (poll (fds, G_N_ELEMENTS (fds), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      if (fds[2].revents != 0)
        return FALSE;

      if (fds[0].revents != 0)
        {
          if (last != SPEAKER_CLIENT)
            g_atomic_int_inc (&proxy->client_turns);
          last = SPEAKER_CLIENT;
          if (!forward (client, server))
            return TRUE;
        }

      if (fds[1].revents != 0)
        {
          if (last != SPEAKER_SERVER)
            g_atomic_int_inc (&proxy->server_turns);
          last = SPEAKER_SERVER;
          if (!forward (server, client))
            return TRUE;
        }
    }
}

static gpointer
proxy_thread (gpointer data)
{
  OrgdeskBenchProxy *proxy = data;
  gboolean running = TRUE;

  while (running)
    {
      struct pollfd fds[2] = { { proxy->listen_fd, POLLIN, 0 }, { proxy->wake[0], POLLIN, 0 } };
      int client, server;

      if (poll (fds, G_N_ELEMENTS (fds), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (fds[1].revents != 0)
        break;

      client = accept (proxy->listen_fd, NULL, NULL);
      if (client < 0)
        continue;

      server = connect_to_target (proxy);
      if (server >= 0)
        {
          set_no_delay (client);
          set_no_delay (server);
          running = relay (proxy, client, server);
          close (server);
        }
      close (client);
    }

  return NULL;
}

/**
 * orgdesk_bench_proxy_start:
 * @target_port: the port of the server on 127.0.0.1
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a running proxy; connect to its port instead
 */
OrgdeskBenchProxy *
orgdesk_bench_proxy_start (guint16   target_port,
                           GError  **error)
{
  g_autofree OrgdeskBenchProxy *proxy = g_new0 (OrgdeskBenchProxy, 1);
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  proxy->listen_fd = socket (AF_INET, SOCK_STREAM, 0);
  if (proxy->listen_fd < 0 ||
      bind (proxy->listen_fd, (struct sockaddr *) &address, sizeof address) < 0 ||
      listen (proxy->listen_fd, 4) < 0 ||
      getsockname (proxy->listen_fd, (struct sockaddr *) &address, &length) < 0)
    {
      int saved = errno;

      if (proxy->listen_fd >= 0)
        close (proxy->listen_fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot listen on 127.0.0.1: %s", g_strerror (saved));
      return NULL;
    }

  if (!g_unix_open_pipe (proxy->wake, FD_CLOEXEC, error))
    {
      close (proxy->listen_fd);
      return NULL;
    }

  proxy->port = ntohs (address.sin_port);
  proxy->target_port = target_port;
  proxy->thread = g_thread_new ("bench-proxy", proxy_thread, proxy);

  return g_steal_pointer (&proxy);
}

void
orgdesk_bench_proxy_stop (OrgdeskBenchProxy *proxy)
{
  g_return_if_fail (proxy != NULL);

  while (write (proxy->wake[1], "x", 1) < 0 && errno == EINTR)
    ;
  g_thread_join (proxy->thread);
  close (proxy->wake[0]);
  close (proxy->wake[1]);
  close (proxy->listen_fd);
  g_free (proxy);
}

guint16
orgdesk_bench_proxy_get_port (OrgdeskBenchProxy *proxy)
{
  g_return_val_if_fail (proxy != NULL, 0);
  return proxy->port;
}

guint
orgdesk_bench_proxy_get_client_turns (OrgdeskBenchProxy *proxy)
{
  g_return_val_if_fail (proxy != NULL, 0);
  return (guint) g_atomic_int_get (&proxy->client_turns);
}

guint
orgdesk_bench_proxy_get_server_turns (OrgdeskBenchProxy *proxy)
{
  g_return_val_if_fail (proxy != NULL, 0);
  return (guint) g_atomic_int_get (&proxy->server_turns);
}
