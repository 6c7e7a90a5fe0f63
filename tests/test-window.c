/* test-window.c: the application and its window, in a real window under Xvfb
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "orgdesk-application.h"
#include "orgdesk-post-source.h"
#include "orgdesk-post-editor.h"
#include "orgdesk-post-page.h"
#include "orgdesk-posts-page.h"
#include "orgdesk-test-database.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-proxy.h"
#include "orgdesk-test-utils.h"
#include "orgdesk-window.h"

/* One application for the whole run, as a user has it: the subtests follow one
 * another (signed out → signed in → switching → signed out). */
static OrgdeskApplication *app;
static OrgdeskWindow *window;
/* Between the app and PostgreSQL, so a test can take the database away. */
static OrgdeskTestProxy *database_proxy;

static OrgdeskSession *
session (void)
{
  return orgdesk_application_get_session (app);
}

static GtkWidget *
find_widget_of_type (GtkWidget *root,
                     GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_mapped (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_of_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Shown or not. */
static GtkWidget *
find_any_widget_of_type (GtkWidget *root,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_any_widget_of_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkDropDown *
selector (void)
{
  return GTK_DROP_DOWN (find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
}

static OrgdeskPostsPage *
posts_page (void)
{
  return ORGDESK_POSTS_PAGE (find_widget_of_type (GTK_WIDGET (window), ORGDESK_TYPE_POSTS_PAGE));
}

static gboolean
posts_shown (gconstpointer data)
{
  OrgdeskPostsPage *page = posts_page ();

  return page != NULL && g_strcmp0 (orgdesk_posts_page_get_visible_state (page), "list") == 0;
}

/* The id of the first post in the list, once its page has loaded. */
static char *
dup_first_post_id (void)
{
  g_autoptr(OrgdeskPagedItem) holder = g_list_model_get_item (G_LIST_MODEL (orgdesk_posts_page_get_model (posts_page ())), 0);

  while (orgdesk_paged_item_get_item (holder) == NULL)
    g_main_context_iteration (NULL, TRUE);

  return g_strdup (orgdesk_post_get_id (orgdesk_paged_item_get_item (holder)));
}

static gboolean
page_is (gconstpointer data)
{
  return g_strcmp0 (orgdesk_window_get_visible_page (window), data) == 0;
}

static gboolean
database_token_ready (gconstpointer data)
{
  return !orgdesk_session_get_switching (session ()) && orgdesk_session_get_database_token (session ()) != NULL;
}

static void
save_screenshot_of (GtkWidget  *widget,
                    const char *name)
{
  const char *directory = g_getenv ("ORGDESK_TEST_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  if (directory == NULL)
    return;

  /* Let pending layout and drawing happen first. */
  gtk_test_widget_wait_for_draw (widget);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || width <= 0)
    {
      /* Nothing drawn yet (a dialog may still be closing): a picture is not the test. */
      g_test_message ("no screenshot %s: the window has not drawn", name);
      return;
    }

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (directory, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot %s", path);
}

static void
save_screenshot (const char *name)
{
  save_screenshot_of (GTK_WIDGET (window), name);
}

static void
test_starts_signed_out (void)
{
  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  orgdesk_test_wait_for_condition (page_is, "signed-out", 30);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Orgdesk");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sign-in"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sign-out"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "organization"));
  save_screenshot ("window-signed-out.png");
}

static gboolean
user_row_is_current (gconstpointer data)
{
  OrgdeskUser *user = orgdesk_session_get_user (session ());
  g_autofree char *name = NULL;

  name = orgdesk_test_database_dup_value ("SELECT name FROM orgdesk.users WHERE logto_id = $1",
                                          orgdesk_user_get_subject (user));
  if (g_strcmp0 (name, orgdesk_user_get_display_name (user)) == 0)
    return TRUE;

  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  return FALSE;
}

static void
test_sign_in (void)
{
  g_autoptr(OrgdeskOrganization) first = NULL;
  GtkDropDown *dropdown;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  orgdesk_test_use_browser_as ("alice");
  g_action_group_activate_action (G_ACTION_GROUP (app), "sign-in", NULL);
  g_assert_cmpstr (orgdesk_window_get_visible_page (window), ==, "waiting");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "cancel-sign-in"));

  orgdesk_test_wait_for_condition (page_is, "organization", 60);
  orgdesk_test_wait_for_condition (database_token_ready, NULL, 30);
  /* The organization's posts, from PostgreSQL through its row-level security. */
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  save_screenshot ("window-signed-in.png");

  /* The selector lists the user's organizations by name; it agrees with the title. */
  dropdown = selector ();
  g_assert_nonnull (dropdown);
  g_assert_true (gtk_drop_down_get_enable_search (dropdown));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 2);
  first = g_list_model_get_item (gtk_drop_down_get_model (dropdown), 0);
  g_assert_true (gtk_drop_down_get_selected_item (dropdown) == (gpointer) orgdesk_session_get_active_organization (session ()));
  {
    g_autofree char *title = g_strdup_printf ("%s – Orgdesk", orgdesk_organization_get_name (orgdesk_session_get_active_organization (session ())));

    g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, title);
  }
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sign-out"));

  /* The app wrote the user's row at sign-in (start_application made it stale). */
  g_test_message ("waiting for the user's row");
  orgdesk_test_wait_for_condition (user_row_is_current, NULL, 30);
}

static void
assert_shows_organization (const char *organization_id)
{
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (session ());
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (app), "organization");
  g_autofree char *title = NULL;

  g_assert_cmpstr (orgdesk_organization_get_id (active), ==, organization_id);
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, organization_id);
  g_assert_true (gtk_drop_down_get_selected_item (selector ()) == (gpointer) active);
  title = g_strdup_printf ("%s – Orgdesk", orgdesk_organization_get_name (active));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, title);
}

static void
test_switch_from_action (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  g_autofree char *acme_first = NULL;
  g_autofree char *globex_first = NULL;

  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  acme_first = dup_first_post_id ();

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (globex));
  assert_shows_organization (globex);
  /* The list reloads for Globex: none of Acme's posts. */
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  globex_first = dup_first_post_id ();
  g_assert_cmpstr (globex_first, !=, acme_first);
  orgdesk_test_wait_for_condition (database_token_ready, NULL, 30);
  g_assert_cmpstr (orgdesk_token_response_get_scope (orgdesk_session_get_database_token (session ())), ==, "data:read");

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  assert_shows_organization (acme);

  /* Not in the list: nothing changes. */
  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization",
                                      g_variant_new_string (orgdesk_test_fixture_organization_of ("bob", 0, NULL)));
  assert_shows_organization (acme);
  orgdesk_test_wait_for_condition (database_token_ready, NULL, 30);
  g_assert_cmpstr (orgdesk_token_response_get_scope (orgdesk_session_get_database_token (session ())), ==, "data:read data:write");
}

static void
test_switch_from_selector_and_keyboard (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  guint position;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  orgdesk_session_find_organization (session (), globex, &position);
  gtk_drop_down_set_selected (selector (), position);
  assert_shows_organization (globex);

  /* Ctrl+Page Down / Up walk the list, wrapping around. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-organization", NULL));
  assert_shows_organization (acme);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.previous-organization", NULL));
  assert_shows_organization (globex);
  orgdesk_test_wait_for_condition (database_token_ready, NULL, 30);
  save_screenshot ("window-switched.png");
}

static GtkWindow *
find_dialog (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *toplevel = g_list_model_get_item (toplevels, i);

      /* GTK's list of toplevels keeps the window alive. */
      g_object_unref (toplevel);
      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }

  return NULL;
}

static gboolean
dialog_shown (gconstpointer data)
{
  return find_dialog (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
dialog_gone (gconstpointer data)
{
  return find_dialog (GPOINTER_TO_SIZE (data)) == NULL;
}

static GtkWindow *
wait_for_dialog (GType type)
{
  orgdesk_test_wait_for_condition (dialog_shown, GSIZE_TO_POINTER (type), 10);
  return find_dialog (type);
}

static gboolean
first_post_is (gconstpointer data)
{
  OrgdeskPagedModel *model = orgdesk_posts_page_get_model (posts_page ());
  g_autoptr(OrgdeskPagedItem) holder = NULL;
  OrgdeskPost *post;

  if (model == NULL || !posts_shown (NULL))
    return FALSE;

  holder = g_list_model_get_item (G_LIST_MODEL (model), 0);
  post = holder != NULL ? orgdesk_paged_item_get_item (holder) : NULL;
  return post != NULL && g_strcmp0 (orgdesk_post_get_title (post), data) == 0;
}

static OrgdeskPostPage *
post_page (void)
{
  return ORGDESK_POST_PAGE (find_widget_of_type (GTK_WIDGET (window), ORGDESK_TYPE_POST_PAGE));
}

static gboolean
post_page_shows (gconstpointer data)
{
  OrgdeskPostPage *page = post_page ();

  return page != NULL && orgdesk_post_page_get_post (page) != NULL &&
         g_strcmp0 (orgdesk_post_get_title (orgdesk_post_page_get_post (page)), data) == 0;
}

static gboolean
post_page_shows_any (gconstpointer data)
{
  OrgdeskPostPage *page = post_page ();

  return page != NULL && orgdesk_post_page_get_post (page) != NULL;
}

static guint
n_comment_rows (void)
{
  GtkWidget *list = find_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_LIST_BOX);
  guint n = 0;

  for (GtkWidget *row = list != NULL ? gtk_widget_get_first_child (list) : NULL; row != NULL; row = gtk_widget_get_next_sibling (row))
    n++;

  return n;
}

static gboolean
has_one_comment (gconstpointer data)
{
  return n_comment_rows () == 1;
}

static gboolean
post_page_closed (gconstpointer data)
{
  return post_page () == NULL;
}

static OrgdeskPostEditor *
wait_for_editor (void)
{
  return ORGDESK_POST_EDITOR (wait_for_dialog (ORGDESK_TYPE_POST_EDITOR));
}

static void
write_in_editor (const char *title,
                 const char *screenshot)
{
  OrgdeskPostEditor *editor = wait_for_editor ();
  GtkWidget *entry = find_widget_of_type (GTK_WIDGET (editor), GTK_TYPE_ENTRY);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), title);
  if (screenshot != NULL)
    save_screenshot_of (GTK_WIDGET (editor), screenshot);
  /* As a click on Publish does; the dialog closes once the database said yes. */
  g_assert_true (orgdesk_post_editor_get_can_save (editor));
  orgdesk_post_editor_save (editor);
  g_assert_true (orgdesk_post_editor_get_saving (editor));
  /* Gone before the next step looks for a dialog. */
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ORGDESK_TYPE_POST_EDITOR), 30);
}

/* A post's life in the window: write, open, comment, edit, delete.  In Acme,
 * where alice is an admin (her role in Globex can only read). */
static void
test_post_lifecycle (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  GtkWidget *list_view;
  GtkWidget *comment_entry;
  GtkWindow *confirmation;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  assert_shows_organization (acme);
  orgdesk_test_wait_for_condition (database_token_ready, NULL, 30);
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.new", NULL));
  write_in_editor ("Window test post", "editor-new-post.png");
  g_test_message ("waiting for the new post at the top");
  orgdesk_test_wait_for_condition (first_post_is, "Window test post", 30);

  list_view = find_widget_of_type (GTK_WIDGET (posts_page ()), GTK_TYPE_LIST_VIEW);
  g_signal_emit_by_name (list_view, "activate", 0);
  g_test_message ("waiting for the post page");
  orgdesk_test_wait_for_condition (post_page_shows, "Window test post", 10);

  /* Logto refreshes the profile (same organization, new objects): the list is not
   * reloaded and the open post stays open. */
  {
    OrgdeskPagedModel *model_before = orgdesk_posts_page_get_model (posts_page ());
    g_autoptr(GAsyncResult) result = NULL;

    orgdesk_session_reconnect_async (session (), NULL, orgdesk_test_store_result_cb, &result);
    orgdesk_test_wait_for_result (&result, 30);
    g_assert_true (orgdesk_session_reconnect_finish (session (), result, NULL));
    g_assert_true (orgdesk_posts_page_get_model (posts_page ()) == model_before);
    g_assert_true (post_page_shows ("Window test post"));
  }

  comment_entry = find_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (comment_entry), "First!");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.comment", NULL));
  g_test_message ("waiting for the comment");
  orgdesk_test_wait_for_condition (has_one_comment, NULL, 30);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (comment_entry)), ==, "");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.edit", NULL));
  write_in_editor ("Window test post, edited", "editor-edit-post.png");
  g_test_message ("waiting for the edit");
  orgdesk_test_wait_for_condition (post_page_shows, "Window test post, edited", 30);
  save_screenshot ("window-post.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.delete", NULL));
  confirmation = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_false (ORGDESK_IS_POST_EDITOR (confirmation));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirmation), "delete");
  gtk_window_close (confirmation);
  g_test_message ("waiting for the deletion");
  orgdesk_test_wait_for_condition (post_page_closed, NULL, 30);
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  g_assert_false (first_post_is ("Window test post, edited"));
}

static gboolean
editor_is_idle (gconstpointer data)
{
  return !orgdesk_post_editor_get_saving ((OrgdeskPostEditor *) data);
}

/* Closing a changed draft asks first; "Keep Editing" keeps it. */
static void
assert_close_asks_first (OrgdeskPostEditor *editor)
{
  GtkWindow *confirmation;

  gtk_window_close (GTK_WINDOW (editor));
  confirmation = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirmation), "keep");
  gtk_window_close (confirmation);
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10);
  g_assert_true (find_dialog (ORGDESK_TYPE_POST_EDITOR) == GTK_WINDOW (editor));
}

/* A switch while writing: the draft stays, cannot be saved into the other
 * organization, and lands in its own after switching back. */
static void
test_draft_keeps_its_organization (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  OrgdeskOrganization *acme_organization;
  OrgdeskPostEditor *editor;
  GtkWidget *entry;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  assert_shows_organization (acme);
  acme_organization = orgdesk_session_get_active_organization (session ());
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.new", NULL));
  editor = wait_for_editor ();
  entry = find_widget_of_type (GTK_WIDGET (editor), GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Draft across a switch");
  g_assert_true (orgdesk_post_editor_get_can_save (editor));

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (globex));
  assert_shows_organization (globex);
  g_assert_false (orgdesk_post_editor_get_can_save (editor));
  g_assert_nonnull (orgdesk_post_editor_get_error_message (editor));
  g_assert_nonnull (strstr (orgdesk_post_editor_get_error_message (editor),
                            orgdesk_organization_get_name (acme_organization)));
  orgdesk_post_editor_save (editor);
  g_assert_false (orgdesk_post_editor_get_saving (editor));
  save_screenshot_of (GTK_WIDGET (editor), "editor-other-organization.png");
  assert_close_asks_first (editor);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Draft across a switch");

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  assert_shows_organization (acme);
  g_assert_true (orgdesk_post_editor_get_can_save (editor));
  g_assert_null (orgdesk_post_editor_get_error_message (editor));
  orgdesk_post_editor_save (editor);
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ORGDESK_TYPE_POST_EDITOR), 30);
  orgdesk_test_wait_for_condition (first_post_is, "Draft across a switch", 30);
  assert_shows_organization (acme);
}

/* Saving fails (the post was deleted meanwhile): the dialog stays open with the
 * text and says why. */
static void
test_failed_save_keeps_the_text (void)
{
  OrgdeskPostRepository *posts = orgdesk_application_get_post_repository (app);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskPostEditor *editor;
  GtkWidget *entry;
  GtkWidget *list_view;
  GtkWindow *confirmation;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  orgdesk_test_wait_for_condition (first_post_is, "Draft across a switch", 30);
  list_view = find_widget_of_type (GTK_WIDGET (posts_page ()), GTK_TYPE_LIST_VIEW);
  g_signal_emit_by_name (list_view, "activate", 0);
  orgdesk_test_wait_for_condition (post_page_shows, "Draft across a switch", 10);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.edit", NULL));
  editor = wait_for_editor ();
  entry = find_widget_of_type (GTK_WIDGET (editor), GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "An edit nobody can save");

  orgdesk_post_repository_delete_async (posts, orgdesk_post_get_id (orgdesk_post_page_get_post (post_page ())),
                                        NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_post_repository_delete_finish (posts, result, &error));
  g_assert_no_error (error);

  orgdesk_post_editor_save (editor);
  orgdesk_test_wait_for_condition (editor_is_idle, editor, 30);
  g_assert_true (find_dialog (ORGDESK_TYPE_POST_EDITOR) == GTK_WINDOW (editor));
  g_assert_nonnull (orgdesk_post_editor_get_error_message (editor));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "An edit nobody can save");
  save_screenshot_of (GTK_WIDGET (editor), "editor-save-failed.png");
  assert_close_asks_first (editor);

  /* Discard really closes. */
  gtk_window_close (GTK_WINDOW (editor));
  confirmation = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirmation), "discard");
  gtk_window_close (confirmation);
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ORGDESK_TYPE_POST_EDITOR), 10);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.back", NULL));
}

static gboolean
has_no_comments (gconstpointer data)
{
  return n_comment_rows () == 0;
}

static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;

  return FALSE;
}

/* The first comment row's menu button: labelled, focusable (so Tab reaches it),
 * its items name the actions; returns the comment id they carry. */
static char *
dup_first_comment_id (void)
{
  GtkWidget *list = find_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_LIST_BOX);
  GtkWidget *menu_button = find_widget_of_type (gtk_widget_get_first_child (list), GTK_TYPE_MENU_BUTTON);
  g_autofree char *edit = NULL;
  g_autofree char *delete = NULL;
  g_autofree char *edit_id = NULL;
  g_autofree char *delete_id = NULL;
  GMenuModel *menu;

  g_assert_nonnull (menu_button);
  g_assert_cmpstr (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (menu_button)), ==, "view-more-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (menu_button), ==, "Comment Actions");
  g_assert_true (gtk_widget_grab_focus (menu_button));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_ACTION, "s", &edit));
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_TARGET, "s", &edit_id));
  g_assert_true (g_menu_model_get_item_attribute (menu, 1, G_MENU_ATTRIBUTE_ACTION, "s", &delete));
  g_assert_true (g_menu_model_get_item_attribute (menu, 1, G_MENU_ATTRIBUTE_TARGET, "s", &delete_id));
  g_assert_cmpstr (edit, ==, "comment.edit");
  g_assert_cmpstr (delete, ==, "comment.delete");
  g_assert_cmpstr (edit_id, ==, delete_id);

  return g_steal_pointer (&edit_id);
}

static void
add_comment (const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_ENTRY)), text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.comment", NULL));
  orgdesk_test_wait_for_condition (has_one_comment, NULL, 30);
}

static void
delete_comment_confirmed (const char *comment_id)
{
  GtkWindow *confirmation;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "comment.delete", "s", comment_id));
  confirmation = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (confirmation)), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (confirmation), "delete"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirmation), "delete");
  gtk_window_close (confirmation);
  orgdesk_test_wait_for_condition (has_no_comments, NULL, 30);
}

/* A comment's life in the window, through its row's menu actions (comment.edit
 * and comment.delete with the comment's id): edit, delete after confirming, and
 * an edit that fails (deleted meanwhile) but keeps the text.  The database
 * agrees at each step. */
static void
test_comment_edit_and_delete (void)
{
  OrgdeskCommentRepository *comments = orgdesk_application_get_comment_repository (app);
  const char *edited = "Edited \u2013 '; DROP TABLE x; --";
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *post_id = NULL;
  g_autofree char *comment_id = NULL;
  g_autofree char *gone_id = NULL;
  OrgdeskPostEditor *editor;
  GtkTextBuffer *buffer;
  GtkWindow *confirmation;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.new", NULL));
  write_in_editor ("Comment test post", NULL);
  orgdesk_test_wait_for_condition (first_post_is, "Comment test post", 30);
  g_signal_emit_by_name (find_widget_of_type (GTK_WIDGET (posts_page ()), GTK_TYPE_LIST_VIEW), "activate", 0);
  orgdesk_test_wait_for_condition (post_page_shows, "Comment test post", 10);
  post_id = g_strdup (orgdesk_post_get_id (orgdesk_post_page_get_post (post_page ())));

  add_comment ("Needs an edit");
  comment_id = dup_first_comment_id ();
  listed = orgdesk_test_list_comments (comments, post_id);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (orgdesk_comment_get_id (g_ptr_array_index (listed, 0)), ==, comment_id);
  g_clear_pointer (&listed, g_ptr_array_unref);

  /* Edit: blank text cannot be saved; the saved text shows in place. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "comment.edit", "s", comment_id));
  editor = wait_for_editor ();
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_widget_of_type (GTK_WIDGET (editor), GTK_TYPE_TEXT_VIEW)));
  gtk_text_buffer_set_text (buffer, "  \n ", -1);
  g_assert_false (orgdesk_post_editor_get_can_save (editor));
  gtk_text_buffer_set_text (buffer, edited, -1);
  g_assert_true (orgdesk_post_editor_get_can_save (editor));
  save_screenshot_of (GTK_WIDGET (editor), "editor-edit-comment.png");
  orgdesk_post_editor_save (editor);
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ORGDESK_TYPE_POST_EDITOR), 30);
  g_assert_true (shows_label (GTK_WIDGET (post_page ()), edited));
  listed = orgdesk_test_list_comments (comments, post_id);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (orgdesk_comment_get_body (g_ptr_array_index (listed, 0)), ==, edited);
  g_clear_pointer (&listed, g_ptr_array_unref);
  save_screenshot ("window-comment-edited.png");

  /* Delete, after confirming: gone from the page and from the database. */
  delete_comment_confirmed (comment_id);
  listed = orgdesk_test_list_comments (comments, post_id);
  g_assert_cmpuint (listed->len, ==, 0);

  /* An edit of a comment deleted meanwhile fails; the editor keeps the text. */
  add_comment ("Deleted behind the page's back");
  gone_id = dup_first_comment_id ();
  orgdesk_comment_repository_delete_async (comments, gone_id, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_comment_repository_delete_finish (comments, result, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "comment.edit", "s", gone_id));
  editor = wait_for_editor ();
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_widget_of_type (GTK_WIDGET (editor), GTK_TYPE_TEXT_VIEW)));
  gtk_text_buffer_set_text (buffer, "Words worth keeping", -1);
  orgdesk_post_editor_save (editor);
  orgdesk_test_wait_for_condition (editor_is_idle, editor, 30);
  g_assert_true (find_dialog (ORGDESK_TYPE_POST_EDITOR) == GTK_WINDOW (editor));
  g_assert_nonnull (orgdesk_post_editor_get_error_message (editor));
  {
    g_autofree char *kept = orgdesk_post_editor_dup_body (editor);

    g_assert_cmpstr (kept, ==, "Words worth keeping");
  }
  gtk_window_close (GTK_WINDOW (editor));
  confirmation = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirmation), "discard");
  gtk_window_close (confirmation);
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ORGDESK_TYPE_POST_EDITOR), 10);

  /* Deleting it now just drops the stale row. */
  delete_comment_confirmed (gone_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.back", NULL));
}

/* A comment typed but not sent is not lost to a switch: it is back in the
 * entry when the same post is opened again, and only there. */
static void
test_unsent_comment_survives_a_switch (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  g_autofree char *title = NULL;
  GtkWidget *list_view;
  GtkWidget *comment_entry;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  /* Fresh: the previous test deleted a post behind the list's back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.reload", NULL));
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  list_view = find_widget_of_type (GTK_WIDGET (posts_page ()), GTK_TYPE_LIST_VIEW);
  g_test_message ("opening Acme's first post");
  g_signal_emit_by_name (list_view, "activate", 0);
  orgdesk_test_wait_for_condition (post_page_shows_any, NULL, 10);
  title = g_strdup (orgdesk_post_get_title (orgdesk_post_page_get_post (post_page ())));
  comment_entry = find_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (comment_entry), "Unsent across a switch");

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (globex));
  assert_shows_organization (globex);
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);

  /* Another post, in the other organization: an empty entry, and a hidden one,
   * as alice's role in Globex only reads. */
  list_view = find_widget_of_type (GTK_WIDGET (posts_page ()), GTK_TYPE_LIST_VIEW);
  g_test_message ("opening Globex's first post");
  g_signal_emit_by_name (list_view, "activate", 0);
  orgdesk_test_wait_for_condition (post_page_shows_any, NULL, 10);
  g_assert_null (find_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_ENTRY));
  comment_entry = find_any_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_ENTRY);
  g_assert_nonnull (comment_entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (comment_entry)), ==, "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.back", NULL));

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  list_view = find_widget_of_type (GTK_WIDGET (posts_page ()), GTK_TYPE_LIST_VIEW);
  g_test_message ("opening Acme's first post again");
  g_signal_emit_by_name (list_view, "activate", 0);
  orgdesk_test_wait_for_condition (post_page_shows, title, 10);
  comment_entry = find_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_ENTRY);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (comment_entry)), ==, "Unsent across a switch");

  gtk_editable_set_text (GTK_EDITABLE (comment_entry), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.back", NULL));
}

/* Runs the main loop for @ms milliseconds, whatever happens. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static gboolean
item_loaded (gconstpointer data)
{
  return orgdesk_paged_item_get_item ((OrgdeskPagedItem *) data) != NULL;
}

static OrgdeskPost *
wait_for_post_at (OrgdeskPagedModel *model,
                  guint              position)
{
  g_autoptr(OrgdeskPagedItem) holder = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (holder);
  orgdesk_test_wait_for_condition (item_loaded, holder, 30);
  return orgdesk_paged_item_get_item (holder);
}

static void
set_sort (const char *nick)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.sort", "s", nick));
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
}

/* The sort menu reaches the database: the window's first rows are the
 * repository's first rows in that order. */
static void
test_sort (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *nicks[] = { "oldest", "title", "newest" };
  const OrgdeskPostSort sorts[] = { ORGDESK_POST_SORT_OLDEST, ORGDESK_POST_SORT_TITLE, ORGDESK_POST_SORT_NEWEST };

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);

  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OrgdeskPageSource) source = NULL;
      g_autoptr(OrgdeskPagedModel) expected = NULL;
      OrgdeskPagedModel *shown;
      guint n;

      g_autofree char *remembered = NULL;

      set_sort (nicks[i]);
      remembered = g_settings_get_string (orgdesk_application_get_settings (app), "posts-sort");
      g_assert_cmpstr (remembered, ==, nicks[i]);
      shown = orgdesk_posts_page_get_model (posts_page ());
      source = orgdesk_post_repository_list (orgdesk_application_get_post_repository (app), NULL, sorts[i], &error);
      g_assert_no_error (error);
      expected = orgdesk_test_load_model (source, 0);
      n = MIN (g_list_model_get_n_items (G_LIST_MODEL (expected)), 5);
      g_assert_cmpuint (n, >=, 2);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (shown)), ==, g_list_model_get_n_items (G_LIST_MODEL (expected)));
      for (guint j = 0; j < n; j++)
        g_assert_cmpstr (orgdesk_post_get_id (wait_for_post_at (shown, j)), ==,
                         orgdesk_post_get_id (wait_for_post_at (expected, j)));

      if (sorts[i] != ORGDESK_POST_SORT_TITLE)
        {
          gint order = g_date_time_compare (orgdesk_post_get_created_at (wait_for_post_at (shown, 0)),
                                            orgdesk_post_get_created_at (wait_for_post_at (shown, n - 1)));

          g_assert_cmpint (order, ==, sorts[i] == ORGDESK_POST_SORT_OLDEST ? -1 : 1);
        }
      if (sorts[i] == ORGDESK_POST_SORT_TITLE)
        save_screenshot ("window-sorted-by-title.png");
    }
}

/* The stale-load case: Acme's list is made slow in the database, the user
 * switches to Globex before it answers, and Globex's rows show and stay. */
static void
test_stale_load_is_dropped (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  OrgdeskPagedModel *globex_model;
  g_autofree char *globex_first = NULL;
  guint n;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (globex));
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);

  orgdesk_test_database_install_delay_hook ();
  orgdesk_test_database_set_delay (acme, 2000);

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  assert_shows_organization (acme);
  run_for (300);
  g_assert_cmpstr (orgdesk_posts_page_get_visible_state (posts_page ()), ==, "loading");
  g_assert_cmpuint (orgdesk_test_database_count_delayed (), ==, 1);   /* Acme's query, sleeping */

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (globex));
  assert_shows_organization (globex);
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  globex_model = orgdesk_posts_page_get_model (posts_page ());
  globex_first = dup_first_post_id ();

  /* Long past the moment Acme's query would have answered. */
  run_for (2500);
  orgdesk_test_database_set_delay (acme, 0);
  orgdesk_test_database_uninstall_delay_hook ();

  assert_shows_organization (globex);
  g_assert_true (orgdesk_posts_page_get_model (posts_page ()) == globex_model);
  g_assert_cmpstr (orgdesk_posts_page_get_visible_state (posts_page ()), ==, "list");
  n = MIN (g_list_model_get_n_items (G_LIST_MODEL (globex_model)), 10);
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *organization = orgdesk_test_database_dup_post_organization (
        orgdesk_post_get_id (wait_for_post_at (globex_model, i)));

      g_assert_cmpstr (organization, ==, globex);
    }
  g_assert_cmpstr (orgdesk_post_get_id (wait_for_post_at (globex_model, 0)), ==, globex_first);
}

static gboolean
posts_page_is (gconstpointer data)
{
  return g_strcmp0 (orgdesk_posts_page_get_visible_state (posts_page ()), data) == 0;
}

/* The database goes away with a post half written, and comes back: the page
 * says it is offline, the draft survives the failed save, the list comes back
 * by itself and the draft is saved, once. */
static void
test_database_down_and_back (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *title = "Written while the database was away";
  OrgdeskPostEditor *editor;
  GtkWidget *entry;
  gint64 n_posts;

  if (orgdesk_test_logto_endpoint () == NULL || database_proxy == NULL)
    return;

  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (acme));
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  n_posts = orgdesk_test_database_count_posts (acme);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.new", NULL));
  editor = wait_for_editor ();
  entry = find_widget_of_type (GTK_WIDGET (editor), GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), title);

  orgdesk_test_proxy_set_refusing (database_proxy, TRUE);
  orgdesk_test_proxy_sever (database_proxy);

  orgdesk_post_editor_save (editor);
  orgdesk_test_wait_for_condition (editor_is_idle, editor, 30);
  g_assert_nonnull (orgdesk_post_editor_get_error_message (editor));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, title);
  g_assert_true (find_dialog (ORGDESK_TYPE_POST_EDITOR) == GTK_WINDOW (editor));

  /* The list behind it: offline, not an error about the query. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.reload", NULL));
  orgdesk_test_wait_for_condition (posts_page_is, "offline", 30);
  save_screenshot ("window-database-offline.png");

  /* Back: the page reloads without anyone asking, the app was not restarted. */
  orgdesk_test_proxy_set_refusing (database_proxy, FALSE);
  orgdesk_test_wait_for_condition (posts_shown, NULL, 60);
  g_assert_cmpint (orgdesk_test_database_count_posts (acme), ==, n_posts);

  orgdesk_post_editor_save (editor);
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ORGDESK_TYPE_POST_EDITOR), 30);
  orgdesk_test_wait_for_condition (first_post_is, (gpointer) title, 30);
  g_assert_cmpint (orgdesk_test_database_count_posts (acme), ==, n_posts + 1);
}

/* Read-only roles {{{ */

/* Whether @action (with @target, if it takes one) is enabled for @owner and
 * its children: a button bound to it, placed under @owner for a moment, is
 * sensitive exactly then.  (gtk_widget_activate_action() says TRUE for a
 * disabled action too, and does nothing.) */
static gboolean
action_enabled (GtkWidget  *owner,
                const char *action,
                GVariant   *target)
{
  GtkWidget *probe = gtk_button_new ();
  gboolean enabled;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), action);
  if (target != NULL)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (probe), target);
  gtk_widget_set_parent (probe, owner);
  enabled = gtk_widget_get_sensitive (probe);
  gtk_widget_unparent (probe);

  return enabled;
}

/* The shown button bound to @action under @root. */
static GtkWidget *
find_button_for (GtkWidget  *root,
                 const char *action)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_for (child, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A label showing @text is on screen under @root. */
static gboolean
shows_mapped_label (GtkWidget  *root,
                    const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_mapped_label (child, text))
      return TRUE;

  return FALSE;
}

static char *
dup_read_only_message (const char *organization_id)
{
  OrgdeskOrganization *organization = orgdesk_session_find_organization (session (), organization_id, NULL);

  g_assert_nonnull (organization);
  return g_strdup_printf ("Your role in %s can read posts but not change them", orgdesk_organization_get_name (organization));
}

/* The banner names @organization_id's organization and no new post can be
 * started: not by the action (Ctrl+N), nor the toolbar's button. */
static void
assert_posts_read_only (const char *organization_id)
{
  g_autofree char *message = dup_read_only_message (organization_id);
  GtkWidget *page = GTK_WIDGET (posts_page ());
  GtkWidget *new_post = find_button_for (page, "posts.new");

  g_assert_cmpstr (orgdesk_posts_page_get_read_only_message (posts_page ()), ==, message);
  g_assert_true (shows_mapped_label (page, message));
  g_assert_false (action_enabled (page, "posts.new", NULL));
  g_assert_nonnull (new_post);
  g_assert_false (gtk_widget_get_sensitive (new_post));
  /* Searching and reloading are reading. */
  g_assert_true (action_enabled (page, "posts.reload", NULL));
}

static void
assert_posts_writable (const char *organization_id)
{
  g_autofree char *message = dup_read_only_message (organization_id);
  GtkWidget *page = GTK_WIDGET (posts_page ());
  GtkWidget *new_post = find_button_for (page, "posts.new");

  g_assert_null (orgdesk_posts_page_get_read_only_message (posts_page ()));
  g_assert_false (shows_mapped_label (page, message));
  g_assert_true (action_enabled (page, "posts.new", NULL));
  g_assert_nonnull (new_post);
  g_assert_true (gtk_widget_get_sensitive (new_post));
}

static void
switch_to (const char *organization_id)
{
  g_action_group_change_action_state (G_ACTION_GROUP (app), "organization", g_variant_new_string (organization_id));
  assert_shows_organization (organization_id);
}

/* The active organization's token has come and its posts are listed. */
static void
wait_until_settled (void)
{
  orgdesk_test_wait_for_condition (database_token_ready, NULL, 30);
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
}

static gboolean
has_comments (gconstpointer data)
{
  return n_comment_rows () > 0;
}

/* The id of the first comment of the open post, from its (maybe hidden) menu. */
static char *
dup_first_comment_id_any (void)
{
  GtkWidget *list = find_widget_of_type (GTK_WIDGET (post_page ()), GTK_TYPE_LIST_BOX);
  GtkWidget *menu_button = find_any_widget_of_type (gtk_widget_get_first_child (list), GTK_TYPE_MENU_BUTTON);
  char *comment_id = NULL;

  g_assert_nonnull (menu_button);
  g_assert_true (g_menu_model_get_item_attribute (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)),
                                                  0, G_MENU_ATTRIBUTE_TARGET, "s", &comment_id));
  return comment_id;
}

/* Opens the first post, with its comments loaded. */
static void
open_first_post_with_comments (void)
{
  g_signal_emit_by_name (find_widget_of_type (GTK_WIDGET (posts_page ()), GTK_TYPE_LIST_VIEW), "activate", 0);
  orgdesk_test_wait_for_condition (post_page_shows_any, NULL, 10);
  g_test_message ("waiting for the first post's comments");
  orgdesk_test_wait_for_condition (has_comments, NULL, 10);
}

/* The open post: edit, delete, comment, and each comment's edit and delete,
 * enabled or not, their buttons and entry shown accordingly. */
static void
assert_post_page_writable (gboolean writable)
{
  GtkWidget *page = GTK_WIDGET (post_page ());
  GtkWidget *list = find_widget_of_type (page, GTK_TYPE_LIST_BOX);
  g_autofree char *comment_id = dup_first_comment_id_any ();
  const char *post_actions[] = { "post.edit", "post.delete" };

  g_assert_cmpint (orgdesk_post_page_get_read_only (post_page ()), ==, !writable);
  for (guint i = 0; i < G_N_ELEMENTS (post_actions); i++)
    {
      GtkWidget *button = find_button_for (page, post_actions[i]);

      g_assert_cmpint (action_enabled (page, post_actions[i], NULL), ==, writable);
      g_assert_nonnull (button);
      g_assert_cmpint (gtk_widget_get_sensitive (button), ==, writable);
    }
  g_assert_cmpint (action_enabled (page, "post.comment", NULL), ==, writable);
  g_assert_cmpint (action_enabled (page, "comment.edit", g_variant_new_string (comment_id)), ==, writable);
  g_assert_cmpint (action_enabled (page, "comment.delete", g_variant_new_string (comment_id)), ==, writable);

  /* Read-only: no comment entry, no comment menus (their items would all be
   * disabled); still the back button. */
  g_assert_cmpint (find_widget_of_type (page, GTK_TYPE_ENTRY) != NULL, ==, writable);
  g_assert_cmpint (find_button_for (page, "post.comment") != NULL, ==, writable);
  g_assert_cmpint (find_widget_of_type (list, GTK_TYPE_MENU_BUTTON) != NULL, ==, writable);
  g_assert_nonnull (find_button_for (page, "post.back"));
  g_assert_true (action_enabled (page, "post.back", NULL));
}

/* alice is a member of Globex: her role reads (data:read) but does not write. */
static void
test_read_only_member_sees_banner (void)
{
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  g_autofree char *comment_id = NULL;
  GtkWidget *page;
  gint64 n_posts;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  /* Other tests in the same database add Globex posts without comments; the
   * post page's comment actions are checked on whichever post comes first. */
  g_free (orgdesk_test_database_dup_value ("WITH added AS ("
                                           " INSERT INTO orgdesk.comments (logto_organization_id, post_id, body)"
                                           " SELECT p.logto_organization_id, p.id, 'A comment to check the menus on'"
                                           " FROM orgdesk.posts p WHERE p.logto_organization_id = $1"
                                           " AND NOT EXISTS (SELECT FROM orgdesk.comments c"
                                           "  WHERE c.logto_organization_id = p.logto_organization_id AND c.post_id = p.id)"
                                           " RETURNING 1) SELECT count (*) FROM added", globex));

  switch_to (globex);
  wait_until_settled ();
  g_assert_cmpstr (orgdesk_token_response_get_scope (orgdesk_session_get_database_token (session ())), ==, "data:read");
  assert_posts_read_only (globex);
  save_screenshot ("window-read-only.png");

  /* The action (and with it Ctrl+N) does nothing. */
  n_posts = orgdesk_test_database_count_posts (globex);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.new", NULL));
  run_for (300);
  g_assert_null (find_dialog (ORGDESK_TYPE_POST_EDITOR));

  /* The post page: the banner stays above it, and nothing changes data. */
  open_first_post_with_comments ();
  page = GTK_WIDGET (post_page ());
  g_assert_true (shows_mapped_label (GTK_WIDGET (posts_page ()), orgdesk_posts_page_get_read_only_message (posts_page ())));
  assert_post_page_writable (FALSE);
  save_screenshot ("window-read-only-post.png");

  comment_id = dup_first_comment_id_any ();
  g_assert_true (gtk_widget_activate_action (page, "post.edit", NULL));
  g_assert_true (gtk_widget_activate_action (page, "post.delete", NULL));
  g_assert_true (gtk_widget_activate_action (page, "comment.edit", "s", comment_id));
  g_assert_true (gtk_widget_activate_action (page, "comment.delete", "s", comment_id));
  gtk_editable_set_text (GTK_EDITABLE (find_any_widget_of_type (page, GTK_TYPE_ENTRY)), "Not to be sent");
  g_assert_true (gtk_widget_activate_action (page, "post.comment", NULL));
  run_for (300);
  g_assert_null (find_dialog (ORGDESK_TYPE_POST_EDITOR));
  g_assert_null (find_dialog (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpint (orgdesk_test_database_count_posts (globex), ==, n_posts);
  gtk_editable_set_text (GTK_EDITABLE (find_any_widget_of_type (page, GTK_TYPE_ENTRY)), "");
  g_assert_true (gtk_widget_activate_action (page, "post.back", NULL));
}

/* alice is an admin of Acme (data:read data:write): no banner, everything offered. */
static void
test_read_only_admin_can_edit (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  GtkWindow *confirmation;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  switch_to (acme);
  wait_until_settled ();
  g_assert_cmpstr (orgdesk_token_response_get_scope (orgdesk_session_get_database_token (session ())), ==, "data:read data:write");
  assert_posts_writable (acme);

  /* An admin writes a post and comments on it... */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.new", NULL));
  write_in_editor ("Written by an admin", NULL);
  orgdesk_test_wait_for_condition (first_post_is, "Written by an admin", 30);
  g_signal_emit_by_name (find_widget_of_type (GTK_WIDGET (posts_page ()), GTK_TYPE_LIST_VIEW), "activate", 0);
  orgdesk_test_wait_for_condition (post_page_shows, "Written by an admin", 10);
  add_comment ("Commented by an admin");
  assert_post_page_writable (TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.edit", NULL));
  g_assert_true (orgdesk_post_editor_get_can_save (wait_for_editor ()));
  gtk_window_close (GTK_WINDOW (find_dialog (ORGDESK_TYPE_POST_EDITOR)));   /* unchanged: closes at once */
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ORGDESK_TYPE_POST_EDITOR), 10);

  /* ...and deletes it again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (post_page ()), "post.delete", NULL));
  confirmation = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirmation), "delete");
  gtk_window_close (confirmation);
  orgdesk_test_wait_for_condition (post_page_closed, NULL, 30);
  orgdesk_test_wait_for_condition (posts_shown, NULL, 30);
  g_assert_false (first_post_is ("Written by an admin"));
}

/* Read-only Globex and writable Acme, back and forth.  The state of an
 * organization whose token was seen already holds while its next token is
 * fetched: no banner blinking at a switch. */
static void
test_read_only_follows_switches (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  switch_to (acme);
  wait_until_settled ();
  assert_posts_writable (acme);

  for (guint round = 0; round < 2; round++)
    {
      switch_to (globex);
      /* Before Globex's token: what its last one said. */
      g_assert_true (orgdesk_session_get_switching (session ()));
      g_assert_null (orgdesk_session_get_database_token (session ()));
      assert_posts_read_only (globex);
      wait_until_settled ();
      assert_posts_read_only (globex);

      switch_to (acme);
      g_assert_true (orgdesk_session_get_switching (session ()));
      g_assert_null (orgdesk_session_get_database_token (session ()));
      assert_posts_writable (acme);
      wait_until_settled ();
      assert_posts_writable (acme);
    }
}

static void
set_alice_membership (const char *organization_id,
                      const char *role)
{
  const char *alice_id = json_object_get_string_member (orgdesk_test_fixture_user ("alice"), "id");
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) answer = NULL;

  if (role != NULL)
    body = g_strdup_printf ("{\"userId\":\"%s\",\"organizationId\":\"%s\",\"roles\":[\"%s\"]}", alice_id, organization_id, role);
  else
    body = g_strdup_printf ("{\"userId\":\"%s\",\"organizationId\":\"%s\"}", alice_id, organization_id);
  answer = orgdesk_test_stand_in_call ("POST", role != NULL ? "/__test/memberships/add" : "/__test/memberships/remove", body);
}

/* Logto's profile again: the organization list and roles as they are now. */
static void
refresh_profile (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_session_reconnect_async (session (), NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  g_assert_true (orgdesk_session_reconnect_finish (session (), result, &error));
  g_assert_no_error (error);
}

/* An organization never seen in this sign-in: until its first token says
 * otherwise, editing is as it is without roles, and no banner shows. */
static void
test_read_only_not_known_before_the_first_token (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *initech = orgdesk_test_fixture_organization_of ("bob", 0, NULL);

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  switch_to (acme);
  wait_until_settled ();
  set_alice_membership (initech, "member");
  refresh_profile ();
  g_assert_nonnull (orgdesk_session_find_organization (session (), initech, NULL));

  switch_to (initech);
  g_assert_true (orgdesk_session_get_switching (session ()));
  g_assert_null (orgdesk_session_get_database_token (session ()));
  assert_posts_writable (initech);

  wait_until_settled ();
  g_assert_cmpstr (orgdesk_token_response_get_scope (orgdesk_session_get_database_token (session ())), ==, "data:read");
  assert_posts_read_only (initech);

  switch_to (acme);
  wait_until_settled ();
  set_alice_membership (initech, NULL);
  refresh_profile ();
  g_assert_null (orgdesk_session_find_organization (session (), initech, NULL));
  assert_posts_writable (acme);
}

/* What a cached token's expiry does: the next switch to @organization_id asks
 * Logto for a new one. */
static void
forget_tokens_of (const char *organization_id)
{
  orgdesk_grant_forget_organization (orgdesk_session_get_grant (session ()), organization_id);
}

static gboolean
editor_cannot_save (gconstpointer data)
{
  return !orgdesk_post_editor_get_can_save ((OrgdeskPostEditor *) data);
}

/* alice becomes an admin of Globex at Logto, then a member again: the window
 * follows with Globex's next token, not before; an editor open meanwhile
 * stops offering to save. */
static void
test_read_only_role_change_after_next_token (void)
{
  const char *acme = orgdesk_test_fixture_organization_of ("alice", 0, NULL);
  const char *globex = orgdesk_test_fixture_organization_of ("alice", 1, NULL);
  g_autofree char *message = NULL;
  OrgdeskPostEditor *editor;
  GtkWindow *confirmation;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  switch_to (globex);
  wait_until_settled ();
  assert_posts_read_only (globex);

  /* An admin at Logto now; the token in hand still only reads, and so does the
   * window, also after Logto's profile (with the new role) came again. */
  set_alice_membership (globex, "admin");
  refresh_profile ();
  assert_posts_read_only (globex);

  forget_tokens_of (globex);
  switch_to (acme);
  wait_until_settled ();
  switch_to (globex);
  wait_until_settled ();
  g_assert_cmpstr (orgdesk_token_response_get_scope (orgdesk_session_get_database_token (session ())), ==, "data:read data:write");
  assert_posts_writable (globex);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (posts_page ()), "posts.new", NULL));
  editor = wait_for_editor ();
  gtk_editable_set_text (GTK_EDITABLE (find_widget_of_type (GTK_WIDGET (editor), GTK_TYPE_ENTRY)), "Written as an admin");
  g_assert_true (orgdesk_post_editor_get_can_save (editor));

  /* A member again. */
  set_alice_membership (globex, "member");
  forget_tokens_of (globex);
  switch_to (acme);
  wait_until_settled ();
  switch_to (globex);
  wait_until_settled ();
  g_assert_cmpstr (orgdesk_token_response_get_scope (orgdesk_session_get_database_token (session ())), ==, "data:read");
  assert_posts_read_only (globex);

  /* The draft stays, but cannot be saved, and the editor says why. */
  message = dup_read_only_message (globex);
  orgdesk_test_wait_for_condition (editor_cannot_save, editor, 10);
  g_assert_cmpstr (orgdesk_post_editor_get_error_message (editor), ==, message);
  orgdesk_post_editor_save (editor);
  g_assert_false (orgdesk_post_editor_get_saving (editor));
  save_screenshot_of (GTK_WIDGET (editor), "editor-read-only.png");
  gtk_window_close (GTK_WINDOW (editor));
  confirmation = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirmation), "discard");
  gtk_window_close (confirmation);
  orgdesk_test_wait_for_condition (dialog_gone, GSIZE_TO_POINTER (ORGDESK_TYPE_POST_EDITOR), 10);

  switch_to (acme);
  wait_until_settled ();
}

/* }}} */

static void
test_sign_out (void)
{
  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  g_action_group_activate_action (G_ACTION_GROUP (app), "sign-out", NULL);
  /* Still signed in while it runs, but not to be started twice. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sign-out"));
  orgdesk_test_wait_for_condition (page_is, "signed-out", 30);
  g_assert_null (orgdesk_session_get_user (session ()));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Orgdesk");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sign-in"));
  save_screenshot ("window-signed-out-again.png");
}

static void
test_many_organizations (void)
{
  GtkDropDown *dropdown;

  if (orgdesk_test_logto_endpoint () == NULL)
    return;

  orgdesk_test_use_browser_as ("dave");
  g_action_group_activate_action (G_ACTION_GROUP (app), "sign-in", NULL);
  orgdesk_test_wait_for_condition (page_is, "organization", 60);
  orgdesk_test_wait_for_condition (database_token_ready, NULL, 30);

  dropdown = selector ();
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 60);
  g_assert_true (gtk_drop_down_get_enable_search (dropdown));
  save_screenshot ("window-60-organizations.png");

  g_action_group_activate_action (G_ACTION_GROUP (app), "sign-out", NULL);
  orgdesk_test_wait_for_condition (page_is, "signed-out", 30);
}

static void
clear_keyring (void)
{
  g_autoptr(OrgdeskTokenStore) store = orgdesk_token_store_new (orgdesk_test_logto_endpoint (), ORGDESK_TEST_CLIENT_ID);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  orgdesk_token_store_clear_async (store, NULL, NULL, orgdesk_test_store_result_cb, &result);
  orgdesk_test_wait_for_result (&result, 30);
  orgdesk_token_store_clear_finish (store, result, &error);
  g_assert_no_error (error);
}

/* Schema, the database's trust in the stand-in (its issuer and keys) and demo
 * posts for the stand-in's organizations (all idempotent). */
static void
prepare_database (void)
{
  const char *argv[] = { g_getenv ("ORGDESK_TEST_ADMIN"), "seed",
                         "--database", g_getenv ("ORGDESK_TEST_DATABASE_OWNER_URI"), NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  orgdesk_test_migrate_database ();
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
start_application (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GError) error = NULL;

  if (orgdesk_test_require_service ("ORGDESK_TEST_DATABASE_URI") != NULL)
    {
      g_autofree char *through_proxy = NULL;

      prepare_database ();
      {
        g_autofree char *n_stale = orgdesk_test_database_dup_value (
          "WITH u AS (UPDATE orgdesk.users SET name = 'Stale name' WHERE email = $1 RETURNING 1)"
          " SELECT count(*)::text FROM u", "alice@example.test");

        g_assert_cmpstr (n_stale, ==, "1");
      }
      database_proxy = orgdesk_test_proxy_new_for_conninfo (g_getenv ("ORGDESK_TEST_DATABASE_URI"), &error);
      g_assert_no_error (error);
      through_proxy = orgdesk_test_proxy_dup_conninfo (database_proxy, g_getenv ("ORGDESK_TEST_DATABASE_URI"));
      g_settings_set_string (settings, "database-uri", through_proxy);
    }
  g_settings_set_string (settings, "logto-endpoint", orgdesk_test_logto_endpoint ());
  g_settings_set_string (settings, "last-organization-id", "");
  clear_keyring ();

  /* Not unique: the tests must not meet a running Orgdesk on the bus. */
  app = g_object_new (ORGDESK_TYPE_APPLICATION,
                      "application-id", APPLICATION_ID ".WindowTest",
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", "/io/github/orgdesk/Orgdesk",
                      NULL);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = ORGDESK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Screenshots show the page, not a crossfade between two. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/orgdesk/window/starts-signed-out", test_starts_signed_out);
  g_test_add_func ("/orgdesk/window/sign-in", test_sign_in);
  g_test_add_func ("/orgdesk/window/switch-from-action", test_switch_from_action);
  g_test_add_func ("/orgdesk/window/switch-from-selector-and-keyboard", test_switch_from_selector_and_keyboard);
  g_test_add_func ("/orgdesk/window/post-lifecycle", test_post_lifecycle);
  g_test_add_func ("/orgdesk/window/draft-keeps-its-organization", test_draft_keeps_its_organization);
  g_test_add_func ("/orgdesk/window/failed-save-keeps-the-text", test_failed_save_keeps_the_text);
  g_test_add_func ("/orgdesk/window/unsent-comment-survives-a-switch", test_unsent_comment_survives_a_switch);
  g_test_add_func ("/orgdesk/window/sort", test_sort);
  g_test_add_func ("/orgdesk/window/stale-load-is-dropped", test_stale_load_is_dropped);
  g_test_add_func ("/orgdesk/window/database-down-and-back", test_database_down_and_back);
  g_test_add_func ("/orgdesk/window/comment-edit-and-delete", test_comment_edit_and_delete);
  g_test_add_func ("/orgdesk/window/read-only-member-sees-banner", test_read_only_member_sees_banner);
  g_test_add_func ("/orgdesk/window/read-only-admin-can-edit", test_read_only_admin_can_edit);
  g_test_add_func ("/orgdesk/window/read-only-follows-switches", test_read_only_follows_switches);
  g_test_add_func ("/orgdesk/window/read-only-not-known-before-the-first-token", test_read_only_not_known_before_the_first_token);
  g_test_add_func ("/orgdesk/window/read-only-role-change-after-next-token", test_read_only_role_change_after_next_token);
  g_test_add_func ("/orgdesk/window/sign-out", test_sign_out);
  g_test_add_func ("/orgdesk/window/many-organizations", test_many_organizations);

  if (orgdesk_test_logto_endpoint () != NULL)
    start_application ();

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  /* Without g_application_run() there is no shutdown to unexport the actions,
   * and the D-Bus exporter keeps a reference: unref, don't wait for finalize. */
  g_clear_object (&app);
  g_clear_object (&database_proxy);

  return status;
}
