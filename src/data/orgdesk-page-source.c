/* orgdesk-page-source.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-page-source.h"

G_DEFINE_INTERFACE (OrgdeskPageSource, orgdesk_page_source, G_TYPE_OBJECT)

static void
orgdesk_page_source_default_init (OrgdeskPageSourceInterface *iface)
{
}

void
orgdesk_page_source_count_async (OrgdeskPageSource   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (ORGDESK_IS_PAGE_SOURCE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  ORGDESK_PAGE_SOURCE_GET_IFACE (self)->count_async (self, cancellable, callback, user_data);
}

gint64
orgdesk_page_source_count_finish (OrgdeskPageSource  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (ORGDESK_IS_PAGE_SOURCE (self), -1);

  return ORGDESK_PAGE_SOURCE_GET_IFACE (self)->count_finish (self, result, error);
}

void
orgdesk_page_source_load_async (OrgdeskPageSource   *self,
                                guint                offset,
                                guint                limit,
                                GObject             *after,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (ORGDESK_IS_PAGE_SOURCE (self));
  g_return_if_fail (limit > 0);
  g_return_if_fail (!after || G_IS_OBJECT (after));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  ORGDESK_PAGE_SOURCE_GET_IFACE (self)->load_async (self, offset, limit, after, cancellable, callback, user_data);
}

GPtrArray *
orgdesk_page_source_load_finish (OrgdeskPageSource  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (ORGDESK_IS_PAGE_SOURCE (self), NULL);

  return ORGDESK_PAGE_SOURCE_GET_IFACE (self)->load_finish (self, result, error);
}

gboolean
orgdesk_page_source_can_load_first (OrgdeskPageSource *self)
{
  g_return_val_if_fail (ORGDESK_IS_PAGE_SOURCE (self), FALSE);

  return ORGDESK_PAGE_SOURCE_GET_IFACE (self)->load_first_async != NULL;
}

void
orgdesk_page_source_load_first_async (OrgdeskPageSource   *self,
                                      guint                limit,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (orgdesk_page_source_can_load_first (self));
  g_return_if_fail (limit > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  ORGDESK_PAGE_SOURCE_GET_IFACE (self)->load_first_async (self, limit, cancellable, callback, user_data);
}

/**
 * orgdesk_page_source_load_first_finish:
 * @self: a #OrgdeskPageSource
 * @result: the result
 * @count: (out): how many rows the whole list has
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the first rows, in order
 */
GPtrArray *
orgdesk_page_source_load_first_finish (OrgdeskPageSource  *self,
                                       GAsyncResult       *result,
                                       gint64             *count,
                                       GError            **error)
{
  g_return_val_if_fail (ORGDESK_IS_PAGE_SOURCE (self), NULL);
  g_return_val_if_fail (count != NULL, NULL);

  return ORGDESK_PAGE_SOURCE_GET_IFACE (self)->load_first_finish (self, result, count, error);
}
