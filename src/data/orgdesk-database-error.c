/* orgdesk-database-error.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "orgdesk-database-error.h"

/* An extended error domain: the SQLSTATE travels with the GError through
 * g_propagate_error() and g_error_copy() without being parsed out of the message. */
typedef struct
{
  char sqlstate[6];
  int  statement_index;
} OrgdeskDatabaseErrorPrivate;

static void
orgdesk_database_error_private_init (OrgdeskDatabaseErrorPrivate *priv)
{
  priv->sqlstate[0] = '\0';
  priv->statement_index = -1;
}

static void
orgdesk_database_error_private_copy (const OrgdeskDatabaseErrorPrivate *src,
                                     OrgdeskDatabaseErrorPrivate       *dest)
{
  *dest = *src;
}

static void
orgdesk_database_error_private_clear (OrgdeskDatabaseErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (OrgdeskDatabaseError, orgdesk_database_error)

/**
 * orgdesk_database_error_code_for_sqlstate:
 * @sqlstate: (nullable): a five-character SQLSTATE
 *
 * Returns: the code the application reacts to for @sqlstate
 */
OrgdeskDatabaseError
orgdesk_database_error_code_for_sqlstate (const char *sqlstate)
{
  if (sqlstate == NULL || strlen (sqlstate) != 5)
    return ORGDESK_DATABASE_ERROR_QUERY;

  if (strcmp (sqlstate, "42501") == 0)
    return ORGDESK_DATABASE_ERROR_PERMISSION;
  if (strncmp (sqlstate, "23", 2) == 0)
    return ORGDESK_DATABASE_ERROR_CONSTRAINT;
  if (strcmp (sqlstate, "40001") == 0 || strcmp (sqlstate, "40P01") == 0)
    return ORGDESK_DATABASE_ERROR_SERIALIZATION;
  /* Connection exceptions, and the server shutting the session down */
  if (strncmp (sqlstate, "08", 2) == 0 || strncmp (sqlstate, "57P0", 4) == 0)
    return ORGDESK_DATABASE_ERROR_CONNECTION;
  /* invalid_authorization_specification (orgdesk.authenticate() refusing a
   * token), invalid_password.  Refusals at login never come through here: the
   * connection's own failures are ORGDESK_DATABASE_ERROR_CONNECTION. */
  if (strncmp (sqlstate, "28", 2) == 0)
    return ORGDESK_DATABASE_ERROR_AUTHENTICATION;

  return ORGDESK_DATABASE_ERROR_QUERY;
}

/**
 * orgdesk_database_error_new:
 * @code: the error code
 * @sqlstate: (nullable): the server's SQLSTATE
 * @statement_index: which query of a batch failed, or -1
 * @message: the message, without parameter values or secrets
 *
 * Returns: (transfer full): a new error of %ORGDESK_DATABASE_ERROR
 */
GError *
orgdesk_database_error_new (OrgdeskDatabaseError  code,
                            const char           *sqlstate,
                            int                   statement_index,
                            const char           *message)
{
  GError *error = g_error_new_literal (ORGDESK_DATABASE_ERROR, code, message);
  OrgdeskDatabaseErrorPrivate *priv = orgdesk_database_error_get_private (error);

  if (sqlstate != NULL && strlen (sqlstate) == 5)
    memcpy (priv->sqlstate, sqlstate, 6);
  priv->statement_index = statement_index;

  return error;
}

/**
 * orgdesk_database_error_get_sqlstate:
 * @error: an error of %ORGDESK_DATABASE_ERROR
 *
 * Returns: the SQLSTATE the server reported, or "" if there was none (for example
 *   when the server could not be reached)
 */
const char *
orgdesk_database_error_get_sqlstate (const GError *error)
{
  g_return_val_if_fail (error != NULL, "");

  if (error->domain != ORGDESK_DATABASE_ERROR)
    return "";

  return orgdesk_database_error_get_private (error)->sqlstate;
}

/**
 * orgdesk_database_error_get_statement_index:
 * @error: an error of %ORGDESK_DATABASE_ERROR
 *
 * Returns: the index, in the array given to orgdesk_database_run_async(), of the
 *   query that failed, or -1 if the failure was not one query's
 */
int
orgdesk_database_error_get_statement_index (const GError *error)
{
  g_return_val_if_fail (error != NULL, -1);

  if (error->domain != ORGDESK_DATABASE_ERROR)
    return -1;

  return orgdesk_database_error_get_private (error)->statement_index;
}
