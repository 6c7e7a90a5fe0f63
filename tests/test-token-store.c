/* test-token-store.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-test-keyring.h"
#include "orgdesk-test-utils.h"
#include "orgdesk-token-store.h"

/* Written out again here: the schema is a contract with items already on disk. */
static const SecretSchema account_schema = {
  "io.github.orgdesk.Orgdesk.Account", SECRET_SCHEMA_NONE,
  {
    { "app-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "subject", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

#define APP_ID "io.github.orgdesk.Orgdesk"
#define RECORD_A "{\"refresh_token\":\"rt-a\",\"sub\":\"alice\"}"
#define RECORD_B "{\"refresh_token\":\"rt-b\",\"sub\":\"bob\"}"

/* Apart from the Secret Service run's, so a file backend run can tell that none
 * of its items went to gnome-keyring (the two may run side by side on one). */
static const char *test_client_id = "orgdesk-desktop";
static const char *test_other_client_id = "another-client";

typedef struct
{
  char              *endpoint;
  OrgdeskTokenStore *store;
} Fixture;

/* The util skips (or fails under CI) when the bus is missing; a bus without a
 * Secret Service gets the same treatment. */
static gboolean
require_secret_service (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  /* The file backend needs no Secret Service. */
  if (orgdesk_test_keyring_is_file ())
    return TRUE;

  if (orgdesk_test_require_service ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus != NULL)
    reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "NameHasOwner",
                                         g_variant_new ("(s)", "org.freedesktop.secrets"),
                                         G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                         5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);

  if (owned)
    return TRUE;

  if (g_getenv ("CI") != NULL)
    g_test_fail_printf ("org.freedesktop.secrets is not owned; CI must start gnome-keyring");
  else
    g_test_skip ("org.freedesktop.secrets is not owned (run through tests/keyring-session.sh)");
  return FALSE;
}

static char *
unique_endpoint (void)
{
  return g_strdup_printf ("https://id-%08x.orgdesk.test", g_random_int ());
}

static gboolean
store_save (OrgdeskTokenStore  *store,
            const char         *subject,
            const char         *record,
            GCancellable       *cancellable,
            GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_token_store_save_async (store, subject, record, cancellable,
                                  orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_token_store_save_finish (store, result, error);
}

static char *
store_load (OrgdeskTokenStore  *store,
            char              **subject,
            GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_token_store_load_async (store, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_token_store_load_finish (store, result, subject, error);
}

static gboolean
store_clear (OrgdeskTokenStore  *store,
             const char         *subject,
             GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_token_store_clear_async (store, subject, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_token_store_clear_finish (store, result, error);
}

/* Every item of this endpoint + client id, looked up without the store.  Async on
 * purpose: the sync search leaks proxy init data in its private main context. */
static GList *
find_items (const char *endpoint,
            const char *client_id)
{
  g_autoptr(GHashTable) attributes = secret_attributes_build (&account_schema,
                                                              "app-id", APP_ID,
                                                              "endpoint", endpoint,
                                                              "client-id", client_id,
                                                              NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  secret_password_searchv (&account_schema, attributes, SECRET_SEARCH_ALL, NULL,
                           orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  items = secret_password_search_finish (result, &error);
  g_assert_no_error (error);
  return items;
}

static guint
count_items (const char *endpoint,
             const char *client_id)
{
  g_autolist(GObject) items = find_items (endpoint, client_id);

  return g_list_length (items);
}

static void
assert_loads (OrgdeskTokenStore *store,
              const char        *expected_record,
              const char        *expected_subject)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *record = NULL;

  record = store_load (store, &subject, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record, ==, expected_record);
  g_assert_cmpstr (subject, ==, expected_subject);
}

static void
assert_saves (OrgdeskTokenStore *store,
              const char        *subject,
              const char        *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_save (store, subject, record, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (!require_secret_service ())
    return;

  f->endpoint = unique_endpoint ();
  f->store = orgdesk_token_store_new (f->endpoint, test_client_id);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      store_clear (f->store, NULL, &error);
      g_assert_no_error (error);
      g_assert_finalize_object (f->store);
    }

  g_free (f->endpoint);
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
  g_autoptr(OrgdeskTokenStore) store = orgdesk_token_store_new ("https://id.example", test_client_id);
  g_autofree char *endpoint = NULL;
  g_autofree char *client_id = NULL;
  guint timeout = 0;
  guint notified = 0;

  g_object_get (store, "endpoint", &endpoint, "client-id", &client_id, "timeout", &timeout, NULL);
  g_assert_cmpstr (endpoint, ==, "https://id.example");
  g_assert_cmpstr (client_id, ==, test_client_id);
  g_assert_cmpuint (timeout, ==, 10);
  g_assert_cmpstr (orgdesk_token_store_get_endpoint (store), ==, "https://id.example");
  g_assert_cmpstr (orgdesk_token_store_get_client_id (store), ==, test_client_id);

  g_signal_connect (store, "notify::timeout", G_CALLBACK (count_notify_cb), &notified);
  orgdesk_token_store_set_timeout (store, 3);
  g_assert_cmpuint (orgdesk_token_store_get_timeout (store), ==, 3);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (store, "timeout", 3, NULL);
  g_assert_cmpuint (notified, ==, 1);

  g_assert_finalize_object (g_steal_pointer (&store));
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
test_save_load (Fixture       *f,
                gconstpointer  data)
{
  g_autolist(SecretRetrievable) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *label = NULL;
  g_autofree char *expected_label = NULL;
  guint handler;

  if (f->store == NULL)
    return;

  handler = g_log_set_handler ("orgdesk-auth", G_LOG_LEVEL_MASK, capture_log_cb, log);
  assert_saves (f->store, "alice", RECORD_A);
  assert_loads (f->store, RECORD_A, "alice");
  g_log_remove_handler ("orgdesk-auth", handler);

  /* The flow is logged, the record never. */
  g_assert_nonnull (strstr (log->str, "Stored"));
  g_assert_null (strstr (log->str, "rt-a"));

  /* The item: our schema and attributes, a label without the secret. */
  items = find_items (f->endpoint, test_client_id);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  attributes = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, "io.github.orgdesk.Orgdesk.Account");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "app-id"), ==, APP_ID);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "endpoint"), ==, f->endpoint);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "client-id"), ==, test_client_id);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "subject"), ==, "alice");

  label = secret_retrievable_get_label (items->data);
  expected_label = g_strdup_printf ("Orgdesk sign-in for %s", f->endpoint);
  g_assert_cmpstr (label, ==, expected_label);
}

static void
test_load_empty (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  char *subject = (char *) "unset";

  if (f->store == NULL)
    return;

  record = store_load (f->store, &subject, &error);
  g_assert_no_error (error);
  g_assert_null (record);
  g_assert_null (subject);
}

static void
test_replace (Fixture       *f,
              gconstpointer  data)
{
  if (f->store == NULL)
    return;

  assert_saves (f->store, "alice", RECORD_A);
  assert_saves (f->store, "alice", RECORD_B);
  assert_saves (f->store, "alice", RECORD_B);

  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 1);
  assert_loads (f->store, RECORD_B, "alice");
}

static void
test_newest_account (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (f->store == NULL)
    return;

  /* The keyring records modification times in whole seconds. */
  assert_saves (f->store, "alice", RECORD_A);
  g_usleep (1100 * 1000);
  assert_saves (f->store, "bob", RECORD_B);

  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 2);
  assert_loads (f->store, RECORD_B, "bob");

  g_assert_true (store_clear (f->store, "bob", &error));
  g_assert_no_error (error);
  assert_loads (f->store, RECORD_A, "alice");
}

static void
test_independent (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *other_endpoint = unique_endpoint ();
  g_autoptr(OrgdeskTokenStore) other = NULL;
  g_autoptr(OrgdeskTokenStore) other_client = NULL;
  g_autoptr(GError) error = NULL;

  if (f->store == NULL)
    return;

  other = orgdesk_token_store_new (other_endpoint, test_client_id);
  other_client = orgdesk_token_store_new (f->endpoint, test_other_client_id);

  assert_saves (f->store, "alice", RECORD_A);
  assert_saves (other, "alice", RECORD_B);
  assert_saves (other_client, "carol", "{}");

  assert_loads (f->store, RECORD_A, "alice");
  assert_loads (other, RECORD_B, "alice");
  assert_loads (other_client, "{}", "carol");

  g_assert_true (store_clear (f->store, NULL, &error));
  g_assert_no_error (error);
  assert_loads (f->store, NULL, NULL);
  assert_loads (other, RECORD_B, "alice");
  assert_loads (other_client, "{}", "carol");

  g_assert_true (store_clear (other, NULL, &error));
  g_assert_true (store_clear (other_client, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (other_endpoint, test_client_id), ==, 0);
}

static void
test_clear (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (f->store == NULL)
    return;

  assert_saves (f->store, "alice", RECORD_A);
  assert_saves (f->store, "bob", RECORD_B);

  /* Another subject's clear leaves alice alone. */
  g_assert_true (store_clear (f->store, "bob", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 1);

  g_assert_true (store_clear (f->store, "alice", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 0);
  assert_loads (f->store, NULL, NULL);
}

static void
test_clear_all (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (f->store == NULL)
    return;

  assert_saves (f->store, "alice", RECORD_A);
  assert_saves (f->store, "bob", RECORD_B);
  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 2);

  g_assert_true (store_clear (f->store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 0);
}

static void
test_clear_nothing (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (f->store == NULL)
    return;

  g_assert_true (store_clear (f->store, "nobody", &error));
  g_assert_no_error (error);
  g_assert_true (store_clear (f->store, NULL, &error));
  g_assert_no_error (error);
}

static void
test_hostile_record (Fixture       *f,
                     gconstpointer  data)
{
  const char *subject = "sub \"quoted\"\nnewline\\ ünïcödé";
  g_autoptr(GString) record = g_string_new ("{\"a\":\"\\\"quoted\\\"\",\n\"b\":'single'\r\n\t");
  g_autolist(SecretRetrievable) items = NULL;
  g_autofree char *label = NULL;

  if (f->store == NULL)
    return;

  g_string_append (record, "ünïcödé ☃ \xf0\x9f\x94\x91 <>&%s%n");
  while (record->len < 64 * 1024)
    g_string_append_printf (record, "%08x", g_random_int ());

  assert_saves (f->store, subject, record->str);
  assert_loads (f->store, record->str, subject);

  items = find_items (f->endpoint, test_client_id);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_retrievable_get_label (items->data);
  g_assert_null (strstr (label, "quoted"));
  g_assert_cmpuint (strlen (label), <, 200);
}

static void
test_cancelled_save (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (f->store == NULL)
    return;

  /* Cancelled before it starts ... */
  g_cancellable_cancel (cancellable);
  g_assert_false (store_save (f->store, "alice", RECORD_A, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* ... and right after. */
  g_cancellable_reset (cancellable);
  orgdesk_token_store_save_async (f->store, "alice", RECORD_A, cancellable,
                                  orgdesk_test_store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_false (orgdesk_token_store_save_finish (f->store, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 0);
}

/* gnome-keyring's own interface for unlocking without a prompt; tests only. */
static void
unlock_with_password (SecretCollection *collection,
                      const char       *password)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) opened = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *session;

  opened = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                        "org.freedesktop.Secret.Service", "OpenSession",
                                        g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                        G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (opened, "(v&o)", NULL, &session);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                       "UnlockWithMasterPassword",
                                       g_variant_new ("(o(o@ay@ays))",
                                                      g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)),
                                                      session,
                                                      g_variant_new_array (G_VARIANT_TYPE_BYTE, NULL, 0),
                                                      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                                                 strlen (password), 1),
                                                      "text/plain"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

static void
assert_unavailable (GError     *error,
                    const char *fragment)
{
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, fragment);
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  const char *password = g_getenv ("ORGDESK_TEST_KEYRING_PASSWORD");
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  GList objects = { NULL, };

  if (f->store == NULL)
    return;
  if (password == NULL)
    {
      g_test_skip ("ORGDESK_TEST_KEYRING_PASSWORD is not set; cannot unlock again afterwards");
      return;
    }

  assert_saves (f->store, "alice", RECORD_A);

  /* With collections loaded, libsecret caches the collection proxy the store gets:
   * its Locked property must still follow the lock. */
  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  objects.data = collection;
  secret_service_lock_sync (service, &objects, NULL, NULL, &error);
  g_assert_no_error (error);

  /* libsecret alone would say "nothing stored"; we must say "locked". */
  record = store_load (f->store, NULL, &error);
  g_assert_null (record);
  assert_unavailable (error, "locked");
  g_clear_error (&error);

  g_assert_false (store_save (f->store, "bob", RECORD_B, NULL, &error));
  assert_unavailable (error, "locked");
  g_clear_error (&error);

  g_assert_false (store_clear (f->store, NULL, &error));
  assert_unavailable (error, "locked");
  g_clear_error (&error);

  unlock_with_password (collection, password);
  assert_loads (f->store, RECORD_A, "alice");
  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 1);
}

/* Runs @func in a child process on a private bus of its own (GTestDBus), where
 * no Secret Service exists unless the child provides one. */
static void
run_on_private_bus (void (*func) (void))
{
  g_autoptr(GTestDBus) bus = NULL;
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");

  if (!g_test_subprocess ())
    {
      if (daemon == NULL)
        {
          g_test_skip ("dbus-daemon is not installed");
          return;
        }

      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  func ();

  /* libsecret keeps the bus connection in its singleton; let it go first. */
  secret_service_disconnect ();
  g_test_dbus_down (bus);
}

static void
check_unavailable (void)
{
  g_autoptr(OrgdeskTokenStore) store = orgdesk_token_store_new ("https://id.example", test_client_id);
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;

  g_assert_false (store_save (store, "alice", RECORD_A, NULL, &error));
  assert_unavailable (error, "org.freedesktop.secrets");
  g_clear_error (&error);

  record = store_load (store, NULL, &error);
  g_assert_null (record);
  assert_unavailable (error, NULL);
  g_clear_error (&error);

  g_assert_false (store_clear (store, NULL, &error));
  assert_unavailable (error, NULL);
}

static void
test_unavailable (void)
{
  run_on_private_bus (check_unavailable);
}

static void
on_method_call_cb (GDBusConnection       *connection,
                   const char            *sender,
                   const char            *object_path,
                   const char            *interface_name,
                   const char            *method_name,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  g_assert_not_reached ();
}

/* A Secret Service that owns its name but never answers: its calls are dispatched
 * to a main context that nobody runs, like a keyring stuck behind a prompt. */
static GDBusConnection *
start_stuck_service (GMainContext *stuck)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.Secret.Service'>"
    "<method name='OpenSession'><arg type='s' direction='in'/><arg type='v' direction='in'/>"
    "<arg type='v' direction='out'/><arg type='o' direction='out'/></method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { on_method_call_cb, NULL, NULL, };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);

  g_main_context_push_thread_default (stuck);
  g_dbus_connection_register_object (connection, "/org/freedesktop/secrets", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_main_context_pop_thread_default (stuck);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

static void
check_timeout (void)
{
  g_autoptr(GMainContext) stuck = g_main_context_new ();
  g_autoptr(GDBusConnection) service = start_stuck_service (stuck);
  g_autoptr(OrgdeskTokenStore) store = orgdesk_token_store_new ("https://id.example", test_client_id);
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  gint64 start;

  orgdesk_token_store_set_timeout (store, 1);

  start = g_get_monotonic_time ();
  record = store_load (store, NULL, &error);
  g_assert_null (record);
  assert_unavailable (error, "did not answer within 1 second");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  g_assert_false (store_save (store, "alice", RECORD_A, NULL, &error));
  assert_unavailable (error, "did not answer");

  g_dbus_connection_close_sync (service, NULL, NULL);
}

static void
test_timeout (void)
{
  run_on_private_bus (check_timeout);
}

/* The file backend, the keyring a Flatpak sandbox gets: an encrypted file in the
 * app's own data directory, not gnome-keyring. */

static gboolean
contains_bytes (const char *haystack,
                gsize       length,
                const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    {
      if (memcmp (haystack + i, needle, needle_length) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_file_keyring_file (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = orgdesk_test_keyring_dup_file_path ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  gsize length;

  assert_saves (f->store, "alice", RECORD_A);

  /* Only the owner may read it, and it holds neither the record nor the account in clear */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_false (contains_bytes (contents, length, "rt-a"));
  g_assert_false (contains_bytes (contents, length, "alice"));
  g_assert_false (contains_bytes (contents, length, f->endpoint + strlen ("https://")));
}

static void
test_file_not_in_secret_service (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  int count;

  assert_saves (f->store, "alice", RECORD_A);
  assert_saves (f->store, "bob", RECORD_B);
  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 2);

  /* Every item this run has stored, in any test */
  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) account_schema.name);
  g_hash_table_insert (attributes, (char *) "client-id", (char *) test_client_id);
  count = orgdesk_test_keyring_count_secret_service_items (attributes);

  /* In the sandbox, as under Flatpak, org.freedesktop.secrets cannot even be seen */
  if (orgdesk_test_keyring_get () == ORGDESK_TEST_KEYRING_SANDBOX)
    g_assert_cmpint (count, ==, -1);
  else if (count < 0)
    g_test_message ("No Secret Service on this bus to look into");
  else
    g_assert_cmpint (count, ==, 0);
}

/* The stage a subprocess of the current test is to run, and the endpoint it uses */
#define STAGE_ENV "ORGDESK_TEST_STAGE"
#define ENDPOINT_ENV "ORGDESK_TEST_ENDPOINT"

static void
run_stage (const char *stage,
           const char *endpoint)
{
  g_setenv (STAGE_ENV, stage, TRUE);
  g_setenv (ENDPOINT_ENV, endpoint, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv (STAGE_ENV);
  g_unsetenv (ENDPOINT_ENV);
  g_test_trap_assert_passed ();
}

static OrgdeskTokenStore *
stage_store (void)
{
  return orgdesk_token_store_new (g_getenv (ENDPOINT_ENV), test_client_id);
}

/* What one process stores, the next one started finds. */
static void
test_file_persisted (void)
{
  g_autofree char *endpoint = unique_endpoint ();

  if (g_test_subprocess ())
    {
      g_autoptr(OrgdeskTokenStore) store = stage_store ();
      g_autoptr(GError) error = NULL;

      if (g_str_equal (g_getenv (STAGE_ENV), "save"))
        {
          assert_saves (store, "alice", RECORD_A);
        }
      else
        {
          assert_loads (store, RECORD_A, "alice");
          g_assert_true (store_clear (store, NULL, &error));
          g_assert_no_error (error);
        }
      return;
    }

  run_stage ("save", endpoint);
  run_stage ("load", endpoint);

  /* This process still has the file as it read it before */
  orgdesk_test_keyring_reload ();
  g_assert_cmpuint (count_items (endpoint, test_client_id), ==, 0);
}

/* Another process (secret-tool, say) writes the keyring file while the app runs.
 * libsecret 0.21.1 and later notice and read it again; 0.20 refuses to write over
 * it, and the store then drops libsecret's backend so that the next call reads it. */
static void
test_file_other_writer (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(OrgdeskTokenStore) store = stage_store ();

      assert_saves (store, "bob", RECORD_B);
      return;
    }

  assert_saves (f->store, "alice", RECORD_A);
  run_stage ("save", f->endpoint);

#if !SECRET_CHECK_VERSION (0, 21, 1)
  g_assert_false (store_save (f->store, "carol", "{}", NULL, &error));
  assert_unavailable (error, NULL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
#endif

  assert_saves (f->store, "carol", "{}");
  g_assert_cmpuint (count_items (f->endpoint, test_client_id), ==, 3);
}

/* No D-Bus at all, so nothing can go to a Secret Service: the file backend alone
 * stores, replaces, picks the newest account and clears. */
static void
test_file_no_session_bus (void)
{
  g_autofree char *endpoint = NULL;
  g_autoptr(OrgdeskTokenStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (!orgdesk_test_keyring_run_without_session_bus ())
    return;

  endpoint = unique_endpoint ();
  store = orgdesk_token_store_new (endpoint, test_client_id);

  assert_saves (store, "alice", RECORD_A);
  g_usleep (1100 * 1000);
  assert_saves (store, "bob", RECORD_B);
  assert_loads (store, RECORD_B, "bob");
  assert_saves (store, "bob", RECORD_A);
  g_assert_cmpuint (count_items (endpoint, test_client_id), ==, 2);

  g_assert_true (store_clear (store, "bob", &error));
  g_assert_no_error (error);
  assert_loads (store, RECORD_A, "alice");
  g_assert_true (store_clear (store, NULL, &error));
  g_assert_no_error (error);
  assert_loads (store, NULL, NULL);
}

#define ADD(path, func) \
  g_test_add ("/orgdesk/auth/token-store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  OrgdeskTestKeyring keyring;
  int status;

  keyring = orgdesk_test_keyring_init ();
  g_test_init (&argc, &argv, NULL);

  if (keyring != ORGDESK_TEST_KEYRING_SECRET_SERVICE)
    {
      test_client_id = "orgdesk-desktop-file-keyring";
      test_other_client_id = "another-client-file-keyring";
    }

  g_test_add_func ("/orgdesk/auth/token-store/properties", test_properties);
  if (keyring == ORGDESK_TEST_KEYRING_SECRET_SERVICE)
    {
      g_test_add_func ("/orgdesk/auth/token-store/unavailable", test_unavailable);
      g_test_add_func ("/orgdesk/auth/token-store/timeout", test_timeout);
    }
  ADD ("save-load", test_save_load);
  ADD ("load-empty", test_load_empty);
  ADD ("replace", test_replace);
  ADD ("newest-account", test_newest_account);
  ADD ("independent", test_independent);
  ADD ("clear", test_clear);
  ADD ("clear-all", test_clear_all);
  ADD ("clear-nothing", test_clear_nothing);
  ADD ("hostile-record", test_hostile_record);
  ADD ("cancelled-save", test_cancelled_save);
  if (keyring == ORGDESK_TEST_KEYRING_SECRET_SERVICE)
    ADD ("locked", test_locked);

  if (keyring != ORGDESK_TEST_KEYRING_SECRET_SERVICE)
    {
      ADD ("file/keyring-file", test_file_keyring_file);
      ADD ("file/not-in-secret-service", test_file_not_in_secret_service);
      g_test_add_func ("/orgdesk/auth/token-store/file/persisted", test_file_persisted);
      ADD ("file/other-writer", test_file_other_writer);
    }
  if (keyring == ORGDESK_TEST_KEYRING_FILE)
    g_test_add_func ("/orgdesk/auth/token-store/file/no-session-bus", test_file_no_session_bus);

  status = g_test_run ();
  orgdesk_test_keyring_cleanup ();

  return status;
}
