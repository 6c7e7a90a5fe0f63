/* test-provisioner-config.c: orgdesk-provisioner's configuration, names,
 * back-off and readings of Logto's answers (no service).
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _DEFAULT_SOURCE   /* symlink */

#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "orgdesk-json.h"
#include "orgdesk-provisioner-config.h"
#include "orgdesk-provisioner-logto.h"

static const char * const variables[] = {
  "ORGDESK_PROVISIONER_ENDPOINT", "ORGDESK_PROVISIONER_CLIENT_ID",
  "ORGDESK_PROVISIONER_CLIENT_SECRET_FILE", "ORGDESK_PROVISIONER_CLIENT_SECRET",
  "ORGDESK_PROVISIONER_RESOURCE", "ORGDESK_PROVISIONER_ROLE",
  "ORGDESK_PROVISIONER_JWKS_INTERVAL", "ORGDESK_PROVISIONER_SWEEP_INTERVAL",
  "ORGDESK_PROVISIONER_LEASE",
};

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    g_unsetenv (variables[i]);
  fixture->dir = g_dir_make_tmp ("orgdesk-provisioner-test-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents,
            int         mode)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

static void
test_defaults (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(OrgdeskProvisionerConfig) config = orgdesk_provisioner_config_new ();
  g_autoptr(GError) error = NULL;

  config->endpoint = g_strdup ("https://logto.example.com/");
  config->client_id = g_strdup ("m2m");
  config->client_secret_file = write_file (fixture, "secret", "s3cret\n", 0600);

  g_assert_true (orgdesk_provisioner_config_finish (config, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->endpoint, ==, "https://logto.example.com");
  g_assert_cmpstr (config->client_secret, ==, "s3cret");
  g_assert_cmpstr (config->resource, ==, "https://default.logto.app/api");
  g_assert_cmpstr (config->role, ==, "admin");
  g_assert_cmpstr (config->database, ==, "");
  g_assert_cmpint (config->jwks_interval, ==, 900);
  g_assert_cmpint (config->sweep_interval, ==, 60);
  g_assert_cmpint (config->lease, ==, 120);
}

static void
test_environment (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(OrgdeskProvisionerConfig) config = orgdesk_provisioner_config_new ();
  g_autoptr(GError) error = NULL;

  g_setenv ("ORGDESK_PROVISIONER_ENDPOINT", "http://127.0.0.1:3001", TRUE);
  g_setenv ("ORGDESK_PROVISIONER_CLIENT_ID", "from-env", TRUE);
  g_setenv ("ORGDESK_PROVISIONER_CLIENT_SECRET", "env-secret", TRUE);
  g_setenv ("ORGDESK_PROVISIONER_RESOURCE", "https://tenant.logto.app/api", TRUE);
  g_setenv ("ORGDESK_PROVISIONER_ROLE", "owner", TRUE);
  g_setenv ("ORGDESK_PROVISIONER_JWKS_INTERVAL", "0", TRUE);
  config->client_id = g_strdup ("from-options");

  g_assert_true (orgdesk_provisioner_config_finish (config, &error));
  g_assert_cmpstr (config->endpoint, ==, "http://127.0.0.1:3001");
  g_assert_cmpstr (config->client_id, ==, "from-options");
  g_assert_cmpstr (config->client_secret, ==, "env-secret");
  g_assert_cmpstr (config->resource, ==, "https://tenant.logto.app/api");
  g_assert_cmpstr (config->role, ==, "owner");
  g_assert_cmpint (config->jwks_interval, ==, 0);
}

typedef struct
{
  const char *endpoint;
  const char *client_id;
  const char *secret;
  int         mode;         /* of the secret file; 0: no file */
  const char *variable;     /* set to "x" */
  const char *message;      /* part of the error */
} BadCase;

static const BadCase bad_cases[] = {
  { NULL, "m2m", "s", 0600, NULL, "No Logto endpoint" },
  { "http://logto.example.com", "m2m", "s", 0600, NULL, "plain http" },
  { "ftp://127.0.0.1", "m2m", "s", 0600, NULL, "not an http" },
  { "https://127.0.0.1", NULL, "s", 0600, NULL, "No client id" },
  { "https://127.0.0.1", "m2m", NULL, 0, NULL, "No client secret" },
  { "https://127.0.0.1", "m2m", "s", 0640, NULL, "group or others" },
  { "https://127.0.0.1", "m2m", "s", 0604, NULL, "group or others" },
  { "https://127.0.0.1", "m2m", "s", 0620, NULL, "group or others" },
  { "https://127.0.0.1", "m2m", "\n", 0600, NULL, "empty" },
  { "https://127.0.0.1", "m2m", "s", 0600, "ORGDESK_PROVISIONER_LEASE", "not a number" },
  { "https://127.0.0.1", "m2m", "s", 0600, "ORGDESK_PROVISIONER_SWEEP_INTERVAL", "not a number" },
};

static void
test_bad (Fixture       *fixture,
          gconstpointer  data)
{
  const BadCase *bad = data;
  g_autoptr(OrgdeskProvisionerConfig) config = orgdesk_provisioner_config_new ();
  g_autoptr(GError) error = NULL;

  config->endpoint = g_strdup (bad->endpoint);
  config->client_id = g_strdup (bad->client_id);
  if (bad->mode != 0)
    config->client_secret_file = write_file (fixture, "secret", bad->secret, bad->mode);
  if (bad->variable != NULL)
    g_setenv (bad->variable, "x", TRUE);

  g_assert_false (orgdesk_provisioner_config_finish (config, &error));
  g_assert_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, bad->message));
  /* The secret never appears in an error. */
  if (bad->secret != NULL && bad->secret[0] != '\n')
    g_assert_null (strstr (error->message, "s3cret"));
}

static void
test_secret_file (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *ok = write_file (fixture, "ok", "a b\r\n", 0400);
  g_autofree char *open = write_file (fixture, "open", "s3cret", 0644);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", NULL);
  g_autofree char *link = g_build_filename (fixture->dir, "link", NULL);
  g_autofree char *big_contents = g_strnfill (ORGDESK_PROVISIONER_MAX_SECRET_BYTES + 1, 'x');
  g_autofree char *big = write_file (fixture, "big", big_contents, 0600);
  g_autofree char *secret = NULL;
  g_autoptr(GError) error = NULL;

  secret = orgdesk_provisioner_read_secret_file (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "a b");

  g_assert_null (orgdesk_provisioner_read_secret_file (open, &error));
  g_assert_nonnull (strstr (error->message, "mode 0644"));
  g_assert_null (strstr (error->message, "s3cret"));
  g_clear_error (&error);

  g_assert_null (orgdesk_provisioner_read_secret_file (missing, &error));
  g_assert_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG);
  g_clear_error (&error);

  g_assert_null (orgdesk_provisioner_read_secret_file (big, &error));
  g_assert_nonnull (strstr (error->message, "longer than"));
  g_clear_error (&error);

  /* A symbolic link could point the daemon at anything. */
  g_assert_cmpint (symlink (ok, link), ==, 0);
  g_assert_null (orgdesk_provisioner_read_secret_file (link, &error));
  g_assert_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_CONFIG);
  g_clear_error (&error);

  g_assert_null (orgdesk_provisioner_read_secret_file (fixture->dir, &error));
  g_assert_nonnull (strstr (error->message, "not a regular file"));
}

static void
test_backoff (void)
{
  static const guint expected[] = { 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (orgdesk_provisioner_backoff_seconds (i), ==, expected[i]);
  g_assert_cmpuint (orgdesk_provisioner_backoff_seconds (G_MAXUINT), ==, 300);
}

static JsonObject *
object_from (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_organization_name (void)
{
  static const struct { const char *user; const char *name; } cases[] = {
    { "{\"id\":\"u1\",\"name\":\"Carol Example\",\"username\":\"carol\",\"primaryEmail\":\"c@example.test\"}",
      "Carol Example's organization" },
    { "{\"id\":\"u1\",\"name\":null,\"username\":\"carol\",\"primaryEmail\":\"c@example.test\"}",
      "carol's organization" },
    { "{\"id\":\"u1\",\"name\":\"  \",\"username\":\"\",\"primaryEmail\":\"c@example.test\"}",
      "c@example.test's organization" },
    { "{\"id\":\"u1\",\"name\":42,\"username\":null}", "u1's organization" },
    { "{}", "New user's organization" },
    { "{\"name\":\"  Zoë\\u0007 Ünïcode \"}", "Zoë Ünïcode's organization" },
  };
  g_autofree char *long_name = g_strnfill (300, 'a');
  g_autofree char *long_user = g_strdup_printf ("{\"name\":\"%s\"}", long_name);
  g_autoptr(JsonObject) user = object_from (long_user);
  g_autofree char *truncated = orgdesk_provisioner_organization_name (user);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = object_from (cases[i].user);
      g_autofree char *name = orgdesk_provisioner_organization_name (object);

      g_assert_cmpstr (name, ==, cases[i].name);
    }

  g_assert_cmpint (g_utf8_strlen (truncated, -1), ==, ORGDESK_PROVISIONER_MAX_NAME_CHARS);
  g_assert_true (g_str_has_suffix (truncated, "aaa's organization"));
}

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
test_parse_token (void)
{
  g_autoptr(GBytes) good = bytes ("{\"access_token\":\"eyJ.x.y\",\"expires_in\":3600,"
                                  "\"token_type\":\"Bearer\",\"scope\":\"all\"}");
  g_autoptr(GBytes) no_expiry = bytes ("{\"access_token\":\"t\",\"token_type\":\"bearer\"}");
  g_autoptr(GBytes) wrong_type = bytes ("{\"access_token\":\"t\",\"token_type\":\"DPoP\"}");
  g_autoptr(GBytes) number = bytes ("{\"access_token\":12}");
  g_autoptr(GBytes) array = bytes ("[]");
  g_autoptr(GBytes) broken = bytes ("{\"access_token\":");
  g_autofree char *deep_text = g_strnfill (ORGDESK_JSON_MAX_DEPTH * 4, '[');
  g_autoptr(GBytes) deep = bytes (deep_text);
  g_autoptr(GBytes) empty = bytes ("");
  GBytes *bad[] = { wrong_type, number, array, broken, deep, empty };
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *other = NULL;
  gint64 expires_in = 0;

  token = orgdesk_provisioner_parse_token (good, &expires_in, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "eyJ.x.y");
  g_assert_cmpint (expires_in, ==, 3600);

  other = orgdesk_provisioner_parse_token (no_expiry, &expires_in, &error);
  g_assert_cmpstr (other, ==, "t");
  g_assert_cmpint (expires_in, ==, 3600);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (orgdesk_provisioner_parse_token (bad[i], &expires_in, &error));
      g_assert_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY);
      g_clear_error (&error);
    }
}

static void
test_parse_organization (void)
{
  g_autoptr(GBytes) created = bytes ("{\"tenantId\":\"default\",\"id\":\"abc123def456\",\"name\":\"x\","
                                     "\"customData\":{\"orgdeskRequestId\":\"r1\"}}");
  g_autoptr(GBytes) hostile = bytes ("{\"id\":\"../users/x\"}");
  g_autoptr(GBytes) list = bytes ("[{\"id\":\"a1\",\"customData\":{}},"
                                  "{\"id\":\"a2\",\"customData\":{\"orgdeskRequestId\":\"r0\"}},"
                                  "{\"id\":\"a3\",\"customData\":{\"orgdeskRequestId\":\"r1\"}},"
                                  "7, {\"id\":\"a4\",\"customData\":\"r1\"}]");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *found = NULL;

  id = orgdesk_provisioner_parse_organization_id (created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "abc123def456");

  g_assert_null (orgdesk_provisioner_parse_organization_id (hostile, &error));
  g_assert_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY);
  g_clear_error (&error);

  found = orgdesk_provisioner_find_organization_id (list, "r1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "a3");
  g_assert_null (orgdesk_provisioner_find_organization_id (list, "r9", &error));
  g_assert_no_error (error);
  g_assert_null (orgdesk_provisioner_find_organization_id (created, "r1", &error));
  g_assert_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY);
}

static void
test_parse_roles (void)
{
  g_autoptr(GBytes) roles = bytes ("[{\"id\":\"r-admin\",\"name\":\"admin\",\"type\":\"User\"},"
                                   "{\"id\":\"r-member\",\"name\":\"member\"}, null]");
  g_autoptr(GBytes) object = bytes ("{\"id\":\"r\",\"name\":\"admin\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *member = NULL;
  guint n_roles = 0;

  admin = orgdesk_provisioner_find_role_id (roles, "admin", &n_roles, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (admin, ==, "r-admin");
  g_assert_cmpuint (n_roles, ==, 3);
  member = orgdesk_provisioner_find_role_id (roles, "member", &n_roles, &error);
  g_assert_cmpstr (member, ==, "r-member");
  g_assert_null (orgdesk_provisioner_find_role_id (roles, "owner", &n_roles, &error));
  g_assert_no_error (error);

  g_assert_null (orgdesk_provisioner_find_role_id (object, "admin", &n_roles, &error));
  g_assert_error (error, ORGDESK_PROVISIONER_ERROR, ORGDESK_PROVISIONER_ERROR_TEMPORARY);
}

static void
test_describe_refusal (void)
{
  g_autoptr(GBytes) logto = bytes ("{\"code\":\"entity.not_found\",\"message\":\"Entity not found.\\n\"}");
  g_autoptr(GBytes) oauth = bytes ("{\"error\":\"invalid_client\",\"error_description\":\"client authentication failed\"}");
  g_autoptr(GBytes) text = bytes ("Service Unavailable");
  g_autofree char *a = orgdesk_provisioner_describe_refusal (404, logto);
  g_autofree char *b = orgdesk_provisioner_describe_refusal (401, oauth);
  g_autofree char *c = orgdesk_provisioner_describe_refusal (503, text);
  g_autofree char *d = orgdesk_provisioner_describe_refusal (500, NULL);

  g_assert_cmpstr (a, ==, "HTTP 404 (entity.not_found: Entity not found.\\x0a)");
  g_assert_cmpstr (b, ==, "HTTP 401 (invalid_client: client authentication failed)");
  g_assert_cmpstr (c, ==, "HTTP 503 Service Unavailable");
  g_assert_cmpstr (d, ==, "HTTP 500 Internal Server Error");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/provisioner/config/defaults", test_defaults, NULL);
  ADD ("/provisioner/config/environment", test_environment, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/provisioner/config/bad/%u", i);

      ADD (path, test_bad, &bad_cases[i]);
    }
  ADD ("/provisioner/config/secret-file", test_secret_file, NULL);
  g_test_add_func ("/provisioner/backoff", test_backoff);
  g_test_add_func ("/provisioner/organization-name", test_organization_name);
  g_test_add_func ("/provisioner/parse/token", test_parse_token);
  g_test_add_func ("/provisioner/parse/organization", test_parse_organization);
  g_test_add_func ("/provisioner/parse/roles", test_parse_roles);
  g_test_add_func ("/provisioner/describe-refusal", test_describe_refusal);

  return g_test_run ();
}
