/* orgdesk-paged-model.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-paged-model.h"

/*
 * A GListModel over a source of any size that holds only the pages someone looked
 * at.  It counts the rows first, hands out OrgdeskPagedItem holders for every
 * position, and loads a page when one of its holders is asked for; the holders are
 * filled in when the page arrives.  Pages beyond a small cache are dropped (least
 * recently used), so memory stays flat however far the user scrolls.  A page is
 * loaded by key after its neighbour when that neighbour is known (keyset
 * pagination), by offset otherwise.  One model shows one query: for another
 * organization, another model is made and this one cancelled, so nothing it
 * loads afterwards is ever seen.
 */

typedef struct
{
  guint         index;
  GPtrArray    *holders;     /* OrgdeskPagedItem, page_size or fewer */
  gboolean      loaded;
  gboolean      loading;
  guint64       last_used;
} Page;

struct _OrgdeskPagedModel
{
  GObject                 parent_instance;

  OrgdeskPageSource      *source;
  guint                   page_size;
  guint                   max_pages;

  OrgdeskPagedModelState  state;
  GError                 *error;
  guint                   n_items;
  GHashTable             *pages;         /* page index → Page */
  guint64                 use_counter;
  GCancellable           *cancellable;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void orgdesk_paged_model_list_model_init (GListModelInterface *iface);

G_DEFINE_ENUM_TYPE (OrgdeskPagedModelState, orgdesk_paged_model_state,
  G_DEFINE_ENUM_VALUE (ORGDESK_PAGED_MODEL_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (ORGDESK_PAGED_MODEL_STATE_COUNTING, "counting"),
  G_DEFINE_ENUM_VALUE (ORGDESK_PAGED_MODEL_STATE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (ORGDESK_PAGED_MODEL_STATE_ERROR, "error"))

G_DEFINE_FINAL_TYPE_WITH_CODE (OrgdeskPagedModel, orgdesk_paged_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, orgdesk_paged_model_list_model_init))

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->holders);
  g_free (page);
}

static void
set_state (OrgdeskPagedModel      *self,
           OrgdeskPagedModelState  state,
           const GError           *error)
{
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);

  if (self->state == state && error == NULL)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Paging {{{ */

static guint
page_length (OrgdeskPagedModel *self,
             guint              index)
{
  guint start = index * self->page_size;

  return MIN (self->page_size, self->n_items - start);
}

/* Keeps at most max_pages pages; the page being loaded and the newest stay. */
static void
evict_pages (OrgdeskPagedModel *self)
{
  while (g_hash_table_size (self->pages) > self->max_pages)
    {
      GHashTableIter iter;
      Page *page, *oldest = NULL;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
        if (!page->loading && (oldest == NULL || page->last_used < oldest->last_used))
          oldest = page;

      if (oldest == NULL)
        return;

      g_hash_table_remove (self->pages, GUINT_TO_POINTER (oldest->index));
    }
}

/* Loads hold the model weakly: dropping the model cancels them, it doesn't wait. */
typedef struct
{
  GWeakRef model;
  guint    index;
} PageLoad;

static void
page_load_free (PageLoad *load)
{
  g_weak_ref_clear (&load->model);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PageLoad, page_load_free)

static GWeakRef *
weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GWeakRef, weak_ref_free)

static void
fill_page (Page      *page,
           GPtrArray *rows)
{
  page->loaded = TRUE;
  for (guint i = 0; i < page->holders->len && i < rows->len; i++)
    orgdesk_paged_item_set_item (g_ptr_array_index (page->holders, i), g_ptr_array_index (rows, i));
}

static void
on_page_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PageLoad) load = user_data;
  g_autoptr(OrgdeskPagedModel) self = g_weak_ref_get (&load->model);
  guint index = load->index;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  Page *page;

  rows = orgdesk_page_source_load_finish (ORGDESK_PAGE_SOURCE (source), result, &error);

  /* Superseded (another organization, the model dropped): the rows belong to nobody. */
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page == NULL)
    return;

  page->loading = FALSE;
  if (rows == NULL)
    {
      g_debug ("Loading page %u failed: %s", index, error->message);
      set_state (self, ORGDESK_PAGED_MODEL_STATE_ERROR, error);
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (index));
      return;
    }

  fill_page (page, rows);

  /* Rows vanished since the count: the tail keeps its placeholders until reload. */
  if (rows->len < page->holders->len)
    g_debug ("Page %u came back short (%u of %u rows)", index, rows->len, page->holders->len);
}

static void
start_loading (OrgdeskPagedModel *self,
               Page              *page)
{
  Page *previous = page->index > 0 ? g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page->index - 1)) : NULL;
  GObject *after = NULL;
  PageLoad *load;

  if (previous != NULL && previous->loaded && previous->holders->len > 0)
    after = orgdesk_paged_item_get_item (g_ptr_array_index (previous->holders, previous->holders->len - 1));

  load = g_new0 (PageLoad, 1);
  g_weak_ref_init (&load->model, self);
  load->index = page->index;
  page->loading = TRUE;
  orgdesk_page_source_load_async (self->source, page->index * self->page_size, page->holders->len,
                                  after, self->cancellable, on_page_loaded_cb, load);
}

static Page *
create_page (OrgdeskPagedModel *self,
             guint              index)
{
  guint length = page_length (self, index);
  Page *page;

  page = g_new0 (Page, 1);
  page->index = index;
  page->holders = g_ptr_array_new_full (length, g_object_unref);
  for (guint i = 0; i < length; i++)
    g_ptr_array_add (page->holders, orgdesk_paged_item_new ());
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);

  return page;
}

static Page *
get_page (OrgdeskPagedModel *self,
          guint              index)
{
  Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

  if (page == NULL)
    {
      page = create_page (self, index);
      start_loading (self, page);
      evict_pages (self);
    }

  page->last_used = ++self->use_counter;
  return page;
}

/* }}} */

/* GListModel {{{ */

static GType
orgdesk_paged_model_get_item_type (GListModel *model)
{
  return ORGDESK_TYPE_PAGED_ITEM;
}

static guint
orgdesk_paged_model_get_n_items (GListModel *model)
{
  return ORGDESK_PAGED_MODEL (model)->n_items;
}

static gpointer
orgdesk_paged_model_get_item (GListModel *model,
                              guint       position)
{
  OrgdeskPagedModel *self = ORGDESK_PAGED_MODEL (model);
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = get_page (self, position / self->page_size);
  return g_object_ref (g_ptr_array_index (page->holders, position % self->page_size));
}

static void
orgdesk_paged_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = orgdesk_paged_model_get_item_type;
  iface->get_n_items = orgdesk_paged_model_get_n_items;
  iface->get_item = orgdesk_paged_model_get_item;
}

/* }}} */

static void
on_counted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GWeakRef) model = user_data;
  g_autoptr(OrgdeskPagedModel) self = g_weak_ref_get (model);
  g_autoptr(GError) error = NULL;
  gint64 count;

  count = orgdesk_page_source_count_finish (ORGDESK_PAGE_SOURCE (source), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (count < 0)
    {
      set_state (self, ORGDESK_PAGED_MODEL_STATE_ERROR, error);
      return;
    }

  self->n_items = (guint) MIN (count, (gint64) G_MAXUINT - 1);
  set_state (self, ORGDESK_PAGED_MODEL_STATE_READY, NULL);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  /* The first page is wanted in any case: start it without waiting for a view. */
  if (self->n_items > 0)
    get_page (self, 0);
}

/* Count and first page in one answer: the list appears with its first rows in place. */
static void
on_first_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GWeakRef) model = user_data;
  g_autoptr(OrgdeskPagedModel) self = g_weak_ref_get (model);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count = -1;

  rows = orgdesk_page_source_load_first_finish (ORGDESK_PAGE_SOURCE (source), result, &count, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (rows == NULL || count < 0)
    {
      set_state (self, ORGDESK_PAGED_MODEL_STATE_ERROR, error);
      return;
    }

  self->n_items = (guint) MIN (count, (gint64) G_MAXUINT - 1);
  if (self->n_items > 0)
    {
      Page *page = create_page (self, 0);

      page->last_used = ++self->use_counter;
      fill_page (page, rows);
    }

  set_state (self, ORGDESK_PAGED_MODEL_STATE_READY, NULL);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
orgdesk_paged_model_dispose (GObject *object)
{
  OrgdeskPagedModel *self = ORGDESK_PAGED_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->source);
  g_clear_pointer (&self->pages, g_hash_table_unref);

  G_OBJECT_CLASS (orgdesk_paged_model_parent_class)->dispose (object);
}

static void
orgdesk_paged_model_finalize (GObject *object)
{
  OrgdeskPagedModel *self = ORGDESK_PAGED_MODEL (object);

  g_clear_error (&self->error);

  G_OBJECT_CLASS (orgdesk_paged_model_parent_class)->finalize (object);
}

static void
orgdesk_paged_model_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OrgdeskPagedModel *self = ORGDESK_PAGED_MODEL (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_paged_model_class_init (OrgdeskPagedModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_paged_model_dispose;
  object_class->finalize = orgdesk_paged_model_finalize;
  object_class->get_property = orgdesk_paged_model_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, ORGDESK_TYPE_PAGED_MODEL_STATE, ORGDESK_PAGED_MODEL_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_paged_model_init (OrgdeskPagedModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->max_pages = ORGDESK_PAGED_MODEL_DEFAULT_MAX_PAGES;
  self->cancellable = g_cancellable_new ();
}

/**
 * orgdesk_paged_model_new:
 * @source: where the rows come from
 * @page_size: rows per page, or 0 for the default
 *
 * Returns: (transfer full): an empty model; call orgdesk_paged_model_load()
 */
OrgdeskPagedModel *
orgdesk_paged_model_new (OrgdeskPageSource *source,
                         guint              page_size)
{
  OrgdeskPagedModel *self;

  g_return_val_if_fail (ORGDESK_IS_PAGE_SOURCE (source), NULL);

  self = g_object_new (ORGDESK_TYPE_PAGED_MODEL, NULL);
  self->source = g_object_ref (source);
  self->page_size = page_size > 0 ? page_size : ORGDESK_PAGED_MODEL_DEFAULT_PAGE_SIZE;

  return self;
}

/**
 * orgdesk_paged_model_load:
 * @self: a #OrgdeskPagedModel
 *
 * Counts the rows and loads the first page; again after an error, it starts over.
 */
void
orgdesk_paged_model_load (OrgdeskPagedModel *self)
{
  guint removed;

  g_return_if_fail (ORGDESK_IS_PAGED_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->pages);

  removed = self->n_items;
  self->n_items = 0;
  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  set_state (self, ORGDESK_PAGED_MODEL_STATE_COUNTING, NULL);
  if (orgdesk_page_source_can_load_first (self->source))
    orgdesk_page_source_load_first_async (self->source, self->page_size, self->cancellable,
                                          on_first_loaded_cb, weak_ref_new (self));
  else
    orgdesk_page_source_count_async (self->source, self->cancellable, on_counted_cb, weak_ref_new (self));
}

/**
 * orgdesk_paged_model_cancel:
 * @self: a #OrgdeskPagedModel
 *
 * Stops every load in flight; their results are dropped.
 */
void
orgdesk_paged_model_cancel (OrgdeskPagedModel *self)
{
  g_return_if_fail (ORGDESK_IS_PAGED_MODEL (self));

  g_cancellable_cancel (self->cancellable);
}

OrgdeskPagedModelState
orgdesk_paged_model_get_state (OrgdeskPagedModel *self)
{
  g_return_val_if_fail (ORGDESK_IS_PAGED_MODEL (self), ORGDESK_PAGED_MODEL_STATE_IDLE);
  return self->state;
}

const GError *
orgdesk_paged_model_get_error (OrgdeskPagedModel *self)
{
  g_return_val_if_fail (ORGDESK_IS_PAGED_MODEL (self), NULL);
  return self->error;
}

guint
orgdesk_paged_model_get_n_loaded_pages (OrgdeskPagedModel *self)
{
  g_return_val_if_fail (ORGDESK_IS_PAGED_MODEL (self), 0);
  return g_hash_table_size (self->pages);
}
