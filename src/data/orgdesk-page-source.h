/* orgdesk-page-source.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_PAGE_SOURCE (orgdesk_page_source_get_type ())

G_DECLARE_INTERFACE (OrgdeskPageSource, orgdesk_page_source, ORGDESK, PAGE_SOURCE, GObject)

/**
 * OrgdeskPageSourceInterface:
 * @count_async: counts the rows
 * @count_finish: finishes @count_async
 * @load_async: loads up to @limit rows starting at @offset; @after is the row just
 *   before @offset when the model knows it, so the source can seek by key (keyset
 *   pagination) instead of skipping @offset rows
 * @load_finish: finishes @load_async with the rows, in order
 *
 * Where an #OrgdeskPagedModel gets its rows: a repository, or a test double.
 */
struct _OrgdeskPageSourceInterface
{
  GTypeInterface parent_iface;

  void       (*count_async)   (OrgdeskPageSource    *self,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
  gint64     (*count_finish)  (OrgdeskPageSource    *self,
                               GAsyncResult         *result,
                               GError              **error);
  void       (*load_async)    (OrgdeskPageSource    *self,
                               guint                 offset,
                               guint                 limit,
                               GObject              *after,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
  GPtrArray *(*load_finish)   (OrgdeskPageSource    *self,
                               GAsyncResult         *result,
                               GError              **error);

  /* Optional: the count and the first @limit rows in one request, so showing a new
   * list costs one round trip instead of two. */
  void       (*load_first_async)  (OrgdeskPageSource    *self,
                                   guint                 limit,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  GPtrArray *(*load_first_finish) (OrgdeskPageSource    *self,
                                   GAsyncResult         *result,
                                   gint64               *count,
                                   GError              **error);
};

void       orgdesk_page_source_count_async   (OrgdeskPageSource    *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gint64     orgdesk_page_source_count_finish  (OrgdeskPageSource    *self,
                                              GAsyncResult         *result,
                                              GError              **error);
void       orgdesk_page_source_load_async    (OrgdeskPageSource    *self,
                                              guint                 offset,
                                              guint                 limit,
                                              GObject              *after,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GPtrArray *orgdesk_page_source_load_finish   (OrgdeskPageSource    *self,
                                              GAsyncResult         *result,
                                              GError              **error);
gboolean   orgdesk_page_source_can_load_first (OrgdeskPageSource   *self);
void       orgdesk_page_source_load_first_async  (OrgdeskPageSource    *self,
                                                  guint                 limit,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray *orgdesk_page_source_load_first_finish (OrgdeskPageSource    *self,
                                                  GAsyncResult         *result,
                                                  gint64               *count,
                                                  GError              **error);

G_END_DECLS
