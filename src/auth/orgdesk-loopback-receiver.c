/* orgdesk-loopback-receiver.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-loopback-receiver.h"

/* PLACEHOLDER: being written. */
