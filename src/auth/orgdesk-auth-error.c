/* orgdesk-auth-error.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-auth-error.h"

G_DEFINE_QUARK (orgdesk-auth-error-quark, orgdesk_auth_error)

/**
 * orgdesk_auth_error_is_network:
 * @error: (nullable): an error
 *
 * Returns: %TRUE for %ORGDESK_AUTH_ERROR_UNREACHABLE and
 *   %ORGDESK_AUTH_ERROR_NO_RESPONSE: the network, not the identity provider's
 *   answer, is why the request failed
 */
gboolean
orgdesk_auth_error_is_network (const GError *error)
{
  return g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_UNREACHABLE) ||
         g_error_matches (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_NO_RESPONSE);
}
