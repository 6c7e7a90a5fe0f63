/* test-paged-model.c: the lazily paged list model over a scripted source
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-paged-model.h"
#include "orgdesk-test-utils.h"

/* A source of @n_rows rows named "row-<n>", answering after @delay_ms. */

#define TEST_TYPE_SOURCE (test_source_get_type ())
G_DECLARE_FINAL_TYPE (TestSource, test_source, TEST, SOURCE, GObject)

struct _TestSource
{
  GObject  parent_instance;
  guint    n_rows;
  guint    delay_ms;
  gboolean fail_loads;
  gboolean fail_count;
  guint    loads;
  guint    keyset_loads;
  guint    count_calls;
};

static guint rows_alive;

static void
on_row_finalized (gpointer  data,
                  GObject  *where_the_object_was)
{
  rows_alive--;
}

static GObject *
make_row (guint index)
{
  GObject *row = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (row, "index", GUINT_TO_POINTER (index));
  g_object_weak_ref (row, on_row_finalized, NULL);
  rows_alive++;
  return row;
}

static void
return_count (gpointer data)
{
  GTask *task = data;
  TestSource *self = g_task_get_source_object (task);

  if (self->fail_count)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "count failed");
  else
    g_task_return_int (task, self->n_rows);
  g_object_unref (task);
}

static void
test_source_count_async (OrgdeskPageSource   *source,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  TestSource *self = TEST_SOURCE (source);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_check_cancellable (task, TRUE);
  self->count_calls++;
  g_timeout_add_once (self->delay_ms, return_count, task);
}

static gint64
test_source_count_finish (OrgdeskPageSource  *source,
                          GAsyncResult       *result,
                          GError            **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static void
return_page (gpointer data)
{
  GTask *task = data;
  TestSource *self = g_task_get_source_object (task);
  guint offset = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "offset"));
  guint limit = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "limit"));
  GPtrArray *rows;

  if (self->fail_loads)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "load failed");
      g_object_unref (task);
      return;
    }

  rows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = offset; i < offset + limit && i < self->n_rows; i++)
    g_ptr_array_add (rows, make_row (i));
  g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

static void
test_source_load_async (OrgdeskPageSource   *source,
                        guint                offset,
                        guint                limit,
                        GObject             *after,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  TestSource *self = TEST_SOURCE (source);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  /* A keyset load must name the row just before the page. */
  if (after != NULL)
    {
      g_assert_cmpuint (GPOINTER_TO_UINT (g_object_get_data (after, "index")), ==, offset - 1);
      self->keyset_loads++;
    }

  self->loads++;
  g_task_set_check_cancellable (task, TRUE);
  g_object_set_data (G_OBJECT (task), "offset", GUINT_TO_POINTER (offset));
  g_object_set_data (G_OBJECT (task), "limit", GUINT_TO_POINTER (limit));
  g_timeout_add_once (self->delay_ms, return_page, task);
}

static GPtrArray *
test_source_load_finish (OrgdeskPageSource  *source,
                         GAsyncResult       *result,
                         GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_source_page_source_init (OrgdeskPageSourceInterface *iface)
{
  iface->count_async = test_source_count_async;
  iface->count_finish = test_source_count_finish;
  iface->load_async = test_source_load_async;
  iface->load_finish = test_source_load_finish;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSource, test_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ORGDESK_TYPE_PAGE_SOURCE, test_source_page_source_init))

static void
test_source_class_init (TestSourceClass *klass)
{
}

static void
test_source_init (TestSource *self)
{
}

static TestSource *
test_source_new (guint n_rows,
                 guint delay_ms)
{
  TestSource *self = g_object_new (TEST_TYPE_SOURCE, NULL);

  self->n_rows = n_rows;
  self->delay_ms = delay_ms;
  return self;
}

/* Helpers */

static gboolean
model_is_ready (gconstpointer data)
{
  return orgdesk_paged_model_get_state ((OrgdeskPagedModel *) data) != ORGDESK_PAGED_MODEL_STATE_COUNTING;
}

static gboolean
holder_is_loaded (gconstpointer data)
{
  return orgdesk_paged_item_get_item ((OrgdeskPagedItem *) data) != NULL;
}

static guint
row_index_at (OrgdeskPagedModel *model,
              guint              position)
{
  g_autoptr(OrgdeskPagedItem) holder = g_list_model_get_item (G_LIST_MODEL (model), position);

  orgdesk_test_wait_for_condition (holder_is_loaded, holder, 10);
  return GPOINTER_TO_UINT (g_object_get_data (orgdesk_paged_item_get_item (holder), "index"));
}

static OrgdeskPagedModel *
loaded_model (TestSource *source,
              guint       page_size)
{
  OrgdeskPagedModel *model = orgdesk_paged_model_new (ORGDESK_PAGE_SOURCE (source), page_size);

  orgdesk_paged_model_load (model);
  orgdesk_test_wait_for_condition (model_is_ready, model, 10);
  return model;
}

/* Tests */

static void
test_counts_and_loads_first_page (void)
{
  g_autoptr(TestSource) source = test_source_new (250, 5);
  g_autoptr(OrgdeskPagedModel) model = loaded_model (source, 100);

  g_assert_cmpint (orgdesk_paged_model_get_state (model), ==, ORGDESK_PAGED_MODEL_STATE_READY);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 250);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == ORGDESK_TYPE_PAGED_ITEM);
  /* The first page is on its way before any view asks. */
  g_assert_cmpuint (source->loads, ==, 1);
  g_assert_cmpuint (row_index_at (model, 0), ==, 0);
  g_assert_cmpuint (row_index_at (model, 99), ==, 99);
  g_assert_cmpuint (source->loads, ==, 1);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 250));
  /* The short last page. */
  g_assert_cmpuint (row_index_at (model, 249), ==, 249);
}

static void
test_next_page_by_key_far_page_by_offset (void)
{
  g_autoptr(TestSource) source = test_source_new (1000000, 1);
  g_autoptr(OrgdeskPagedModel) model = loaded_model (source, 100);

  g_assert_cmpuint (row_index_at (model, 0), ==, 0);
  g_assert_cmpuint (row_index_at (model, 150), ==, 150);
  g_assert_cmpuint (source->keyset_loads, ==, 1);

  g_assert_cmpuint (row_index_at (model, 500000), ==, 500000);
  g_assert_cmpuint (source->keyset_loads, ==, 1);
  g_assert_cmpuint (row_index_at (model, 500100), ==, 500100);
  g_assert_cmpuint (source->keyset_loads, ==, 2);
}

static void
test_memory_stays_flat (void)
{
  g_autoptr(TestSource) source = test_source_new (1000000, 0);
  g_autoptr(OrgdeskPagedModel) model = loaded_model (source, 100);
  guint baseline = rows_alive;

  /* Scroll through 200 pages, as a fast fling would. */
  for (guint page = 0; page < 200; page++)
    row_index_at (model, page * 5000 % 1000000);

  g_assert_cmpuint (orgdesk_paged_model_get_n_loaded_pages (model), <=, ORGDESK_PAGED_MODEL_DEFAULT_MAX_PAGES);
  g_assert_cmpuint (rows_alive - baseline, <=, ORGDESK_PAGED_MODEL_DEFAULT_MAX_PAGES * 100);
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *count)
{
  (*count)++;
}

static void
test_superseded_load_is_dropped (void)
{
  g_autoptr(TestSource) slow = test_source_new (300, 300);
  g_autoptr(TestSource) fast = test_source_new (20, 1);
  g_autoptr(OrgdeskPagedModel) first = orgdesk_paged_model_new (ORGDESK_PAGE_SOURCE (slow), 100);
  g_autoptr(OrgdeskPagedModel) second = NULL;
  guint changes = 0;
  guint alive_before;

  /* The first organization's count is slow; the user switches meanwhile. */
  g_signal_connect (first, "items-changed", G_CALLBACK (on_items_changed_cb), &changes);
  orgdesk_paged_model_load (first);
  orgdesk_paged_model_cancel (first);
  second = loaded_model (fast, 100);
  g_assert_cmpuint (row_index_at (second, 19), ==, 19);

  /* Wait past the slow answer: it must change nothing and create no rows. */
  alive_before = rows_alive;
  {
    gint64 until = g_get_monotonic_time () + 500 * 1000;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (changes, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first)), ==, 0);
  g_assert_cmpuint (rows_alive, ==, alive_before);
  g_signal_handlers_disconnect_by_data (first, &changes);
}

static void
test_page_in_flight_when_model_dropped (void)
{
  g_autoptr(TestSource) source = test_source_new (1000, 200);
  OrgdeskPagedModel *model = loaded_model (source, 100);
  g_autoptr(OrgdeskPagedItem) holder = g_list_model_get_item (G_LIST_MODEL (model), 500);

  /* Dropped while page 5 loads: the late answer fills nothing. */
  orgdesk_test_finalize_eventually (model);
  {
    gint64 until = g_get_monotonic_time () + 400 * 1000;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_null (orgdesk_paged_item_get_item (holder));
}

static void
test_errors_and_reload (void)
{
  g_autoptr(TestSource) source = test_source_new (50, 1);
  g_autoptr(OrgdeskPagedModel) model = NULL;

  source->fail_count = TRUE;
  model = loaded_model (source, 10);
  g_assert_cmpint (orgdesk_paged_model_get_state (model), ==, ORGDESK_PAGED_MODEL_STATE_ERROR);
  g_assert_error ((GError *) orgdesk_paged_model_get_error (model), G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  /* Counting works now, loading pages does not. */
  source->fail_count = FALSE;
  source->fail_loads = TRUE;
  orgdesk_paged_model_load (model);
  orgdesk_test_wait_for_condition (model_is_ready, model, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 50);
  while (orgdesk_paged_model_get_state (model) != ORGDESK_PAGED_MODEL_STATE_ERROR)
    g_main_context_iteration (NULL, TRUE);

  /* The server is back: a reload shows the rows. */
  source->fail_loads = FALSE;
  orgdesk_paged_model_load (model);
  orgdesk_test_wait_for_condition (model_is_ready, model, 10);
  g_assert_cmpint (orgdesk_paged_model_get_state (model), ==, ORGDESK_PAGED_MODEL_STATE_READY);
  g_assert_null (orgdesk_paged_model_get_error (model));
  g_assert_cmpuint (row_index_at (model, 42), ==, 42);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orgdesk/data/paged-model/counts-and-loads-first-page", test_counts_and_loads_first_page);
  g_test_add_func ("/orgdesk/data/paged-model/next-page-by-key-far-page-by-offset", test_next_page_by_key_far_page_by_offset);
  g_test_add_func ("/orgdesk/data/paged-model/memory-stays-flat", test_memory_stays_flat);
  g_test_add_func ("/orgdesk/data/paged-model/superseded-load-is-dropped", test_superseded_load_is_dropped);
  g_test_add_func ("/orgdesk/data/paged-model/page-in-flight-when-model-dropped", test_page_in_flight_when_model_dropped);
  g_test_add_func ("/orgdesk/data/paged-model/errors-and-reload", test_errors_and_reload);

  return g_test_run ();
}
