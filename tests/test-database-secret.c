/* test-database-secret.c: the database password from the keyring, with a real
 * gnome-keyring (or libsecret's file backend, ORGDESK_TEST_KEYRING) and the
 * scram-sha-256 PostgreSQL of tests/with-services.sh
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libpq-fe.h>
#include <libsecret/secret.h>

#include "orgdesk-database.h"
#include "orgdesk-database-error.h"
#include "orgdesk-database-secret.h"
#include "orgdesk-test-database.h"
#include "orgdesk-test-keyring.h"
#include "orgdesk-test-utils.h"

/* The app role's URI from with-services.sh, and the same without its password */
static char *uri;
static char *without_password;
static char *password;

/* @conninfo in key=value form, without its password */
static char *
drop_password (const char  *conninfo,
               char       **dropped)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  GString *s = g_string_new (NULL);

  g_assert_nonnull (options);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "password"))
        {
          *dropped = g_strdup (o->val);
          continue;
        }
      g_assert_null (strpbrk (o->val, "' \\"));
      g_string_append_printf (s, "%s%s='%s'", s->len > 0 ? " " : "", o->keyword, o->val);
    }
  PQconninfoFree (options);

  return g_string_free (s, FALSE);
}

/* A real keyring and the PostgreSQL of with-services.sh; skips (fails under CI) without */
static gboolean
have_services (void)
{
  const char *database_uri;

  if (uri != NULL)
    return TRUE;
  /* The file backend needs no bus (in the sandbox, the portal's absence fails) */
  if (!orgdesk_test_keyring_is_file () &&
      orgdesk_test_require_service ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return FALSE;
  database_uri = orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_URI");
  if (database_uri == NULL)
    return FALSE;

  uri = g_strdup (database_uri);
  without_password = drop_password (uri, &password);
  g_assert_nonnull (password);
  return TRUE;
}

static void
store (const char *conninfo,
       const char *secret)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_database_secret_store_async (conninfo, secret, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_database_secret_store_finish (result, &error));
  g_assert_no_error (error);
}

static void
clear (const char *conninfo)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_database_secret_clear_async (conninfo, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_database_secret_clear_finish (result, &error));
  g_assert_no_error (error);
}

static char *
lookup (const char  *conninfo,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_database_secret_lookup_async (conninfo, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_database_secret_lookup_finish (result, error);
}

static OrgdeskDatabase *
database_from_keyring (const char *conninfo)
{
  OrgdeskDatabase *db = orgdesk_database_new (conninfo);

  orgdesk_database_set_password_from_keyring (db, TRUE);
  return db;
}

static gboolean
connect_database (OrgdeskDatabase  *db,
         GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_database_connect_async (db, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_database_connect_finish (db, result, error);
}

static void
assert_runs_a_query (OrgdeskDatabase *db)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (queries, orgdesk_query_new ("SELECT current_user"));
  results = orgdesk_test_run_queries (db, queries, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_query_result_get_value (g_ptr_array_index (results, 0), 0, 0), ==, "orgdesk_app");
}

static void
assert_secret_not_in (const char *text)
{
  g_assert_null (strstr (text, password));
  g_assert_null (strstr (text, "wrong-keyring-password"));
}

static void
test_attributes (void)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (orgdesk_database_secret_conninfo_has_password ("postgresql://u:pw@db.example/d"));
  g_assert_true (orgdesk_database_secret_conninfo_has_password ("host=db.example password=pw"));
  g_assert_false (orgdesk_database_secret_conninfo_has_password ("postgresql://u@db.example/d"));
  g_assert_false (orgdesk_database_secret_conninfo_has_password ("host=db.example password=''"));

  attributes = orgdesk_database_secret_dup_attributes ("postgresql://orgdesk_app@db.example.com:6432/orgdesk", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (attributes), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "host"), ==, "db.example.com");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "port"), ==, "6432");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "dbname"), ==, "orgdesk");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "user"), ==, "orgdesk_app");
  g_clear_pointer (&attributes, g_hash_table_unref);

  /* libpq's defaults: port 5432, the database named after the user, the login name */
  attributes = orgdesk_database_secret_dup_attributes ("postgresql://someone@127.0.0.1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "port"), ==, "5432");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "dbname"), ==, "someone");
  g_clear_pointer (&attributes, g_hash_table_unref);

  attributes = orgdesk_database_secret_dup_attributes ("dbname=orgdesk", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "host"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "user"), ==, g_get_user_name ());
  g_clear_pointer (&attributes, g_hash_table_unref);

  /* Not libpq's message, which could quote a password */
  attributes = orgdesk_database_secret_dup_attributes ("host='unterminated password=s3cret-xyzzy", &error);
  g_assert_null (attributes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (strstr (error->message, "s3cret-xyzzy"));
}

/* The account's one item carries the schema name, whichever backend stored it */
static void
assert_one_item (const char *conninfo)
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
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autolist(SecretRetrievable) items = NULL;

  attributes = orgdesk_database_secret_dup_attributes (conninfo, &error);
  g_assert_no_error (error);
  secret_password_searchv (&schema, attributes, SECRET_SEARCH_ALL, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  items = secret_password_search_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  found = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (found, "xdg:schema"), ==, ORGDESK_DATABASE_SECRET_SCHEMA);
}

/* The attributes the README documents for secret-tool find what the store function stored */
static void
test_store_lookup_clear (void)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PQconninfoOption *options;
  char *found;

  if (!have_services ())
    return;

  clear (without_password);
  found = lookup (without_password, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  store (without_password, "first-password");
  store (without_password, password);
  found = lookup (without_password, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, password);
  orgdesk_database_secret_free (found);
  assert_one_item (without_password);

  /* As `secret-tool lookup xdg:schema … host … port … dbname … user …` asks */
  options = PQconninfoParse (uri, NULL);
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) ORGDESK_DATABASE_SECRET_SCHEMA);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val != NULL && g_strv_contains ((const char * const []) { "host", "port", "dbname", "user", NULL }, o->keyword))
        g_hash_table_insert (attributes, o->keyword, o->val);
    }
  g_assert_cmpuint (g_hash_table_size (attributes), ==, 5);
  secret_password_lookupv (NULL, attributes, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  found = secret_password_lookup_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, password);
  secret_password_free (found);
  g_clear_pointer (&attributes, g_hash_table_unref);
  PQconninfoFree (options);

  clear (without_password);
  clear (without_password);
  found = lookup (without_password, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

/* The README's command, with this server's attributes */
static void
test_secret_tool_store (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GError) error = NULL;
  char *found;

  if (!have_services ())
    return;

  clear (without_password);
  attributes = orgdesk_database_secret_dup_attributes (without_password, &error);
  g_assert_no_error (error);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                              "secret-tool", "store", "--label=Orgdesk database password",
                              "xdg:schema", ORGDESK_DATABASE_SECRET_SCHEMA,
                              "host", g_hash_table_lookup (attributes, "host"),
                              "port", g_hash_table_lookup (attributes, "port"),
                              "dbname", g_hash_table_lookup (attributes, "dbname"),
                              "user", g_hash_table_lookup (attributes, "user"),
                              NULL);
  g_assert_no_error (error);
  input = g_bytes_new (password, strlen (password));
  g_assert_true (g_subprocess_communicate (process, input, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));

  /* secret-tool wrote the keyring file, which libsecret here read before: look it up
   * as Orgdesk started afterwards would */
  if (orgdesk_test_keyring_is_file ())
    orgdesk_test_keyring_reload ();

  found = lookup (without_password, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, password);
  orgdesk_database_secret_free (found);
  clear (without_password);
}

static void
test_keyring_password_connects (void)
{
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_services ())
    return;

  store (without_password, password);
  db = database_from_keyring (without_password);
  g_assert_true (connect_database (db, &error));
  g_assert_no_error (error);
  assert_runs_a_query (db);

  clear (without_password);
  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
}

static void
test_no_item_is_a_password_error (void)
{
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autoptr(OrgdeskDatabase) plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  gint64 start;

  if (!have_services ())
    return;

  clear (without_password);
  db = database_from_keyring (without_password);
  start = g_get_monotonic_time ();
  g_assert_false (connect_database (db, &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "password"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpint (orgdesk_database_get_state (db), ==, ORGDESK_DATABASE_STATE_WAITING_TO_RETRY);
  g_clear_error (&error);

  /* Stored meanwhile: the next attempt asks the keyring again */
  store (without_password, password);
  orgdesk_database_reconnect (db);
  g_assert_true (connect_database (db, &error));
  g_assert_no_error (error);
  assert_runs_a_query (db);
  description = orgdesk_database_dup_description (db);
  assert_secret_not_in (description);

  /* Without the keyring switched on, a stored password is not used */
  plain = orgdesk_database_new (without_password);
  g_assert_false (connect_database (plain, &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);

  clear (without_password);
  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
  orgdesk_test_finalize_eventually (g_steal_pointer (&plain));
}

static void
test_uri_password_wins (void)
{
  g_autoptr(OrgdeskDatabase) db = NULL;
  g_autoptr(OrgdeskDatabase) wrong = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_services ())
    return;

  /* The item names the same account: the URI's password is used, not this one */
  store (without_password, "wrong-keyring-password");
  db = database_from_keyring (uri);
  g_assert_true (connect_database (db, &error));
  g_assert_no_error (error);
  assert_runs_a_query (db);

  /* Without one in the URI, the wrong one is tried, and never shown */
  wrong = database_from_keyring (without_password);
  g_assert_false (connect_database (wrong, &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_CONNECTION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "password authentication failed"));
  assert_secret_not_in (error->message);

  clear (without_password);
  orgdesk_test_finalize_eventually (g_steal_pointer (&db));
  orgdesk_test_finalize_eventually (g_steal_pointer (&wrong));
}

static void
test_cancelled_lookup (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *found;

  if (!have_services ())
    return;

  g_cancellable_cancel (cancellable);
  orgdesk_database_secret_lookup_async (without_password, cancellable, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  found = orgdesk_database_secret_lookup_finish (result, &error);
  g_assert_null (found);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A made-up account: the Secret Service run beside this one never stores it */
#define FILE_CHECK_CONNINFO "postgresql://file-keyring-check@db.invalid:1/orgdesk"

static void
test_file_not_in_secret_service (void)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  char *found;
  int count;

  store (FILE_CHECK_CONNINFO, "file-only-password");
  found = lookup (FILE_CHECK_CONNINFO, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "file-only-password");
  orgdesk_database_secret_free (found);

  attributes = orgdesk_database_secret_dup_attributes (FILE_CHECK_CONNINFO, &error);
  g_assert_no_error (error);
  count = orgdesk_test_keyring_count_secret_service_items (attributes);

  /* In the sandbox, as under Flatpak, org.freedesktop.secrets cannot even be seen */
  if (orgdesk_test_keyring_get () == ORGDESK_TEST_KEYRING_SANDBOX)
    g_assert_cmpint (count, ==, -1);
  else if (count < 0)
    g_test_message ("No Secret Service on this bus to look into");
  else
    g_assert_cmpint (count, ==, 0);

  clear (FILE_CHECK_CONNINFO);
}

/* No D-Bus at all, so nothing can go to a Secret Service: the file backend alone
 * stores, replaces, looks up and clears */
static void
test_file_no_session_bus (void)
{
  g_autoptr(GError) error = NULL;
  char *found;

  if (!orgdesk_test_keyring_run_without_session_bus ())
    return;

  store (FILE_CHECK_CONNINFO, "first-password");
  store (FILE_CHECK_CONNINFO, "second-password");
  found = lookup (FILE_CHECK_CONNINFO, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "second-password");
  orgdesk_database_secret_free (found);
  assert_one_item (FILE_CHECK_CONNINFO);

  clear (FILE_CHECK_CONNINFO);
  found = lookup (FILE_CHECK_CONNINFO, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

int
main (int   argc,
      char *argv[])
{
  OrgdeskTestKeyring keyring;
  int status;

  keyring = orgdesk_test_keyring_init ();
  g_test_init (&argc, &argv, NULL);

  /* Defaults in the attributes are libpq's own, not this environment's */
  for (guint i = 0; i < 6; i++)
    g_unsetenv ((const char * const []) { "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE" }[i]);

  g_test_add_func ("/orgdesk/data/database-secret/attributes", test_attributes);
  g_test_add_func ("/orgdesk/data/database-secret/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/orgdesk/data/database-secret/secret-tool-store", test_secret_tool_store);
  g_test_add_func ("/orgdesk/data/database-secret/keyring-password-connects", test_keyring_password_connects);
  g_test_add_func ("/orgdesk/data/database-secret/no-item-is-a-password-error", test_no_item_is_a_password_error);
  g_test_add_func ("/orgdesk/data/database-secret/uri-password-wins", test_uri_password_wins);
  g_test_add_func ("/orgdesk/data/database-secret/cancelled-lookup", test_cancelled_lookup);
  if (keyring != ORGDESK_TEST_KEYRING_SECRET_SERVICE)
    g_test_add_func ("/orgdesk/data/database-secret/file/not-in-secret-service", test_file_not_in_secret_service);
  /* Last: its subprocess writes the keyring file this process has read */
  if (keyring == ORGDESK_TEST_KEYRING_FILE)
    g_test_add_func ("/orgdesk/data/database-secret/file/no-session-bus", test_file_no_session_bus);

  status = g_test_run ();
  orgdesk_test_keyring_cleanup ();

  g_free (uri);
  g_free (without_password);
  g_free (password);

  return status;
}
