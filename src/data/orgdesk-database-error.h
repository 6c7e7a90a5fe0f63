/* orgdesk-database-error.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ORGDESK_DATABASE_ERROR (orgdesk_database_error_quark ())

/**
 * OrgdeskDatabaseError:
 * @ORGDESK_DATABASE_ERROR_FAILED: a failure with no more specific code
 * @ORGDESK_DATABASE_ERROR_CONNECTION: the server cannot be reached, refused the
 *   login, or the connection was lost (a transaction in flight may or may not
 *   have committed)
 * @ORGDESK_DATABASE_ERROR_QUERY: a statement failed; the SQLSTATE says why
 * @ORGDESK_DATABASE_ERROR_PERMISSION: the role may not do this, or a row-level
 *   security policy refused it (SQLSTATE 42501)
 * @ORGDESK_DATABASE_ERROR_CONSTRAINT: an integrity constraint was violated
 *   (SQLSTATE class 23: unique, foreign key, not null, check)
 * @ORGDESK_DATABASE_ERROR_SERIALIZATION: the transaction lost a race
 *   (SQLSTATE 40001 or 40P01) and may be retried as a whole
 * @ORGDESK_DATABASE_ERROR_AUTHENTICATION: a statement was refused because the
 *   database did not accept who is asking (SQLSTATE class 28: orgdesk.authenticate()
 *   refused the token).  A login the server refuses while connecting is
 *   %ORGDESK_DATABASE_ERROR_CONNECTION.
 *
 * Errors of #OrgdeskDatabase.  Cancellation is %G_IO_ERROR_CANCELLED, never a code
 * of this domain.  Every error of this domain carries the SQLSTATE of the server
 * (or "" when there is none), see orgdesk_database_error_get_sqlstate().  Messages
 * hold the server's primary message only: never parameter values, never the
 * connection string's password.
 */
typedef enum
{
  ORGDESK_DATABASE_ERROR_FAILED,
  ORGDESK_DATABASE_ERROR_CONNECTION,
  ORGDESK_DATABASE_ERROR_QUERY,
  ORGDESK_DATABASE_ERROR_PERMISSION,
  ORGDESK_DATABASE_ERROR_CONSTRAINT,
  ORGDESK_DATABASE_ERROR_SERIALIZATION,
  ORGDESK_DATABASE_ERROR_AUTHENTICATION,
} OrgdeskDatabaseError;

GQuark                orgdesk_database_error_quark            (void);

OrgdeskDatabaseError  orgdesk_database_error_code_for_sqlstate (const char   *sqlstate);
GError               *orgdesk_database_error_new               (OrgdeskDatabaseError code,
                                                               const char   *sqlstate,
                                                               int           statement_index,
                                                               const char   *message);
const char           *orgdesk_database_error_get_sqlstate      (const GError *error);
int                   orgdesk_database_error_get_statement_index (const GError *error);

G_END_DECLS
