/* orgdesk-post.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-post.h"

/* A post of the active organization, as one row of ORGDESK_POST_COLUMNS. */
struct _OrgdeskPost
{
  GObject    parent_instance;

  char      *id;
  char      *title;
  char      *body;
  char      *author_name;
  char      *created_key;   /* created_at exactly as the server wrote it: the page key */
  GDateTime *created_at;
  GDateTime *updated_at;
  guint      n_comments;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_BODY,
  PROP_AUTHOR_NAME,
  PROP_CREATED_AT,
  PROP_N_COMMENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskPost, orgdesk_post, G_TYPE_OBJECT)

static void
orgdesk_post_finalize (GObject *object)
{
  OrgdeskPost *self = ORGDESK_POST (object);

  g_free (self->id);
  g_free (self->title);
  g_free (self->body);
  g_free (self->author_name);
  g_free (self->created_key);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (orgdesk_post_parent_class)->finalize (object);
}

static void
orgdesk_post_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  OrgdeskPost *self = ORGDESK_POST (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;

    case PROP_AUTHOR_NAME:
      g_value_set_string (value, self->author_name);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_N_COMMENTS:
      g_value_set_uint (value, self->n_comments);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_post_class_init (OrgdeskPostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_post_finalize;
  object_class->get_property = orgdesk_post_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHOR_NAME] =
    g_param_spec_string ("author-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_COMMENTS] =
    g_param_spec_uint ("n-comments", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_post_init (OrgdeskPost *self)
{
}

static GDateTime *
parse_timestamp (const char *text)
{
  return text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

/**
 * orgdesk_post_new_from_result:
 * @result: a result whose columns are ORGDESK_POST_COLUMNS
 * @row: the row
 *
 * Returns: (transfer full): the post
 */
OrgdeskPost *
orgdesk_post_new_from_result (OrgdeskQueryResult *result,
                              guint               row)
{
  OrgdeskPost *self;
  guint64 n_comments = 0;

  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (result), NULL);
  g_return_val_if_fail (row < orgdesk_query_result_get_n_rows (result), NULL);
  g_return_val_if_fail (orgdesk_query_result_get_n_columns (result) >= 7, NULL);

  self = g_object_new (ORGDESK_TYPE_POST, NULL);
  self->id = g_strdup (orgdesk_query_result_get_value (result, row, 0));
  self->title = g_strdup (orgdesk_query_result_get_value (result, row, 1));
  self->body = g_strdup (orgdesk_query_result_get_value (result, row, 2));
  self->created_key = g_strdup (orgdesk_query_result_get_value (result, row, 3));
  self->created_at = parse_timestamp (self->created_key);
  self->updated_at = parse_timestamp (orgdesk_query_result_get_value (result, row, 4));
  self->author_name = g_strdup (orgdesk_query_result_get_value (result, row, 5));
  g_ascii_string_to_unsigned (orgdesk_query_result_get_value (result, row, 6), 10, 0, G_MAXUINT, &n_comments, NULL);
  self->n_comments = (guint) n_comments;

  return self;
}

const char *
orgdesk_post_get_id (OrgdeskPost *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST (self), NULL);
  return self->id;
}

const char *
orgdesk_post_get_title (OrgdeskPost *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST (self), NULL);
  return self->title;
}

const char *
orgdesk_post_get_body (OrgdeskPost *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST (self), NULL);
  return self->body;
}

const char *
orgdesk_post_get_author_name (OrgdeskPost *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST (self), NULL);
  return self->author_name;
}

GDateTime *
orgdesk_post_get_created_at (OrgdeskPost *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST (self), NULL);
  return self->created_at;
}

/**
 * orgdesk_post_get_created_key:
 * @self: a #OrgdeskPost
 *
 * Returns: created_at in the server's own text form, exact to the microsecond,
 *   for keyset pagination
 */
const char *
orgdesk_post_get_created_key (OrgdeskPost *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST (self), NULL);
  return self->created_key;
}

guint
orgdesk_post_get_n_comments (OrgdeskPost *self)
{
  g_return_val_if_fail (ORGDESK_IS_POST (self), 0);
  return self->n_comments;
}
