/* orgdesk-token-store.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
/* secret_backend_get() is public API (0.19), but secret.h leaves its header out. */
#define __SECRET_INSIDE_HEADER__
#include <libsecret/secret-backend.h>
#undef __SECRET_INSIDE_HEADER__

#include "orgdesk-auth-error.h"
#include "orgdesk-keyring-call.h"
#include "orgdesk-secret-memory.h"
#include "orgdesk-token-store.h"

/*
 * Everything goes through libsecret's backend-neutral password API, so the same
 * calls reach gnome-keyring (the Secret Service) outside a sandbox and, inside
 * Flatpak, libsecret's file backend: an encrypted keyring file in the app's own
 * data directory, whose key the Secret portal hands out.
 */

/* Not APPLICATION_ID: a .Devel build must find the items of the stable one. */
#define SCHEMA_APP_ID "io.github.orgdesk.Orgdesk"

/* Long enough for a busy keyring; short enough that a keyring waiting for a
 * password prompt nobody sees does not hang sign-in forever. */
#define DEFAULT_TIMEOUT_SECONDS 10

struct _OrgdeskTokenStore
{
  GObject  parent_instance;

  char    *endpoint;
  char    *client_id;
  guint    timeout_seconds;
};

G_DEFINE_FINAL_TYPE (OrgdeskTokenStore, orgdesk_token_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_CLIENT_ID,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  OPERATION_SAVE,
  OPERATION_LOAD,
  OPERATION_CLEAR,
} OperationKind;

/* State of one save/load/clear, kept as the GTask's data. */
typedef struct
{
  OperationKind       kind;
  GHashTable         *attributes;
  char               *label;
  SecretValue        *value;     /* the record, in libsecret's non-pageable memory */
  SecretRetrievable  *item;      /* the item a load reads */
  char               *subject;
  OrgdeskKeyringCall *call;      /* the cancellable to pass on, and the timeout */
} Operation;

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.orgdesk.Orgdesk.Account", SECRET_SCHEMA_NONE,
    {
      { "app-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "subject", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
operation_free (Operation *op)
{
  g_clear_pointer (&op->call, orgdesk_keyring_call_free);
  g_clear_pointer (&op->attributes, g_hash_table_unref);
  g_clear_pointer (&op->value, secret_value_unref);
  g_clear_object (&op->item);
  g_free (op->label);
  g_free (op->subject);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

static GHashTable *
build_attributes (OrgdeskTokenStore *self,
                  const char        *subject)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  /* The Secret Service adds the schema name itself; the file backend would not. */
  g_hash_table_insert (attributes, (char *) "xdg:schema", g_strdup (get_schema ()->name));
  g_hash_table_insert (attributes, (char *) "app-id", g_strdup (SCHEMA_APP_ID));
  g_hash_table_insert (attributes, (char *) "endpoint", g_strdup (self->endpoint));
  g_hash_table_insert (attributes, (char *) "client-id", g_strdup (self->client_id));
  if (subject != NULL)
    g_hash_table_insert (attributes, (char *) "subject", g_strdup (subject));

  return attributes;
}

static GTask *
operation_new (OrgdeskTokenStore   *self,
               OperationKind        kind,
               const char          *subject,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(Operation) op = g_new0 (Operation, 1);

  g_task_set_source_tag (task, source_tag);

  op->kind = kind;
  op->attributes = build_attributes (self, subject);
  op->call = orgdesk_keyring_call_new (cancellable, self->timeout_seconds);

  g_task_set_task_data (task, g_steal_pointer (&op), (GDestroyNotify) operation_free);
  return task;
}

static GError *
unavailable_error (const char *message)
{
  return g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE, message);
}

/* Every failure of the keyring itself is KEYRING_UNAVAILABLE, so the session can
 * fall back to keeping tokens in memory; only the caller's cancel stays CANCELLED. */
static void
return_error (GTask  *task,
              GError *error)
{
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) owned = orgdesk_keyring_call_take_error (op->call, error);
  g_autofree char *message = NULL;

  /* A keyring too slow to answer is as good as none */
  if (orgdesk_keyring_call_timed_out (op->call))
    {
      g_task_return_error (task, unavailable_error (owned->message));
    }
  else if (g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           owned->domain == ORGDESK_AUTH_ERROR)
    {
      g_task_return_error (task, g_steal_pointer (&owned));
    }
  else
    {
      g_debug ("Keyring operation failed: %s (%s, %d)", owned->message,
               g_quark_to_string (owned->domain), owned->code);
      /* Translators: %s is a technical error from the Secret Service or D-Bus */
      message = g_strdup_printf (_("The keyring is not available: %s"), owned->message);
      g_task_return_error (task, unavailable_error (message));
    }
}

static void
return_boolean (GTask *task)
{
  Operation *op = g_task_get_task_data (task);

  orgdesk_keyring_call_stop_timeout (op->call);
  g_task_return_boolean (task, TRUE);
}

static void
return_record (GTask *task,
               char  *record)
{
  Operation *op = g_task_get_task_data (task);

  orgdesk_keyring_call_stop_timeout (op->call);
  g_task_return_pointer (task, record, (GDestroyNotify) orgdesk_secret_free);
}

static GError *
locked_error (void)
{
  return unavailable_error (_("The keyring is locked; unlock it to stay signed in"));
}

static void
on_stored_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      return_error (task, error);
      return;
    }

  g_debug ("Stored the account record in the keyring");
  return_boolean (task);
}

static void
on_cleared_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error means there was nothing to delete, which is fine. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      return_error (task, error);
      return;
    }

  g_debug ("Cleared account records from the keyring");
  return_boolean (task);
}

/* The item was deleted by someone else between two calls. */
static gboolean
is_vanished_item_error (const GError *error)
{
  g_autofree char *remote = NULL;

  /* gnome-keyring answers calls on a deleted item's path with UnknownMethod. */
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD))
    return TRUE;

  remote = g_dbus_error_get_remote_error (error);
  return g_strcmp0 (remote, "org.freedesktop.Secret.Error.NoSuchObject") == 0;
}

static void
on_secret_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretValue) value = NULL;
  GError *error = NULL;
  const char *data;
  gsize length;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  if (error != NULL)
    {
      /* Deleted between the search and this read (a sign-out elsewhere): nothing is stored. */
      if (is_vanished_item_error (error))
        {
          g_clear_error (&error);
          return_record (task, NULL);
          return;
        }

      return_error (task, error);
      return;
    }

  /* NULL without an error: the Secret Service item was locked again meanwhile. */
  if (value == NULL)
    {
      return_error (task, locked_error ());
      return;
    }

  data = secret_value_get (value, &length);
  if (!g_utf8_validate (data, length, NULL))
    {
      return_error (task, g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_FAILED,
                                               _("The keyring item of this account is not text")));
      return;
    }

  g_debug ("Loaded the account record from the keyring");
  return_record (task, g_strndup (data, length));
}

/* Only Secret Service items can be locked; file backend items never are. */
static gboolean
is_locked (SecretRetrievable *item)
{
  return SECRET_IS_ITEM (item) && secret_item_get_locked (SECRET_ITEM (item));
}

/* Of the unlocked items, the most recently modified one (one per account, but the
 * user may have signed in with several accounts). */
static SecretRetrievable *
choose_item (GList    *items,
             gboolean *saw_locked)
{
  SecretRetrievable *newest = NULL;

  *saw_locked = FALSE;

  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretRetrievable *item = l->data;

      if (is_locked (item))
        *saw_locked = TRUE;
      else if (newest == NULL ||
               secret_retrievable_get_modified (item) > secret_retrievable_get_modified (newest))
        newest = item;
    }

  return newest;
}

static void
on_searched_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autolist(SecretRetrievable) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GError *error = NULL;
  gboolean saw_locked;
  SecretRetrievable *item;

  items = secret_password_search_finish (result, &error);
  if (error != NULL && is_vanished_item_error (error))
    {
      /* An item went away while the search looked at it: nothing is stored. */
      g_clear_error (&error);
      return_record (task, NULL);
      return;
    }
  if (error != NULL)
    {
      return_error (task, error);
      return;
    }

  item = choose_item (items, &saw_locked);
  if (item == NULL && saw_locked)
    {
      return_error (task, locked_error ());
      return;
    }
  if (item == NULL)
    {
      return_record (task, NULL);
      return;
    }

  attributes = secret_retrievable_get_attributes (item);
  op->subject = g_strdup (g_hash_table_lookup (attributes, "subject"));
  op->item = g_object_ref (item);

  secret_retrievable_retrieve_secret (op->item, orgdesk_keyring_call_get_cancellable (op->call),
                                      on_secret_loaded_cb, g_steal_pointer (&task));
}

static void
run_operation (GTask *task)
{
  Operation *op = g_task_get_task_data (task);
  GCancellable *cancellable = orgdesk_keyring_call_get_cancellable (op->call);

  switch (op->kind)
    {
    case OPERATION_SAVE:
      secret_password_storev_binary (get_schema (), op->attributes, SECRET_COLLECTION_DEFAULT,
                                     op->label, op->value, cancellable, on_stored_cb, task);
      break;

    case OPERATION_LOAD:
      secret_password_searchv (get_schema (), op->attributes, SECRET_SEARCH_ALL,
                               cancellable, on_searched_cb, task);
      break;

    case OPERATION_CLEAR:
      secret_password_clearv (get_schema (), op->attributes, cancellable, on_cleared_cb, task);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The Secret Service reports a locked collection as "nothing found" (and would try
 * to prompt on a store), so look at the default collection before touching items. */
static void
on_default_collection_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretCollection) collection = NULL;
  GError *error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      return_error (task, error);
      return;
    }
  if (collection == NULL)
    {
      return_error (task, unavailable_error (_("The keyring has no default collection")));
      return;
    }
  if (secret_collection_get_locked (collection))
    {
      return_error (task, locked_error ());
      return;
    }

  run_operation (g_steal_pointer (&task));
}

static void
on_backend_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  SecretBackend *backend;
  GError *error = NULL;

  /* Not unreffed: for a backend it has just created, libsecret hands out the
   * reference its cache holds (secret_backend_get_finish() in secret-backend.c,
   * 0.20.5 to 0.21), and its own password calls never drop theirs either. */
  backend = secret_backend_get_finish (result, &error);
  if (backend == NULL)
    {
      return_error (task, error);
      return;
    }

  /* The file backend has no collections to lock; only the Secret Service needs the check. */
  if (!SECRET_IS_SERVICE (backend))
    {
      g_debug ("Keyring: libsecret's %s", G_OBJECT_TYPE_NAME (backend));
      run_operation (g_steal_pointer (&task));
      return;
    }

  secret_collection_for_alias (SECRET_SERVICE (backend), SECRET_COLLECTION_DEFAULT,
                               SECRET_COLLECTION_NONE, orgdesk_keyring_call_get_cancellable (op->call),
                               on_default_collection_cb, g_steal_pointer (&task));
}

/* libsecret picks the backend once per process (the file backend in a Flatpak
 * sandbox with the Secret portal, else the Secret Service); the password calls
 * below get the same one. */
static void
start_operation (GTask *task)
{
  Operation *op = g_task_get_task_data (task);

  /* Transferring secrets needs a session; libsecret negotiates an encrypted one. */
  secret_backend_get (SECRET_BACKEND_OPEN_SESSION, orgdesk_keyring_call_get_cancellable (op->call),
                      on_backend_cb, task);
}

static void
orgdesk_token_store_finalize (GObject *object)
{
  OrgdeskTokenStore *self = (OrgdeskTokenStore *)object;

  g_free (self->endpoint);
  g_free (self->client_id);

  G_OBJECT_CLASS (orgdesk_token_store_parent_class)->finalize (object);
}

static void
orgdesk_token_store_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OrgdeskTokenStore *self = ORGDESK_TOKEN_STORE (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;

    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_seconds);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_token_store_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  OrgdeskTokenStore *self = ORGDESK_TOKEN_STORE (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      self->endpoint = g_value_dup_string (value);
      break;

    case PROP_CLIENT_ID:
      self->client_id = g_value_dup_string (value);
      break;

    case PROP_TIMEOUT:
      orgdesk_token_store_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_token_store_class_init (OrgdeskTokenStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_token_store_finalize;
  object_class->get_property = orgdesk_token_store_get_property;
  object_class->set_property = orgdesk_token_store_set_property;

  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* 0 waits as long as libsecret does (D-Bus calls time out after 25 s, prompts never). */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT / 1000, DEFAULT_TIMEOUT_SECONDS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_token_store_init (OrgdeskTokenStore *self)
{
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
}

/**
 * orgdesk_token_store_new:
 * @endpoint: the Logto endpoint the accounts belong to
 * @client_id: the application's client id at that endpoint
 *
 * Returns: (transfer full): a store for the accounts of @endpoint and @client_id
 */
OrgdeskTokenStore *
orgdesk_token_store_new (const char *endpoint,
                         const char *client_id)
{
  g_return_val_if_fail (endpoint != NULL && *endpoint != '\0', NULL);
  g_return_val_if_fail (client_id != NULL && *client_id != '\0', NULL);

  return g_object_new (ORGDESK_TYPE_TOKEN_STORE,
                       "endpoint", endpoint,
                       "client-id", client_id,
                       NULL);
}

const char *
orgdesk_token_store_get_endpoint (OrgdeskTokenStore *self)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_STORE (self), NULL);

  return self->endpoint;
}

const char *
orgdesk_token_store_get_client_id (OrgdeskTokenStore *self)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_STORE (self), NULL);

  return self->client_id;
}

guint
orgdesk_token_store_get_timeout (OrgdeskTokenStore *self)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_STORE (self), 0);

  return self->timeout_seconds;
}

/**
 * orgdesk_token_store_set_timeout:
 * @self: a #OrgdeskTokenStore
 * @timeout_seconds: how long an operation may take; 0 for no limit of our own
 *
 * An operation that takes longer fails with %ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE.
 * Applies to operations started afterwards.
 */
void
orgdesk_token_store_set_timeout (OrgdeskTokenStore *self,
                                 guint              timeout_seconds)
{
  g_return_if_fail (ORGDESK_IS_TOKEN_STORE (self));
  g_return_if_fail (timeout_seconds <= G_MAXUINT / 1000);

  if (self->timeout_seconds == timeout_seconds)
    return;

  self->timeout_seconds = timeout_seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * orgdesk_token_store_save_async:
 * @self: a #OrgdeskTokenStore
 * @subject: the account's `sub`
 * @record: the account record (UTF-8, opaque here)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the record is stored
 * @user_data: data for @callback
 *
 * Stores @record as the secret of this account's item in the default collection
 * (in a Flatpak sandbox: the app's own keyring file), replacing the item the
 * account had.  libsecret copies @record into non-pageable memory.
 */
void
orgdesk_token_store_save_async (OrgdeskTokenStore   *self,
                                const char          *subject,
                                const char          *record,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *op;

  g_return_if_fail (ORGDESK_IS_TOKEN_STORE (self));
  g_return_if_fail (subject != NULL && *subject != '\0');
  g_return_if_fail (record != NULL && g_utf8_validate (record, -1, NULL));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = operation_new (self, OPERATION_SAVE, subject, cancellable, callback, user_data,
                        orgdesk_token_store_save_async);
  op = g_task_get_task_data (task);
  op->value = secret_value_new (record, -1, "text/plain");
  /* Translators: %s is the address of the sign-in server, e.g. https://id.example.com */
  op->label = g_strdup_printf (_("Orgdesk sign-in for %s"), self->endpoint);

  start_operation (g_steal_pointer (&task));
}

/**
 * orgdesk_token_store_save_finish:
 * @self: a #OrgdeskTokenStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE if stored; else %ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE (no Secret
 *   Service, locked, no answer in time) or %G_IO_ERROR_CANCELLED
 */
gboolean
orgdesk_token_store_save_finish (OrgdeskTokenStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == orgdesk_token_store_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * orgdesk_token_store_load_async:
 * @self: a #OrgdeskTokenStore
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the record
 * @user_data: data for @callback
 *
 * Looks up the account of this endpoint and client id (the most recently stored one
 * if there are several).
 */
void
orgdesk_token_store_load_async (OrgdeskTokenStore   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ORGDESK_IS_TOKEN_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = operation_new (self, OPERATION_LOAD, NULL, cancellable, callback, user_data,
                        orgdesk_token_store_load_async);

  start_operation (g_steal_pointer (&task));
}

/**
 * orgdesk_token_store_load_finish:
 * @self: a #OrgdeskTokenStore
 * @result: the #GAsyncResult
 * @subject: (out) (optional) (transfer full): the account's `sub`
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the record, to free with
 *   orgdesk_secret_free() (it holds the refresh token), or %NULL with no error when
 *   no account is stored
 */
char *
orgdesk_token_store_load_finish (OrgdeskTokenStore  *self,
                                 GAsyncResult       *result,
                                 char              **subject,
                                 GError            **error)
{
  Operation *op;
  char *record;

  g_return_val_if_fail (ORGDESK_IS_TOKEN_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == orgdesk_token_store_load_async, NULL);

  op = g_task_get_task_data (G_TASK (result));
  record = g_task_propagate_pointer (G_TASK (result), error);

  if (subject != NULL)
    *subject = record != NULL ? g_strdup (op->subject) : NULL;

  return record;
}

/**
 * orgdesk_token_store_clear_async:
 * @self: a #OrgdeskTokenStore
 * @subject: (nullable): the account to forget, or %NULL for every account of this
 *   endpoint and client id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Deletes the account's item.  Deleting nothing is not an error.
 */
void
orgdesk_token_store_clear_async (OrgdeskTokenStore   *self,
                                 const char          *subject,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ORGDESK_IS_TOKEN_STORE (self));
  g_return_if_fail (subject == NULL || *subject != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = operation_new (self, OPERATION_CLEAR, subject, cancellable, callback, user_data,
                        orgdesk_token_store_clear_async);

  start_operation (g_steal_pointer (&task));
}

gboolean
orgdesk_token_store_clear_finish (OrgdeskTokenStore  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == orgdesk_token_store_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
