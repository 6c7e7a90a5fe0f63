/* test-logto-client.c: the auth layer against the Logto stand-in, for real
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-auth-error.h"
#include "orgdesk-grant.h"
#include "orgdesk-logto-client.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"

static OrgdeskTokenResponse *
refresh (OrgdeskLogtoClient  *client,
         const char          *refresh_token,
         const char          *organization_id,
         const char          *resource,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_logto_client_refresh_async (client, refresh_token, organization_id, resource, NULL,
                                      orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_logto_client_refresh_finish (client, result, error);
}

static OrgdeskTokenResponse *
request_token (OrgdeskGrant  *grant,
               const char    *organization_id,
               const char    *resource,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_grant_request_token_async (grant, organization_id, resource, NULL,
                                     orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_grant_request_token_finish (grant, result, error);
}

static gboolean
json_array_has_string (JsonArray  *array,
                       const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;

  return FALSE;
}

static void
test_discovery (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autofree char *issuer = NULL;
  OrgdeskOidcConfiguration *configuration;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  configuration = orgdesk_logto_client_get_configuration (client);
  issuer = g_strconcat (orgdesk_test_logto_endpoint (), "/oidc", NULL);

  g_assert_cmpstr (orgdesk_oidc_configuration_get_issuer (configuration), ==, issuer);
  g_assert_true (g_str_has_suffix (orgdesk_oidc_configuration_get_token_endpoint (configuration), "/oidc/token"));
  g_assert_true (g_str_has_suffix (orgdesk_oidc_configuration_get_userinfo_endpoint (configuration), "/oidc/me"));
  g_assert_nonnull (orgdesk_oidc_configuration_get_end_session_endpoint (configuration));
  g_assert_nonnull (orgdesk_oidc_configuration_get_revocation_endpoint (configuration));
  g_assert_true (orgdesk_oidc_configuration_get_iss_parameter_supported (configuration));
}

static void
test_discovery_unreachable (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  guint16 port;

  /* A port that was just free: nothing listens there. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  g_clear_object (&address);
  address = g_socket_get_local_address (socket, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  g_socket_close (socket, NULL);

  endpoint = g_strdup_printf ("http://127.0.0.1:%u", port);
  client = orgdesk_logto_client_new (endpoint, ORGDESK_TEST_CLIENT_ID);
  orgdesk_logto_client_discover_async (client, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_false (orgdesk_logto_client_discover_finish (client, result, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNREACHABLE);
}

static void
test_discovery_insecure_endpoint (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Tokens must never travel in clear text beyond this computer. */
  client = orgdesk_logto_client_new ("http://logto.example.com", ORGDESK_TEST_CLIENT_ID);
  orgdesk_logto_client_discover_async (client, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_false (orgdesk_logto_client_discover_finish (client, result, &error));
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_NOT_CONFIGURED);
}

static void
test_sign_in_full_flow (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) response = NULL;
  g_autoptr(OrgdeskJwt) id_token = NULL;
  g_autoptr(JsonObject) userinfo = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *alice = orgdesk_test_fixture_user ("alice");
  JsonArray *organizations;
  JsonArray *organization_data;
  gint64 started;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  started = g_get_monotonic_time ();
  response = orgdesk_test_sign_in (client, "alice", &id_token);
  g_test_message ("sign-in round trip (browser, consent-free login, code exchange, ID token check): %.0f ms",
                  (g_get_monotonic_time () - started) / 1000.0);

  g_assert_nonnull (orgdesk_token_response_get_refresh_token (response));
  g_assert_cmpstr (orgdesk_jwt_get_string_claim (id_token, "sub"), ==, json_object_get_string_member (alice, "id"));
  g_assert_cmpstr (orgdesk_jwt_get_string_claim (id_token, "email"), ==, "alice@example.test");

  organizations = json_object_get_array_member (orgdesk_jwt_get_claims (id_token), "organizations");
  g_assert_nonnull (organizations);
  g_assert_cmpuint (json_array_get_length (organizations), ==, 2);
  g_assert_true (json_array_has_string (organizations, orgdesk_test_fixture_organization_of ("alice", 0, NULL)));

  /* Names only come from userinfo's organization_data. */
  orgdesk_logto_client_fetch_userinfo_async (client, orgdesk_token_response_get_access_token (response), NULL,
                                             orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  userinfo = orgdesk_logto_client_fetch_userinfo_finish (client, result, &error);
  g_assert_no_error (error);
  organization_data = json_object_get_array_member (userinfo, "organization_data");
  g_assert_cmpuint (json_array_get_length (organization_data), ==, 2);
  g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (organization_data, 0), "name"));
}

static void
test_refresh_rotation_and_reuse (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) signed_in = NULL;
  g_autoptr(OrgdeskTokenResponse) second = NULL;
  g_autoptr(OrgdeskTokenResponse) third = NULL;
  g_autoptr(OrgdeskTokenResponse) replayed = NULL;
  g_autoptr(OrgdeskTokenResponse) after_revoke = NULL;
  g_autoptr(GError) error = NULL;
  const char *first_token;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  signed_in = orgdesk_test_sign_in (client, "bob", NULL);
  first_token = orgdesk_token_response_get_refresh_token (signed_in);

  second = refresh (client, first_token, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_token_response_get_refresh_token (second), !=, first_token);
  g_assert_nonnull (orgdesk_token_response_get_id_token (second));

  third = refresh (client, orgdesk_token_response_get_refresh_token (second), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_token_response_get_refresh_token (third), !=, orgdesk_token_response_get_refresh_token (second));

  /* After Logto's grace period a spent token is a replay: the grant dies. */
  g_usleep (3500 * 1000);
  replayed = refresh (client, first_token, NULL, NULL, &error);
  g_assert_null (replayed);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);
  g_clear_error (&error);

  after_revoke = refresh (client, orgdesk_token_response_get_refresh_token (third), NULL, NULL, &error);
  g_assert_null (after_revoke);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);
}

/* Logto rotates its signing key; a client that discovered the old key set
 * fetches it again, once, when an ID token names a key it does not know. */
static void
test_key_rotation (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) signed_in = NULL;
  g_autoptr(OrgdeskTokenResponse) refreshed = NULL;
  g_autoptr(OrgdeskJwt) verified = NULL;
  g_autoptr(JsonObject) rotation = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *new_kid;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  signed_in = orgdesk_test_sign_in (client, "bob", NULL);

  rotation = orgdesk_test_stand_in_call ("POST", "/__test/keys/rotate", "{}");
  new_kid = json_object_get_string_member (json_object_get_object_member (rotation, "current"), "kid");

  refreshed = refresh (client, orgdesk_token_response_get_refresh_token (signed_in), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (orgdesk_token_response_get_id_token (refreshed));

  orgdesk_logto_client_verify_id_token_async (client, orgdesk_token_response_get_id_token (refreshed), NULL, NULL,
                                              orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  verified = orgdesk_logto_client_verify_id_token_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_jwt_get_key_id (verified), ==, new_kid);
}

static void
test_organization_tokens (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) signed_in = NULL;
  g_autoptr(OrgdeskJwt) id_token = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  signed_in = orgdesk_test_sign_in (client, "alice", &id_token);
  grant = orgdesk_grant_new (client, NULL, orgdesk_jwt_get_string_claim (id_token, "sub"),
                             orgdesk_token_response_get_refresh_token (signed_in), NULL);

  for (guint i = 0; i < 2; i++)
    {
      const char *role = NULL;
      const char *organization_id = orgdesk_test_fixture_organization_of ("alice", i, &role);
      g_autoptr(OrgdeskTokenResponse) organization_token = NULL;
      g_autoptr(OrgdeskTokenResponse) database_token = NULL;
      g_autoptr(OrgdeskJwt) organization_jwt = NULL;
      g_autoptr(OrgdeskJwt) database_jwt = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *audience = g_strconcat ("urn:logto:organization:", organization_id, NULL);

      organization_token = request_token (grant, organization_id, NULL, &error);
      g_assert_no_error (error);
      organization_jwt = orgdesk_jwt_parse (orgdesk_token_response_get_access_token (organization_token), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (orgdesk_jwt_get_string_claim (organization_jwt, "aud"), ==, audience);

      database_token = request_token (grant, organization_id, ORGDESK_TEST_DATABASE_RESOURCE, &error);
      g_assert_no_error (error);
      database_jwt = orgdesk_jwt_parse (orgdesk_token_response_get_access_token (database_token), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (orgdesk_jwt_get_string_claim (database_jwt, "aud"), ==, ORGDESK_TEST_DATABASE_RESOURCE);
      g_assert_cmpstr (orgdesk_jwt_get_string_claim (database_jwt, "organization_id"), ==, organization_id);
      g_assert_cmpstr (orgdesk_token_response_get_scope (database_token), ==,
                       g_str_equal (role, "admin") ? "data:read data:write" : "data:read");
    }
}

static void
test_organization_token_not_member (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) signed_in = NULL;
  g_autoptr(OrgdeskTokenResponse) denied = NULL;
  g_autoptr(OrgdeskTokenResponse) still_fine = NULL;
  g_autoptr(OrgdeskJwt) id_token = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(GError) error = NULL;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  signed_in = orgdesk_test_sign_in (client, "alice", &id_token);
  grant = orgdesk_grant_new (client, NULL, orgdesk_jwt_get_string_claim (id_token, "sub"),
                             orgdesk_token_response_get_refresh_token (signed_in), NULL);

  denied = request_token (grant, orgdesk_test_fixture_organization_of ("bob", 0, NULL),
                          ORGDESK_TEST_DATABASE_RESOURCE, &error);
  g_assert_null (denied);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_ACCESS_DENIED);
  g_assert_true (orgdesk_grant_get_valid (grant));
  g_clear_error (&error);

  /* A 403 for one organization leaves the grant usable for the others. */
  still_fine = request_token (grant, orgdesk_test_fixture_organization_of ("alice", 0, NULL), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (still_fine);
}

typedef struct
{
  guint                 pending;
  GPtrArray            *responses;
} Collector;

static void
on_collected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Collector *collector = user_data;
  g_autoptr(GError) error = NULL;
  OrgdeskTokenResponse *response;

  response = orgdesk_grant_request_token_finish (ORGDESK_GRANT (source), result, &error);
  g_assert_no_error (error);
  g_ptr_array_add (collector->responses, response);
  collector->pending--;
}

static gboolean
collector_done (Collector *collector)
{
  return collector->pending == 0;
}

static void
test_grant_single_flight (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) signed_in = NULL;
  g_autoptr(OrgdeskJwt) id_token = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(OrgdeskTokenResponse) afterwards = NULL;
  g_autoptr(GError) error = NULL;
  Collector collector = { 0 };
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  signed_in = orgdesk_test_sign_in (client, "alice", &id_token);
  grant = orgdesk_grant_new (client, NULL, orgdesk_jwt_get_string_claim (id_token, "sub"),
                             orgdesk_token_response_get_refresh_token (signed_in), NULL);

  /* Four identical requests and three different ones, all at once: the identical
   * ones share one answer, and the serialized rotation never replays a token. */
  collector.responses = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < 4; i++, collector.pending++)
    orgdesk_grant_request_token_async (grant, acme, ORGDESK_TEST_DATABASE_RESOURCE, NULL, on_collected_cb, &collector);
  orgdesk_grant_request_token_async (grant, globex, ORGDESK_TEST_DATABASE_RESOURCE, NULL, on_collected_cb, &collector);
  orgdesk_grant_request_token_async (grant, acme, NULL, NULL, on_collected_cb, &collector);
  orgdesk_grant_request_token_async (grant, NULL, NULL, NULL, on_collected_cb, &collector);
  collector.pending += 3;

  while (!collector_done (&collector))
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (collector.responses->len, ==, 7);
  for (guint i = 1; i < 4; i++)
    g_assert_true (g_ptr_array_index (collector.responses, i) == g_ptr_array_index (collector.responses, 0));
  g_assert_true (g_ptr_array_index (collector.responses, 4) != g_ptr_array_index (collector.responses, 0));

  /* Wait past the grace period: a replay would now have revoked the grant. */
  g_usleep (3500 * 1000);
  afterwards = request_token (grant, globex, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (orgdesk_grant_get_valid (grant));

  g_ptr_array_unref (collector.responses);
}

static void
test_revocation (void)
{
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) signed_in = NULL;
  g_autoptr(OrgdeskTokenResponse) after = NULL;
  g_autoptr(OrgdeskJwt) id_token = NULL;
  g_autoptr(OrgdeskGrant) grant = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = NULL;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  signed_in = orgdesk_test_sign_in (client, "bob", &id_token);
  refresh_token = g_strdup (orgdesk_token_response_get_refresh_token (signed_in));
  g_assert_true (orgdesk_test_token_is_active (client, refresh_token));

  grant = orgdesk_grant_new (client, NULL, orgdesk_jwt_get_string_claim (id_token, "sub"), refresh_token, NULL);
  orgdesk_grant_revoke_async (grant, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_grant_revoke_finish (grant, result, &error));
  g_assert_no_error (error);

  g_assert_false (orgdesk_grant_get_valid (grant));
  g_assert_false (orgdesk_test_token_is_active (client, refresh_token));

  after = refresh (client, refresh_token, NULL, NULL, &error);
  g_assert_null (after);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT);
}

/* Logto processed the refresh (and rotated the token) but its answer comes later
 * than the client waits, or never: NO_RESPONSE, after exactly one request. */
static void
test_refresh_no_response (gconstpointer data)
{
  gboolean drop = GPOINTER_TO_INT (data);
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(OrgdeskTokenResponse) signed_in = NULL;
  g_autoptr(OrgdeskTokenResponse) refreshed = NULL;
  g_autoptr(GError) error = NULL;
  gint64 hold, seen = 0, held = 0, started, elapsed_ms;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  signed_in = orgdesk_test_sign_in (client, "bob", NULL);
  orgdesk_logto_client_set_timeout (client, 1);

  hold = orgdesk_test_hold_token_response (orgdesk_token_response_get_refresh_token (signed_in), drop ? 0 : 4, drop);
  started = g_get_monotonic_time ();
  refreshed = refresh (client, orgdesk_token_response_get_refresh_token (signed_in), NULL, NULL, &error);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_null (refreshed);
  g_assert_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_NO_RESPONSE);
  g_assert_true (orgdesk_auth_error_is_network (error));
  /* It gave up after its own timeout rather than waiting for the late answer. */
  g_assert_cmpint (elapsed_ms, <, 3500);

  orgdesk_test_token_hold_counts (hold, &seen, &held);
  g_assert_cmpint (held, ==, 1);
  g_assert_cmpint (seen, ==, 1);
}

static void
test_error_is_network (void)
{
  g_autoptr(GError) error = g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNREACHABLE, "");
  g_autoptr(GError) other = g_error_new_literal (ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_GRANT, "");

  g_assert_true (orgdesk_auth_error_is_network (error));
  g_assert_false (orgdesk_auth_error_is_network (other));
  g_assert_false (orgdesk_auth_error_is_network (NULL));
}

static void
test_authorization_uri (void)
{
  static const char * const scopes[] = { "openid", "offline_access", NULL };
  static const char * const resources[] = { "urn:logto:resource:organizations", "https://db.example/a b", NULL };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *uri = NULL;
  OrgdeskAuthorizationRequest request = {
    .redirect_uri = "http://127.0.0.1:4567/callback",
    .state = "st&te=1",
    .nonce = "n0nce",
    .code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    .scopes = scopes,
    .resources = resources,
    .prompt = "consent",
  };

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  client = orgdesk_test_discovered_client ();
  uri = orgdesk_logto_client_build_authorization_uri (client, &request);
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_assert_nonnull (parsed);
  g_assert_true (g_str_has_suffix (g_uri_get_path (parsed), "/oidc/auth"));

  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, ORGDESK_TEST_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, request.redirect_uri);
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "openid offline_access");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "st&te=1");
  g_assert_cmpstr (g_hash_table_lookup (params, "nonce"), ==, "n0nce");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge"), ==, request.code_challenge);
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (params, "prompt"), ==, "consent");
  /* Two resource parameters (RFC 8707), each escaped. */
  g_assert_nonnull (strstr (uri, "resource=urn%3Alogto%3Aresource%3Aorganizations"));
  g_assert_nonnull (strstr (uri, "resource=https%3A%2F%2Fdb.example%2Fa%20b"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/logto/discovery", test_discovery);
  g_test_add_func ("/orgdesk/logto/discovery/unreachable", test_discovery_unreachable);
  g_test_add_func ("/orgdesk/logto/discovery/insecure-endpoint", test_discovery_insecure_endpoint);
  g_test_add_func ("/orgdesk/logto/authorization-uri", test_authorization_uri);
  g_test_add_func ("/orgdesk/logto/sign-in/full-flow", test_sign_in_full_flow);
  g_test_add_func ("/orgdesk/logto/refresh/rotation-and-reuse", test_refresh_rotation_and_reuse);
  g_test_add_func ("/orgdesk/logto/refresh/key-rotation", test_key_rotation);
  g_test_add_func ("/orgdesk/logto/organization-tokens", test_organization_tokens);
  g_test_add_func ("/orgdesk/logto/organization-tokens/not-member", test_organization_token_not_member);
  g_test_add_func ("/orgdesk/logto/grant/single-flight", test_grant_single_flight);
  g_test_add_func ("/orgdesk/logto/revocation", test_revocation);
  g_test_add_data_func ("/orgdesk/logto/refresh/no-response/late", GINT_TO_POINTER (FALSE), test_refresh_no_response);
  g_test_add_data_func ("/orgdesk/logto/refresh/no-response/dropped", GINT_TO_POINTER (TRUE), test_refresh_no_response);
  g_test_add_func ("/orgdesk/logto/error/is-network", test_error_is_network);

  return g_test_run ();
}
