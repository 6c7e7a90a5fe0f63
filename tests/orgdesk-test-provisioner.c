/* orgdesk-test-provisioner.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "orgdesk-test-logto.h"
#include "orgdesk-test-provisioner.h"
#include "orgdesk-test-utils.h"

struct _OrgdeskTestProvisioner
{
  GSubprocess *process;       /* NULL once stopped */
  char        *dir;           /* the secret file and the log */
  char        *secret_path;
  char        *log_path;
  char        *secret;
};

/* In the child: a test that aborts takes its provisioner with it. */
static void
die_with_the_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The secret goes in a file, as systemd's LoadCredential hands it over, never
 * in the environment or on the command line. */
static void
write_secret (OrgdeskTestProvisioner *self)
{
  g_autoptr(GError) error = NULL;

  self->dir = g_dir_make_tmp ("orgdesk-test-provisioner-XXXXXX", &error);
  g_assert_no_error (error);
  self->secret_path = g_build_filename (self->dir, "client-secret", NULL);
  self->log_path = g_build_filename (self->dir, "provisioner.log", NULL);
  g_file_set_contents (self->secret_path, self->secret, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (self->secret_path, 0600), ==, 0);
}

static void
set_extra_env (GSubprocessLauncher *launcher,
               const char * const  *extra_env)
{
  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i++)
    {
      const char *equals = strchr (extra_env[i], '=');
      g_autofree char *name = NULL;

      g_assert_nonnull (equals);
      name = g_strndup (extra_env[i], equals - extra_env[i]);
      g_subprocess_launcher_setenv (launcher, name, equals + 1, TRUE);
    }
}

OrgdeskTestProvisioner *
orgdesk_test_provisioner_start (const char * const *extra_env)
{
  g_autoptr(OrgdeskTestProvisioner) self = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = orgdesk_test_require_service ("ORGDESK_TEST_PROVISIONER");
  const char *database = orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_OWNER_URI");
  const char *endpoint = orgdesk_test_logto_endpoint ();
  JsonObject *m2m;

  if (binary == NULL || database == NULL || endpoint == NULL)
    return NULL;

  m2m = orgdesk_test_fixture_m2m_application ();
  self = g_new0 (OrgdeskTestProvisioner, 1);
  self->secret = g_strdup (json_object_get_string_member (m2m, "client_secret"));
  write_secret (self);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_the_test, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "ORGDESK_PROVISIONER_CLIENT_SECRET");
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "orgdesk-provisioner", TRUE);
  set_extra_env (launcher, extra_env);

  self->process = g_subprocess_launcher_spawn (launcher, &error, binary,
                                               "--database", database,
                                               "--endpoint", endpoint,
                                               "--client-id", json_object_get_string_member (m2m, "client_id"),
                                               "--client-secret-file", self->secret_path,
                                               "--sweep-interval", "1",
                                               "--lease", "2",
                                               NULL);
  g_assert_no_error (error);

  return g_steal_pointer (&self);
}

void
orgdesk_test_provisioner_stop (OrgdeskTestProvisioner *self,
                               int                     signal_number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  g_assert_nonnull (self);
  g_assert_nonnull (self->process);

  g_subprocess_send_signal (self->process, signal_number);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);

  log = orgdesk_test_provisioner_dup_log (self);
  g_test_message ("orgdesk-provisioner (stopped with signal %d):\n%s", signal_number, log);

  if (signal_number == SIGKILL)
    g_assert_true (g_subprocess_get_if_signaled (self->process));
  else
    {
      g_assert_true (g_subprocess_get_if_exited (self->process));
      g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
    }

  g_assert_null (strstr (log, self->secret));
  g_clear_object (&self->process);
}

char *
orgdesk_test_provisioner_dup_log (OrgdeskTestProvisioner *self)
{
  g_autoptr(GError) error = NULL;
  char *log = NULL;

  g_assert_nonnull (self);

  g_file_get_contents (self->log_path, &log, NULL, &error);
  g_assert_no_error (error);
  return log;
}

void
orgdesk_test_provisioner_free (OrgdeskTestProvisioner *self)
{
  if (self == NULL)
    return;

  if (self->process != NULL)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
    }

  if (self->dir != NULL)
    {
      g_unlink (self->secret_path);
      g_unlink (self->log_path);
      g_rmdir (self->dir);
    }

  g_free (self->dir);
  g_free (self->secret_path);
  g_free (self->log_path);
  g_free (self->secret);
  g_free (self);
}

void
orgdesk_test_remove_memberships_of (const char *username)
{
  g_autoptr(JsonObject) state = orgdesk_test_stand_in_call ("GET", "/__test/state", NULL);
  JsonObject *user = json_object_get_object_member (json_object_get_object_member (state, "memberships"), username);
  const char *user_id;
  g_autoptr(GList) organizations = NULL;

  g_assert_nonnull (user);
  user_id = json_object_get_string_member (user, "userId");
  organizations = json_object_get_members (json_object_get_object_member (user, "organizations"));
  for (GList *l = organizations; l != NULL; l = l->next)
    {
      g_autofree char *body = g_strdup_printf ("{\"userId\":\"%s\",\"organizationId\":\"%s\"}",
                                               user_id, (const char *) l->data);
      g_autoptr(JsonObject) removed = orgdesk_test_stand_in_call ("POST", "/__test/memberships/remove", body);

      g_assert_true (json_object_get_boolean_member (removed, "removed"));
    }
}
