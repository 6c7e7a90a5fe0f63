/* orgdesk-post-source.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-post-source-private.h"
#include "orgdesk-repository-private.h"

/*
 * The posts of one organization in one order, optionally filtered by a search
 * text, as pages for an OrgdeskPagedModel.  The organization is fixed when the
 * source is made (from the session, through the repository), so a list keeps
 * showing the organization it was made for, never the next one.
 */

#define FROM_POSTS \
  " FROM orgdesk.posts p LEFT JOIN orgdesk.users u ON u.id = p.author_id" \
  " WHERE p.logto_organization_id = $1"

/* An order of the list: a total order on two key columns which, behind the
 * organization, are an index (migrations 0001 and 0004), so a page is found by
 * a row-value comparison on that index. */
typedef struct
{
  const char  *columns[2];
  const char  *types[2];
  gboolean     descending;
  const char *(*first_key) (OrgdeskPost *post);   /* columns[0] of a loaded post */
} SortOrder;

static const SortOrder sort_orders[] = {
  [ORGDESK_POST_SORT_NEWEST] = { { "created_at", "id" }, { "pg_catalog.timestamptz", "pg_catalog.uuid" }, TRUE, orgdesk_post_get_created_key },
  [ORGDESK_POST_SORT_OLDEST] = { { "created_at", "id" }, { "pg_catalog.timestamptz", "pg_catalog.uuid" }, FALSE, orgdesk_post_get_created_key },
  [ORGDESK_POST_SORT_TITLE] = { { "title", "id" }, { "pg_catalog.text", "pg_catalog.uuid" }, FALSE, orgdesk_post_get_title },
};

struct _OrgdeskPostSource
{
  GObject                 parent_instance;

  OrgdeskPostRepository  *repository;
  OrgdeskRepositoryScope *scope;
  char                   *search;
  OrgdeskPostSort         sort;
};

static void orgdesk_post_source_page_source_init (OrgdeskPageSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OrgdeskPostSource, orgdesk_post_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ORGDESK_TYPE_PAGE_SOURCE, orgdesk_post_source_page_source_init))

/* SQL and its parameters built together; $1 is always the organization. */
typedef struct
{
  GString   *sql;
  GPtrArray *params;
} Statement;

static void
statement_init (Statement  *statement,
                const char *sql)
{
  statement->sql = g_string_new (sql);
  statement->params = g_ptr_array_new_with_free_func (g_free);
}

/* Binds @value as the next parameter and returns its number. */
static guint
statement_bind (Statement  *statement,
                const char *value)
{
  g_ptr_array_add (statement->params, g_strdup (value));
  return statement->params->len + 1;
}

static OrgdeskQuery *
statement_finish (Statement              *statement,
                  OrgdeskRepositoryScope *scope)
{
  OrgdeskQuery *query = _orgdesk_repository_scope_new_query (scope, statement->sql->str);

  for (guint i = 0; i < statement->params->len; i++)
    orgdesk_query_add_param (query, g_ptr_array_index (statement->params, i));

  g_string_free (statement->sql, TRUE);
  g_ptr_array_unref (statement->params);
  return query;
}

/* Binds the search text, if any, and returns its number (0: no search). */
static guint
bind_search (OrgdeskPostSource *self,
             Statement         *statement)
{
  return self->search != NULL ? statement_bind (statement, self->search) : 0;
}

/* strpos() rather than LIKE, so '%' and '_' in the text are plain characters. */
static void
append_search (Statement  *statement,
               const char *alias,
               guint       search)
{
  if (search == 0)
    return;

  g_string_append_printf (statement->sql, " AND (pg_catalog.strpos (pg_catalog.lower (%s.title), pg_catalog.lower ($%u)) > 0"
                                          " OR pg_catalog.strpos (pg_catalog.lower (%s.body), pg_catalog.lower ($%u)) > 0)",
                          alias, search, alias, search);
}

static void
append_order_by (Statement       *statement,
                 const SortOrder *order,
                 const char      *alias)
{
  const char *direction = order->descending ? "DESC" : "ASC";

  g_string_append_printf (statement->sql, " ORDER BY %s.%s %s, %s.%s %s",
                          alias, order->columns[0], direction, alias, order->columns[1], direction);
}

/* " AND (p.a, p.b) <op> ", what a page's rows are compared with. */
static void
append_key_comparison (Statement       *statement,
                       const SortOrder *order,
                       gboolean         inclusive)
{
  g_string_append_printf (statement->sql, " AND (p.%s, p.%s) %s%s ",
                          order->columns[0], order->columns[1],
                          order->descending ? "<" : ">", inclusive ? "=" : "");
}

/* The whole list's length is kept by the database (one key probe); a search
 * counts the rows it matches. */
static OrgdeskQuery *
new_count_query (OrgdeskPostSource *self)
{
  Statement statement;

  if (self->search == NULL)
    statement_init (&statement, "SELECT coalesce ((SELECT posts FROM orgdesk.organization_post_counts"
                                "                  WHERE logto_organization_id = $1), 0)::pg_catalog.text");
  else
    statement_init (&statement, "SELECT pg_catalog.count (*)::pg_catalog.text FROM orgdesk.posts p WHERE p.logto_organization_id = $1");
  append_search (&statement, "p", bind_search (self, &statement));

  return statement_finish (&statement, self->scope);
}

static OrgdeskQuery *
new_page_query (OrgdeskPostSource *self,
                guint              offset,
                guint              limit,
                GObject           *after)
{
  const SortOrder *order = &sort_orders[self->sort];
  g_autofree char *offset_text = g_strdup_printf ("%u", offset);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  Statement statement;
  guint search;

  statement_init (&statement, "SELECT " ORGDESK_POST_COLUMNS FROM_POSTS);
  search = bind_search (self, &statement);
  append_search (&statement, "p", search);

  if (ORGDESK_IS_POST (after))
    {
      /* After a known row, seek by its key on the index. */
      OrgdeskPost *post = ORGDESK_POST (after);
      guint first_n = statement_bind (&statement, order->first_key (post));
      guint id_n = statement_bind (&statement, orgdesk_post_get_id (post));

      append_key_comparison (&statement, order, FALSE);
      g_string_append_printf (statement.sql, "($%u::%s, $%u::%s)",
                              first_n, order->types[0], id_n, order->types[1]);
    }
  else if (offset > 0)
    {
      /* A jump: skip @offset keys, not rows, to the page's first key (an
       * index-only scan without a search, visibility map permitting), then
       * read the page by key.  OFFSET on the rows themselves built every
       * skipped row first: 2.6 s at row 500,000. */
      append_key_comparison (&statement, order, TRUE);
      g_string_append_printf (statement.sql, "(SELECT k.%s, k.%s FROM orgdesk.posts k"
                                             " WHERE k.logto_organization_id = $1",
                              order->columns[0], order->columns[1]);
      append_search (&statement, "k", search);
      append_order_by (&statement, order, "k");
      g_string_append_printf (statement.sql, " OFFSET $%u::bigint LIMIT 1)",
                              statement_bind (&statement, offset_text));
    }

  append_order_by (&statement, order, "p");
  g_string_append_printf (statement.sql, " LIMIT $%u::bigint", statement_bind (&statement, limit_text));

  return statement_finish (&statement, self->scope);
}

static gint64
count_from_result (OrgdeskQueryResult *counted)
{
  guint64 count = 0;

  g_ascii_string_to_unsigned (orgdesk_query_result_get_value (counted, 0, 0), 10, 0, G_MAXINT64, &count, NULL);
  return (gint64) count;
}

static GPtrArray *
posts_from_result (OrgdeskQueryResult *rows)
{
  GPtrArray *posts = g_ptr_array_new_full (orgdesk_query_result_get_n_rows (rows), g_object_unref);

  for (guint i = 0; i < orgdesk_query_result_get_n_rows (rows); i++)
    g_ptr_array_add (posts, orgdesk_post_new_from_result (rows, i));

  return posts;
}

/* Runs @queries (consumed) in one transaction of the source's organization. */
static void
run (OrgdeskPostSource   *self,
     GTask               *task,
     GAsyncReadyCallback  callback,
     OrgdeskQuery        *first,
     OrgdeskQuery        *second)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (queries, first);
  if (second != NULL)
    g_ptr_array_add (queries, second);

  _orgdesk_repository_run_async (ORGDESK_REPOSITORY (self->repository), self->scope, queries,
                                 g_task_get_cancellable (task), callback, task);
}

static void
on_counted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;

  results = _orgdesk_repository_run_finish (ORGDESK_REPOSITORY (source), result, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, (gssize) count_from_result (g_ptr_array_index (results, 0)));
}

static void
orgdesk_post_source_count_async (OrgdeskPageSource   *source,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  OrgdeskPostSource *self = ORGDESK_POST_SOURCE (source);
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_post_source_count_async);
  run (self, task, on_counted_cb, new_count_query (self), NULL);
}

static gint64
orgdesk_post_source_count_finish (OrgdeskPageSource  *source,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;

  results = _orgdesk_repository_run_finish (ORGDESK_REPOSITORY (source), result, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, posts_from_result (g_ptr_array_index (results, 0)),
                           (GDestroyNotify) g_ptr_array_unref);
}

static void
orgdesk_post_source_load_async (OrgdeskPageSource   *source,
                                guint                offset,
                                guint                limit,
                                GObject             *after,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OrgdeskPostSource *self = ORGDESK_POST_SOURCE (source);
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_post_source_load_async);
  run (self, task, on_loaded_cb, new_page_query (self, offset, limit, after), NULL);
}

static GPtrArray *
orgdesk_post_source_load_finish (OrgdeskPageSource  *source,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_first_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;
  gint64 *count;

  results = _orgdesk_repository_run_finish (ORGDESK_REPOSITORY (source), result, &error);
  if (results == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  count = g_new (gint64, 1);
  *count = count_from_result (g_ptr_array_index (results, 0));
  g_task_set_task_data (task, count, g_free);
  g_task_return_pointer (task, posts_from_result (g_ptr_array_index (results, 1)),
                         (GDestroyNotify) g_ptr_array_unref);
}

/* The count and the first page in one transaction: one round trip per new list. */
static void
orgdesk_post_source_load_first_async (OrgdeskPageSource   *source,
                                      guint                limit,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  OrgdeskPostSource *self = ORGDESK_POST_SOURCE (source);
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, orgdesk_post_source_load_first_async);
  run (self, task, on_first_loaded_cb, new_count_query (self), new_page_query (self, 0, limit, NULL));
}

static GPtrArray *
orgdesk_post_source_load_first_finish (OrgdeskPageSource  *source,
                                       GAsyncResult       *result,
                                       gint64             *count,
                                       GError            **error)
{
  GPtrArray *rows = g_task_propagate_pointer (G_TASK (result), error);

  *count = rows != NULL ? *(gint64 *) g_task_get_task_data (G_TASK (result)) : -1;
  return rows;
}

static void
orgdesk_post_source_page_source_init (OrgdeskPageSourceInterface *iface)
{
  iface->count_async = orgdesk_post_source_count_async;
  iface->count_finish = orgdesk_post_source_count_finish;
  iface->load_async = orgdesk_post_source_load_async;
  iface->load_finish = orgdesk_post_source_load_finish;
  iface->load_first_async = orgdesk_post_source_load_first_async;
  iface->load_first_finish = orgdesk_post_source_load_first_finish;
}

static void
orgdesk_post_source_dispose (GObject *object)
{
  OrgdeskPostSource *self = ORGDESK_POST_SOURCE (object);

  g_clear_object (&self->repository);
  g_clear_pointer (&self->scope, _orgdesk_repository_scope_unref);

  G_OBJECT_CLASS (orgdesk_post_source_parent_class)->dispose (object);
}

static void
orgdesk_post_source_finalize (GObject *object)
{
  OrgdeskPostSource *self = ORGDESK_POST_SOURCE (object);

  g_free (self->search);

  G_OBJECT_CLASS (orgdesk_post_source_parent_class)->finalize (object);
}

static void
orgdesk_post_source_class_init (OrgdeskPostSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_post_source_dispose;
  object_class->finalize = orgdesk_post_source_finalize;
}

static void
orgdesk_post_source_init (OrgdeskPostSource *self)
{
}

OrgdeskPostSource *
_orgdesk_post_source_new (OrgdeskPostRepository  *repository,
                          OrgdeskRepositoryScope *scope,
                          const char             *search,
                          OrgdeskPostSort         sort)
{
  OrgdeskPostSource *self = g_object_new (ORGDESK_TYPE_POST_SOURCE, NULL);

  self->repository = g_object_ref (repository);
  self->scope = _orgdesk_repository_scope_ref (scope);
  self->search = search != NULL && *search != '\0' ? g_strdup (search) : NULL;
  self->sort = sort;

  return self;
}

const char *
orgdesk_post_source_get_organization_id (OrgdeskPostSource *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST_SOURCE (self), NULL);
  return _orgdesk_repository_scope_get_organization_id (self->scope);
}

/**
 * _orgdesk_post_source_new_first_page_query:
 * @self: a #OrgdeskPostSource
 * @limit: the page's size
 *
 * For orgdesk-bench, which times the statement the app sends.
 *
 * Returns: (transfer full): the statement of the list's first page, as its
 *   loads send it (without the transaction's context statement)
 */
OrgdeskQuery *
_orgdesk_post_source_new_first_page_query (OrgdeskPostSource *self,
                                           guint              limit)
{
  g_return_val_if_fail (ORGDESK_IS_POST_SOURCE (self), NULL);

  return new_page_query (self, 0, limit, NULL);
}
