/* orgdesk-comment.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-comment.h"

/* A comment on a post of the active organization (one row of ORGDESK_COMMENT_COLUMNS). */
struct _OrgdeskComment
{
  GObject    parent_instance;

  char      *id;
  char      *body;
  char      *author_name;
  GDateTime *created_at;
};

enum {
  PROP_0,
  PROP_BODY,
  PROP_AUTHOR_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskComment, orgdesk_comment, G_TYPE_OBJECT)

static void
orgdesk_comment_finalize (GObject *object)
{
  OrgdeskComment *self = ORGDESK_COMMENT (object);

  g_free (self->id);
  g_free (self->body);
  g_free (self->author_name);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (orgdesk_comment_parent_class)->finalize (object);
}

static void
orgdesk_comment_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OrgdeskComment *self = ORGDESK_COMMENT (object);

  switch (prop_id)
    {
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;

    case PROP_AUTHOR_NAME:
      g_value_set_string (value, self->author_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_comment_class_init (OrgdeskCommentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_comment_finalize;
  object_class->get_property = orgdesk_comment_get_property;

  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHOR_NAME] =
    g_param_spec_string ("author-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_comment_init (OrgdeskComment *self)
{
}

OrgdeskComment *
orgdesk_comment_new_from_result (OrgdeskQueryResult *result,
                                 guint               row)
{
  OrgdeskComment *self;
  const char *created;

  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (result), NULL);
  g_return_val_if_fail (row < orgdesk_query_result_get_n_rows (result), NULL);

  self = g_object_new (ORGDESK_TYPE_COMMENT, NULL);
  self->id = g_strdup (orgdesk_query_result_get_value (result, row, 0));
  self->body = g_strdup (orgdesk_query_result_get_value (result, row, 1));
  created = orgdesk_query_result_get_value (result, row, 2);
  self->created_at = created != NULL ? g_date_time_new_from_iso8601 (created, NULL) : NULL;
  self->author_name = g_strdup (orgdesk_query_result_get_value (result, row, 3));

  return self;
}

const char *
orgdesk_comment_get_id (OrgdeskComment *self)
{
  g_return_val_if_fail (ORGDESK_IS_COMMENT (self), NULL);
  return self->id;
}

const char *
orgdesk_comment_get_body (OrgdeskComment *self)
{
  g_return_val_if_fail (ORGDESK_IS_COMMENT (self), NULL);
  return self->body;
}

const char *
orgdesk_comment_get_author_name (OrgdeskComment *self)
{
  g_return_val_if_fail (ORGDESK_IS_COMMENT (self), NULL);
  return self->author_name;
}

GDateTime *
orgdesk_comment_get_created_at (OrgdeskComment *self)
{
  g_return_val_if_fail (ORGDESK_IS_COMMENT (self), NULL);
  return self->created_at;
}
