/* orgdesk-provisioner-config.c: what orgdesk-provisioner needs to run.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Options come from the command line, then from the environment
 * (ORGDESK_PROVISIONER_*).  The client secret comes from a file that only its
 * owner may read (systemd's LoadCredential= makes one) or from the
 * environment; it is never printed, not even in an error.
 */

#define _DEFAULT_SOURCE   /* explicit_bzero, O_NOFOLLOW, O_CLOEXEC */
#define G_LOG_DOMAIN "orgdesk-provisioner"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "orgdesk-admin-jwks.h"
#include "orgdesk-provisioner-config.h"

G_DEFINE_QUARK (orgdesk-provisioner-error-quark, orgdesk_provisioner_error)

/* 1 s after the first failure, doubling, at most 5 min. */
#define BACKOFF_MAX_SECONDS 300

OrgdeskProvisionerConfig *
orgdesk_provisioner_config_new (void)
{
  OrgdeskProvisionerConfig *config = g_new0 (OrgdeskProvisionerConfig, 1);

  config->jwks_interval = -1;
  config->sweep_interval = -1;
  config->lease = -1;
  return config;
}

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      explicit_bzero (*secret, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

void
orgdesk_provisioner_config_free (OrgdeskProvisionerConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->database);
  g_free (config->endpoint);
  g_free (config->client_id);
  clear_secret (&config->client_secret);
  g_free (config->client_secret_file);
  g_free (config->resource);
  g_free (config->role);
  g_free (config);
}

/**
 * orgdesk_provisioner_backoff_seconds:
 * @attempts: failed attempts so far (1 after the first)
 *
 * Returns: how long an open request waits before its next attempt
 */
guint
orgdesk_provisioner_backoff_seconds (guint attempts)
{
  if (attempts == 0)
    return 0;
  if (attempts > 9)
    return BACKOFF_MAX_SECONDS;
  return MIN (1u << (attempts - 1), BACKOFF_MAX_SECONDS);
}

/**
 * orgdesk_provisioner_read_secret_file:
 * @path: a regular file of at most %ORGDESK_PROVISIONER_MAX_SECRET_BYTES
 *
 * Reads a secret, without its trailing newline.  A file that its group or
 * others may read or write is refused: the secret would already be out.
 *
 * Returns: (transfer full): the secret, or %NULL with @error set
 */
char *
orgdesk_provisioner_read_secret_file (const char  *path,
                                      GError     **error)
{
  g_autofree char *shown = orgdesk_admin_printable (path);
  char buffer[ORGDESK_PROVISIONER_MAX_SECRET_BYTES + 1];
  struct stat st;
  gssize n_read = 0;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                   "Could not open the client secret file %s: %s", shown, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                   "The client secret file %s is not a regular file", shown);
      close (fd);
      return NULL;
    }

  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                   "The client secret file %s may be read or written by its group or others "
                   "(mode %04o): refusing it; make it readable by its owner only (chmod 600)",
                   shown, (unsigned) (st.st_mode & 07777));
      close (fd);
      return NULL;
    }

  while ((gsize) n_read < sizeof buffer)
    {
      gssize n = read (fd, buffer + n_read, sizeof buffer - (gsize) n_read);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      n_read += n;
    }
  close (fd);

  if ((gsize) n_read > ORGDESK_PROVISIONER_MAX_SECRET_BYTES)
    {
      explicit_bzero (buffer, sizeof buffer);
      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                   "The client secret file %s is longer than %d bytes", shown,
                   ORGDESK_PROVISIONER_MAX_SECRET_BYTES);
      return NULL;
    }

  while (n_read > 0 && (buffer[n_read - 1] == '\n' || buffer[n_read - 1] == '\r'))
    n_read--;
  buffer[n_read] = '\0';

  if (n_read == 0 || strlen (buffer) != (gsize) n_read || !g_utf8_validate (buffer, n_read, NULL))
    {
      explicit_bzero (buffer, sizeof buffer);
      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                   "The client secret file %s is empty or not text", shown);
      return NULL;
    }

  {
    char *secret = g_strndup (buffer, n_read);

    explicit_bzero (buffer, sizeof buffer);
    return secret;
  }
}

static void
take_from_env (char       **field,
               const char  *variable)
{
  const char *value = g_getenv (variable);

  if (*field == NULL && value != NULL && *value != '\0')
    *field = g_strdup (value);
}

static gboolean
finish_interval (int         *field,
                 const char  *variable,
                 const char  *option,
                 int          fallback,
                 int          minimum,
                 GError     **error)
{
  const char *value = g_getenv (variable);

  if (*field < 0 && value != NULL && *value != '\0')
    {
      guint64 parsed;

      if (!g_ascii_string_to_unsigned (value, 10, 0, 7 * 24 * 3600, &parsed, NULL))
        {
          g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                       "%s is not a number of seconds", variable);
          return FALSE;
        }
      *field = (int) parsed;
    }

  if (*field < 0)
    *field = fallback;

  if (*field < minimum || *field > 7 * 24 * 3600)
    {
      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                   "%s must be between %d and %d seconds", option, minimum, 7 * 24 * 3600);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_endpoint (const char  *endpoint,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (endpoint == NULL)
    {
      g_set_error_literal (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                           "No Logto endpoint: pass --endpoint URL or set ORGDESK_PROVISIONER_ENDPOINT");
      return FALSE;
    }

  /* The same rules as an issuer: https, or http to a loopback host. */
  if (!orgdesk_admin_check_issuer (endpoint, &local_error))
    {
      g_set_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                   "The Logto endpoint is not usable: %s", local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * orgdesk_provisioner_config_finish:
 *
 * Fills what the command line left unset from the environment and the
 * defaults, reads the secret file, and checks everything.
 */
gboolean
orgdesk_provisioner_config_finish (OrgdeskProvisionerConfig  *config,
                                   GError                   **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  take_from_env (&config->endpoint, "ORGDESK_PROVISIONER_ENDPOINT");
  take_from_env (&config->client_id, "ORGDESK_PROVISIONER_CLIENT_ID");
  take_from_env (&config->client_secret_file, "ORGDESK_PROVISIONER_CLIENT_SECRET_FILE");
  take_from_env (&config->resource, "ORGDESK_PROVISIONER_RESOURCE");
  take_from_env (&config->role, "ORGDESK_PROVISIONER_ROLE");

  if (config->database == NULL)
    config->database = g_strdup ("");
  if (config->resource == NULL)
    config->resource = g_strdup (ORGDESK_PROVISIONER_DEFAULT_RESOURCE);
  if (config->role == NULL)
    config->role = g_strdup (ORGDESK_PROVISIONER_DEFAULT_ROLE);

  /* A trailing slash would double in <endpoint>/oidc/token. */
  while (config->endpoint != NULL && g_str_has_suffix (config->endpoint, "/"))
    config->endpoint[strlen (config->endpoint) - 1] = '\0';

  if (!check_endpoint (config->endpoint, error))
    return FALSE;

  if (config->client_id == NULL)
    {
      g_set_error_literal (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                           "No client id: pass --client-id ID or set ORGDESK_PROVISIONER_CLIENT_ID "
                           "(a machine-to-machine application with the Management API role)");
      return FALSE;
    }

  if (config->client_secret_file != NULL)
    {
      clear_secret (&config->client_secret);
      config->client_secret = orgdesk_provisioner_read_secret_file (config->client_secret_file, error);
      if (config->client_secret == NULL)
        return FALSE;
    }
  else
    {
      const char *value = g_getenv ("ORGDESK_PROVISIONER_CLIENT_SECRET");

      if (value != NULL && *value != '\0')
        config->client_secret = g_strdup (value);
    }

  if (config->client_secret == NULL)
    {
      g_set_error_literal (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                           "No client secret: pass --client-secret-file FILE (readable by its owner "
                           "only) or set ORGDESK_PROVISIONER_CLIENT_SECRET");
      return FALSE;
    }

  if (*config->resource == '\0' || *config->role == '\0')
    {
      g_set_error_literal (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG,
                           "The Management API resource and the organization role must not be empty");
      return FALSE;
    }

  return finish_interval (&config->jwks_interval, "ORGDESK_PROVISIONER_JWKS_INTERVAL",
                          "--jwks-interval", ORGDESK_PROVISIONER_DEFAULT_JWKS_INTERVAL, 0, error) &&
         finish_interval (&config->sweep_interval, "ORGDESK_PROVISIONER_SWEEP_INTERVAL",
                          "--sweep-interval", ORGDESK_PROVISIONER_DEFAULT_SWEEP_INTERVAL, 1, error) &&
         finish_interval (&config->lease, "ORGDESK_PROVISIONER_LEASE",
                          "--lease", ORGDESK_PROVISIONER_DEFAULT_LEASE, 1, error);
}
