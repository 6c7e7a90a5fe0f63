/* test-organization-setup.c: a new user's default organization, the app's half
 * (OrgdeskOrganizationSetup), with a real session of the Logto stand-in, the
 * real database and the real orgdesk-provisioner
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include "orgdesk-database-error.h"
#include "orgdesk-organization-setup.h"
#include "orgdesk-test-database.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-provisioner.h"
#include "orgdesk-test-utils.h"

/* carol has no organization in the fixture, and gets one here: every case
 * starts and ends with her memberships at the stand-in and her requests in the
 * database removed, since other tests count on her having none. */
typedef struct
{
  OrgdeskSession           *session;
  OrgdeskDatabase          *database;
  OrgdeskOrganizationSetup *setup;
  GArray                   *steps;   /* OrgdeskOrganizationSetupStep, as notified */
  const char               *carol;
} Fixture;

static void
reset_carol (const char *carol)
{
  g_autofree char *deleted = NULL;

  orgdesk_test_remove_memberships_of ("carol");
  deleted = orgdesk_test_database_dup_value (
    "WITH d AS (DELETE FROM orgdesk.organization_requests WHERE logto_user_id = $1 RETURNING 1)"
    " SELECT count (*) FROM d", carol);
}

static void
on_step_changed_cb (OrgdeskOrganizationSetup *setup,
                    GParamSpec               *pspec,
                    Fixture                  *fixture)
{
  OrgdeskOrganizationSetupStep step = orgdesk_organization_setup_get_step (setup);

  g_array_append_val (fixture->steps, step);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *username = data != NULL ? data : "carol";

  fixture->steps = g_array_new (FALSE, FALSE, sizeof (OrgdeskOrganizationSetupStep));
  if (orgdesk_test_logto_endpoint () == NULL ||
      orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_URI") == NULL)
    return;

  fixture->carol = json_object_get_string_member (orgdesk_test_fixture_user ("carol"), "id");
  orgdesk_test_migrate_database ();
  reset_carol (fixture->carol);

  fixture->session = orgdesk_test_database_session_new (username);
  fixture->database = orgdesk_database_new (g_getenv ("ORGDESK_TEST_DATABASE_URI"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->setup != NULL)
    orgdesk_test_finalize_eventually (g_steal_pointer (&fixture->setup));
  if (fixture->session != NULL)
    orgdesk_test_finalize_eventually (g_steal_pointer (&fixture->session));
  if (fixture->database != NULL)
    orgdesk_test_finalize_eventually (g_steal_pointer (&fixture->database));
  if (fixture->carol != NULL)
    reset_carol (fixture->carol);
  g_array_unref (fixture->steps);
}

static void
start_setup (Fixture *fixture,
             guint    timeout_seconds)
{
  fixture->setup = g_object_new (ORGDESK_TYPE_ORGANIZATION_SETUP,
                                 "session", fixture->session,
                                 "database", fixture->database,
                                 "timeout-seconds", timeout_seconds,
                                 NULL);
  g_signal_connect (fixture->setup, "notify::step", G_CALLBACK (on_step_changed_cb), fixture);
}

typedef struct
{
  OrgdeskOrganizationSetup     *setup;
  OrgdeskOrganizationSetupStep  step;
} StepWait;

static gboolean
step_is (gconstpointer data)
{
  const StepWait *wait = data;

  return orgdesk_organization_setup_get_step (wait->setup) == wait->step;
}

static void
wait_for_step (Fixture                      *fixture,
               OrgdeskOrganizationSetupStep  step,
               guint                         seconds)
{
  StepWait wait = { fixture->setup, step };

  orgdesk_test_wait_for_condition (step_is, &wait, seconds);
}

static gboolean
saw_step (Fixture                      *fixture,
          OrgdeskOrganizationSetupStep  step)
{
  for (guint i = 0; i < fixture->steps->len; i++)
    if (g_array_index (fixture->steps, OrgdeskOrganizationSetupStep, i) == step)
      return TRUE;
  return FALSE;
}

static char *
carol_request_value (Fixture    *fixture,
                     const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s::text FROM orgdesk.organization_requests"
                                          " WHERE logto_user_id = $1 ORDER BY created_at DESC LIMIT 1", column);

  return orgdesk_test_database_dup_value (sql, fixture->carol);
}

static gboolean
has_database_token (gconstpointer data)
{
  OrgdeskSession *session = (OrgdeskSession *) data;

  return !orgdesk_session_get_switching (session) && orgdesk_session_get_database_token (session) != NULL;
}

/* The organization the provisioner made for carol: listed, active, named for
 * her, its database token with the write scope of her admin role. */
static void
assert_carol_in_her_organization (Fixture *fixture)
{
  g_autofree char *expected_name = NULL;
  g_autofree char *recorded = NULL;
  OrgdeskOrganization *active;
  OrgdeskTokenResponse *token;

  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session)), ==, 1);
  active = orgdesk_session_get_active_organization (fixture->session);
  g_assert_nonnull (active);
  expected_name = g_strdup_printf ("%s's organization",
                                   json_object_get_string_member (orgdesk_test_fixture_user ("carol"), "name"));
  g_assert_cmpstr (orgdesk_organization_get_name (active), ==, expected_name);

  recorded = carol_request_value (fixture, "logto_organization_id");
  g_assert_cmpstr (orgdesk_organization_get_id (active), ==, recorded);

  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);
  token = orgdesk_session_get_database_token (fixture->session);
  g_assert_cmpstr (orgdesk_token_response_get_scope (token), ==, "data:read data:write");
}

/* Signed in with no organization and a provisioner running: every step in
 * turn, a new authorization for the admin role's write scope, and done. */
static void
test_provisioned (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(OrgdeskTestProvisioner) provisioner = NULL;
  g_autofree char *status = NULL;
  guint launches;

  if (fixture->session == NULL)
    return;

  provisioner = orgdesk_test_provisioner_start (NULL);
  launches = orgdesk_test_browser_launch_count ();
  start_setup (fixture, 60);
  wait_for_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_DONE, 90);

  g_assert_null (orgdesk_organization_setup_get_error (fixture->setup));
  g_assert_cmpfloat (orgdesk_organization_setup_get_fraction (fixture->setup), ==, 1.0);
  g_assert_true (saw_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_REQUESTING));
  g_assert_true (saw_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_REFRESHING));
  /* carol's grant had data:read alone: the admin role's data:write needed one
   * authorization more, in the browser still signed in (no form). */
  g_assert_true (saw_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_AUTHORIZING));
  g_assert_cmpuint (orgdesk_test_browser_launch_count (), ==, launches + 1);

  status = carol_request_value (fixture, "status");
  g_assert_cmpstr (status, ==, "done");
  assert_carol_in_her_organization (fixture);

  /* Done stays done: nothing more is asked. */
  orgdesk_test_run_main_loop_for (1500);
  g_assert_cmpint (orgdesk_organization_setup_get_step (fixture->setup), ==, ORGDESK_ORGANIZATION_SETUP_STEP_DONE);
  {
    g_autofree char *n_requests = orgdesk_test_database_dup_value (
      "SELECT count (*) FROM orgdesk.organization_requests WHERE logto_user_id = $1", fixture->carol);

    g_assert_cmpstr (n_requests, ==, "1");
  }
}

/* No provisioner: a clear timeout, the request left open; one started later
 * and Try Again finish the same request. */
static void
test_timeout_then_retry (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(OrgdeskTestProvisioner) provisioner = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *status = NULL;
  g_autofree char *n_requests = NULL;
  const GError *error;

  if (fixture->session == NULL)
    return;

  start_setup (fixture, 2);
  wait_for_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_FAILED, 30);
  error = orgdesk_organization_setup_get_error (fixture->setup);
  g_assert_error ((GError *) error, ORGDESK_ORGANIZATION_SETUP_ERROR, ORGDESK_ORGANIZATION_SETUP_ERROR_TIMED_OUT);
  g_assert_true (saw_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_WAITING));
  /* The bar had moved on while waiting, and stays where it stopped. */
  g_assert_cmpfloat (orgdesk_organization_setup_get_fraction (fixture->setup), >, 0.2);
  g_assert_cmpfloat (orgdesk_organization_setup_get_fraction (fixture->setup), <, 0.7);

  status = carol_request_value (fixture, "status");
  g_assert_cmpstr (status, ==, "open");
  first_id = carol_request_value (fixture, "id");

  /* Failed stays failed until asked: no request of its own meanwhile. */
  orgdesk_test_run_main_loop_for (1500);
  g_assert_cmpint (orgdesk_organization_setup_get_step (fixture->setup), ==, ORGDESK_ORGANIZATION_SETUP_STEP_FAILED);

  provisioner = orgdesk_test_provisioner_start (NULL);
  orgdesk_organization_setup_set_timeout_seconds (fixture->setup, 60);
  orgdesk_organization_setup_retry (fixture->setup);
  g_assert_null (orgdesk_organization_setup_get_error (fixture->setup));
  wait_for_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_DONE, 90);
  g_assert_null (orgdesk_organization_setup_get_error (fixture->setup));

  n_requests = orgdesk_test_database_dup_value (
    "SELECT count (*) FROM orgdesk.organization_requests WHERE logto_user_id = $1", fixture->carol);
  g_assert_cmpstr (n_requests, ==, "1");
  g_clear_pointer (&status, g_free);
  status = carol_request_value (fixture, "id");
  g_assert_cmpstr (status, ==, first_id);
  assert_carol_in_her_organization (fixture);
}

/* While it waits, the provisioner's reason for trying again is shown; a
 * request it gives up on fails with Logto's reason. */
static void
test_provisioner_message_and_refusal (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *updated = NULL;
  const GError *error;

  if (fixture->session == NULL)
    return;

  start_setup (fixture, 60);
  wait_for_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_WAITING, 30);
  g_assert_null (orgdesk_organization_setup_get_provisioner_message (fixture->setup));

  /* As the provisioner records a failed attempt */
  updated = orgdesk_test_database_dup_value (
    "WITH u AS (UPDATE orgdesk.organization_requests SET attempts = 1,"
    " last_error = 'Logto answered 503 Service Unavailable'"
    " WHERE logto_user_id = $1 AND status = 'open' RETURNING 1) SELECT count (*) FROM u", fixture->carol);
  g_assert_cmpstr (updated, ==, "1");
  for (guint i = 0; i < 100 && orgdesk_organization_setup_get_provisioner_message (fixture->setup) == NULL; i++)
    orgdesk_test_run_main_loop_for (50);
  g_assert_cmpstr (orgdesk_organization_setup_get_provisioner_message (fixture->setup), ==,
                   "Logto answered 503 Service Unavailable");
  g_assert_cmpint (orgdesk_organization_setup_get_step (fixture->setup), ==, ORGDESK_ORGANIZATION_SETUP_STEP_WAITING);

  /* As the provisioner gives up on a 4xx */
  g_clear_pointer (&updated, g_free);
  updated = orgdesk_test_database_dup_value (
    "WITH u AS (UPDATE orgdesk.organization_requests SET status = 'failed', attempts = 2,"
    " last_error = 'Logto refused: the user does not exist'"
    " WHERE logto_user_id = $1 AND status = 'open' RETURNING 1) SELECT count (*) FROM u", fixture->carol);
  g_assert_cmpstr (updated, ==, "1");
  wait_for_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_FAILED, 30);
  error = orgdesk_organization_setup_get_error (fixture->setup);
  g_assert_error ((GError *) error, ORGDESK_ORGANIZATION_SETUP_ERROR, ORGDESK_ORGANIZATION_SETUP_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "Logto refused: the user does not exist");
  g_assert_null (orgdesk_organization_setup_get_provisioner_message (fixture->setup));
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session)), ==, 0);
}

/* Signing out ends the wait: back to idle, and no more reads of the request. */
static void
test_sign_out_stops (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *end_session_uri = NULL;
  guint n_steps;

  if (fixture->session == NULL)
    return;

  start_setup (fixture, 60);
  wait_for_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_WAITING, 30);

  orgdesk_session_sign_out_async (fixture->session, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_session_sign_out_finish (fixture->session, result, &end_session_uri, &error));
  g_assert_no_error (error);

  wait_for_step (fixture, ORGDESK_ORGANIZATION_SETUP_STEP_IDLE, 10);
  n_steps = fixture->steps->len;
  orgdesk_test_run_main_loop_for (2500);
  g_assert_cmpuint (fixture->steps->len, ==, n_steps);
  g_assert_null (orgdesk_organization_setup_get_error (fixture->setup));
}

/* Someone with organizations asks for nothing. */
static void
test_not_needed (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *alice = json_object_get_string_member (orgdesk_test_fixture_user ("alice"), "id");
  const char *count_sql = "SELECT count (*) FROM orgdesk.organization_requests WHERE logto_user_id = $1";
  g_autofree char *n_before = NULL;
  g_autofree char *n_requests = NULL;

  if (fixture->session == NULL)
    return;

  n_before = orgdesk_test_database_dup_value (count_sql, alice);
  start_setup (fixture, 60);
  orgdesk_test_run_main_loop_for (1500);
  g_assert_cmpint (orgdesk_organization_setup_get_step (fixture->setup), ==, ORGDESK_ORGANIZATION_SETUP_STEP_IDLE);
  g_assert_cmpuint (fixture->steps->len, ==, 0);
  n_requests = orgdesk_test_database_dup_value (count_sql, alice);
  g_assert_cmpstr (n_requests, ==, n_before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, user, func) g_test_add (path, Fixture, user, fixture_set_up, func, fixture_tear_down)
  ADD ("/orgdesk/organization-setup/provisioned", NULL, test_provisioned);
  ADD ("/orgdesk/organization-setup/timeout-then-retry", NULL, test_timeout_then_retry);
  ADD ("/orgdesk/organization-setup/provisioner-message-and-refusal", NULL, test_provisioner_message_and_refusal);
  ADD ("/orgdesk/organization-setup/sign-out-stops", NULL, test_sign_out_stops);
  ADD ("/orgdesk/organization-setup/not-needed", "alice", test_not_needed);
#undef ADD

  return g_test_run ();
}
