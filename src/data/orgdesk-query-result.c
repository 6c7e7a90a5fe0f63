/* orgdesk-query-result.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "orgdesk-query-result-private.h"

/**
 * OrgdeskQueryResult:
 *
 * What one successful statement returned: rows × columns of text or NULL, the
 * column names, the number of rows it affected and its command tag.  Immutable,
 * so it may be read from any thread.  It keeps libpq's own result, with no copy.
 */
struct _OrgdeskQueryResult
{
  GObject   parent_instance;

  PGresult *result;
};

G_DEFINE_FINAL_TYPE (OrgdeskQueryResult, orgdesk_query_result, G_TYPE_OBJECT)

static void
orgdesk_query_result_finalize (GObject *object)
{
  OrgdeskQueryResult *self = (OrgdeskQueryResult *) object;

  g_clear_pointer (&self->result, PQclear);

  G_OBJECT_CLASS (orgdesk_query_result_parent_class)->finalize (object);
}

static void
orgdesk_query_result_class_init (OrgdeskQueryResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_query_result_finalize;
}

static void
orgdesk_query_result_init (OrgdeskQueryResult *self)
{
}

OrgdeskQueryResult *
_orgdesk_query_result_new_take (PGresult *result)
{
  OrgdeskQueryResult *self;

  g_return_val_if_fail (result != NULL, NULL);

  self = g_object_new (ORGDESK_TYPE_QUERY_RESULT, NULL);
  self->result = result;

  return self;
}

guint
orgdesk_query_result_get_n_rows (OrgdeskQueryResult *self)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), 0);

  return PQntuples (self->result);
}

guint
orgdesk_query_result_get_n_columns (OrgdeskQueryResult *self)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), 0);

  return PQnfields (self->result);
}

const char *
orgdesk_query_result_get_column_name (OrgdeskQueryResult *self,
                                      guint               column)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), NULL);
  g_return_val_if_fail (column < (guint) PQnfields (self->result), NULL);

  return PQfname (self->result, column);
}

/**
 * orgdesk_query_result_get_column_index:
 * @self: a #OrgdeskQueryResult
 * @name: a column name, as the server returned it (exact, case-sensitive)
 *
 * Returns: the column's index, or -1 if there is none of that name
 */
int
orgdesk_query_result_get_column_index (OrgdeskQueryResult *self,
                                       const char         *name)
{
  int n;

  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), -1);
  g_return_val_if_fail (name != NULL, -1);

  /* Not PQfnumber (): it folds case and parses quotes, as if @name were SQL */
  n = PQnfields (self->result);
  for (int i = 0; i < n; i++)
    {
      if (strcmp (PQfname (self->result, i), name) == 0)
        return i;
    }

  return -1;
}

/**
 * orgdesk_query_result_get_value:
 * @self: a #OrgdeskQueryResult
 * @row: a row index
 * @column: a column index
 *
 * Returns: (nullable): the value in text form, or %NULL for SQL NULL (an empty
 *   string is "", not %NULL); valid as long as @self
 */
const char *
orgdesk_query_result_get_value (OrgdeskQueryResult *self,
                                guint               row,
                                guint               column)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), NULL);
  g_return_val_if_fail (row < (guint) PQntuples (self->result), NULL);
  g_return_val_if_fail (column < (guint) PQnfields (self->result), NULL);

  if (PQgetisnull (self->result, row, column))
    return NULL;

  return PQgetvalue (self->result, row, column);
}

/**
 * orgdesk_query_result_get_value_by_name:
 * @self: a #OrgdeskQueryResult
 * @row: a row index
 * @name: a column name
 *
 * Returns: (nullable): the value, or %NULL for SQL NULL
 */
const char *
orgdesk_query_result_get_value_by_name (OrgdeskQueryResult *self,
                                        guint               row,
                                        const char         *name)
{
  int column;

  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), NULL);

  column = orgdesk_query_result_get_column_index (self, name);
  g_return_val_if_fail (column >= 0, NULL);

  return orgdesk_query_result_get_value (self, row, column);
}

gboolean
orgdesk_query_result_is_null (OrgdeskQueryResult *self,
                              guint               row,
                              guint               column)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), TRUE);
  g_return_val_if_fail (row < (guint) PQntuples (self->result), TRUE);
  g_return_val_if_fail (column < (guint) PQnfields (self->result), TRUE);

  return PQgetisnull (self->result, row, column);
}

/**
 * orgdesk_query_result_get_affected_rows:
 * @self: a #OrgdeskQueryResult
 *
 * Returns: the rows an INSERT, UPDATE, DELETE, MERGE, SELECT, MOVE, FETCH or COPY
 *   affected or returned, or -1 for a command that reports no count
 */
gint64
orgdesk_query_result_get_affected_rows (OrgdeskQueryResult *self)
{
  const char *tuples;

  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), -1);

  tuples = PQcmdTuples (self->result);
  if (tuples == NULL || *tuples == '\0')
    return -1;

  return g_ascii_strtoll (tuples, NULL, 10);
}

/**
 * orgdesk_query_result_get_command_tag:
 * @self: a #OrgdeskQueryResult
 *
 * Returns: the command tag, such as "INSERT 0 1" or "SELECT 3"
 */
const char *
orgdesk_query_result_get_command_tag (OrgdeskQueryResult *self)
{
  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), NULL);

  return PQcmdStatus (self->result);
}

/**
 * orgdesk_query_result_get_sqlstate:
 * @self: a #OrgdeskQueryResult
 *
 * Returns: the SQLSTATE, "00000" (successful completion) for every result that
 *   reaches the caller; failures arrive as a #GError instead
 */
const char *
orgdesk_query_result_get_sqlstate (OrgdeskQueryResult *self)
{
  const char *sqlstate;

  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (self), NULL);

  sqlstate = PQresultErrorField (self->result, PG_DIAG_SQLSTATE);

  return sqlstate != NULL ? sqlstate : "00000";
}
