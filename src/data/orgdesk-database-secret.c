/* orgdesk-database-secret.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <libsecret/secret.h>

#include "orgdesk-database-secret.h"
#include "orgdesk-keyring-call.h"

/*
 * The database password, when the database-uri setting has none, lives in the
 * keyring: one item per server account, found by the host, port, database name
 * and user the connection string names (libpq's defaults filled in), so
 *   secret-tool store --label='Orgdesk database' xdg:schema io.github.orgdesk.Orgdesk.Database \
 *     host 127.0.0.1 port 5432 dbname orgdesk user orgdesk_app
 * stores one by hand.  The password itself is never logged; libsecret keeps it in
 * non-pageable memory that orgdesk_database_secret_free() wipes.  The calls are
 * libsecret's backend-neutral password API: gnome-keyring outside a sandbox, the
 * app's own encrypted keyring file (keyed by the Secret portal) inside Flatpak.
 */

/* Short: a connection attempt waits for the lookup, and a keyring that waits for
 * a password prompt nobody sees must not hold it up for long. */
#define TIMEOUT_SECONDS 5

typedef enum
{
  CALL_LOOKUP,
  CALL_STORE,
  CALL_CLEAR,
} CallKind;

/* State of one lookup/store/clear, kept as the GTask's data */
typedef struct
{
  CallKind            kind;
  OrgdeskKeyringCall *keyring_call;   /* the cancellable to pass on, and the timeout */
} Call;

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    ORGDESK_DATABASE_SECRET_SCHEMA, SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "dbname", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
call_free (Call *call)
{
  orgdesk_keyring_call_free (call->keyring_call);
  g_free (call);
}

/* Takes @error */
static void
return_error (GTask  *task,
              GError *error)
{
  Call *call = g_task_get_task_data (task);

  error = orgdesk_keyring_call_take_error (call->keyring_call, error);
  g_debug ("Keyring call for the database password failed: %s", error->message);
  g_task_return_error (task, error);
}

/* The item's label, which keyring managers such as Seahorse show */
static char *
dup_label (GHashTable *attributes)
{
  g_autofree char *account = NULL;

  account = g_strdup_printf ("%s@%s:%s/%s",
                             (char *) g_hash_table_lookup (attributes, "user"),
                             (char *) g_hash_table_lookup (attributes, "host"),
                             (char *) g_hash_table_lookup (attributes, "port"),
                             (char *) g_hash_table_lookup (attributes, "dbname"));
  /* Translators: the keyring item's name; %s is like "orgdesk_app@db.example.com:5432/orgdesk" */
  return g_strdup_printf (_("Orgdesk database password for %s"), account);
}

static const char *
option_value (const PQconninfoOption *options,
              const char             *keyword)
{
  for (const PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    {
      if (strcmp (o->keyword, keyword) == 0 && o->val != NULL && *o->val != '\0')
        return o->val;
    }

  return NULL;
}

/**
 * orgdesk_database_secret_conninfo_has_password:
 * @conninfo: a libpq connection string or URI
 *
 * Returns: whether @conninfo holds a (non-empty) password; that one is used and
 *   the keyring is not asked
 */
gboolean
orgdesk_database_secret_conninfo_has_password (const char *conninfo)
{
  PQconninfoOption *options;
  gboolean has_password;

  g_return_val_if_fail (conninfo != NULL, FALSE);

  options = PQconninfoParse (conninfo, NULL);
  has_password = option_value (options, "password") != NULL;
  if (options != NULL)
    PQconninfoFree (options);

  return has_password;
}

/**
 * orgdesk_database_secret_dup_attributes:
 * @conninfo: a libpq connection string or URI
 * @error: return location for a #GError
 *
 * The keyring attributes of the server account @conninfo names: `host` (or
 * `hostaddr`; as written, "" for libpq's default Unix socket), `port` (default
 * 5432), `dbname` (default: the user) and `user` (default: the login name);
 * PGHOST, PGPORT, PGDATABASE and PGUSER count as libpq counts them.
 *
 * Returns: (transfer full) (element-type utf8 utf8): the attributes
 */
GHashTable *
orgdesk_database_secret_dup_attributes (const char  *conninfo,
                                        GError     **error)
{
  static const char * const keywords[] = { "host", "port", "user", "dbname" };
  g_autoptr(GHashTable) attributes = NULL;
  PQconninfoOption *options;
  PQconninfoOption *defaults;

  g_return_val_if_fail (conninfo != NULL, NULL);

  options = PQconninfoParse (conninfo, NULL);
  if (options == NULL)
    {
      /* Not libpq's message: it may quote the password */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The database connection string is not valid");
      return NULL;
    }

  defaults = PQconndefaults ();
  attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      const char *value = option_value (options, keywords[i]);

      if (value == NULL && g_str_equal (keywords[i], "host"))
        value = option_value (options, "hostaddr");
      if (value == NULL)
        value = option_value (defaults, keywords[i]);
      if (value == NULL && g_str_equal (keywords[i], "host"))
        value = option_value (defaults, "hostaddr");
      if (value == NULL && g_str_equal (keywords[i], "port"))
        value = "5432";
      if (value == NULL && g_str_equal (keywords[i], "user"))
        value = g_get_user_name ();
      if (value == NULL && g_str_equal (keywords[i], "dbname"))
        value = g_hash_table_lookup (attributes, "user");

      g_hash_table_insert (attributes, (char *) keywords[i], g_strdup (value != NULL ? value : ""));
    }
  PQconninfoFree (options);
  if (defaults != NULL)
    PQconninfoFree (defaults);

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      if (!g_utf8_validate (g_hash_table_lookup (attributes, keywords[i]), -1, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "The database connection string's %s is not valid UTF-8", keywords[i]);
          return NULL;
        }
    }

  return g_steal_pointer (&attributes);
}

/* The one callback of lookup, store and clear */
static void
on_called_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  char *password = NULL;

  switch (call->kind)
    {
    case CALL_LOOKUP:
      password = secret_password_lookup_nonpageable_finish (result, &error);
      if (error == NULL)
        g_debug (password != NULL ? "Found a database password in the keyring" : "No database password in the keyring");
      break;

    case CALL_STORE:
      if (secret_password_store_finish (result, &error))
        g_debug ("Stored a database password in the keyring");
      break;

    case CALL_CLEAR:
      /* FALSE without an error: there was nothing to delete, which is fine */
      secret_password_clear_finish (result, &error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    {
      return_error (task, error);
      return;
    }

  orgdesk_keyring_call_stop_timeout (call->keyring_call);
  if (call->kind == CALL_LOOKUP)
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
  else
    g_task_return_boolean (task, TRUE);
}

/* The skeleton of lookup, store and clear: a task for one keyring call, the
 * attributes of the account @conninfo names, then libsecret's call of @kind. */
static void
start_call (CallKind             kind,
            const char          *conninfo,
            const char          *password,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GCancellable *call_cancellable;
  GError *error = NULL;
  Call *call;

  call = g_new0 (Call, 1);
  call->kind = kind;
  call->keyring_call = orgdesk_keyring_call_new (cancellable, TIMEOUT_SECONDS);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  attributes = orgdesk_database_secret_dup_attributes (conninfo, &error);
  if (attributes == NULL)
    {
      return_error (task, error);
      return;
    }

  /* The Secret Service records the schema name itself; libsecret's file backend
   * only stores the attributes it is given. */
  g_hash_table_insert (attributes, (char *) "xdg:schema", g_strdup (ORGDESK_DATABASE_SECRET_SCHEMA));

  call_cancellable = orgdesk_keyring_call_get_cancellable (call->keyring_call);
  switch (kind)
    {
    case CALL_LOOKUP:
      secret_password_lookupv (get_schema (), attributes, call_cancellable,
                               on_called_cb, g_steal_pointer (&task));
      break;

    case CALL_STORE:
      label = dup_label (attributes);
      secret_password_storev (get_schema (), attributes, SECRET_COLLECTION_DEFAULT, label, password,
                              call_cancellable, on_called_cb, g_steal_pointer (&task));
      break;

    case CALL_CLEAR:
      secret_password_clearv (get_schema (), attributes, call_cancellable,
                              on_called_cb, g_steal_pointer (&task));
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * orgdesk_database_secret_lookup_async:
 * @conninfo: a libpq connection string or URI
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the password
 * @user_data: data for @callback
 *
 * Looks up the password of the server account @conninfo names, giving up after
 * a few seconds.  Never prompts to unlock the keyring.
 */
void
orgdesk_database_secret_lookup_async (const char          *conninfo,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (conninfo != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  start_call (CALL_LOOKUP, conninfo, NULL, cancellable, callback, user_data,
              orgdesk_database_secret_lookup_async);
}

/**
 * orgdesk_database_secret_lookup_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the password, to free with
 *   orgdesk_database_secret_free(), or %NULL without an error when none is stored
 */
char *
orgdesk_database_secret_lookup_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, orgdesk_database_secret_lookup_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * orgdesk_database_secret_store_async:
 * @conninfo: a libpq connection string or URI naming the server account
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stores @password in the default collection, replacing the account's item.
 */
void
orgdesk_database_secret_store_async (const char          *conninfo,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (conninfo != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  start_call (CALL_STORE, conninfo, password, cancellable, callback, user_data,
              orgdesk_database_secret_store_async);
}

gboolean
orgdesk_database_secret_store_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, orgdesk_database_secret_store_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * orgdesk_database_secret_clear_async:
 * @conninfo: a libpq connection string or URI naming the server account
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Deletes the account's password from the keyring, if there is one.
 */
void
orgdesk_database_secret_clear_async (const char          *conninfo,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (conninfo != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  start_call (CALL_CLEAR, conninfo, NULL, cancellable, callback, user_data,
              orgdesk_database_secret_clear_async);
}

gboolean
orgdesk_database_secret_clear_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, orgdesk_database_secret_clear_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * orgdesk_database_secret_free:
 * @password: (nullable): a password from orgdesk_database_secret_lookup_finish()
 *
 * Wipes and frees @password (libsecret's secret_password_free(); not
 * orgdesk_secret_free(), as the password is in libsecret's secure memory).
 */
void
orgdesk_database_secret_free (char *password)
{
  secret_password_free (password);
}
