/* test-session.c: OrgdeskSession against the stand-in and a real keyring
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-auth-error.h"
#include "orgdesk-jwt.h"
#include "orgdesk-session.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"

static const char * const database_scopes[] = { "data:read", "data:write", NULL };

typedef struct
{
  OrgdeskTokenStore *store;
  OrgdeskSession    *session;
  GPtrArray         *errors;
  GPtrArray         *removed;
  GPtrArray         *token_organizations;   /* organization_id of every database token seen */
} Fixture;

static void
on_error_occurred_cb (OrgdeskSession *session,
                      const GError   *error,
                      Fixture        *fixture)
{
  g_ptr_array_add (fixture->errors, g_error_copy (error));
}

static void
on_organization_removed_cb (OrgdeskSession      *session,
                            OrgdeskOrganization *organization,
                            Fixture             *fixture)
{
  g_ptr_array_add (fixture->removed, g_strdup (orgdesk_organization_get_id (organization)));
}

static void
on_database_token_cb (OrgdeskSession *session,
                      GParamSpec     *pspec,
                      Fixture        *fixture)
{
  OrgdeskTokenResponse *token = orgdesk_session_get_database_token (session);
  g_autoptr(OrgdeskJwt) jwt = NULL;

  if (token == NULL)
    return;

  jwt = orgdesk_jwt_parse (orgdesk_token_response_get_access_token (token), NULL);
  g_assert_nonnull (jwt);
  g_ptr_array_add (fixture->token_organizations, g_strdup (orgdesk_jwt_get_string_claim (jwt, "organization_id")));
}

static OrgdeskSession *
new_session (Fixture    *fixture,
             const char *endpoint)
{
  g_autoptr(OrgdeskLogtoClient) client = orgdesk_logto_client_new (endpoint, ORGDESK_TEST_CLIENT_ID);
  OrgdeskSession *session;

  session = orgdesk_session_new (client, fixture->store, ORGDESK_TEST_DATABASE_RESOURCE, database_scopes);
  g_signal_connect (session, "error-occurred", G_CALLBACK (on_error_occurred_cb), fixture);
  g_signal_connect (session, "organization-removed", G_CALLBACK (on_organization_removed_cb), fixture);
  g_signal_connect (session, "notify::database-token", G_CALLBACK (on_database_token_cb), fixture);

  return session;
}

static void
clear_store (OrgdeskTokenStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_token_store_clear_async (store, NULL, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  orgdesk_token_store_clear_finish (store, result, &error);
  g_assert_no_error (error);
}

static char *
load_record (OrgdeskTokenStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *record;

  orgdesk_token_store_load_async (store, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  record = orgdesk_token_store_load_finish (store, result, NULL, &error);
  g_assert_no_error (error);

  return record;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *endpoint = orgdesk_test_logto_endpoint ();

  fixture->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  fixture->removed = g_ptr_array_new_with_free_func (g_free);
  fixture->token_organizations = g_ptr_array_new_with_free_func (g_free);

  if (endpoint == NULL || orgdesk_test_require_service ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return;

  fixture->store = orgdesk_token_store_new (endpoint, ORGDESK_TEST_CLIENT_ID);
  clear_store (fixture->store);
  fixture->session = new_session (fixture, endpoint);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->session != NULL)
    orgdesk_test_finalize_eventually (g_steal_pointer (&fixture->session));
  g_clear_object (&fixture->store);
  g_ptr_array_unref (fixture->errors);
  g_ptr_array_unref (fixture->removed);
  g_ptr_array_unref (fixture->token_organizations);
}

static gboolean
has_database_token (gconstpointer data)
{
  OrgdeskSession *session = (OrgdeskSession *) data;

  return !orgdesk_session_get_switching (session) && orgdesk_session_get_database_token (session) != NULL;
}

static gboolean
is_settled (gconstpointer data)
{
  return !orgdesk_session_get_switching ((OrgdeskSession *) data);
}

static void
sign_in (OrgdeskSession *session,
         const char     *username)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_test_use_browser_as (username);
  orgdesk_session_sign_in_async (session, NULL, NULL, orgdesk_test_store_result_cb, &result);
  g_assert_cmpint (orgdesk_session_get_state (session), ==, ORGDESK_SESSION_STATE_SIGNING_IN);
  orgdesk_test_wait_for_result (&result, 60);
  g_assert_true (orgdesk_session_sign_in_finish (session, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (orgdesk_session_get_state (session), ==, ORGDESK_SESSION_STATE_SIGNED_IN);
}

/* Alice, signed in with Acme active and its database token at hand. */
static void
sign_in_alice_to_acme (OrgdeskSession *session)
{
  orgdesk_session_set_preferred_organization_id (session, orgdesk_test_fixture_organization_of ("alice", 0, NULL));
  sign_in (session, "alice");
  orgdesk_test_wait_for_condition (has_database_token, session, 30);
}

static gboolean
resume (OrgdeskSession  *session,
        GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_session_resume_async (session, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 60);
  return orgdesk_session_resume_finish (session, result, error);
}

static const char *
organization_id_at (OrgdeskSession *session,
                    guint           position)
{
  g_autoptr(OrgdeskOrganization) organization = g_list_model_get_item (orgdesk_session_get_organizations (session), position);

  return orgdesk_organization_get_id (organization);
}

/* The refresh token the grant holds now (the tests never print it). */
static char *
current_refresh_token (OrgdeskGrant *grant)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *record = orgdesk_grant_to_record (grant);

  g_assert_true (json_parser_load_from_data (parser, record, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "refresh_token"));
}

/* The stand-in processes the next token request that spends @grant's current
 * refresh token at once, but answers it only after @seconds (or, with @drop,
 * closes the connection instead).  Returns the hold's id. */
static gint64
hold_next_token_response (OrgdeskGrant *grant,
                          double        seconds,
                          gboolean      drop)
{
  g_autofree char *refresh_token = current_refresh_token (grant);

  return orgdesk_test_hold_token_response (refresh_token, seconds, drop);
}

/* How many token requests spending the held refresh token reached the stand-in. */
static gint64
token_requests_seen (gint64 hold)
{
  gint64 seen, held;

  orgdesk_test_token_hold_counts (hold, &seen, &held);
  return seen;
}

static void
wait_for_token_request (gint64 hold)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (token_requests_seen (hold) < 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (20 * 1000);
    }
}

/* Runs the main loop for @ms, so that anything late has its chance. */
static void
spin_main_loop (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10 * 1000);
    }
}

static gboolean
grant_is_idle (gconstpointer data)
{
  return !orgdesk_grant_get_busy ((OrgdeskGrant *) data);
}

static void
sign_out (OrgdeskSession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_session_sign_out_async (session, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 60);
  g_assert_true (orgdesk_session_sign_out_finish (session, result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (orgdesk_session_get_state (session), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);
}

static void
test_sign_in_and_resume (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(OrgdeskSession) resumed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  OrgdeskOrganization *active;
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  guint launches;
  gint64 started;

  if (fixture->session == NULL)
    return;

  orgdesk_session_set_preferred_organization_id (fixture->session, orgdesk_test_fixture_organization_of ("alice", 1, NULL));
  sign_in (fixture->session, "alice");

  g_assert_cmpstr (orgdesk_user_get_display_name (orgdesk_session_get_user (fixture->session)), ==, "Alice Example");
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session)), ==, 2);
  /* The remembered organization wins over the first one. */
  active = orgdesk_session_get_active_organization (fixture->session);
  g_assert_cmpstr (orgdesk_organization_get_id (active), ==, orgdesk_test_fixture_organization_of ("alice", 1, NULL));
  g_assert_cmpstr (orgdesk_organization_get_name (active), ==, "Globex");
  g_assert_cmpstrv (orgdesk_organization_get_roles (active), ((const char *[]) { "member", NULL }));

  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);
  g_assert_cmpstr (g_ptr_array_index (fixture->token_organizations, 0), ==, orgdesk_organization_get_id (active));
  g_assert_true (orgdesk_session_get_persistent (fixture->session));

  /* The keyring holds the current refresh token, nothing stale. */
  record = load_record (fixture->store);
  g_assert_nonnull (record);
  {
    g_autofree char *expected = orgdesk_grant_to_record (orgdesk_session_get_grant (fixture->session));
    /* Compared without printing: the record holds tokens. */
    g_assert_true (g_str_equal (record, expected));
  }

  g_assert_cmpuint (fixture->errors->len, ==, 0);
  orgdesk_test_finalize_eventually (g_steal_pointer (&fixture->session));

  /* A new start: no browser, the same account and organizations. */
  launches = orgdesk_test_browser_launch_count ();
  resumed = new_session (fixture, orgdesk_test_logto_endpoint ());
  orgdesk_session_set_preferred_organization_id (resumed, acme);
  started = g_get_monotonic_time ();
  g_assert_true (resume (resumed, &error));
  g_assert_no_error (error);
  g_test_message ("resume from the keyring to a signed-in session: %.0f ms",
                  (g_get_monotonic_time () - started) / 1000.0);
  g_assert_cmpint (orgdesk_session_get_state (resumed), ==, ORGDESK_SESSION_STATE_SIGNED_IN);
  g_assert_false (orgdesk_session_get_offline (resumed));
  g_assert_cmpuint (orgdesk_test_browser_launch_count (), ==, launches);
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (resumed)), ==, 2);
  g_assert_cmpstr (orgdesk_organization_get_id (orgdesk_session_get_active_organization (resumed)), ==, acme);
  orgdesk_test_wait_for_condition (has_database_token, resumed, 30);

  g_signal_handlers_disconnect_by_data (resumed, fixture);
  orgdesk_test_finalize_eventually (g_steal_pointer (&resumed));
}

static void
test_switch_organization (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  OrgdeskTokenResponse *token;
  g_autoptr(OrgdeskJwt) jwt = NULL;

  if (fixture->session == NULL)
    return;

  orgdesk_session_set_preferred_organization_id (fixture->session, acme);
  sign_in (fixture->session, "alice");
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);

  /* Only organizations from the session's own list can become active. */
  g_assert_false (orgdesk_session_set_active_organization_id (fixture->session, orgdesk_test_fixture_organization_of ("bob", 0, NULL)));
  g_assert_false (orgdesk_session_set_active_organization_id (fixture->session, "'; DROP TABLE posts; --"));
  g_assert_cmpstr (orgdesk_organization_get_id (orgdesk_session_get_active_organization (fixture->session)), ==, acme);

  /* Switch twice before the first token arrives: only the last one is kept. */
  g_ptr_array_set_size (fixture->token_organizations, 0);
  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, globex));
  g_assert_true (orgdesk_session_get_switching (fixture->session));
  g_assert_null (orgdesk_session_get_database_token (fixture->session));
  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, acme));
  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, globex));
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);

  token = orgdesk_session_get_database_token (fixture->session);
  jwt = orgdesk_jwt_parse (orgdesk_token_response_get_access_token (token), NULL);
  g_assert_cmpstr (orgdesk_jwt_get_string_claim (jwt, "organization_id"), ==, globex);
  g_assert_cmpstr (orgdesk_token_response_get_scope (token), ==, "data:read");
  for (guint i = 0; i < fixture->token_organizations->len; i++)
    g_assert_cmpstr (g_ptr_array_index (fixture->token_organizations, i), ==, globex);

  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* Switch (a refresh on the wire, answered late), then sign out: the late answer's
 * rotated token is neither adopted nor written back, and sign-out waits for it. */
static void
test_sign_out_during_refresh (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(OrgdeskSession) restarted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *record = NULL;
  gboolean idle_at_sign_out;
  gint64 hold, started;

  if (fixture->session == NULL)
    return;

  sign_in_alice_to_acme (fixture->session);
  client = g_object_ref (orgdesk_session_get_client (fixture->session));
  grant = g_object_ref (orgdesk_session_get_grant (fixture->session));
  refresh_token = current_refresh_token (grant);

  hold = hold_next_token_response (grant, 1.5, FALSE);
  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, orgdesk_test_fixture_organization_of ("alice", 1, NULL)));
  wait_for_token_request (hold);

  started = g_get_monotonic_time ();
  sign_out (fixture->session);
  g_test_message ("sign-out with a refresh on the wire took %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
  idle_at_sign_out = !orgdesk_grant_get_busy (grant);

  /* Whatever comes late has come by now; none of it was written back. */
  spin_main_loop (2000);
  record = load_record (fixture->store);
  g_assert_null (record);
  /* Sign-out waited for the answer rather than leave it to land afterwards. */
  g_assert_true (idle_at_sign_out);
  g_assert_false (orgdesk_grant_get_valid (grant));
  g_assert_false (orgdesk_test_token_is_active (client, refresh_token));
  g_assert_null (orgdesk_session_get_database_token (fixture->session));
  g_assert_cmpint (orgdesk_session_get_state (fixture->session), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);
  g_assert_cmpuint (fixture->errors->len, ==, 0);

  /* The next start finds nobody signed in, online or offline. */
  restarted = new_session (fixture, orgdesk_test_logto_endpoint ());
  g_assert_false (resume (restarted, &error));
  g_assert_no_error (error);
  g_assert_cmpint (orgdesk_session_get_state (restarted), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);
  g_signal_handlers_disconnect_by_data (restarted, fixture);
}

/* Port 9 (discard) on loopback: nothing answers. */
#define UNREACHABLE_ENDPOINT "http://127.0.0.1:9"

/* What an earlier run left in the keyring for a Logto that is now unreachable:
 * @subject's record with @userinfo as the profile to start offline with. */
static void
save_unreachable_account (const char          *subject,
                          const char          *userinfo,
                          OrgdeskLogtoClient **client,
                          OrgdeskTokenStore  **store)
{
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  *client = orgdesk_logto_client_new (UNREACHABLE_ENDPOINT, ORGDESK_TEST_CLIENT_ID);
  *store = orgdesk_token_store_new (UNREACHABLE_ENDPOINT, ORGDESK_TEST_CLIENT_ID);
  grant = orgdesk_grant_new (*client, *store, subject, "saved-refresh-token", NULL);
  g_assert_true (json_parser_load_from_data (parser, userinfo, -1, NULL));
  orgdesk_grant_set_resume_data (grant, json_node_get_object (json_parser_get_root (parser)));
  orgdesk_grant_save_async (grant, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_grant_save_finish (grant, result, &error));
}

/* Keyring writes under way when sign-out deletes the item must not bring it back.
 * Offline (Logto refuses at once), the deletion comes right after sign-out starts. */
static void
test_sign_out_during_keyring_write (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(OrgdeskLogtoClient) dead_client = NULL;
  g_autoptr(OrgdeskTokenStore) dead_store = NULL;
  g_autoptr(OrgdeskSession) session = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  /* Enough writes that some are still on their way when the deletion comes. */
  GAsyncResult *slots[50] = { NULL, };

  if (fixture->session == NULL)
    return;

  save_unreachable_account ("keyring-writer", "{\"sub\":\"keyring-writer\",\"name\":\"Kim\",\"organization_data\":[]}",
                            &dead_client, &dead_store);

  session = orgdesk_session_new (dead_client, dead_store, ORGDESK_TEST_DATABASE_RESOURCE, database_scopes);
  g_assert_true (resume (session, &error));
  g_assert_no_error (error);
  g_assert_true (orgdesk_session_get_offline (session));
  grant = g_object_ref (orgdesk_session_get_grant (session));

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    orgdesk_grant_save_async (grant, NULL, orgdesk_test_store_result_cb, &slots[i]);
  sign_out (session);

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autoptr(GError) save_error = NULL;

      orgdesk_test_wait_for_result (&slots[i], 30);
      /* Each write either happened before the deletion or was refused. */
      if (!orgdesk_grant_save_finish (grant, slots[i], &save_error))
        g_assert_error (save_error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);
      g_clear_object (&slots[i]);
    }

  spin_main_loop (500);
  g_clear_object (&result);
  orgdesk_token_store_load_async (dead_store, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  record = orgdesk_token_store_load_finish (dead_store, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (record);
  g_assert_false (orgdesk_grant_get_busy (grant));
}

/* Sign-out in the same turn as a token request: the request ends with an error
 * instead of hanging (the grant was stuck busy for ever). */
static void
test_sign_out_during_token_request (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(OrgdeskGrant) grant = NULL;

  if (fixture->session == NULL)
    return;

  sign_in_alice_to_acme (fixture->session);
  grant = g_object_ref (orgdesk_session_get_grant (fixture->session));

  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, orgdesk_test_fixture_organization_of ("alice", 1, NULL)));
  g_assert_true (orgdesk_grant_get_busy (grant));
  sign_out (fixture->session);

  orgdesk_test_wait_for_condition (grant_is_idle, grant, 10);
  g_assert_false (orgdesk_session_get_switching (fixture->session));
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* Reconnect and sign-out together: both finish (app.reconnect was disabled for
 * ever when the reconnect never called back). */
static void
test_reconnect_then_sign_out (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GAsyncResult) reconnected = NULL;
  g_autoptr(GAsyncResult) signed_out = NULL;
  g_autoptr(GAsyncResult) again = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->session == NULL)
    return;

  sign_in (fixture->session, "alice");
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);

  /* Sign out while the reconnect's refresh is being sent. */
  orgdesk_session_reconnect_async (fixture->session, NULL, orgdesk_test_store_result_cb, &reconnected);
  while (!orgdesk_grant_get_busy (orgdesk_session_get_grant (fixture->session)))
    g_main_context_iteration (NULL, TRUE);
  orgdesk_session_sign_out_async (fixture->session, NULL, orgdesk_test_store_result_cb, &signed_out);
  /* A reconnect asked for while signing out is refused at once. */
  orgdesk_session_reconnect_async (fixture->session, NULL, orgdesk_test_store_result_cb, &again);

  orgdesk_test_wait_for_result (&signed_out, 30);
  g_assert_true (orgdesk_session_sign_out_finish (fixture->session, signed_out, NULL, &error));
  g_assert_no_error (error);
  orgdesk_test_wait_for_result (&reconnected, 30);
  if (!orgdesk_session_reconnect_finish (fixture->session, reconnected, &error))
    g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);
  g_clear_error (&error);
  orgdesk_test_wait_for_result (&again, 30);
  g_assert_false (orgdesk_session_reconnect_finish (fixture->session, again, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);

  g_assert_cmpint (orgdesk_session_get_state (fixture->session), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);
  g_assert_null (orgdesk_session_get_user (fixture->session));
}

/* A refresh that Logto processed but answered too late: no blind retry (it would
 * replay the spent token after the reuse window and make Logto end the grant). */
static void
test_refresh_timeout_keeps_session (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *record = NULL;
  const GError *reported;
  gint64 hold;

  if (fixture->session == NULL)
    return;

  sign_in_alice_to_acme (fixture->session);
  /* Longer than the 3 s reuse window, shorter than the hold. */
  orgdesk_logto_client_set_timeout (orgdesk_session_get_client (fixture->session), 4);

  hold = hold_next_token_response (orgdesk_session_get_grant (fixture->session), 6, FALSE);
  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, orgdesk_test_fixture_organization_of ("alice", 1, NULL)));
  orgdesk_test_wait_for_condition (is_settled, fixture->session, 30);

  /* The spent token was sent once: no retry after the reuse window. */
  g_assert_cmpint (token_requests_seen (hold), ==, 1);
  g_assert_cmpint (orgdesk_session_get_state (fixture->session), ==, ORGDESK_SESSION_STATE_SIGNED_IN);
  g_assert_true (orgdesk_session_get_offline (fixture->session));
  g_assert_true (orgdesk_grant_get_valid (orgdesk_session_get_grant (fixture->session)));
  g_assert_cmpuint (fixture->errors->len, ==, 1);
  reported = g_ptr_array_index (fixture->errors, 0);
  g_assert_true (orgdesk_auth_error_is_network (reported));
  record = load_record (fixture->store);
  g_assert_nonnull (record);
}

/* A failure that comes at once, inside Logto's reuse window, is retried once
 * with the same token, and the rotation is recovered. */
static void
test_refresh_dropped_is_retried (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 hold;

  if (fixture->session == NULL)
    return;

  sign_in_alice_to_acme (fixture->session);
  before = current_refresh_token (orgdesk_session_get_grant (fixture->session));

  hold = hold_next_token_response (orgdesk_session_get_grant (fixture->session), 0, TRUE);
  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, orgdesk_test_fixture_organization_of ("alice", 1, NULL)));
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);

  /* The same token twice: the dropped attempt and its retry. */
  g_assert_cmpint (token_requests_seen (hold), ==, 2);
  after = current_refresh_token (orgdesk_session_get_grant (fixture->session));
  g_assert_false (g_str_equal (before, after));
  g_assert_false (orgdesk_session_get_offline (fixture->session));
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

static void
test_no_organizations (Fixture       *fixture,
                       gconstpointer  data)
{
  if (fixture->session == NULL)
    return;

  sign_in (fixture->session, "carol");
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session)), ==, 0);
  g_assert_null (orgdesk_session_get_active_organization (fixture->session));
  g_assert_false (orgdesk_session_get_switching (fixture->session));
  g_assert_null (orgdesk_session_get_database_token (fixture->session));
}

static void
test_sign_out (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *end_session_uri = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *record = NULL;
  g_autoptr(OrgdeskLogtoClient) client = NULL;

  if (fixture->session == NULL)
    return;

  sign_in (fixture->session, "bob");
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);
  client = g_object_ref (orgdesk_session_get_client (fixture->session));
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autofree char *current = orgdesk_grant_to_record (orgdesk_session_get_grant (fixture->session));

    json_parser_load_from_data (parser, current, -1, NULL);
    refresh_token = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "refresh_token"));
  }
  g_assert_true (orgdesk_test_token_is_active (client, refresh_token));

  orgdesk_session_sign_out_async (fixture->session, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_session_sign_out_finish (fixture->session, result, &end_session_uri, &error));
  g_assert_no_error (error);

  g_assert_cmpint (orgdesk_session_get_state (fixture->session), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);
  g_assert_null (orgdesk_session_get_user (fixture->session));
  g_assert_null (orgdesk_session_get_active_organization (fixture->session));
  g_assert_null (orgdesk_session_get_database_token (fixture->session));
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session)), ==, 0);

  record = load_record (fixture->store);
  g_assert_null (record);
  g_assert_false (orgdesk_test_token_is_active (client, refresh_token));

  g_assert_nonnull (end_session_uri);
  g_assert_nonnull (strstr (end_session_uri, "/oidc/session/end?id_token_hint="));
  g_assert_nonnull (strstr (end_session_uri, "client_id=" ORGDESK_TEST_CLIENT_ID));
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

static void
test_membership_removed (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *dave_id = json_object_get_string_member (orgdesk_test_fixture_user ("dave"), "id");
  g_autofree char *body = NULL;
  g_autofree char *lost = NULL;
  g_autoptr(JsonObject) answer = NULL;
  guint before;

  if (fixture->session == NULL)
    return;

  sign_in (fixture->session, "dave");
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);
  before = g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session));
  g_assert_cmpuint (before, >=, 60);

  lost = g_strdup (organization_id_at (fixture->session, 5));
  body = g_strdup_printf ("{\"userId\":\"%s\",\"organizationId\":\"%s\"}", dave_id, lost);
  answer = orgdesk_test_stand_in_call ("POST", "/__test/memberships/remove", body);

  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, lost));
  orgdesk_test_wait_for_condition (is_settled, fixture->session, 30);

  g_assert_cmpuint (fixture->removed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->removed, 0), ==, lost);
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session)), ==, before - 1);
  g_assert_null (orgdesk_session_find_organization (fixture->session, lost, NULL));
  g_assert_nonnull (orgdesk_session_get_active_organization (fixture->session));
  g_assert_cmpstr (orgdesk_organization_get_id (orgdesk_session_get_active_organization (fixture->session)), !=, lost);
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);

  g_clear_pointer (&answer, json_object_unref);
  answer = orgdesk_test_stand_in_call ("POST", "/__test/memberships/add", body);
}

static void
test_grant_revoked_elsewhere (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  g_autofree char *refresh_token = NULL;

  if (fixture->session == NULL)
    return;

  sign_in_alice_to_acme (fixture->session);
  client = g_object_ref (orgdesk_session_get_client (fixture->session));

  /* Someone ends the grant (an admin, another device's sign-out). */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autofree char *current = orgdesk_grant_to_record (orgdesk_session_get_grant (fixture->session));

    json_parser_load_from_data (parser, current, -1, NULL);
    refresh_token = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "refresh_token"));
  }
  orgdesk_logto_client_revoke_async (client, refresh_token, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_logto_client_revoke_finish (client, result, &error));

  /* The next token request finds out: signed out, told why, keyring cleaned. */
  g_assert_true (orgdesk_session_set_active_organization_id (fixture->session, orgdesk_test_fixture_organization_of ("alice", 1, NULL)));
  orgdesk_test_wait_for_condition (is_settled, fixture->session, 30);

  g_assert_cmpint (orgdesk_session_get_state (fixture->session), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);
  g_assert_cmpuint (fixture->errors->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (fixture->errors, 0), ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);

  /* The keyring item is removed asynchronously; give it a moment. */
  for (guint i = 0; i < 50 && (record = load_record (fixture->store)) != NULL; i++)
    {
      g_clear_pointer (&record, g_free);
      g_usleep (100 * 1000);
    }
  g_assert_null (record);
}

static void
test_cancel_sign_in (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GUri) authorization = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GUri) redirect = NULL;
  OrgdeskSignIn *attempt;

  if (fixture->session == NULL)
    return;

  /* A wrong password: the browser never comes back, as when a user walks away. */
  orgdesk_test_use_browser_as ("alice");
  g_setenv ("ORGDESK_TEST_PASSWORD", "not-the-password", TRUE);
  orgdesk_session_sign_in_async (fixture->session, NULL, NULL, orgdesk_test_store_result_cb, &result);
  attempt = orgdesk_session_get_sign_in (fixture->session);
  g_assert_nonnull (attempt);
  while (orgdesk_sign_in_get_authorization_uri (attempt) == NULL)
    g_main_context_iteration (NULL, TRUE);

  authorization = g_uri_parse (orgdesk_sign_in_get_authorization_uri (attempt), G_URI_FLAGS_ENCODED_QUERY, NULL);
  params = g_uri_parse_params (g_uri_get_query (authorization), -1, "&", G_URI_PARAMS_NONE, NULL);
  redirect = g_uri_parse (g_hash_table_lookup (params, "redirect_uri"), G_URI_FLAGS_NONE, NULL);
  g_assert_cmpstr (g_uri_get_host (redirect), ==, "127.0.0.1");

  orgdesk_session_cancel_sign_in (fixture->session);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_false (orgdesk_session_sign_in_finish (fixture->session, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (orgdesk_session_get_state (fixture->session), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);
  g_assert_null (orgdesk_session_get_sign_in (fixture->session));
  g_clear_error (&error);

  /* The loopback port is closed again. */
  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", g_uri_get_port (redirect), NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_offline_start (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(OrgdeskLogtoClient) dead_client = NULL;
  g_autoptr(OrgdeskTokenStore) dead_store = NULL;
  g_autoptr(OrgdeskSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *userinfo = "{\"sub\":\"l8za4p7ilvu0\",\"name\":\"Alice Example\",\"email\":\"alice@example.test\","
                         "\"organization_roles\":[\"orga:admin\"],"
                         "\"organization_data\":[{\"id\":\"orga\",\"name\":\"Acme Corporation\",\"description\":\"\"},"
                         "{\"id\":\"orgb\",\"name\":\"Globex\",\"description\":\"Widgets\"}]}";

  if (fixture->session == NULL)
    return;

  save_unreachable_account ("l8za4p7ilvu0", userinfo, &dead_client, &dead_store);

  session = orgdesk_session_new (dead_client, dead_store, ORGDESK_TEST_DATABASE_RESOURCE, database_scopes);
  g_signal_connect (session, "error-occurred", G_CALLBACK (on_error_occurred_cb), fixture);
  orgdesk_session_set_preferred_organization_id (session, "orgb");
  g_assert_true (resume (session, &error));
  g_assert_no_error (error);

  g_assert_cmpint (orgdesk_session_get_state (session), ==, ORGDESK_SESSION_STATE_SIGNED_IN);
  g_assert_true (orgdesk_session_get_offline (session));
  g_assert_cmpstr (orgdesk_user_get_display_name (orgdesk_session_get_user (session)), ==, "Alice Example");
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (session)), ==, 2);
  g_assert_cmpstr (orgdesk_organization_get_name (orgdesk_session_get_active_organization (session)), ==, "Globex");
  orgdesk_test_wait_for_condition (is_settled, session, 30);
  /* Said once, though the refresh and the database token both failed. */
  g_assert_cmpuint (fixture->errors->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (fixture->errors, 0), ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNREACHABLE);

  /* The saved sign-in survives an offline start. */
  g_clear_object (&result);
  orgdesk_token_store_load_async (dead_store, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  {
    g_autofree char *record = orgdesk_token_store_load_finish (dead_store, result, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (record);
    g_assert_nonnull (strstr (record, "saved-refresh-token"));
  }

  clear_store (dead_store);
  g_signal_handlers_disconnect_by_data (session, fixture);
}

/* Runs in a subprocess on a private bus that has no Secret Service at all. */
static void
keyring_unavailable_child (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenStore) store = NULL;
  g_autoptr(OrgdeskSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fixture = { 0 };

  g_test_dbus_up (bus);
  fixture.errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  fixture.removed = g_ptr_array_new_with_free_func (g_free);
  fixture.token_organizations = g_ptr_array_new_with_free_func (g_free);

  client = orgdesk_logto_client_new (orgdesk_test_logto_endpoint (), ORGDESK_TEST_CLIENT_ID);
  store = orgdesk_token_store_new (orgdesk_test_logto_endpoint (), ORGDESK_TEST_CLIENT_ID);
  session = orgdesk_session_new (client, store, ORGDESK_TEST_DATABASE_RESOURCE, database_scopes);
  g_signal_connect (session, "error-occurred", G_CALLBACK (on_error_occurred_cb), &fixture);

  /* Start-up: nothing to resume, and the user is told why. */
  g_assert_false (resume (session, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE);
  g_assert_cmpint (orgdesk_session_get_state (session), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);
  g_clear_error (&error);

  /* Signing in still works, for this run only. */
  sign_in (session, "alice");
  orgdesk_test_wait_for_condition (has_database_token, session, 30);
  g_assert_false (orgdesk_session_get_persistent (session));
  g_assert_cmpuint (fixture.errors->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (fixture.errors, 0), ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE);

  /* Sign-out still revokes; the missing keyring is reported, not fatal. */
  orgdesk_session_sign_out_async (session, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  orgdesk_session_sign_out_finish (session, result, NULL, NULL);
  g_assert_cmpint (orgdesk_session_get_state (session), ==, ORGDESK_SESSION_STATE_SIGNED_OUT);

  g_signal_handlers_disconnect_by_data (session, &fixture);
  g_ptr_array_unref (fixture.errors);
  g_ptr_array_unref (fixture.removed);
  g_ptr_array_unref (fixture.token_organizations);
  g_clear_object (&session);
  g_clear_object (&store);
  g_test_dbus_down (bus);
}

static void
test_keyring_unavailable (void)
{
  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  if (g_test_subprocess ())
    {
      keyring_unavailable_child ();
      return;
    }

  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Database tokens for the data layer {{{ */

static OrgdeskTokenResponse *
request_database_token (OrgdeskSession  *session,
                        const char      *organization_id,
                        GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_session_request_database_token_async (session, organization_id, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_session_request_database_token_finish (session, result, error);
}

static OrgdeskJwt *
parse_access_token (OrgdeskTokenResponse *token)
{
  OrgdeskJwt *jwt = orgdesk_jwt_parse (orgdesk_token_response_get_access_token (token), NULL);

  g_assert_nonnull (jwt);
  return jwt;
}

/* Tokens for any organization of the session, or user-level ones, through the
 * grant's cache: the active organization's is the session's database token. */
static void
test_database_tokens (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  const char *alice_id = json_object_get_string_member (orgdesk_test_fixture_user ("alice"), "id");
  g_autoptr(OrgdeskTokenResponse) acme_token = NULL;
  g_autoptr(OrgdeskTokenResponse) acme_again = NULL;
  g_autoptr(OrgdeskTokenResponse) user_token = NULL;
  g_autoptr(OrgdeskTokenResponse) globex_token = NULL;
  g_autoptr(OrgdeskTokenResponse) denied = NULL;
  g_autoptr(OrgdeskJwt) jwt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) answer = NULL;

  if (fixture->session == NULL)
    return;

  /* Signed out */
  g_assert_null (request_database_token (fixture->session, acme, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);
  g_clear_error (&error);

  sign_in_alice_to_acme (fixture->session);

  /* The active organization's: the one the session holds */
  acme_token = request_database_token (fixture->session, acme, &error);
  g_assert_no_error (error);
  g_assert_true (acme_token == orgdesk_session_get_database_token (fixture->session));

  /* User-level: the database resource, no organization */
  user_token = request_database_token (fixture->session, NULL, &error);
  g_assert_no_error (error);
  jwt = parse_access_token (user_token);
  g_assert_cmpstr (orgdesk_jwt_get_string_claim (jwt, "aud"), ==, ORGDESK_TEST_DATABASE_RESOURCE);
  g_assert_cmpstr (orgdesk_jwt_get_string_claim (jwt, "sub"), ==, alice_id);
  g_assert_null (orgdesk_jwt_get_string_claim (jwt, "organization_id"));
  g_clear_object (&jwt);

  /* Another organization's: the session's own token stays Acme's */
  globex_token = request_database_token (fixture->session, globex, &error);
  g_assert_no_error (error);
  jwt = parse_access_token (globex_token);
  g_assert_cmpstr (orgdesk_jwt_get_string_claim (jwt, "organization_id"), ==, globex);
  g_clear_object (&jwt);
  g_assert_true (orgdesk_session_get_database_token (fixture->session) == acme_token);

  /* A refused token is dropped; its replacement is the session's token now */
  orgdesk_session_forget_database_token (fixture->session, acme, acme_token);
  acme_again = request_database_token (fixture->session, acme, &error);
  g_assert_no_error (error);
  g_assert_true (acme_again != acme_token);
  g_assert_true (orgdesk_session_get_database_token (fixture->session) == acme_again);

  /* Membership removed at Logto: the request fails and the organization goes,
   * as on a switch to it */
  body = g_strdup_printf ("{\"userId\":\"%s\",\"organizationId\":\"%s\"}", alice_id, globex);
  answer = orgdesk_test_stand_in_call ("POST", "/__test/memberships/remove", body);
  orgdesk_grant_forget_organization (orgdesk_session_get_grant (fixture->session), globex);
  denied = request_database_token (fixture->session, globex, &error);
  g_clear_pointer (&answer, json_object_unref);
  answer = orgdesk_test_stand_in_call ("POST", "/__test/memberships/add", body);
  g_assert_null (denied);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_ACCESS_DENIED);
  g_clear_error (&error);
  g_assert_cmpuint (fixture->removed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->removed, 0), ==, globex);
  g_assert_null (orgdesk_session_find_organization (fixture->session, globex, NULL));
  g_assert_cmpstr (orgdesk_organization_get_id (orgdesk_session_get_active_organization (fixture->session)), ==, acme);

  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* carol joins bob's organization as its admin after she signed in, as the
 * provisioner makes her the admin of a new one: a refresh lists it, but its
 * database token has only the scopes her grant had when she signed in.  A new
 * authorization (the same browser: no form) brings data:write, replaces the
 * grant without revoking the old refresh token (the same grant at Logto), and
 * the keyring keeps the new one. */
static void
test_authorize_again (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *carol_id = json_object_get_string_member (orgdesk_test_fixture_user ("carol"), "id");
  const char *organization_id = orgdesk_test_fixture_organization_of ("bob", 0, NULL);
  g_autofree char *body = NULL;
  g_autofree char *old_refresh_token = NULL;
  g_autofree char *new_refresh_token = NULL;
  g_autofree char *record = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(OrgdeskGrant) old_grant = NULL;
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskTokenResponse *token;
  guint launches;

  if (fixture->session == NULL)
    return;

  body = g_strdup_printf ("{\"userId\":\"%s\",\"organizationId\":\"%s\",\"roles\":[\"admin\"]}",
                          carol_id, organization_id);
  g_clear_pointer (&answer, json_object_unref);
  answer = orgdesk_test_stand_in_call ("POST", "/__test/memberships/remove", body);

  sign_in (fixture->session, "carol");
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session)), ==, 0);
  client = g_object_ref (orgdesk_session_get_client (fixture->session));

  g_clear_pointer (&answer, json_object_unref);
  answer = orgdesk_test_stand_in_call ("POST", "/__test/memberships/add", body);
  orgdesk_session_reconnect_async (fixture->session, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_session_reconnect_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (orgdesk_session_get_organizations (fixture->session)), ==, 1);
  g_assert_cmpstr (orgdesk_organization_get_id (orgdesk_session_get_active_organization (fixture->session)), ==, organization_id);
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);
  g_assert_cmpstr (orgdesk_token_response_get_scope (orgdesk_session_get_database_token (fixture->session)), ==, "data:read");

  old_grant = g_object_ref (orgdesk_session_get_grant (fixture->session));
  old_refresh_token = current_refresh_token (old_grant);
  launches = orgdesk_test_browser_launch_count ();

  orgdesk_session_authorize_again_async (fixture->session, NULL, NULL, orgdesk_test_store_result_cb, &result);
  /* Signed in all along; the attempt is there for the UI's copy-link. */
  g_assert_cmpint (orgdesk_session_get_state (fixture->session), ==, ORGDESK_SESSION_STATE_SIGNED_IN);
  g_assert_nonnull (orgdesk_session_get_sign_in (fixture->session));
  orgdesk_test_wait_for_result (&result, 60);
  g_assert_true (orgdesk_session_authorize_again_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  g_assert_null (orgdesk_session_get_sign_in (fixture->session));
  g_assert_cmpuint (orgdesk_test_browser_launch_count (), ==, launches + 1);

  g_assert_true (orgdesk_session_get_grant (fixture->session) != old_grant);
  g_assert_false (orgdesk_grant_get_valid (old_grant));
  g_assert_cmpstr (orgdesk_grant_get_subject (orgdesk_session_get_grant (fixture->session)), ==, carol_id);
  g_assert_cmpstr (orgdesk_organization_get_id (orgdesk_session_get_active_organization (fixture->session)), ==, organization_id);
  orgdesk_test_wait_for_condition (has_database_token, fixture->session, 30);
  token = orgdesk_session_get_database_token (fixture->session);
  g_assert_cmpstr (orgdesk_token_response_get_scope (token), ==, "data:read data:write");

  /* Both tokens are the browser session's grant at Logto: the old one was
   * dropped, not revoked (that would have ended the new one too). */
  new_refresh_token = current_refresh_token (orgdesk_session_get_grant (fixture->session));
  g_assert_cmpstr (new_refresh_token, !=, old_refresh_token);
  g_assert_true (orgdesk_test_token_is_active (client, new_refresh_token));

  /* The keyring has the new grant's token (the old grant wrote nothing after) */
  orgdesk_test_wait_for_condition (grant_is_idle, old_grant, 30);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *current = current_refresh_token (orgdesk_session_get_grant (fixture->session));

      g_clear_pointer (&record, g_free);
      record = load_record (fixture->store);
      if (record != NULL && strstr (record, current) != NULL)
        break;
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
    }
  g_assert_nonnull (record);
  g_assert_null (strstr (record, old_refresh_token));
  {
    g_autofree char *current = current_refresh_token (orgdesk_session_get_grant (fixture->session));

    g_assert_nonnull (strstr (record, current));
  }
  g_assert_cmpuint (fixture->errors->len, ==, 0);

  g_clear_pointer (&answer, json_object_unref);
  answer = orgdesk_test_stand_in_call ("POST", "/__test/memberships/remove", body);
}

/* Without a database resource there is no database token to get. */
static void
test_database_token_not_configured (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskSession) session = NULL;
  g_autoptr(OrgdeskTokenResponse) token = NULL;
  g_autoptr(GError) error = NULL;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_logto_client_new (orgdesk_test_logto_endpoint (), ORGDESK_TEST_CLIENT_ID);
  session = orgdesk_session_new (client, NULL, NULL, NULL);
  sign_in (session, "alice");
  token = request_database_token (session, orgdesk_test_fixture_organization_of ("alice", 0, NULL), &error);
  g_assert_null (token);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_NOT_CONFIGURED);
  orgdesk_test_finalize_eventually (g_steal_pointer (&session));
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/orgdesk/session/sign-in-and-resume", test_sign_in_and_resume);
  ADD ("/orgdesk/session/switch-organization", test_switch_organization);
  ADD ("/orgdesk/session/no-organizations", test_no_organizations);
  ADD ("/orgdesk/session/sign-out", test_sign_out);
  ADD ("/orgdesk/session/sign-out-during-refresh", test_sign_out_during_refresh);
  ADD ("/orgdesk/session/sign-out-during-keyring-write", test_sign_out_during_keyring_write);
  ADD ("/orgdesk/session/sign-out-during-token-request", test_sign_out_during_token_request);
  ADD ("/orgdesk/session/reconnect-then-sign-out", test_reconnect_then_sign_out);
  ADD ("/orgdesk/session/refresh-timeout-keeps-session", test_refresh_timeout_keeps_session);
  ADD ("/orgdesk/session/refresh-dropped-is-retried", test_refresh_dropped_is_retried);
  ADD ("/orgdesk/session/membership-removed", test_membership_removed);
  ADD ("/orgdesk/session/grant-revoked-elsewhere", test_grant_revoked_elsewhere);
  ADD ("/orgdesk/session/cancel-sign-in", test_cancel_sign_in);
  ADD ("/orgdesk/session/offline-start", test_offline_start);
  ADD ("/orgdesk/session/database-tokens", test_database_tokens);
  ADD ("/orgdesk/session/authorize-again", test_authorize_again);
#undef ADD
  g_test_add_func ("/orgdesk/session/keyring-unavailable", test_keyring_unavailable);
  g_test_add_func ("/orgdesk/session/database-token-not-configured", test_database_token_not_configured);

  return g_test_run ();
}
