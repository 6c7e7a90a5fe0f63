/* orgdesk-json.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Small strict readers for JSON from the network: a member of the wrong type
 * reads as absent instead of being coerced. */
/* Deeper than anything Logto sends; json-glib recurses per level, and a 100 KB
 * document of "[" would otherwise overflow the stack. */
#define ORGDESK_JSON_MAX_DEPTH 32

gboolean    orgdesk_json_parser_load  (JsonParser  *parser,
                                       const char  *data,
                                       gssize       length,
                                       GError     **error);
JsonObject *orgdesk_json_parse_object (const char *data,
                                       gssize      length);
const char *orgdesk_json_get_string   (JsonObject *object,
                                       const char *member);
gboolean    orgdesk_json_has_wrong_type (JsonObject *object,
                                         const char *member,
                                         GType       type);

G_END_DECLS
