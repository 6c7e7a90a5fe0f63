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
 * The posts of one organization, newest first, optionally filtered by a search
 * text, as pages for an OrgdeskPagedModel.  The organization is fixed when the
 * source is made (from the session, through the repository), so a list keeps
 * showing the organization it was made for, never the next one.
 */

#define ORDER_AND_FROM \
  " FROM orgdesk.posts p LEFT JOIN orgdesk.users u ON u.id = p.author_id" \
  " WHERE p.logto_organization_id = $1"

struct _OrgdeskPostSource
{
  GObject                 parent_instance;

  OrgdeskPostRepository  *repository;
  OrgdeskRepositoryScope *scope;
  char                   *search;
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

/* strpos() rather than LIKE, so '%' and '_' in the text are plain characters. */
static void
add_search (OrgdeskPostSource *self,
            Statement         *statement)
{
  guint n;

  if (self->search == NULL)
    return;

  n = statement_bind (statement, self->search);
  g_string_append_printf (statement->sql, " AND (strpos (lower (p.title), lower ($%u)) > 0"
                                          " OR strpos (lower (p.body), lower ($%u)) > 0)", n, n);
}

/* The whole list's length is kept by the database (one key probe); a search
 * counts the rows it matches. */
static OrgdeskQuery *
new_count_query (OrgdeskPostSource *self)
{
  Statement statement;

  if (self->search == NULL)
    statement_init (&statement, "SELECT coalesce ((SELECT posts FROM orgdesk.organization_post_counts"
                                "                  WHERE logto_organization_id = $1), 0)::text");
  else
    statement_init (&statement, "SELECT count (*)::text FROM orgdesk.posts p WHERE p.logto_organization_id = $1");
  add_search (self, &statement);

  return statement_finish (&statement, self->scope);
}

static OrgdeskQuery *
new_page_query (OrgdeskPostSource *self,
                guint              offset,
                guint              limit,
                GObject           *after)
{
  g_autofree char *offset_text = g_strdup_printf ("%u", offset);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  Statement statement;

  statement_init (&statement, "SELECT " ORGDESK_POST_COLUMNS ORDER_AND_FROM);
  add_search (self, &statement);

  /* After a known row, seek by key on the (organization, created_at, id) index;
   * otherwise skip rows, which costs more the farther the page is. */
  if (ORGDESK_IS_POST (after))
    {
      guint created = statement_bind (&statement, orgdesk_post_get_created_key (ORGDESK_POST (after)));
      guint id = statement_bind (&statement, orgdesk_post_get_id (ORGDESK_POST (after)));

      g_string_append_printf (statement.sql, " AND (p.created_at, p.id) < ($%u::timestamptz, $%u::uuid)"
                                             " ORDER BY p.created_at DESC, p.id DESC", created, id);
    }
  else
    g_string_append_printf (statement.sql, " ORDER BY p.created_at DESC, p.id DESC OFFSET $%u::bigint",
                            statement_bind (&statement, offset_text));

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
                          const char             *search)
{
  OrgdeskPostSource *self = g_object_new (ORGDESK_TYPE_POST_SOURCE, NULL);

  self->repository = g_object_ref (repository);
  self->scope = _orgdesk_repository_scope_ref (scope);
  self->search = search != NULL && *search != '\0' ? g_strdup (search) : NULL;

  return self;
}

const char *
orgdesk_post_source_get_organization_id (OrgdeskPostSource *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST_SOURCE (self), NULL);
  return _orgdesk_repository_scope_get_organization_id (self->scope);
}
