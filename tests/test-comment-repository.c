/* test-comment-repository.c: comments against a real PostgreSQL with row-level
 * security, as a real signed-in session of the Logto stand-in sees them
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-comment-repository.h"
#include "orgdesk-database-error.h"
#include "orgdesk-post-repository.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-utils.h"

/* One signed-in session (alice: admin of Acme, member of Globex) for all tests. */
static OrgdeskSession *session;
static OrgdeskDatabase *database;
static OrgdeskPostRepository *posts;
static OrgdeskCommentRepository *comments;

static void
switch_to (guint membership)
{
  const char *organization_id = orgdesk_test_fixture_organization_of ("alice", membership, NULL);

  g_assert_true (orgdesk_session_set_active_organization_id (session, organization_id));
}

#define ACME   0
#define GLOBEX 1

/* Each helper runs one request to its end. */

static OrgdeskPost *
create_post (const char *title)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskPost *post;

  orgdesk_post_repository_create_async (posts, NULL, title, "", NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  post = orgdesk_post_repository_create_finish (posts, result, &error);
  g_assert_no_error (error);
  return post;
}

static OrgdeskPost *
get_post (const char *post_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskPost *post;

  orgdesk_post_repository_get_async (posts, post_id, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  post = orgdesk_post_repository_get_finish (posts, result, &error);
  g_assert_no_error (error);
  return post;
}

static OrgdeskComment *
create_comment_with_id (const char  *comment_id,
                        const char  *post_id,
                        const char  *body,
                        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_comment_repository_create_async (comments, comment_id, post_id, body, NULL,
                                           orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_comment_repository_create_finish (comments, result, error);
}

static OrgdeskComment *
create_comment (const char  *post_id,
                const char  *body,
                GError     **error)
{
  return create_comment_with_id (NULL, post_id, body, error);
}

static OrgdeskComment *
update_comment (const char  *comment_id,
                const char  *body,
                GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_comment_repository_update_async (comments, comment_id, body, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_comment_repository_update_finish (comments, result, error);
}

static gboolean
delete_comment (const char  *comment_id,
                GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  orgdesk_comment_repository_delete_async (comments, comment_id, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  return orgdesk_comment_repository_delete_finish (comments, result, error);
}

/* A post with one comment, in the active organization. */
static OrgdeskComment *
create_post_with_comment (const char   *body,
                          OrgdeskPost **post)
{
  g_autoptr(GError) error = NULL;
  OrgdeskComment *comment;

  *post = create_post ("Comment test post");
  comment = create_comment (orgdesk_post_get_id (*post), body, &error);
  g_assert_no_error (error);
  return comment;
}

/* The post's only comment has this id and body (a fresh read, not a cached one). */
static void
assert_only_comment (OrgdeskPost *post,
                     const char  *comment_id,
                     const char  *body)
{
  g_autoptr(GPtrArray) listed = orgdesk_test_list_comments (comments, orgdesk_post_get_id (post));

  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (orgdesk_comment_get_id (g_ptr_array_index (listed, 0)), ==, comment_id);
  g_assert_cmpstr (orgdesk_comment_get_body (g_ptr_array_index (listed, 0)), ==, body);
}

static void
test_comments_stay_with_their_post (void)
{
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(OrgdeskPost) reread = NULL;
  g_autoptr(OrgdeskComment) comment = NULL;
  g_autoptr(OrgdeskComment) smuggled = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  if (comments == NULL)
    return;

  switch_to (ACME);
  comment = create_post_with_comment ("Checked: 3 affected \u2013 '; DROP TABLE x; --", &post);
  g_assert_cmpstr (orgdesk_comment_get_author_name (comment), ==, "Alice Example");
  assert_only_comment (post, orgdesk_comment_get_id (comment), "Checked: 3 affected \u2013 '; DROP TABLE x; --");
  reread = get_post (orgdesk_post_get_id (post));
  g_assert_cmpuint (orgdesk_post_get_n_comments (reread), ==, 1);

  /* From Globex: no comments to see, none to add to Acme's post, none to delete.
   * alice's Globex token has no write scope, so the database refuses the insert
   * and the delete before the foreign key or the policies could (the pgTAP
   * tests check those). */
  switch_to (GLOBEX);
  listed = orgdesk_test_list_comments (comments, orgdesk_post_get_id (post));
  g_assert_cmpuint (listed->len, ==, 0);
  smuggled = create_comment (orgdesk_post_get_id (post), "sneaky", &error);
  g_assert_null (smuggled);
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (delete_comment (orgdesk_comment_get_id (comment), &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_clear_error (&error);

  /* Bad input is refused before the database. */
  g_assert_null (create_comment (orgdesk_post_get_id (post), "   ", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Back in Acme: still there, and it can be deleted. */
  switch_to (ACME);
  assert_only_comment (post, orgdesk_comment_get_id (comment), "Checked: 3 affected \u2013 '; DROP TABLE x; --");
  g_assert_true (delete_comment (orgdesk_comment_get_id (comment), &error));
  g_assert_no_error (error);
}

static void
test_update_keeps_identity (void)
{
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(OrgdeskComment) comment = NULL;
  g_autoptr(OrgdeskComment) updated = NULL;
  g_autoptr(GError) error = NULL;

  if (comments == NULL)
    return;

  switch_to (ACME);
  comment = create_post_with_comment ("Three anvils affected.", &post);
  updated = update_comment (orgdesk_comment_get_id (comment), "Four anvils affected, sorry.", &error);
  g_assert_no_error (error);

  g_assert_cmpstr (orgdesk_comment_get_body (updated), ==, "Four anvils affected, sorry.");
  g_assert_cmpstr (orgdesk_comment_get_id (updated), ==, orgdesk_comment_get_id (comment));
  g_assert_cmpstr (orgdesk_comment_get_author_name (updated), ==, orgdesk_comment_get_author_name (comment));
  g_assert_true (g_date_time_equal (orgdesk_comment_get_created_at (updated),
                                    orgdesk_comment_get_created_at (comment)));
  assert_only_comment (post, orgdesk_comment_get_id (comment), "Four anvils affected, sorry.");
}

static void
test_update_stays_in_organization (void)
{
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(OrgdeskComment) comment = NULL;
  g_autoptr(GError) error = NULL;

  if (comments == NULL)
    return;

  switch_to (ACME);
  comment = create_post_with_comment ("Acme's own words.", &post);

  /* From Globex (alice may only read there) nothing is written. */
  switch_to (GLOBEX);
  g_assert_null (update_comment (orgdesk_comment_get_id (comment), "Taken over by Globex", &error));
  g_assert_error (error, ORGDESK_DATABASE_ERROR, ORGDESK_DATABASE_ERROR_PERMISSION);
  g_clear_error (&error);

  switch_to (ACME);
  assert_only_comment (post, orgdesk_comment_get_id (comment), "Acme's own words.");

  /* Nor can a deleted comment come back through an update. */
  g_assert_true (delete_comment (orgdesk_comment_get_id (comment), &error));
  g_assert_no_error (error);
  g_assert_null (update_comment (orgdesk_comment_get_id (comment), "Back from the dead", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (delete_comment (orgdesk_comment_get_id (comment), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_bad_update_changes_nothing (void)
{
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(OrgdeskComment) comment = NULL;
  g_autoptr(GString) too_long = g_string_new (NULL);
  /* A C string ends at its first NUL; the overlong encoding of NUL is refused as
   * text that is not UTF-8.  The last body becomes one character too many. */
  const char *bodies[] = { "", "   \n\t ", NULL, "nul \xc0\x80 inside", "bad \xff utf-8", NULL };
  const char *ids[] = { "not-a-uuid'; --", "", NULL };

  if (comments == NULL)
    return;

  switch_to (ACME);
  comment = create_post_with_comment ("The original.", &post);
  while (g_utf8_strlen (too_long->str, -1) <= 20000)
    g_string_append (too_long, "\xc3\xa4");
  bodies[G_N_ELEMENTS (bodies) - 1] = too_long->str;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (update_comment (orgdesk_comment_get_id (comment), bodies[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (update_comment (ids[i], "Fine text", &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    }

  {
    g_autofree char *unknown = g_uuid_string_random ();
    g_autoptr(GError) error = NULL;

    g_assert_null (update_comment (unknown, "Fine text", &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }

  assert_only_comment (post, orgdesk_comment_get_id (comment), "The original.");
}

static void
test_hostile_text_round_trips (void)
{
  static const char *bodies[] = {
    "Robert'); DROP TABLE orgdesk.comments; --",
    "\"quoted\" and 'single' and \\backslash\\",
    "$1 $2 %s %n {{ }} <script>alert(1)</script>",
    "\xf0\x9f\x8f\xa2 \xf0\x9f\x92\xbc \xe2\x9c\x85\nsecond line\r\n\ttabbed",
    NULL,
  };
  g_autoptr(GString) longest = g_string_new (NULL);
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(OrgdeskComment) comment = NULL;

  if (comments == NULL)
    return;

  switch_to (ACME);
  comment = create_post_with_comment ("Plain.", &post);
  /* Exactly the limit, in characters of four bytes each. */
  while (g_utf8_strlen (longest->str, -1) < 20000)
    g_string_append (longest, "\xf0\x9f\x98\x80");
  bodies[G_N_ELEMENTS (bodies) - 1] = longest->str;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(OrgdeskComment) updated = NULL;
      g_autoptr(GError) error = NULL;

      updated = update_comment (orgdesk_comment_get_id (comment), bodies[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (orgdesk_comment_get_body (updated), ==, bodies[i]);
      assert_only_comment (post, orgdesk_comment_get_id (comment), bodies[i]);
    }
}

static void
test_delete_removes_one (void)
{
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  if (comments == NULL)
    return;

  switch_to (ACME);
  post = create_post ("Three comments");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("Comment %u", i);

      g_ptr_array_add (created, create_comment (orgdesk_post_get_id (post), body, &error));
      g_assert_no_error (error);
    }

  g_assert_true (delete_comment (orgdesk_comment_get_id (g_ptr_array_index (created, 1)), &error));
  g_assert_no_error (error);

  /* Its siblings stay, in order. */
  listed = orgdesk_test_list_comments (comments, orgdesk_post_get_id (post));
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpstr (orgdesk_comment_get_body (g_ptr_array_index (listed, 0)), ==, "Comment 0");
  g_assert_cmpstr (orgdesk_comment_get_body (g_ptr_array_index (listed, 1)), ==, "Comment 2");
}

/* Sending one comment twice (the first answer was lost) makes one comment with
 * the latest text; its id cannot move it to another post. */
static void
test_create_again_with_the_same_id (void)
{
  g_autofree char *comment_id = g_uuid_string_random ();
  g_autoptr(OrgdeskPost) post = NULL;
  g_autoptr(OrgdeskPost) other_post = NULL;
  g_autoptr(OrgdeskComment) first = NULL;
  g_autoptr(OrgdeskComment) again = NULL;
  g_autoptr(OrgdeskComment) moved = NULL;
  g_autoptr(OrgdeskComment) bad = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  if (comments == NULL)
    return;

  switch_to (ACME);
  post = create_post ("Post for a comment sent twice");
  other_post = create_post ("Another post");

  first = create_comment_with_id (comment_id, orgdesk_post_get_id (post), "first text", &error);
  g_assert_no_error (error);
  again = create_comment_with_id (comment_id, orgdesk_post_get_id (post), "second text", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (orgdesk_comment_get_id (again), ==, comment_id);
  g_assert_cmpstr (orgdesk_comment_get_body (again), ==, "second text");

  listed = orgdesk_test_list_comments (comments, orgdesk_post_get_id (post));
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (orgdesk_comment_get_body (g_ptr_array_index (listed, 0)), ==, "second text");

  moved = create_comment_with_id (comment_id, orgdesk_post_get_id (other_post), "moved?", &error);
  g_assert_null (moved);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = orgdesk_test_list_comments (comments, orgdesk_post_get_id (other_post));
  g_assert_cmpuint (listed->len, ==, 0);

  bad = create_comment_with_id ("not-a-uuid", orgdesk_post_get_id (post), "bad id", &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/data/comments/stay-with-their-post", test_comments_stay_with_their_post);
  g_test_add_func ("/orgdesk/data/comments/create-again-with-the-same-id", test_create_again_with_the_same_id);
  g_test_add_func ("/orgdesk/data/comments/update/keeps-identity", test_update_keeps_identity);
  g_test_add_func ("/orgdesk/data/comments/update/stays-in-organization", test_update_stays_in_organization);
  g_test_add_func ("/orgdesk/data/comments/update/bad-input-changes-nothing", test_bad_update_changes_nothing);
  g_test_add_func ("/orgdesk/data/comments/update/hostile-text-round-trips", test_hostile_text_round_trips);
  g_test_add_func ("/orgdesk/data/comments/delete/removes-one", test_delete_removes_one);

  session = orgdesk_test_database_session_new ("alice");
  if (session != NULL)
    {
      database = orgdesk_database_new (g_getenv ("ORGDESK_TEST_DATABASE_URI"));
      posts = orgdesk_post_repository_new (database, session);
      comments = orgdesk_comment_repository_new (database, session);
    }

  status = g_test_run ();

  g_clear_object (&comments);
  g_clear_object (&posts);
  g_clear_object (&database);
  g_clear_object (&session);

  return status;
}
