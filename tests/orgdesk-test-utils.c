/* orgdesk-test-utils.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"

const char *
orgdesk_test_require_service (const char *env_var)
{
  const char *value = g_getenv (env_var);

  if (value != NULL && *value != '\0')
    return value;

  if (g_getenv ("CI") != NULL || g_strcmp0 (g_getenv ("ORGDESK_TEST_REQUIRE_SERVICES"), "1") == 0)
    {
      g_test_fail_printf ("%s is not set; CI must start every service", env_var);
      return NULL;
    }

  g_test_skip_printf ("%s is not set (run through tests/with-services.sh)", env_var);
  return NULL;
}

static void
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
}

/* One loop for both waiting helpers: iterate until @done says so or the time is up. */
void
orgdesk_test_wait_for_condition (OrgdeskTestCondition condition,
                                 gconstpointer        data,
                                 guint                timeout_seconds)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  timeout_id = g_timeout_add_once (timeout_seconds * 1000, on_timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %u s waiting for an asynchronous result", timeout_seconds);

  g_source_remove (timeout_id);
}

static gboolean
result_is_set (gconstpointer data)
{
  return *(GAsyncResult * const *) data != NULL;
}

void
orgdesk_test_store_result_cb (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

void
orgdesk_test_wait_for_result (GAsyncResult **result,
                              guint          timeout_seconds)
{
  orgdesk_test_wait_for_condition (result_is_set, result, timeout_seconds);
}

static gboolean
pointer_is_null (gconstpointer data)
{
  return *(gpointer const *) data == NULL;
}

void
orgdesk_test_finalize_eventually (gpointer object)
{
  gpointer weak = object;

  g_assert_true (G_IS_OBJECT (object));
  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);

  /* Operations still running (a keyring write, an HTTP request) hold a reference
   * until they complete; anything still alive after that is a leak. */
  orgdesk_test_wait_for_condition (pointer_is_null, &weak, 30);
}

static void
run_admin (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *standard_error = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) g_getenv ("ORGDESK_TEST_ADMIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "--database");
  g_ptr_array_add (argv, (char *) g_getenv ("ORGDESK_TEST_DATABASE_OWNER_URI"));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &standard_error, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("orgdesk-admin %s failed: %s", args[0], standard_error);
}

/* The stand-in's current key set into orgdesk.auth_keys, as an operator does
 * after a rotation at Logto. */
void
orgdesk_test_sync_database_keys (void)
{
  const char * const sync[] = { "jwks", "sync", NULL };

  run_admin (sync);
}

/* The schema, and with a Logto stand-in the database's trust in it: its issuer,
 * the database resource as audience, and its signing keys, as an operator sets
 * them up (orgdesk-admin config set, jwks sync). */
void
orgdesk_test_migrate_database (void)
{
  const char * const migrate[] = { "migrate", "--migrations", g_getenv ("ORGDESK_TEST_MIGRATIONS"), NULL };
  g_autofree char *issuer = NULL;

  run_admin (migrate);
  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  issuer = g_strconcat (orgdesk_test_logto_endpoint (), "/oidc", NULL);
  {
    const char * const configure[] = {
      "config", "set", "issuer", issuer, "audience", ORGDESK_TEST_DATABASE_RESOURCE, NULL
    };

    run_admin (configure);
    orgdesk_test_sync_database_keys ();
  }
}

static gboolean
has_database_token (gconstpointer data)
{
  return !orgdesk_session_get_switching ((OrgdeskSession *) data);
}

OrgdeskSession *
orgdesk_test_database_session_new (const char *username)
{
  static const char * const database_scopes[] = { "data:read", "data:write", NULL };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (orgdesk_test_logto_endpoint () == NULL ||
      orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_URI") == NULL)
    return NULL;

  orgdesk_test_migrate_database ();

  client = orgdesk_logto_client_new (orgdesk_test_logto_endpoint (), ORGDESK_TEST_CLIENT_ID);
  session = orgdesk_session_new (client, NULL, ORGDESK_TEST_DATABASE_RESOURCE, database_scopes);
  orgdesk_test_use_browser_as (username);
  orgdesk_session_sign_in_async (session, NULL, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 60);
  g_assert_true (orgdesk_session_sign_in_finish (session, result, &error));
  orgdesk_test_wait_for_condition (has_database_token, session, 30);

  return g_steal_pointer (&session);
}

/* The active organization's database token, once the session has it: what a
 * test sends to orgdesk.authenticate() to act as the signed-in user there. */
char *
orgdesk_test_dup_database_access_token (OrgdeskSession *session)
{
  OrgdeskTokenResponse *token;

  orgdesk_test_wait_for_condition (has_database_token, session, 30);
  token = orgdesk_session_get_database_token (session);
  g_assert_nonnull (token);
  return g_strdup (orgdesk_token_response_get_access_token (token));
}

GPtrArray *
orgdesk_test_list_comments (OrgdeskCommentRepository *comments,
                            const char               *post_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *listed;

  orgdesk_comment_repository_list_async (comments, post_id, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  listed = orgdesk_comment_repository_list_finish (comments, result, &error);
  g_assert_no_error (error);
  return listed;
}

/**
 * orgdesk_test_run_main_loop_for:
 * @milliseconds: how long
 *
 * Runs the default main context for @milliseconds, whatever happens: for
 * checking that something does *not* happen.
 */
void
orgdesk_test_run_main_loop_for (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}
