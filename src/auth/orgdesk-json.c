/* orgdesk-json.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "orgdesk-json.h"

/* Counts nesting outside strings; the text need not be valid JSON for this. */
static gboolean
nesting_is_shallow (const char *data,
                    gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > ORGDESK_JSON_MAX_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/**
 * orgdesk_json_parser_load:
 * @parser: a #JsonParser
 * @data: JSON text (need not be NUL-terminated when @length is given)
 * @length: its length, or -1
 * @error: return location for a #GError
 *
 * json_parser_load_from_data() for text from the network: a document nested more
 * than %ORGDESK_JSON_MAX_DEPTH levels deep is refused before json-glib, whose
 * parser recurses once per level, can run out of stack on it.
 *
 * Returns: %TRUE if @data was parsed
 */
gboolean
orgdesk_json_parser_load (JsonParser  *parser,
                          const char  *data,
                          gssize       length,
                          GError     **error)
{
  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (!nesting_is_shallow (data, length < 0 ? strlen (data) : (gsize) length))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   "The JSON is nested more than %d levels deep", ORGDESK_JSON_MAX_DEPTH);
      return FALSE;
    }

  return json_parser_load_from_data (parser, data, length, error);
}

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

  if (data == NULL || !orgdesk_json_parser_load (parser, data, length, NULL))
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
