/* orgdesk-test-leak.h: a deliberate leak for the sanitizer run's leak check
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-application.h"

G_BEGIN_DECLS

/* Bytes leaked, an odd size that names the block in a report (tests/e2e/test-app.sh). */
#define ORGDESK_TEST_LEAK_SIZE 4093

void orgdesk_test_leak_install (OrgdeskApplication *app);

G_END_DECLS
