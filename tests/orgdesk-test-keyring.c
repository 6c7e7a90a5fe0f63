/* orgdesk-test-keyring.c: run the keyring tests against gnome-keyring, against
 * libsecret's file backend, or inside the sandbox of tests/keyring-sandbox.sh
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "orgdesk-test-keyring.h"

/* Set in the process that made the throwaway directory; subprocesses reuse it. */
#define DIR_ENV "ORGDESK_TEST_KEYRING_DIR"

static OrgdeskTestKeyring mode;
static char *owned_dir;

static void
set_up_file_backend (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *password = NULL;

  if (g_getenv (DIR_ENV) != NULL)
    return;

  owned_dir = g_dir_make_tmp ("orgdesk-file-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (owned_dir, "data", NULL);
  password = g_strdup_printf ("test-%08x%08x", g_random_int (), g_random_int ());

  /* libsecret 0.20.5: secret-backend.c picks the backend SECRET_BACKEND names
   * (outside a sandbox); secret-file-backend.c takes the key from
   * SECRET_FILE_TEST_PASSWORD instead of asking the Secret portal. */
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", password, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv (DIR_ENV, owned_dir, TRUE);
}

static void
check_sandbox (void)
{
  /* libsecret must find the sandbox and ask the portal for the key, as under Flatpak */
  if (!g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    g_error ("ORGDESK_TEST_KEYRING=sandbox but there is no /.flatpak-info; run tests/keyring-sandbox.sh");
  if (g_getenv ("SECRET_BACKEND") != NULL || g_getenv ("SECRET_FILE_TEST_PASSWORD") != NULL ||
      g_getenv ("SECRET_FILE_TEST_PATH") != NULL)
    g_error ("ORGDESK_TEST_KEYRING=sandbox runs without libsecret's SECRET_* test variables");
}

OrgdeskTestKeyring
orgdesk_test_keyring_init (void)
{
  const char *name = g_getenv ("ORGDESK_TEST_KEYRING");

  if (name == NULL || *name == '\0')
    mode = ORGDESK_TEST_KEYRING_SECRET_SERVICE;
  else if (g_str_equal (name, "file"))
    mode = ORGDESK_TEST_KEYRING_FILE;
  else if (g_str_equal (name, "sandbox"))
    mode = ORGDESK_TEST_KEYRING_SANDBOX;
  else
    g_error ("ORGDESK_TEST_KEYRING is “%s”; expected “file”, “sandbox” or nothing", name);

  if (mode == ORGDESK_TEST_KEYRING_FILE)
    set_up_file_backend ();
  else if (mode == ORGDESK_TEST_KEYRING_SANDBOX)
    check_sandbox ();

  return mode;
}

OrgdeskTestKeyring
orgdesk_test_keyring_get (void)
{
  return mode;
}

gboolean
orgdesk_test_keyring_is_file (void)
{
  return mode != ORGDESK_TEST_KEYRING_SECRET_SERVICE;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
orgdesk_test_keyring_cleanup (void)
{
  if (owned_dir == NULL)
    return;

  remove_tree (owned_dir);
  g_clear_pointer (&owned_dir, g_free);
}

char *
orgdesk_test_keyring_dup_file_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "keyrings", "default.keyring", NULL);
}

int
orgdesk_test_keyring_count_secret_service_items (GHashTable *attributes)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) unlocked = NULL;
  g_autoptr(GVariant) locked = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  GHashTableIter iter;
  gpointer key, value;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return -1;

  /* Asking the name first: a call to an unowned name would activate gnome-keyring */
  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (owned != NULL)
    g_variant_get (owned, "(b)", &has_owner);
  if (!has_owner)
    return -1;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&builder, "{ss}", key, value);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "SearchItems",
                                       g_variant_new ("(a{ss})", &builder),
                                       G_VARIANT_TYPE ("(aoao)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@ao@ao)", &unlocked, &locked);

  return g_variant_n_children (unlocked) + g_variant_n_children (locked);
}

void
orgdesk_test_keyring_cut_session_bus (void)
{
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/orgdesk-test-no-bus", TRUE);
  g_unsetenv ("DBUS_STARTER_ADDRESS");
  /* Without a display GDBus cannot autolaunch a bus either */
  g_unsetenv ("DISPLAY");
}

gboolean
orgdesk_test_keyring_run_without_session_bus (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return FALSE;
    }

  orgdesk_test_keyring_cut_session_bus ();
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_null (bus);

  return TRUE;
}

void
orgdesk_test_keyring_reload (void)
{
  /* Drops libsecret's cached backend too (secret-service.c, service_uncache_instance) */
  secret_service_disconnect ();
}
