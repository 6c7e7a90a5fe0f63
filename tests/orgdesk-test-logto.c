/* orgdesk-test-logto.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"

const char *
orgdesk_test_logto_endpoint (void)
{
  return orgdesk_test_require_service ("ORGDESK_TEST_LOGTO_ENDPOINT");
}

static JsonObject *
fixtures (void)
{
  static JsonParser *parser;

  if (parser == NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("ORGDESK_TEST_SRCDIR"), "logto-stand-in", "fixtures.json", NULL);
      g_autoptr(GError) error = NULL;

      parser = json_parser_new ();
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
    }

  return json_node_get_object (json_parser_get_root (parser));
}

/**
 * orgdesk_test_fixture_user:
 * @username: "alice", "bob", …
 *
 * Returns: (transfer none): the user's entry in the stand-in's fixture
 */
JsonObject *
orgdesk_test_fixture_user (const char *username)
{
  JsonArray *users = json_object_get_array_member (fixtures (), "users");

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_str_equal (json_object_get_string_member (user, "username"), username))
        return user;
    }

  g_error ("No user %s in the fixture", username);
}

/**
 * orgdesk_test_fixture_m2m_application:
 *
 * The machine-to-machine application orgdesk-provisioner signs in as.
 *
 * Returns: (transfer none): its entry in the stand-in's fixture (client_id,
 *   client_secret, …)
 */
JsonObject *
orgdesk_test_fixture_m2m_application (void)
{
  JsonArray *applications = json_object_get_array_member (fixtures (), "machine_to_machine_applications");

  return json_array_get_object_element (applications, 0);
}

/**
 * orgdesk_test_fixture_organization_of:
 * @username: a fixture user
 * @index: which of their memberships
 * @role: (out) (optional): their first role there
 *
 * Returns: the organization id
 */
const char *
orgdesk_test_fixture_organization_of (const char  *username,
                                      guint        index,
                                      const char **role)
{
  JsonArray *memberships = json_object_get_array_member (orgdesk_test_fixture_user (username), "organizations");
  JsonObject *membership = json_array_get_object_element (memberships, index);

  if (role != NULL)
    *role = json_array_get_string_element (json_object_get_array_member (membership, "roles"), 0);

  return json_object_get_string_member (membership, "id");
}

/**
 * orgdesk_test_use_browser_as:
 * @username: the fixture user the headless browser signs in as
 *
 * The browser is launched by GIO with this process's environment, so the driver
 * reads its credentials and a fresh profile (no Logto cookie) from here.
 */
void
orgdesk_test_use_browser_as (const char *username)
{
  JsonObject *user = orgdesk_test_fixture_user (username);
  g_autofree char *profile = NULL;
  static guint counter;

  profile = g_strdup_printf ("%s/browser-%d-%u-%s", g_getenv ("ORGDESK_TEST_SERVICES_DIR"),
                             (int) getpid (), counter++, username);
  g_setenv ("ORGDESK_TEST_USER", username, TRUE);
  g_setenv ("ORGDESK_TEST_PASSWORD", json_object_get_string_member (user, "password"), TRUE);
  g_setenv ("ORGDESK_TEST_BROWSER_PROFILE", profile, TRUE);
}

/**
 * orgdesk_test_discovered_client:
 *
 * Returns: (transfer full): a client for the stand-in, discovery done
 */
OrgdeskLogtoClient *
orgdesk_test_discovered_client (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  client = orgdesk_logto_client_new (orgdesk_test_logto_endpoint (), ORGDESK_TEST_CLIENT_ID);
  orgdesk_logto_client_discover_async (client, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  orgdesk_logto_client_discover_finish (client, result, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&client);
}

/**
 * orgdesk_test_sign_in:
 * @client: a client for the stand-in
 * @username: who signs in (in the headless browser)
 * @id_token: (out) (optional): the verified ID token
 *
 * A whole browser sign-in, as the app does it.
 *
 * Returns: (transfer full): the token response
 */
OrgdeskTokenResponse *
orgdesk_test_sign_in (OrgdeskLogtoClient  *client,
                      const char          *username,
                      OrgdeskJwt         **id_token)
{
  static const char * const scopes[] = {
    "openid", "offline_access", "profile", "email",
    "urn:logto:scope:organizations", "urn:logto:scope:organization_roles",
    "data:read", "data:write", NULL
  };
  static const char * const resources[] = {
    "urn:logto:resource:organizations", ORGDESK_TEST_DATABASE_RESOURCE, NULL
  };
  g_autoptr(OrgdeskSignIn) sign_in = NULL;
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_test_use_browser_as (username);
  sign_in = orgdesk_sign_in_new (client, scopes, resources);
  orgdesk_sign_in_run_async (sign_in, NULL, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 60);
  response = orgdesk_sign_in_run_finish (sign_in, result, id_token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);

  return g_steal_pointer (&response);
}

/**
 * orgdesk_test_stand_in_call:
 * @method: "GET" or "POST"
 * @path: a test hook path, e.g. "/__test/memberships/remove"
 * @json_body: (nullable): the body
 *
 * Returns: (transfer full): the JSON answer (asserts HTTP 200)
 */
JsonObject *
orgdesk_test_stand_in_call (const char *method,
                            const char *path,
                            const char *json_body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (orgdesk_test_logto_endpoint (), path, NULL);

  message = soup_message_new (method, uri);
  if (json_body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (message, "application/json", request);
    }

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/**
 * orgdesk_test_token_is_active:
 * @client: a discovered client
 * @token: a refresh or access token
 *
 * Asks the introspection endpoint (RFC 7662), which Logto answers for a native
 * client with its client id alone.
 */
gboolean
orgdesk_test_token_is_active (OrgdeskLogtoClient *client,
                              const char         *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (orgdesk_logto_client_get_issuer (client), "/token/introspection", NULL);
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *form = g_strdup_printf ("client_id=%s&token=%s", ORGDESK_TEST_CLIENT_ID, escaped);

  message = soup_message_new_from_encoded_form ("POST", uri, g_steal_pointer (&form));
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);

  return json_object_get_boolean_member (json_node_get_object (json_parser_get_root (parser)), "active");
}

/**
 * orgdesk_test_browser_launch_count:
 *
 * Returns: how many times the headless browser was started so far (from its log)
 */
guint
orgdesk_test_browser_launch_count (void)
{
  g_autofree char *contents = NULL;
  const char *log = g_getenv ("ORGDESK_TEST_BROWSER_LOG");
  guint count = 0;

  if (log == NULL || !g_file_get_contents (log, &contents, NULL, NULL))
    return 0;

  for (const char *p = contents; (p = strstr (p, ": opening ")) != NULL; p++)
    count++;

  return count;
}

/* POST /__test/token/hold for the next token request that spends @refresh_token:
 * processed at once, answered after @seconds, or with @drop not at all.
 * Returns the hold's id. */
gint64
orgdesk_test_hold_token_response (const char *refresh_token,
                                  double      seconds,
                                  gboolean    drop)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "drop");
  json_builder_add_boolean_value (builder, drop);
  json_builder_set_member_name (builder, "refreshToken");
  json_builder_add_string_value (builder, refresh_token);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  answer = orgdesk_test_stand_in_call ("POST", "/__test/token/hold", body);
  return json_object_get_int_member (answer, "id");
}

/* How many token requests spending the hold's refresh token reached the stand-in
 * since the hold was set (other tests share the stand-in), and how many it held. */
void
orgdesk_test_token_hold_counts (gint64  id,
                                gint64 *seen,
                                gint64 *held)
{
  g_autoptr(JsonObject) state = orgdesk_test_stand_in_call ("GET", "/__test/state", NULL);
  JsonArray *holds = json_object_get_array_member (state, "tokenHolds");

  for (guint i = 0; i < json_array_get_length (holds); i++)
    {
      JsonObject *hold = json_array_get_object_element (holds, i);

      if (json_object_get_int_member (hold, "id") == id)
        {
          *seen = json_object_get_int_member (hold, "seen");
          *held = json_object_get_int_member (hold, "held");
          return;
        }
    }

  g_error ("The stand-in lists no token hold %" G_GINT64_FORMAT, id);
}
