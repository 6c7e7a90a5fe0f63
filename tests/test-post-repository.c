/* test-post-repository.c: posts against a real PostgreSQL with row-level security,
 * as a real signed-in session of the Logto stand-in sees them
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "orgdesk-database-error.h"
#include "orgdesk-grant-private.h"
#include "orgdesk-json.h"
#include "orgdesk-secret-memory.h"
#include "orgdesk-paged-model.h"
#include "orgdesk-post-repository.h"
#include "orgdesk-session.h"
#include "orgdesk-test-database.h"
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
create_post_with_id (const char  *post_id,
                     const char  *title,
                     const char  *body,
                     GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_post_repository_create_async (repository, post_id, title, body, NULL, orgdesk_test_store_result_cb, &result);
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

static OrgdeskPagedModel *
list_posts (const char *search)
{
  g_autoptr(OrgdeskPageSource) source = NULL;
  g_autoptr(GError) error = NULL;

  source = orgdesk_post_repository_list (repository, search, ORGDESK_POST_SORT_NEWEST, &error);
  g_assert_no_error (error);
  return orgdesk_test_load_model (source, 20);
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
  created = orgdesk_test_create_post (repository, "Quarterly anvil numbers", "Up 12 %.", &error);
  g_assert_no_error (error);
  id = g_strdup (orgdesk_post_get_id (created));
  g_assert_true (g_uuid_string_is_valid (id));
  g_assert_cmpstr (orgdesk_post_get_author_name (created), ==, "Alice Example");
  g_assert_nonnull (orgdesk_post_get_created_at (created));

  in_acme = list_posts (NULL);
  g_assert_true (orgdesk_test_model_contains (in_acme, id));

  /* From Globex the post does not exist, and alice's token there (a member's)
   * may not change anything: the database refuses the write itself. */
  switch_to (globex ());
  in_globex = list_posts (NULL);
  g_assert_false (orgdesk_test_model_contains (in_globex, id));
  fetched = get_post (id, &error);
  g_assert_null (fetched);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (update_post (id, "Taken over", "", &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (delete_post (id, &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
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

      created = orgdesk_test_create_post (repository, titles[i], emoji->str, &error);
      g_assert_no_error (error);
      fetched = get_post (orgdesk_post_get_id (created), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (orgdesk_post_get_title (fetched), ==, titles[i]);
      g_assert_cmpstr (orgdesk_post_get_body (fetched), ==, emoji->str);

      /* Search treats LIKE's wildcards and quotes as plain text. */
      {
        g_autoptr(OrgdeskPagedModel) found = list_posts (titles[i]);

        g_assert_true (orgdesk_test_model_contains (found, orgdesk_post_get_id (created)));
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
  g_assert_null (orgdesk_test_create_post (repository, "   ", "empty title", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  while (g_utf8_strlen (long_title->str, -1) <= 200)
    g_string_append (long_title, "x");
  g_assert_null (orgdesk_test_create_post (repository, long_title->str, "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (orgdesk_test_create_post (repository, "bad \xff utf-8", "", &error));
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

  /* alice may read Globex's posts, not write them */
  switch_to (globex ());
  for (guint i = 0; i < 45; i++)
    {
      g_autofree char *title = g_strdup_printf ("Shipment %02u", i);

      g_free (orgdesk_test_database_insert_post (globex (), NULL, title));
    }

  model = list_posts (NULL);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n_items, >=, 45);

  /* Three pages of 20, read in order: the second and third by key. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(OrgdeskPost) post = orgdesk_test_model_get_post (model, i);
      GDateTime *created = orgdesk_post_get_created_at (post);

      if (previous != NULL)
        g_assert_cmpint (g_date_time_compare (created, previous), <=, 0);
      g_clear_pointer (&previous, g_date_time_unref);
      previous = g_date_time_ref (created);
    }

  {
    g_autoptr(OrgdeskPost) newest = orgdesk_test_model_get_post (model, 0);

    g_assert_cmpstr (orgdesk_post_get_title (newest), ==, "Shipment 44");
  }
}

/* Sorting {{{ */

#define SORT_PAGE_SIZE 10
#define SORT_N_POSTS   45

/* Posts made once for the sort tests: titles "<tag> NN" with every title three
 * times (the id breaks the tie), in Acme; three more with the tag in Globex. */
static char *sort_tag;
static GPtrArray *sort_acme_ids;
static GPtrArray *sort_globex_ids;

static void
ensure_sort_posts (void)
{
  if (sort_tag != NULL)
    return;

  sort_tag = g_strdup_printf ("sortcheck-%08x", g_random_int ());
  sort_acme_ids = g_ptr_array_new_with_free_func (g_free);
  sort_globex_ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *title = g_strdup_printf ("%s %02u", sort_tag, i);

      g_ptr_array_add (sort_globex_ids, orgdesk_test_database_insert_post (globex (), NULL, title));
    }

  switch_to (acme ());
  for (guint i = 0; i < SORT_N_POSTS; i++)
    {
      g_autofree char *title = g_strdup_printf ("%s %02u", sort_tag, (i * 7) % (SORT_N_POSTS / 3));
      g_autoptr(OrgdeskPost) created = NULL;
      g_autoptr(GError) error = NULL;

      created = orgdesk_test_create_post (repository, title, "", &error);
      g_assert_no_error (error);
      g_ptr_array_add (sort_acme_ids, g_strdup (orgdesk_post_get_id (created)));
    }
}

static gint64
count_source (OrgdeskPageSource *source)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count;

  orgdesk_page_source_count_async (source, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  count = orgdesk_page_source_count_finish (source, result, &error);
  g_assert_no_error (error);
  return count;
}

static GPtrArray *
load_page (OrgdeskPageSource *source,
           guint              offset,
           OrgdeskPost       *after)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  orgdesk_page_source_load_async (source, offset, SORT_PAGE_SIZE, after != NULL ? G_OBJECT (after) : NULL,
                                  NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  rows = orgdesk_page_source_load_finish (source, result, &error);
  g_assert_no_error (error);
  return rows;
}

/* Every row of @source, page by page: each page after the last row of the one
 * before (keyset), or each by its offset alone. */
static GPtrArray *
read_all (OrgdeskPageSource *source,
          gboolean           by_key)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 count = count_source (source);

  for (guint offset = 0; offset < count; offset += SORT_PAGE_SIZE)
    {
      OrgdeskPost *after = by_key && all->len > 0 ? g_ptr_array_index (all, all->len - 1) : NULL;
      g_autoptr(GPtrArray) page = load_page (source, offset, after);

      g_assert_cmpuint (page->len, ==, MIN (SORT_PAGE_SIZE, count - offset));
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (page, i)));
    }

  return all;
}

static gboolean
has_sort_tag (OrgdeskPost *post)
{
  return g_str_has_prefix (orgdesk_post_get_title (post), sort_tag);
}

/* The order of @sort between neighbours.  Titles are compared only where the
 * database's collation must agree with strcmp(): two "<tag> NN" titles. */
static void
assert_sorted (GPtrArray       *posts,
               OrgdeskPostSort  sort)
{
  for (guint i = 1; i < posts->len; i++)
    {
      OrgdeskPost *a = g_ptr_array_index (posts, i - 1);
      OrgdeskPost *b = g_ptr_array_index (posts, i);
      int ids = strcmp (orgdesk_post_get_id (a), orgdesk_post_get_id (b));
      int created = strcmp (orgdesk_post_get_created_key (a), orgdesk_post_get_created_key (b));
      int titles = strcmp (orgdesk_post_get_title (a), orgdesk_post_get_title (b));

      switch (sort)
        {
        case ORGDESK_POST_SORT_NEWEST:
          g_assert_true (created > 0 || (created == 0 && ids > 0));
          break;

        case ORGDESK_POST_SORT_OLDEST:
          g_assert_true (created < 0 || (created == 0 && ids < 0));
          break;

        case ORGDESK_POST_SORT_TITLE:
          if (titles == 0)
            g_assert_cmpint (ids, <, 0);
          else if (has_sort_tag (a) && has_sort_tag (b))
            g_assert_cmpint (titles, <, 0);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

static gboolean
contains_id (GPtrArray  *posts,
             const char *id)
{
  for (guint i = 0; i < posts->len; i++)
    if (g_str_equal (orgdesk_post_get_id (g_ptr_array_index (posts, i)), id))
      return TRUE;

  return FALSE;
}

static void
check_sorted_list (const char      *search,
                   OrgdeskPostSort  sort)
{
  g_autoptr(OrgdeskPageSource) source = NULL;
  g_autoptr(GPtrArray) by_key = NULL;
  g_autoptr(GPtrArray) by_offset = NULL;
  g_autoptr(GError) error = NULL;

  source = orgdesk_post_repository_list (repository, search, sort, &error);
  g_assert_no_error (error);
  by_key = read_all (source, TRUE);
  by_offset = read_all (source, FALSE);

  /* Both ways read the same rows in the same order, several pages of them. */
  g_assert_cmpuint (by_key->len, >=, SORT_N_POSTS);
  g_assert_cmpuint (by_key->len, ==, by_offset->len);
  for (guint i = 0; i < by_key->len; i++)
    g_assert_cmpstr (orgdesk_post_get_id (g_ptr_array_index (by_key, i)), ==,
                     orgdesk_post_get_id (g_ptr_array_index (by_offset, i)));
  assert_sorted (by_key, sort);

  for (guint i = 0; i < sort_acme_ids->len; i++)
    g_assert_true (contains_id (by_key, g_ptr_array_index (sort_acme_ids, i)));
  for (guint i = 0; i < sort_globex_ids->len; i++)
    g_assert_false (contains_id (by_key, g_ptr_array_index (sort_globex_ids, i)));

  if (search != NULL)
    g_assert_cmpuint (by_key->len, ==, SORT_N_POSTS);
}

static void
test_sorted_pages (gconstpointer data)
{
  OrgdeskPostSort sort = GPOINTER_TO_INT (data);
  g_autofree char *search = NULL;

  if (repository == NULL)
    return;

  ensure_sort_posts ();
  switch_to (acme ());

  /* The whole organization, then a search (in capitals: case-insensitive). */
  check_sorted_list (NULL, sort);
  search = g_ascii_strup (sort_tag, -1);
  check_sorted_list (search, sort);
}

static void
test_sort_type (void)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (ORGDESK_TYPE_POST_SORT);

  g_assert_cmpuint (enum_class->n_values, ==, 3);
  g_assert_cmpstr (g_enum_get_value (enum_class, ORGDESK_POST_SORT_NEWEST)->value_nick, ==, "newest");
  g_assert_cmpstr (g_enum_get_value (enum_class, ORGDESK_POST_SORT_OLDEST)->value_nick, ==, "oldest");
  g_assert_cmpstr (g_enum_get_value (enum_class, ORGDESK_POST_SORT_TITLE)->value_nick, ==, "title");
}

/* }}} */

static void
set_up (void)
{
  session = orgdesk_test_database_session_new ("alice");
  if (session == NULL)
    return;

  database = orgdesk_database_new (g_getenv ("ORGDESK_TEST_DATABASE_URI"));
  repository = orgdesk_post_repository_new (database, session);
}

/* Saving one draft twice (the first answer was lost) makes one post, with the
 * latest text; the same id in another organization is another post. */
static void
test_create_again_with_the_same_id (void)
{
  g_autofree char *post_id = orgdesk_post_repository_new_post_id ();
  g_autoptr(OrgdeskPost) first = NULL;
  g_autoptr(OrgdeskPost) again = NULL;
  g_autoptr(OrgdeskPost) in_globex = NULL;
  g_autoptr(OrgdeskPost) acme_post = NULL;
  g_autoptr(OrgdeskPost) bad = NULL;
  g_autoptr(GError) error = NULL;

  if (repository == NULL)
    return;

  switch_to (acme ());
  first = create_post_with_id (post_id, "Draft saved twice", "first text", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_post_get_id (first), ==, post_id);

  again = create_post_with_id (post_id, "Draft saved twice", "second text", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_post_get_id (again), ==, post_id);
  g_assert_cmpstr (orgdesk_post_get_body (again), ==, "second text");
  g_assert_true (g_date_time_equal (orgdesk_post_get_created_at (first), orgdesk_post_get_created_at (again)));
  g_assert_cmpstr (orgdesk_post_get_author_name (again), ==, orgdesk_post_get_author_name (first));

  /* alice is a member of Globex: her token there has no write scope, and the
   * database refuses the write */
  switch_to (globex ());
  in_globex = create_post_with_id (post_id, "Same id, other organization", "", &error);
  g_assert_null (in_globex);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_assert_cmpstr (orgdesk_database_error_get_sqlstate (error), ==, "42501");
  g_clear_error (&error);
  g_assert_null (get_post (post_id, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_free (orgdesk_test_database_insert_post (globex (), post_id, "Same id, other organization"));
  in_globex = get_post (post_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_post_get_title (in_globex), ==, "Same id, other organization");

  switch_to (acme ());
  acme_post = get_post (post_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_post_get_title (acme_post), ==, "Draft saved twice");
  g_assert_cmpstr (orgdesk_post_get_body (acme_post), ==, "second text");

  bad = create_post_with_id ("not-a-uuid", "Bad id", "", &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_assert_true (delete_post (post_id, NULL));
  g_free (orgdesk_test_database_dup_value ("DELETE FROM orgdesk.posts WHERE id = $1::pg_catalog.uuid RETURNING id", post_id));
}

/* Database tokens {{{ */

#define REFUSED_TOKEN "orgdesk-test-refused-token"

static gboolean
session_settled (gconstpointer data)
{
  return !orgdesk_session_get_switching (session) && orgdesk_session_get_database_token (session) != NULL;
}

static OrgdeskTokenResponse *
database_token_for (const char *organization_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskTokenResponse *token;

  orgdesk_session_request_database_token_async (session, organization_id, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  token = orgdesk_session_request_database_token_finish (session, result, &error);
  g_assert_no_error (error);
  return token;
}

/* Makes the grant hand out, for @organization_id's database token, one that
 * the database refuses (as it would a token revoked or signed by a key that
 * was rotated away) until it is dropped. */
static OrgdeskTokenResponse *
plant_refused_token (const char *organization_id)
{
  static const char json[] = "{\"access_token\":\"" REFUSED_TOKEN "\",\"expires_in\":3600,"
                             "\"token_type\":\"Bearer\",\"scope\":\"data:read data:write\"}";
  g_autoptr(GError) error = NULL;
  OrgdeskTokenResponse *token;

  token = orgdesk_token_response_new_from_data (json, strlen (json), g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  _orgdesk_grant_cache_token (orgdesk_session_get_grant (session), organization_id,
                              ORGDESK_TEST_DATABASE_RESOURCE, token);
  return token;
}

/* A token the database refuses mid-session is dropped and replaced; the
 * transaction runs once more and takes effect once. */
static void
test_refused_token_is_replaced (void)
{
  g_autoptr(OrgdeskTokenResponse) refused = NULL;
  g_autoptr(OrgdeskTokenResponse) fresh = NULL;
  g_autoptr(OrgdeskTokenResponse) globex_token = NULL;
  g_autoptr(OrgdeskTokenResponse) globex_again = NULL;
  g_autoptr(OrgdeskPost) created = NULL;
  g_autoptr(OrgdeskPost) fetched = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;

  if (repository == NULL)
    return;

  switch_to (acme ());
  orgdesk_test_wait_for_condition (session_settled, NULL, 30);
  globex_token = database_token_for (globex ());
  before = orgdesk_test_database_count_posts (acme ());

  refused = plant_refused_token (acme ());
  created = orgdesk_test_create_post (repository, "After a refused token", "Sent twice, written once.", &error);
  g_assert_no_error (error);
  g_assert_cmpint (orgdesk_test_database_count_posts (acme ()), ==, before + 1);
  g_assert_cmpstr (orgdesk_post_get_author_name (created), ==, "Alice Example");

  /* The new token is cached, and is the active organization's token now */
  fresh = database_token_for (acme ());
  g_assert_true (fresh != refused);
  g_assert_cmpstr (orgdesk_token_response_get_access_token (fresh), !=, REFUSED_TOKEN);
  g_assert_true (orgdesk_session_get_database_token (session) == fresh);

  /* Reads are retried the same way; another organization's token stays */
  g_clear_object (&refused);
  refused = plant_refused_token (acme ());
  fetched = get_post (orgdesk_post_get_id (created), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_post_get_title (fetched), ==, "After a refused token");
  globex_again = database_token_for (globex ());
  g_assert_true (globex_again == globex_token);

  g_assert_true (delete_post (orgdesk_post_get_id (created), &error));
  g_assert_no_error (error);
}

/* When the database refuses the new token too (keys or configuration out of
 * step with Logto), the request fails with a code the UI can name, and nothing
 * was written. */
static void
test_refused_token_twice (void)
{
  g_autofree char *audience = NULL;
  g_autofree char *restore = NULL;
  g_autoptr(OrgdeskPost) created = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;

  if (repository == NULL)
    return;

  switch_to (acme ());
  orgdesk_test_wait_for_condition (session_settled, NULL, 30);
  before = orgdesk_test_database_count_posts (acme ());

  audience = orgdesk_test_database_dup_value ("SELECT audience FROM orgdesk.auth_config", NULL);
  g_assert_cmpstr (audience, ==, ORGDESK_TEST_DATABASE_RESOURCE);
  orgdesk_test_database_exec ("UPDATE orgdesk.auth_config SET audience = 'https://elsewhere.example.test/db'");

  created = orgdesk_test_create_post (repository, "Never written", "", &error);
  restore = g_strdup_printf ("UPDATE orgdesk.auth_config SET audience = '%s'", ORGDESK_TEST_DATABASE_RESOURCE);
  orgdesk_test_database_exec (restore);

  g_assert_null (created);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_AUTHENTICATION);
  g_assert_cmpstr (orgdesk_database_error_get_sqlstate (error), ==, "28000");
  g_assert_cmpint (orgdesk_test_database_count_posts (acme ()), ==, before);

  /* With the configuration back, the next request works */
  g_clear_error (&error);
  created = orgdesk_test_create_post (repository, "Written again", "", &error);
  g_assert_no_error (error);
  g_assert_true (delete_post (orgdesk_post_get_id (created), NULL));
}

static gboolean
hold_has_seen_request (gconstpointer data)
{
  gint64 seen = 0;
  gint64 held = 0;

  orgdesk_test_token_hold_counts (*(const gint64 *) data, &seen, &held);
  return held > 0;
}

static gboolean
grant_is_idle (gconstpointer data)
{
  return !orgdesk_grant_get_busy (orgdesk_session_get_grant (session));
}

/* Cancelled while the token is fetched (or refused and fetched again): the
 * request ends as cancelled and nothing is written. */
static void
test_cancelled_while_getting_token (void)
{
  g_autoptr(OrgdeskTokenResponse) refused = NULL;
  g_autoptr(OrgdeskTokenResponse) current = NULL;
  g_auto(OrgdeskSecretString) record = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  gint64 hold;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OrgdeskPost) created = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;

  if (repository == NULL)
    return;

  switch_to (acme ());
  orgdesk_test_wait_for_condition (session_settled, NULL, 30);
  before = orgdesk_test_database_count_posts (acme ());

  /* No token cached: the request waits for the token endpoint */
  current = database_token_for (acme ());
  orgdesk_grant_forget_token (orgdesk_session_get_grant (session), acme (), ORGDESK_TEST_DATABASE_RESOURCE, current);
  cancellable = g_cancellable_new ();
  orgdesk_post_repository_create_async (repository, NULL, "Cancelled at the token", "", cancellable,
                                        orgdesk_test_store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 30);
  created = orgdesk_post_repository_create_finish (repository, result, &error);
  g_assert_null (created);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The refresh the cancelled request started goes on (and rotates the refresh
   * token); the hold below is for the one after it. */
  orgdesk_test_wait_for_condition (grant_is_idle, NULL, 30);

  /* A refused token, and cancelled while the new one is on its way: the
   * stand-in holds the answer to the retry's refresh for a while. */
  refused = plant_refused_token (acme ());
  record = orgdesk_grant_to_record (orgdesk_session_get_grant (session));
  saved = orgdesk_json_parse_object (record, -1);
  hold = orgdesk_test_hold_token_response (orgdesk_json_get_string (saved, "refresh_token"), 3, FALSE);
  g_clear_object (&cancellable);
  cancellable = g_cancellable_new ();
  orgdesk_post_repository_create_async (repository, NULL, "Cancelled at the retry", "", cancellable,
                                        orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_condition (hold_has_seen_request, &hold, 30);
  g_assert_null (result);
  g_cancellable_cancel (cancellable);
  orgdesk_test_wait_for_result (&result, 2);
  created = orgdesk_post_repository_create_finish (repository, result, &error);
  g_assert_null (created);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The refresh itself is never abandoned (its refresh token rotates) */
  orgdesk_test_wait_for_condition (grant_is_idle, NULL, 30);
  g_assert_cmpint (orgdesk_test_database_count_posts (acme ()), ==, before);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/data/posts/stay-in-their-organization", test_posts_stay_in_their_organization);
  g_test_add_func ("/orgdesk/data/posts/hostile-text-is-data", test_hostile_text_is_data);
  g_test_add_func ("/orgdesk/data/posts/bad-input-changes-nothing", test_bad_input_changes_nothing);
  g_test_add_func ("/orgdesk/data/posts/create-again-with-the-same-id", test_create_again_with_the_same_id);
  g_test_add_func ("/orgdesk/data/posts/paging-newest-first", test_paging_newest_first);
  g_test_add_func ("/orgdesk/data/posts/token/refused-is-replaced", test_refused_token_is_replaced);
  g_test_add_func ("/orgdesk/data/posts/token/refused-twice", test_refused_token_twice);
  g_test_add_func ("/orgdesk/data/posts/token/cancelled", test_cancelled_while_getting_token);
  g_test_add_func ("/orgdesk/data/posts/sort/type", test_sort_type);
  g_test_add_data_func ("/orgdesk/data/posts/sort/newest", GINT_TO_POINTER (ORGDESK_POST_SORT_NEWEST), test_sorted_pages);
  g_test_add_data_func ("/orgdesk/data/posts/sort/oldest", GINT_TO_POINTER (ORGDESK_POST_SORT_OLDEST), test_sorted_pages);
  g_test_add_data_func ("/orgdesk/data/posts/sort/title", GINT_TO_POINTER (ORGDESK_POST_SORT_TITLE), test_sorted_pages);

  set_up ();
  status = g_test_run ();

  g_clear_pointer (&sort_tag, g_free);
  g_clear_pointer (&sort_acme_ids, g_ptr_array_unref);
  g_clear_pointer (&sort_globex_ids, g_ptr_array_unref);

  g_clear_object (&repository);
  g_clear_object (&database);
  g_clear_object (&session);

  return status;
}
