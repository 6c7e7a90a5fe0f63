/* orgdesk-json.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-json.h"

/**
 * orgdesk_json_parse_object:
 * @data: JSON text (need not be NUL-terminated when @length is given)
 * @length: its length, or -1
 *
 * Returns: (transfer full) (nullable): the top-level object, or %NULL if @data is
 *   not JSON or not an object
 */
JsonObject *
orgdesk_json_parse_object (const char *data,
                           gssize      length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (data == NULL || !json_parser_load_from_data (parser, data, length, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/**
 * orgdesk_json_get_string:
 * @object: a JSON object
 * @member: a member name
 *
 * Returns: (nullable): the member's string, or %NULL when it is absent, null or
 *   of another type
 */
const char *
orgdesk_json_get_string (JsonObject *object,
                         const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * orgdesk_json_has_wrong_type:
 * @object: a JSON object
 * @member: a member name
 * @type: the value type the member must have when present (%G_TYPE_STRING, …)
 *
 * Returns: %TRUE if @member is present, not null, and not a value of @type
 */
gboolean
orgdesk_json_has_wrong_type (JsonObject *object,
                             const char *member,
                             GType       type)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;

  return !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type;
}
