/* orgdesk-conninfo.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "orgdesk-conninfo.h"
#include "orgdesk-database-error.h"

/* libpq leaves connect_timeout to callers of PQconnectPoll(); without one in the
 * connection string a silent network would keep us connecting for minutes. */
#define DEFAULT_CONNECT_TIMEOUT_S 10

/* A connection that dies silently (suspend, a network change) is noticed within
 * about a minute, idle or not, instead of the kernel's hours; TCP only. */
static const char * const default_options[][2] = {
  { "keepalives_idle", "30" },
  { "keepalives_interval", "10" },
  { "keepalives_count", "3" },
  { "tcp_user_timeout", "60000" },
};

void
_orgdesk_conn_params_free (OrgdeskConnParams *params)
{
  if (params == NULL)
    return;

  /* One of the values may be the password */
  for (guint i = 0; i < params->values->len; i++)
    {
      char *value = g_ptr_array_index (params->values, i);

      if (value != NULL)
        memset (value, 0, strlen (value));
    }
  g_ptr_array_unref (params->keywords);
  g_ptr_array_unref (params->values);
  g_free (params);
}

static const char *
option_value (const PQconninfoOption *options,
              const char             *keyword)
{
  for (const PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (strcmp (o->keyword, keyword) == 0)
        return o->val;
    }

  return NULL;
}

static PQconninfoOption *
parse_conninfo (const char  *conninfo,
                GError     **error)
{
  g_autofree char *parse_error = NULL;
  PQconninfoOption *options = PQconninfoParse (conninfo, &parse_error);

  /* Not libpq's message: it quotes the offending part, which may be the password */
  PQfreemem (g_steal_pointer (&parse_error));
  if (options == NULL)
    g_propagate_error (error, orgdesk_database_error_new (ORGDESK_DATABASE_ERROR_CONNECTION, NULL, -1,
                                                          "The database connection string is not valid"));

  return options;
}

/* TLS by default: passwords and tokens travel over the connection. */

static gboolean
host_is_local (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  /* Empty means the default (a Unix socket); '/' and '@' name Unix sockets */
  if (host[0] == '\0' || host[0] == '/' || host[0] == '@')
    return TRUE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
hostaddr_is_local (const char *hostaddr)
{
  g_autoptr(GInetAddress) address = NULL;

  if (hostaddr[0] == '\0')
    return TRUE;

  address = g_inet_address_new_from_string (hostaddr);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* The host list as libpq's connectOptions2() makes it: as many entries as
 * hostaddr has, else as host has, else one; each entry is local only when both
 * the name (which libpq verifies the certificate against) and the address (which
 * it connects to) are. */
static gboolean
default_sslmode_for_options (const PQconninfoOption  *options,
                             const char             **sslmode,
                             GError                 **error)
{
  g_auto(GStrv) hosts = NULL;
  g_auto(GStrv) addrs = NULL;
  const char *host;
  const char *hostaddr;
  guint n_hosts = 0;
  guint n_addrs = 0;
  guint n;

  *sslmode = NULL;

  /* Chosen by the user: in the string, in the environment (libpq reads
   * PGSSLMODE only when the string has none), or in a service file we do not
   * read (it may set sslmode, which a value of ours would override) */
  if (option_value (options, "sslmode") != NULL || g_getenv ("PGSSLMODE") != NULL)
    return TRUE;
  if (option_value (options, "service") != NULL || g_getenv ("PGSERVICE") != NULL)
    return TRUE;

  host = option_value (options, "host");
  hostaddr = option_value (options, "hostaddr");
  if (host == NULL)
    host = g_getenv ("PGHOST");
  if (hostaddr == NULL)
    hostaddr = g_getenv ("PGHOSTADDR");

  if (host != NULL && host[0] != '\0')
    {
      hosts = g_strsplit (host, ",", -1);
      n_hosts = g_strv_length (hosts);
    }
  if (hostaddr != NULL && hostaddr[0] != '\0')
    {
      addrs = g_strsplit (hostaddr, ",", -1);
      n_addrs = g_strv_length (addrs);
    }

  if (n_hosts > 0 && n_addrs > 0 && n_hosts != n_addrs)
    {
      g_autofree char *message = g_strdup_printf ("The database connection string names %u hosts "
                                                  "but %u host addresses", n_hosts, n_addrs);

      g_propagate_error (error, orgdesk_database_error_new (ORGDESK_DATABASE_ERROR_CONNECTION, NULL, -1,
                                                            message));
      return FALSE;
    }

  n = MAX (MAX (n_hosts, n_addrs), 1);
  for (guint i = 0; i < n; i++)
    {
      const char *name = n_hosts > 0 ? hosts[i] : "";
      const char *addr = n_addrs > 0 ? addrs[i] : "";

      if (!host_is_local (name) || !hostaddr_is_local (addr))
        {
          *sslmode = "verify-full";
          break;
        }
    }

  return TRUE;
}

/**
 * _orgdesk_conninfo_get_default_sslmode:
 * @conninfo: a libpq connection string or URI
 * @sslmode: (out) (nullable): the sslmode Orgdesk adds to @conninfo, or %NULL
 *   when it adds none and libpq's own default (`prefer`) applies
 * @error: the reason @conninfo cannot be used
 *
 * `verify-full` unless @conninfo (or `PGSSLMODE`) names an sslmode, a `service`
 * is named (its file may), or every host is a Unix socket or loopback
 * (`localhost`, 127.0.0.0/8, ::1) both by name and by address.
 *
 * Returns: %FALSE with @error set when @conninfo is not valid
 */
gboolean
_orgdesk_conninfo_get_default_sslmode (const char  *conninfo,
                                       const char **sslmode,
                                       GError     **error)
{
  PQconninfoOption *options;
  gboolean ok;

  g_return_val_if_fail (conninfo != NULL, FALSE);
  g_return_val_if_fail (sslmode != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *sslmode = NULL;
  options = parse_conninfo (conninfo, error);
  if (options == NULL)
    return FALSE;

  ok = default_sslmode_for_options (options, sslmode, error);
  PQconninfoFree (options);

  return ok;
}

/* Resolving host names: libpq would resolve them blocking unless it gets addresses. */

typedef struct
{
  PQconninfoOption *options;
  char             *password;
  const char       *sslmode;     /* static, or NULL */
  char            **hosts;
  char            **ports;       /* one port for all hosts, one per host, or NULL */
  guint             next;
  GPtrArray        *out_hosts;
  GPtrArray        *out_addrs;
  GPtrArray        *out_ports;
  char             *first_error;
} Resolution;

static void
resolution_free (Resolution *res)
{
  g_clear_pointer (&res->options, PQconninfoFree);
  if (res->password != NULL)
    memset (res->password, 0, strlen (res->password));
  g_free (res->password);
  g_strfreev (res->hosts);
  g_strfreev (res->ports);
  g_ptr_array_unref (res->out_hosts);
  g_ptr_array_unref (res->out_addrs);
  g_ptr_array_unref (res->out_ports);
  g_free (res->first_error);
  g_free (res);
}

static gboolean
host_needs_lookup (const char *host)
{
  /* Empty means the default (a Unix socket); '/' and '@' name Unix sockets */
  return host[0] != '\0' && host[0] != '/' && host[0] != '@' && !g_hostname_is_ip_address (host);
}

static const char *
resolution_port (Resolution *res,
                 guint       index)
{
  guint n_ports = res->ports != NULL ? g_strv_length (res->ports) : 0;

  if (n_ports == 0)
    return "";
  if (n_ports == 1)
    return res->ports[0];
  return index < n_ports ? res->ports[index] : "";
}

static void
resolution_add (Resolution *res,
                const char *host,
                const char *addr,
                guint       index)
{
  g_ptr_array_add (res->out_hosts, g_strdup (host));
  g_ptr_array_add (res->out_addrs, g_strdup (addr));
  g_ptr_array_add (res->out_ports, g_strdup (resolution_port (res, index)));
}

static char *
join_array (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return g_strjoinv (",", (char **) array->pdata);
}

static void
params_add (OrgdeskConnParams *params,
            const char        *keyword,
            const char        *value)
{
  g_ptr_array_add (params->keywords, (gpointer) keyword);
  g_ptr_array_add (params->values, g_strdup (value));
}

/* @options with the host names replaced by what was resolved (@res, or NULL when
 * nothing needed a lookup), the password, @sslmode when not NULL, and our defaults */
static OrgdeskConnParams *
build_params (const PQconninfoOption *options,
              const char             *password,
              const char             *sslmode,
              Resolution             *res)
{
  OrgdeskConnParams *params = g_new0 (OrgdeskConnParams, 1);
  gboolean replace_ports = res != NULL && res->ports != NULL && res->ports[0] != NULL;

  params->keywords = g_ptr_array_new ();
  params->values = g_ptr_array_new_with_free_func (g_free);

  for (const PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      const char *value = o->val;

      for (guint i = 0; value == NULL && i < G_N_ELEMENTS (default_options); i++)
        {
          if (strcmp (o->keyword, default_options[i][0]) == 0)
            value = default_options[i][1];
        }

      if (value == NULL)
        continue;
      if (res != NULL && (strcmp (o->keyword, "host") == 0 || strcmp (o->keyword, "hostaddr") == 0))
        continue;
      if (replace_ports && strcmp (o->keyword, "port") == 0)
        continue;
      if (password != NULL && strcmp (o->keyword, "password") == 0)
        continue;

      params_add (params, o->keyword, value);
    }

  if (res != NULL)
    {
      g_autofree char *hosts = join_array (res->out_hosts);
      g_autofree char *addrs = join_array (res->out_addrs);
      g_autofree char *ports = join_array (res->out_ports);

      params_add (params, "host", hosts);
      params_add (params, "hostaddr", addrs);
      if (replace_ports)
        params_add (params, "port", ports);
    }
  if (sslmode != NULL)
    params_add (params, "sslmode", sslmode);
  if (password != NULL)
    params_add (params, "password", password);

  g_ptr_array_add (params->keywords, NULL);
  g_ptr_array_add (params->values, NULL);

  return params;
}

static void resolve_next (GTask *task);

static void
on_host_resolved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Resolution *res = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *host = res->hosts[res->next];
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    {
      g_debug ("Could not resolve %s: %s", host, error->message);
      if (res->first_error == NULL)
        res->first_error = g_strdup_printf ("could not translate host name \"%s\" to address: %s",
                                            host, error->message);
    }

  /* Every address, in the resolver's order, so libpq still falls back from one to the next */
  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *addr = g_inet_address_to_string (l->data);

      resolution_add (res, host, addr, res->next);
    }
  g_resolver_free_addresses (addresses);

  res->next++;
  resolve_next (g_steal_pointer (&task));
}

/* Takes @task */
static void
resolve_next (GTask *task)
{
  Resolution *res = g_task_get_task_data (task);

  for (; res->hosts[res->next] != NULL; res->next++)
    {
      const char *host = res->hosts[res->next];

      if (host_needs_lookup (host))
        {
          g_resolver_lookup_by_name_async (g_resolver_get_default (), host,
                                           g_task_get_cancellable (task),
                                           on_host_resolved_cb, task);
          return;
        }
      resolution_add (res, host, g_hostname_is_ip_address (host) ? host : "", res->next);
    }

  if (res->out_hosts->len == 0)
    g_task_return_error (task, orgdesk_database_error_new (ORGDESK_DATABASE_ERROR_CONNECTION, NULL, -1,
                                                           res->first_error));
  else
    g_task_return_pointer (task, build_params (res->options, res->password, res->sslmode, res),
                           (GDestroyNotify) _orgdesk_conn_params_free);
  g_object_unref (task);
}

/**
 * _orgdesk_conn_params_resolve_async:
 * @conninfo: a libpq connection string or URI
 * @password: (nullable): a password to use in place of any in @conninfo
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the parameters
 * @user_data: data for @callback
 *
 * Parses @conninfo and resolves its host names (and PGHOST's) with #GResolver,
 * so that PQconnectStartParams() gets addresses and never blocks on DNS.  A
 * `service` file's host names are not seen and would still be resolved by libpq.
 * Adds `sslmode=verify-full` where _orgdesk_conninfo_get_default_sslmode() says so.
 */
void
_orgdesk_conn_params_resolve_async (const char          *conninfo,
                                    const char          *password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) hosts = NULL;
  PQconninfoOption *options;
  const char *host;
  const char *port;
  Resolution *res;
  const char *sslmode;
  gboolean lookup = FALSE;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _orgdesk_conn_params_resolve_async);

  options = parse_conninfo (conninfo, &error);
  if (options == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!default_sslmode_for_options (options, &sslmode, &error))
    {
      PQconninfoFree (options);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  host = option_value (options, "host");
  port = option_value (options, "port");
  if (host == NULL)
    host = g_getenv ("PGHOST");
  if (port == NULL)
    port = g_getenv ("PGPORT");

  if (host != NULL && option_value (options, "hostaddr") == NULL && g_getenv ("PGHOSTADDR") == NULL)
    {
      hosts = g_strsplit (host, ",", -1);
      for (guint i = 0; hosts[i] != NULL; i++)
        lookup |= host_needs_lookup (hosts[i]);
    }

  if (!lookup)
    {
      g_task_return_pointer (task, build_params (options, password, sslmode, NULL),
                             (GDestroyNotify) _orgdesk_conn_params_free);
      PQconninfoFree (options);
      return;
    }

  res = g_new0 (Resolution, 1);
  res->options = options;
  res->password = g_strdup (password);
  res->sslmode = sslmode;
  res->hosts = g_steal_pointer (&hosts);
  res->ports = port != NULL && *port != '\0' ? g_strsplit (port, ",", -1) : NULL;
  res->out_hosts = g_ptr_array_new_with_free_func (g_free);
  res->out_addrs = g_ptr_array_new_with_free_func (g_free);
  res->out_ports = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, res, (GDestroyNotify) resolution_free);

  resolve_next (g_steal_pointer (&task));
}

OrgdeskConnParams *
_orgdesk_conn_params_resolve_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * _orgdesk_conninfo_get_connect_timeout:
 * @conninfo: a libpq connection string or URI
 *
 * Returns: connect_timeout as libpq reads it (0 or less waits forever, the
 *   minimum is 2 s), or our default when it is not set
 */
int
_orgdesk_conninfo_get_connect_timeout (const char *conninfo)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  const char *value = options != NULL ? option_value (options, "connect_timeout") : NULL;
  int seconds = DEFAULT_CONNECT_TIMEOUT_S;

  if (value == NULL)
    value = g_getenv ("PGCONNECT_TIMEOUT");
  if (value != NULL && *value != '\0')
    seconds = atoi (value);
  if (options != NULL)
    PQconninfoFree (options);

  return seconds <= 0 ? 0 : MAX (seconds, 2);
}

/**
 * _orgdesk_conninfo_describe:
 * @conninfo: a libpq connection string or URI
 *
 * Returns: (transfer full): the parameters without any secret, for logs
 */
char *
_orgdesk_conninfo_describe (const char *conninfo)
{
  static const char * const shown[] = { "host", "hostaddr", "port", "dbname", "user", "sslmode", NULL };
  g_autoptr(GString) description = g_string_new (NULL);
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);

  if (options == NULL)
    return g_strdup ("(an invalid connection string)");

  for (const PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL || !g_strv_contains (shown, o->keyword))
        continue;
      if (description->len > 0)
        g_string_append_c (description, ' ');
      g_string_append_printf (description, "%s=%s", o->keyword, o->val);
    }
  PQconninfoFree (options);

  return g_string_free (g_steal_pointer (&description), FALSE);
}
