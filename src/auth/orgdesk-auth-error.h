/* orgdesk-auth-error.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ORGDESK_AUTH_ERROR (orgdesk_auth_error_quark ())

/**
 * OrgdeskAuthError:
 * @ORGDESK_AUTH_ERROR_FAILED: a failure with no more specific code
 * @ORGDESK_AUTH_ERROR_INVALID_RESPONSE: the server sent something malformed
 * @ORGDESK_AUTH_ERROR_INVALID_TOKEN: a token failed validation (signature, claims, form)
 * @ORGDESK_AUTH_ERROR_UNKNOWN_KEY: a token names a key the JWKS does not hold
 * @ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM: a token or key uses an algorithm not allowed
 * @ORGDESK_AUTH_ERROR_EXPIRED: a token is expired or not yet valid
 * @ORGDESK_AUTH_ERROR_INVALID_GRANT: the grant is no longer valid; sign in again
 * @ORGDESK_AUTH_ERROR_ACCESS_DENIED: the user is not allowed (e.g. not a member)
 * @ORGDESK_AUTH_ERROR_INSUFFICIENT_SCOPE: the grant lacks a scope that is needed
 * @ORGDESK_AUTH_ERROR_INVALID_REQUEST: the loopback receiver got a request it rejects
 * @ORGDESK_AUTH_ERROR_AUTHORIZATION_DENIED: the user or server declined the sign-in
 * @ORGDESK_AUTH_ERROR_TIMED_OUT: the browser never came back
 * @ORGDESK_AUTH_ERROR_NOT_CONFIGURED: no endpoint or client id is set
 * @ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE: no usable Secret Service (none, locked)
 * @ORGDESK_AUTH_ERROR_UNREACHABLE: the identity provider cannot be reached; the
 *   request provably never got there (no address, connection refused, host or
 *   network unreachable, TLS handshake failed, or the connection failed before
 *   the whole request was written)
 * @ORGDESK_AUTH_ERROR_NO_RESPONSE: the request was (or may have been) delivered
 *   but no complete answer came: it timed out, or the connection dropped after
 *   the request was written.  The server may have acted on it (e.g. rotated a
 *   refresh token).
 * @ORGDESK_AUTH_ERROR_WRONG_ACCOUNT: an authorization for the signed-in account
 *   came back for another user (the browser is signed in to Logto as them)
 *
 * Errors of the auth layer.  The UI reacts to %ORGDESK_AUTH_ERROR_INVALID_GRANT by
 * asking the user to sign in again.  orgdesk_auth_error_is_network() tells the
 * two network failures from the rest.
 */
typedef enum
{
  ORGDESK_AUTH_ERROR_FAILED,
  ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
  ORGDESK_AUTH_ERROR_INVALID_TOKEN,
  ORGDESK_AUTH_ERROR_UNKNOWN_KEY,
  ORGDESK_AUTH_ERROR_UNSUPPORTED_ALGORITHM,
  ORGDESK_AUTH_ERROR_EXPIRED,
  ORGDESK_AUTH_ERROR_INVALID_GRANT,
  ORGDESK_AUTH_ERROR_ACCESS_DENIED,
  ORGDESK_AUTH_ERROR_INSUFFICIENT_SCOPE,
  ORGDESK_AUTH_ERROR_INVALID_REQUEST,
  ORGDESK_AUTH_ERROR_AUTHORIZATION_DENIED,
  ORGDESK_AUTH_ERROR_TIMED_OUT,
  ORGDESK_AUTH_ERROR_NOT_CONFIGURED,
  ORGDESK_AUTH_ERROR_KEYRING_UNAVAILABLE,
  ORGDESK_AUTH_ERROR_UNREACHABLE,
  ORGDESK_AUTH_ERROR_NO_RESPONSE,
  ORGDESK_AUTH_ERROR_WRONG_ACCOUNT,
} OrgdeskAuthError;

GQuark   orgdesk_auth_error_quark      (void);
gboolean orgdesk_auth_error_is_network (const GError *error);

G_END_DECLS
