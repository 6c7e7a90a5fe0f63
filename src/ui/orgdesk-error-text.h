/* orgdesk-error-text.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A translated sentence for the user; the raw message goes into Details. */
const char *orgdesk_error_text (const GError *error);

G_END_DECLS
