/* orgdesk-auth-error.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-auth-error.h"

G_DEFINE_QUARK (orgdesk-auth-error-quark, orgdesk_auth_error)
