/* orgdesk-logto-client.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-logto-client.h"

/* PLACEHOLDER: being written. */
