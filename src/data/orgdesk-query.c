/* orgdesk-query.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-query.h"
#include "orgdesk-secret-memory.h"

/**
 * OrgdeskQuery:
 *
 * One SQL statement and its parameters ($1, $2, …), all sent as text, NULL
 * meaning SQL NULL.  Values never become part of the SQL text, so they need no
 * quoting; they are sent as an unnamed statement (safe behind PgBouncer in
 * transaction mode).  A text value cannot contain a NUL byte.
 */
struct _OrgdeskQuery
{
  GObject    parent_instance;

  char      *sql;
  GPtrArray *params;   /* char *, NULL allowed */
  GArray    *secrets;  /* guint: indexes of params to wipe; NULL if none */
};

G_DEFINE_FINAL_TYPE (OrgdeskQuery, orgdesk_query, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SQL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
orgdesk_query_finalize (GObject *object)
{
  OrgdeskQuery *self = (OrgdeskQuery *) object;

  g_clear_pointer (&self->sql, g_free);
  for (guint i = 0; self->secrets != NULL && i < self->secrets->len; i++)
    {
      guint index = g_array_index (self->secrets, guint, i);

      orgdesk_secret_clear ((char **) &self->params->pdata[index]);
    }
  g_clear_pointer (&self->secrets, g_array_unref);
  g_clear_pointer (&self->params, g_ptr_array_unref);

  G_OBJECT_CLASS (orgdesk_query_parent_class)->finalize (object);
}

static void
orgdesk_query_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  OrgdeskQuery *self = ORGDESK_QUERY (object);

  switch (prop_id)
    {
    case PROP_SQL:
      g_value_set_string (value, self->sql);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_query_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  OrgdeskQuery *self = ORGDESK_QUERY (object);

  switch (prop_id)
    {
    case PROP_SQL:
      g_free (self->sql);
      self->sql = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_query_class_init (OrgdeskQueryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_query_finalize;
  object_class->get_property = orgdesk_query_get_property;
  object_class->set_property = orgdesk_query_set_property;

  /**
   * OrgdeskQuery:sql:
   *
   * The statement's text: exactly one statement, parameters as $1, $2, …
   */
  properties[PROP_SQL] =
    g_param_spec_string ("sql", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_query_init (OrgdeskQuery *self)
{
  self->params = g_ptr_array_new_with_free_func (g_free);
}

/**
 * orgdesk_query_new:
 * @sql: one SQL statement
 *
 * Returns: (transfer full): a new query without parameters
 */
OrgdeskQuery *
orgdesk_query_new (const char *sql)
{
  g_return_val_if_fail (sql != NULL, NULL);

  return g_object_new (ORGDESK_TYPE_QUERY, "sql", sql, NULL);
}

/**
 * orgdesk_query_add_param:
 * @self: a #OrgdeskQuery
 * @value: (nullable): the text of the next parameter, or %NULL for SQL NULL
 *
 * Appends a parameter: the first one added is $1.
 */
void
orgdesk_query_add_param (OrgdeskQuery *self,
                         const char   *value)
{
  g_return_if_fail (ORGDESK_IS_QUERY (self));

  g_ptr_array_add (self->params, g_strdup (value));
}

/**
 * orgdesk_query_add_secret_param:
 * @self: a #OrgdeskQuery
 * @value: the text of the next parameter: a token or another secret
 *
 * Like orgdesk_query_add_param(), for a value whose copy is wiped when the
 * query is freed.
 */
void
orgdesk_query_add_secret_param (OrgdeskQuery *self,
                                const char   *value)
{
  guint index;

  g_return_if_fail (ORGDESK_IS_QUERY (self));
  g_return_if_fail (value != NULL);

  index = self->params->len;
  if (self->secrets == NULL)
    self->secrets = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (self->secrets, index);
  g_ptr_array_add (self->params, g_strdup (value));
}

const char *
orgdesk_query_get_sql (OrgdeskQuery *self)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY (self), NULL);

  return self->sql;
}

guint
orgdesk_query_get_n_params (OrgdeskQuery *self)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY (self), 0);

  return self->params->len;
}

/**
 * orgdesk_query_get_params:
 * @self: a #OrgdeskQuery
 *
 * Returns: (array length=n_params) (nullable): the parameters, as libpq takes
 *   them; valid until the next parameter is added
 */
const char * const *
orgdesk_query_get_params (OrgdeskQuery *self)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY (self), NULL);

  return (const char * const *) self->params->pdata;
}
