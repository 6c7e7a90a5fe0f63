/* orgdesk-auth-confine.h: what a confined role may run
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session whose user is a member of a role in orgdesk_auth.confined_roles
 * (default orgdesk_app; superusers never are) may run queries and, of the
 * utility statements, only transaction control, savepoints, LISTEN/UNLISTEN
 * and the session settings PgBouncer itself sends.  So a leaked app password
 * cannot change the role (ALTER ROLE … PASSWORD/SET), leave a session-level
 * SET for the next client of a pooled connection, SET ROLE, or create
 * anything.
 */

#pragma once

#include "postgres.h"

void orgdesk_auth_confine_init (void);
