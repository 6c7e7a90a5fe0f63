/* orgdesk-error-text.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-database-error.h"
#include "orgdesk-error-text.h"

static const char *
database_error_text (const GError *error)
{
  switch ((OrgdeskDatabaseError) error->code)
    {
    case ORGDESK_DATABASE_ERROR_CONNECTION:
      return _("Could not reach the database");
    case ORGDESK_DATABASE_ERROR_PERMISSION:
      /* A write without the write scope, or outside the organization's rows */
      return _("Your role in this organization does not allow this");
    case ORGDESK_DATABASE_ERROR_AUTHENTICATION:
      /* The database refused a new token too (not just an expired one) */
      return _("The database did not accept your sign-in. Please try again later, or sign out and sign in again.");
    case ORGDESK_DATABASE_ERROR_CONSTRAINT:
      return _("The change conflicts with other data and was not saved");
    case ORGDESK_DATABASE_ERROR_SERIALIZATION:
      return _("Someone else changed this at the same time. Please try again.");
    case ORGDESK_DATABASE_ERROR_QUERY:
    case ORGDESK_DATABASE_ERROR_FAILED:
    default:
      return _("The database could not do this");
    }
}

const char *
orgdesk_error_text (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == ORGDESK_DATABASE_ERROR)
    return database_error_text (error);

  /* The data layer's own checks already speak to the user. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return error->message;

  if (error->domain != ORGDESK_AUTH_ERROR)
    return _("Something went wrong");

  switch ((OrgdeskAuthError) error->code)
    {
    case ORGDESK_AUTH_ERROR_UNREACHABLE:
    case ORGDESK_AUTH_ERROR_NO_RESPONSE:
      return _("Could not reach the sign-in server");
    case ORGDESK_AUTH_ERROR_INVALID_GRANT:
      return _("Your session has ended. Please sign in again.");
    case ORGDESK_AUTH_ERROR_ACCESS_DENIED:
      return _("You no longer have access to this organization");
    case ORGDESK_AUTH_ERROR_INSUFFICIENT_SCOPE:
      return _("Your sign-in does not include permission for this. Please sign in again.");
    case ORGDESK_AUTH_ERROR_AUTHORIZATION_DENIED:
      return _("The sign-in was declined");
    case ORGDESK_AUTH_ERROR_TIMED_OUT:
      return _("Sign-in took too long. Please try again.");
    case ORGDESK_AUTH_ERROR_NOT_CONFIGURED:
      return _("Orgdesk is not set up for this sign-in server");
    case ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE:
      return _("Your sign-in cannot be saved: no unlocked keyring is available. You will need to sign in again next time.");
    case ORGDESK_AUTH_ERROR_WRONG_ACCOUNT:
      return _("Your browser is signed in as another user. Sign out there, or sign out of Orgdesk and sign in as that user.");
    case ORGDESK_AUTH_ERROR_INVALID_RESPONSE:
    case ORGDESK_AUTH_ERROR_INVALID_TOKEN:
    case ORGDESK_AUTH_ERROR_UNKNOWN_KEY:
    case ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM:
    case ORGDESK_AUTH_ERROR_EXPIRED:
      return _("The sign-in server sent an answer that could not be trusted");
    case ORGDESK_AUTH_ERROR_INVALID_REQUEST:
    case ORGDESK_AUTH_ERROR_FAILED:
    default:
      return _("Sign-in failed");
    }
}
