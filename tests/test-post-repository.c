/* test-post-repository.c: posts against a real PostgreSQL with row-level security,
 * as a real signed-in session of the Logto stand-in sees them
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-paged-model.h"
#include "orgdesk-post-repository.h"
#include "orgdesk-session.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"

/* One signed-in session (alice: admin of Acme, member of Globex) for all tests. */
static OrgdeskSession *session;
static OrgdeskDatabase *database;
static OrgdeskPostRepository *repository;

static const char *
acme (void)
{
  return orgdesk_test_fixture_organization_of ("alice", 0, NULL);
}

static const char *
globex (void)
{
  return orgdesk_test_fixture_organization_of ("alice", 1, NULL);
}

static void
switch_to (const char *organization_id)
{
  g_assert_true (orgdesk_session_set_active_organization_id (session, organization_id));
}

static OrgdeskPost *
create_post (const char  *title,
             const char  *body,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_post_repository_create_async (repository, title, body, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_post_repository_create_finish (repository, result, error);
}

static OrgdeskPost *
get_post (const char  *post_id,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_post_repository_get_async (repository, post_id, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_post_repository_get_finish (repository, result, error);
}

static OrgdeskPost *
update_post (const char  *post_id,
             const char  *title,
             const char  *body,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_post_repository_update_async (repository, post_id, title, body, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_post_repository_update_finish (repository, result, error);
}

static gboolean
delete_post (const char  *post_id,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_post_repository_delete_async (repository, post_id, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_post_repository_delete_finish (repository, result, error);
}

static gboolean
model_settled (gconstpointer data)
{
  return orgdesk_paged_model_get_state ((OrgdeskPagedModel *) data) != ORGDESK_PAGED_MODEL_STATE_COUNTING;
}

static gboolean
holder_loaded (gconstpointer data)
{
  return orgdesk_paged_item_get_item ((OrgdeskPagedItem *) data) != NULL;
}

static OrgdeskPagedModel *
list_posts (const char *search)
{
  g_autoptr(OrgdeskPageSource) source = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskPagedModel *model;

  source = orgdesk_post_repository_list (repository, search, &error);
  g_assert_no_error (error);
  model = orgdesk_paged_model_new (source, 20);
  orgdesk_paged_model_load (model);
  orgdesk_test_wait_for_condition (model_settled, model, 30);
  g_assert_cmpint (orgdesk_paged_model_get_state (model), ==, ORGDESK_PAGED_MODEL_STATE_READY);
  return model;
}

static OrgdeskPost *
post_at (OrgdeskPagedModel *model,
         guint              position)
{
  g_autoptr(OrgdeskPagedItem) holder = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (holder);
  orgdesk_test_wait_for_condition (holder_loaded, holder, 30);
  return g_object_ref (orgdesk_paged_item_get_item (holder));
}

static gboolean
model_contains (OrgdeskPagedModel *model,
                const char        *post_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(OrgdeskPost) post = post_at (model, i);

      if (g_str_equal (orgdesk_post_get_id (post), post_id))
        return TRUE;
    }

  return FALSE;
}

static void
test_posts_stay_in_their_organization (void)
{
  g_autoptr(OrgdeskPost) created = NULL;
  g_autoptr(OrgdeskPost) fetched = NULL;
  g_autoptr(OrgdeskPagedModel) in_acme = NULL;
  g_autoptr(OrgdeskPagedModel) in_globex = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (repository == NULL)
    return;

  switch_to (acme ());
  created = create_post ("Quarterly anvil numbers", "Up 12 %.", &error);
  g_assert_no_error (error);
  id = g_strdup (orgdesk_post_get_id (created));
  g_assert_true (g_uuid_string_is_valid (id));
  g_assert_cmpstr (orgdesk_post_get_author_name (created), ==, "Alice Example");
  g_assert_nonnull (orgdesk_post_get_created_at (created));

  in_acme = list_posts (NULL);
  g_assert_true (model_contains (in_acme, id));

  /* From Globex the post does not exist, whatever is asked. */
  switch_to (globex ());
  in_globex = list_posts (NULL);
  g_assert_false (model_contains (in_globex, id));
  fetched = get_post (id, &error);
  g_assert_null (fetched);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (update_post (id, "Taken over", "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (delete_post (id, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Back in Acme it is untouched; now edit and delete it there. */
  switch_to (acme ());
  fetched = get_post (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_post_get_title (fetched), ==, "Quarterly anvil numbers");
  g_clear_object (&fetched);

  fetched = update_post (id, "Quarterly anvil numbers (revised)", "Up 13 %.", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_post_get_title (fetched), ==, "Quarterly anvil numbers (revised)");
  g_assert_cmpstr (orgdesk_post_get_body (fetched), ==, "Up 13 %.");

  g_assert_true (delete_post (id, &error));
  g_assert_no_error (error);
  g_clear_object (&fetched);
  fetched = get_post (id, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_hostile_text_is_data (void)
{
  static const char *titles[] = {
    "Robert'); DROP TABLE orgdesk.posts; --",
    "\"quoted\" and 'single' and \\backslash\\",
    "$1 $2 %s %n {{ }} <script>alert(1)</script>",
    "\xf0\x9f\x8f\xa2 \xf0\x9f\x92\xbc \xe2\x9c\x85",
  };
  g_autoptr(GString) emoji = g_string_new (NULL);

  if (repository == NULL)
    return;

  switch_to (acme ());
  while (emoji->len < 4096)
    g_string_append (emoji, "\xf0\x9f\x98\x80");

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(OrgdeskPost) created = NULL;
      g_autoptr(OrgdeskPost) fetched = NULL;
      g_autoptr(GError) error = NULL;

      created = create_post (titles[i], emoji->str, &error);
      g_assert_no_error (error);
      fetched = get_post (orgdesk_post_get_id (created), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (orgdesk_post_get_title (fetched), ==, titles[i]);
      g_assert_cmpstr (orgdesk_post_get_body (fetched), ==, emoji->str);

      /* Search treats LIKE's wildcards and quotes as plain text. */
      {
        g_autoptr(OrgdeskPagedModel) found = list_posts (titles[i]);

        g_assert_true (model_contains (found, orgdesk_post_get_id (created)));
      }
    }
}

static void
test_bad_input_changes_nothing (void)
{
  g_autoptr(GString) long_title = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  if (repository == NULL)
    return;

  switch_to (acme ());
  g_assert_null (create_post ("   ", "empty title", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  while (g_utf8_strlen (long_title->str, -1) <= 200)
    g_string_append (long_title, "x");
  g_assert_null (create_post (long_title->str, "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (create_post ("bad \xff utf-8", "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (get_post ("not-a-uuid'; --", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_paging_newest_first (void)
{
  g_autoptr(OrgdeskPagedModel) model = NULL;
  g_autoptr(GDateTime) previous = NULL;
  guint n_items;

  if (repository == NULL)
    return;

  switch_to (globex ());
  for (guint i = 0; i < 45; i++)
    {
      g_autofree char *title = g_strdup_printf ("Shipment %02u", i);
      g_autoptr(OrgdeskPost) created = NULL;
      g_autoptr(GError) error = NULL;

      created = create_post (title, "", &error);
      g_assert_no_error (error);
    }

  model = list_posts (NULL);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n_items, >=, 45);

  /* Three pages of 20, read in order: the second and third by key. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(OrgdeskPost) post = post_at (model, i);
      GDateTime *created = orgdesk_post_get_created_at (post);

      if (previous != NULL)
        g_assert_cmpint (g_date_time_compare (created, previous), <=, 0);
      g_clear_pointer (&previous, g_date_time_unref);
      previous = g_date_time_ref (created);
    }

  {
    g_autoptr(OrgdeskPost) newest = post_at (model, 0);

    g_assert_cmpstr (orgdesk_post_get_title (newest), ==, "Shipment 44");
  }
}

static void
set_up (void)
{
  session = orgdesk_test_database_session_new ("alice");
  if (session == NULL)
    return;

  database = orgdesk_database_new (g_getenv ("ORGDESK_TEST_DATABASE_URI"));
  repository = orgdesk_post_repository_new (database, session);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/data/posts/stay-in-their-organization", test_posts_stay_in_their_organization);
  g_test_add_func ("/orgdesk/data/posts/hostile-text-is-data", test_hostile_text_is_data);
  g_test_add_func ("/orgdesk/data/posts/bad-input-changes-nothing", test_bad_input_changes_nothing);
  g_test_add_func ("/orgdesk/data/posts/paging-newest-first", test_paging_newest_first);

  set_up ();
  status = g_test_run ();

  g_clear_object (&repository);
  g_clear_object (&database);
  g_clear_object (&session);

  return status;
}
