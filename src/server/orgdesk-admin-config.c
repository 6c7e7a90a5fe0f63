/* orgdesk-admin-config.c: what a token must say for the database to accept it.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * orgdesk.auth_config has one row (issuer, audience, clock skew, the read and
 * write scopes), which the orgdesk_auth extension reads.  config set takes
 * KEY VALUE pairs and changes those keys in one transaction; the row is
 * created by a set that names both issuer and audience, which it cannot do
 * without.  Values are checked here first, so a typo is a usage error rather
 * than a constraint violation.
 */

#define G_LOG_DOMAIN "orgdesk-admin"

#include "config.h"

#include <string.h>

#include "orgdesk-admin-config.h"
#include "orgdesk-admin-jwks.h"
#include "orgdesk-admin-migrate.h"

/* orgdesk.auth_config: CHECK (clock_skew_seconds BETWEEN 0 AND 300) */
#define MAX_CLOCK_SKEW_SECONDS 300
#define MAX_AUDIENCE_LENGTH 2048
#define MAX_SCOPE_LENGTH 256

#define BEGIN_SQL \
  "BEGIN; SET LOCAL ROLE " ORGDESK_OWNER_ROLE "; SET LOCAL search_path = pg_catalog"

typedef enum
{
  CONFIG_ISSUER,
  CONFIG_AUDIENCE,
  CONFIG_CLOCK_SKEW,
  CONFIG_READ_SCOPE,
  CONFIG_WRITE_SCOPE,
  N_CONFIG_KEYS
} ConfigKey;

typedef gboolean (*CheckFunc) (const char  *key,
                               const char  *value,
                               GError     **error);

struct _OrgdeskAdminConfigUpdate
{
  char *values[N_CONFIG_KEYS];   /* NULL: unchanged */
};

static gboolean check_issuer     (const char *key, const char *value, GError **error);
static gboolean check_audience   (const char *key, const char *value, GError **error);
static gboolean check_clock_skew (const char *key, const char *value, GError **error);
static gboolean check_scope      (const char *key, const char *value, GError **error);

static const struct
{
  const char *name;
  CheckFunc   check;
} config_keys[N_CONFIG_KEYS] = {
  [CONFIG_ISSUER] = { "issuer", check_issuer },
  [CONFIG_AUDIENCE] = { "audience", check_audience },
  [CONFIG_CLOCK_SKEW] = { "clock-skew", check_clock_skew },
  [CONFIG_READ_SCOPE] = { "read-scope", check_scope },
  [CONFIG_WRITE_SCOPE] = { "write-scope", check_scope },
};

static gboolean
check_issuer (const char  *key,
              const char  *value,
              GError     **error)
{
  return orgdesk_admin_check_issuer (value, error);
}

/* Any non-empty text without spaces or control characters (Logto's API
 * resource indicators are absolute URIs). */
static gboolean
check_audience (const char  *key,
                const char  *value,
                GError     **error)
{
  if (*value == '\0' || strlen (value) > MAX_AUDIENCE_LENGTH || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "%s must be 1 to %d bytes of UTF-8 text", key, MAX_AUDIENCE_LENGTH);
      return FALSE;
    }

  for (const char *p = value; *p != '\0'; p++)
    {
      if ((guchar) *p <= 0x20 || (guchar) *p == 0x7f)
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                       "%s must not contain spaces or control characters", key);
          return FALSE;
        }
    }

  return TRUE;
}

/* Whole seconds from 0 to 300, digits only. */
static gboolean
check_clock_skew (const char  *key,
                  const char  *value,
                  GError     **error)
{
  guint64 seconds = 0;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        goto invalid;
    }

  if (*value == '\0' || strlen (value) > 3 ||
      !g_ascii_string_to_unsigned (value, 10, 0, MAX_CLOCK_SKEW_SECONDS, &seconds, NULL))
    goto invalid;

  return TRUE;

invalid:
  {
    g_autofree char *shown = orgdesk_admin_printable (value);

    g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                 "%s must be a whole number of seconds from 0 to %d, not “%s”",
                 key, MAX_CLOCK_SKEW_SECONDS, shown);
    return FALSE;
  }
}

/* One scope-token of RFC 6749 §3.3: printable ASCII but space, '"' and '\'. */
static gboolean
check_scope (const char  *key,
             const char  *value,
             GError     **error)
{
  gboolean valid = *value != '\0' && strlen (value) <= MAX_SCOPE_LENGTH;

  for (const char *p = value; valid && *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      valid = c >= 0x21 && c <= 0x7e && c != '"' && c != '\\';
    }

  if (!valid)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "%s must be one scope of 1 to %d printable ASCII characters, without "
                   "spaces, quotes or backslashes", key, MAX_SCOPE_LENGTH);
      return FALSE;
    }

  return TRUE;
}

void
orgdesk_admin_config_update_free (OrgdeskAdminConfigUpdate *update)
{
  if (update == NULL)
    return;

  for (guint i = 0; i < N_CONFIG_KEYS; i++)
    g_free (update->values[i]);
  g_free (update);
}

static gboolean
lookup_key (const char *name,
            ConfigKey  *key)
{
  for (guint i = 0; i < N_CONFIG_KEYS; i++)
    {
      if (g_str_equal (config_keys[i].name, name))
        {
          *key = (ConfigKey) i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * orgdesk_admin_config_update_parse:
 * @args: %NULL-terminated KEY VALUE pairs
 *
 * Fails with %ORGDESK_ADMIN_ERROR_INVALID on an unknown or repeated key, a
 * missing value or a value the database would refuse.
 *
 * Returns: (transfer full) (nullable): the changes
 */
OrgdeskAdminConfigUpdate *
orgdesk_admin_config_update_parse (const char * const  *args,
                                   GError             **error)
{
  g_autoptr(OrgdeskAdminConfigUpdate) update = g_new0 (OrgdeskAdminConfigUpdate, 1);

  g_return_val_if_fail (args != NULL, NULL);

  if (args[0] == NULL)
    {
      g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                           "config set needs KEY VALUE pairs (keys: " ORGDESK_ADMIN_CONFIG_KEYS ")");
      return NULL;
    }

  for (guint i = 0; args[i] != NULL; i += 2)
    {
      g_autofree char *name = orgdesk_admin_printable (args[i]);
      ConfigKey key;

      if (!lookup_key (args[i], &key))
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                       "Unknown key “%s” (keys: " ORGDESK_ADMIN_CONFIG_KEYS ")", name);
          return NULL;
        }
      if (args[i + 1] == NULL)
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                       "%s has no value", name);
          return NULL;
        }
      if (update->values[key] != NULL)
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                       "%s is given twice", name);
          return NULL;
        }
      if (!config_keys[key].check (config_keys[key].name, args[i + 1], error))
        return NULL;

      update->values[key] = g_strdup (args[i + 1]);
    }

  return g_steal_pointer (&update);
}

static gboolean
count_keys (PGconn  *conn,
            gint64  *n_keys,
            GError **error)
{
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn, "SELECT pg_catalog.count(*) FROM orgdesk.auth_keys",
                                      0, NULL, error);
  if (result == NULL)
    return FALSE;

  *n_keys = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  return TRUE;
}

/* Inside the transaction; *@previous_issuer is NULL when there was no row. */
static gboolean
apply_update (PGconn                          *conn,
              const OrgdeskAdminConfigUpdate  *update,
              char                           **previous_issuer,
              GError                         **error)
{
  const char * const *values = (const char * const *) update->values;
  g_autoptr(PGresult) current = NULL;
  g_autoptr(PGresult) result = NULL;

  current = orgdesk_admin_exec_params (conn, "SELECT issuer FROM orgdesk.auth_config FOR UPDATE",
                                       0, NULL, error);
  if (current == NULL)
    return FALSE;

  *previous_issuer = PQntuples (current) > 0 ? g_strdup (PQgetvalue (current, 0, 0)) : NULL;

  if (*previous_issuer == NULL)
    {
      const char * const row[] = { values[CONFIG_ISSUER], values[CONFIG_AUDIENCE] };

      if (values[CONFIG_ISSUER] == NULL || values[CONFIG_AUDIENCE] == NULL)
        {
          g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                               "Nothing is configured yet, and the configuration needs both an "
                               "issuer and an audience: set them together, as in orgdesk-admin "
                               "config set issuer URL audience RESOURCE");
          return FALSE;
        }

      /* A concurrent first set wins or loses as a whole: ours updates its row. */
      result = orgdesk_admin_exec_params (conn,
                                          "INSERT INTO orgdesk.auth_config (issuer, audience) "
                                          "VALUES ($1, $2) ON CONFLICT (singleton) DO NOTHING",
                                          2, row, error);
      if (result == NULL)
        return FALSE;
      g_clear_pointer (&result, PQclear);
    }

  result = orgdesk_admin_exec_params (conn,
                                      "UPDATE orgdesk.auth_config SET "
                                      "issuer = coalesce ($1, issuer), "
                                      "audience = coalesce ($2, audience), "
                                      "clock_skew_seconds = coalesce ($3::pg_catalog.int4, clock_skew_seconds), "
                                      "read_scope = coalesce ($4, read_scope), "
                                      "write_scope = coalesce ($5, write_scope)",
                                      N_CONFIG_KEYS, values, error);
  return result != NULL;
}

/**
 * orgdesk_admin_config_set:
 * @conn: a connection as orgdesk_owner or a role that may SET ROLE to it
 * @update: the keys to change
 *
 * Changes the keys of @update in one transaction, creating the row when
 * @update has both issuer and audience, then prints the configuration.
 */
gboolean
orgdesk_admin_config_set (PGconn                          *conn,
                          const OrgdeskAdminConfigUpdate  *update,
                          GError                         **error)
{
  g_autofree char *previous_issuer = NULL;
  gint64 n_keys = 0;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (update != NULL, FALSE);

  if (!orgdesk_admin_require_auth_tables (conn, error))
    return FALSE;

  if (!orgdesk_admin_exec (conn, BEGIN_SQL, error) ||
      !apply_update (conn, update, &previous_issuer, error) ||
      !count_keys (conn, &n_keys, error) ||
      !orgdesk_admin_exec (conn, "COMMIT", error))
    {
      orgdesk_admin_rollback (conn);
      if (g_error_matches (*error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_QUERY))
        g_prefix_error (error, "Nothing was changed: ");
      return FALSE;
    }

  if (!orgdesk_admin_config_show (conn, error))
    return FALSE;

  if (previous_issuer == NULL)
    g_print ("Next, run orgdesk-admin jwks sync to fetch the issuer's keys\n");
  else if (update->values[CONFIG_ISSUER] != NULL &&
           g_strcmp0 (previous_issuer, update->values[CONFIG_ISSUER]) != 0)
    g_print ("The issuer changed: run orgdesk-admin jwks sync to fetch its keys%s\n",
             n_keys > 0 ? " (the stored ones are the previous issuer's)" : "");

  return TRUE;
}

/**
 * orgdesk_admin_config_show:
 *
 * Prints the configuration row, one "key: value" line per key, and the
 * kids of the stored keys.  Fails when nothing is configured.
 */
gboolean
orgdesk_admin_config_show (PGconn  *conn,
                           GError **error)
{
  g_autoptr(PGresult) config = NULL;
  g_autoptr(PGresult) keys = NULL;
  g_autoptr(GString) kids = g_string_new (NULL);

  g_return_val_if_fail (conn != NULL, FALSE);

  if (!orgdesk_admin_require_auth_tables (conn, error))
    return FALSE;

  /* One snapshot for both. */
  if (!orgdesk_admin_exec (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    return FALSE;

  config = orgdesk_admin_exec_params (conn,
                                      "SELECT issuer, audience, clock_skew_seconds, read_scope, "
                                      "write_scope FROM orgdesk.auth_config",
                                      0, NULL, error);
  if (config != NULL)
    keys = orgdesk_admin_exec_params (conn, "SELECT kid FROM orgdesk.auth_keys ORDER BY added_at, kid",
                                      0, NULL, error);
  orgdesk_admin_rollback (conn);
  if (config == NULL || keys == NULL)
    return FALSE;

  if (PQntuples (config) == 0)
    {
      g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                           "Nothing is configured: run orgdesk-admin config set issuer URL "
                           "audience RESOURCE");
      return FALSE;
    }

  for (guint i = 0; i < N_CONFIG_KEYS; i++)
    {
      g_autofree char *value = orgdesk_admin_printable (PQgetvalue (config, 0, (int) i));

      g_print ("%s: %s\n", config_keys[i].name, value);
    }

  for (int row = 0; row < PQntuples (keys); row++)
    {
      g_autofree char *kid = orgdesk_admin_printable (PQgetvalue (keys, row, 0));

      g_string_append_printf (kids, "%s%s", row > 0 ? " " : "", kid);
    }

  if (PQntuples (keys) == 0)
    g_print ("keys: none (run orgdesk-admin jwks sync)\n");
  else
    g_print ("keys: %s\n", kids->str);

  return TRUE;
}
