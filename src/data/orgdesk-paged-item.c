/* orgdesk-paged-item.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-paged-item.h"

struct _OrgdeskPagedItem
{
  GObject  parent_instance;

  GObject *item;
};

enum {
  PROP_0,
  PROP_ITEM,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskPagedItem, orgdesk_paged_item, G_TYPE_OBJECT)

static void
orgdesk_paged_item_dispose (GObject *object)
{
  OrgdeskPagedItem *self = ORGDESK_PAGED_ITEM (object);

  g_clear_object (&self->item);

  G_OBJECT_CLASS (orgdesk_paged_item_parent_class)->dispose (object);
}

static void
orgdesk_paged_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  OrgdeskPagedItem *self = ORGDESK_PAGED_ITEM (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->item != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_paged_item_class_init (OrgdeskPagedItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = orgdesk_paged_item_dispose;
  object_class->get_property = orgdesk_paged_item_get_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_paged_item_init (OrgdeskPagedItem *self)
{
}

OrgdeskPagedItem *
orgdesk_paged_item_new (void)
{
  return g_object_new (ORGDESK_TYPE_PAGED_ITEM, NULL);
}

/**
 * orgdesk_paged_item_get_item:
 * @self: a #OrgdeskPagedItem
 *
 * Returns: (transfer none) (nullable): the row, or %NULL while its page loads
 */
gpointer
orgdesk_paged_item_get_item (OrgdeskPagedItem *self)
{
  g_return_val_if_fail (ORGDESK_IS_PAGED_ITEM (self), NULL);
  return self->item;
}

void
orgdesk_paged_item_set_item (OrgdeskPagedItem *self,
                             GObject          *item)
{
  gboolean was_loaded;

  g_return_if_fail (ORGDESK_IS_PAGED_ITEM (self));
  g_return_if_fail (!item || G_IS_OBJECT (item));

  was_loaded = self->item != NULL;
  if (!g_set_object (&self->item, item))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
  if (was_loaded != (item != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}
