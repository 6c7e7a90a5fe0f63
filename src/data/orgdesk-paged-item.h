/* orgdesk-paged-item.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_PAGED_ITEM (orgdesk_paged_item_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPagedItem, orgdesk_paged_item, ORGDESK, PAGED_ITEM, GObject)

/* One row of an OrgdeskPagedModel: a stable holder whose #OrgdeskPagedItem:item
 * arrives when its page has loaded, so list rows can bind before the data is there. */
OrgdeskPagedItem *orgdesk_paged_item_new      (void);
gpointer          orgdesk_paged_item_get_item (OrgdeskPagedItem *self);
void              orgdesk_paged_item_set_item (OrgdeskPagedItem *self,
                                               GObject          *item);

G_END_DECLS
