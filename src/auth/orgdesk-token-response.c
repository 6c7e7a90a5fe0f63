/* orgdesk-token-response.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <json-glib/json-glib.h>

#include "orgdesk-auth-error.h"
#include "orgdesk-json.h"
#include "orgdesk-secret-memory.h"
#include "orgdesk-token-response.h"

/* Servers send a lifetime; without one, assume a short one rather than forever. */
#define DEFAULT_EXPIRES_IN_SECONDS 300
#define MAX_EXPIRES_IN_SECONDS (400 * 24 * 3600)

struct _OrgdeskTokenResponse
{
  GObject parent_instance;

  char   *access_token;
  char   *refresh_token;
  char   *id_token;
  char   *scope;
  gint64  expires_at;
};

G_DEFINE_FINAL_TYPE (OrgdeskTokenResponse, orgdesk_token_response, G_TYPE_OBJECT)

static void
orgdesk_token_response_finalize (GObject *object)
{
  OrgdeskTokenResponse *self = ORGDESK_TOKEN_RESPONSE (object);

  orgdesk_secret_free (self->access_token);
  orgdesk_secret_free (self->refresh_token);
  orgdesk_secret_free (self->id_token);
  g_free (self->scope);

  G_OBJECT_CLASS (orgdesk_token_response_parent_class)->finalize (object);
}

static void
orgdesk_token_response_class_init (OrgdeskTokenResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = orgdesk_token_response_finalize;
}

static void
orgdesk_token_response_init (OrgdeskTokenResponse *self)
{
}

/* Copies an optional string member; FALSE if present with another type. */
static gboolean
take_optional_string (JsonObject  *object,
                      const char  *name,
                      char       **out)
{
  if (orgdesk_json_has_wrong_type (object, name, G_TYPE_STRING))
    return FALSE;

  *out = g_strdup (orgdesk_json_get_string (object, name));
  return TRUE;
}

static gboolean
read_expires_in (JsonObject *object,
                 gint64     *expires_in)
{
  JsonNode *node = json_object_get_member (object, "expires_in");
  GType type;

  *expires_in = DEFAULT_EXPIRES_IN_SECONDS;
  if (node == NULL)
    return TRUE;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    *expires_in = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      /* Range-check before the cast: converting 1e300 to an integer is undefined. */
      if (!(value > 0 && value <= MAX_EXPIRES_IN_SECONDS))
        return FALSE;
      *expires_in = (gint64) value;
    }
  else
    return FALSE;

  return *expires_in > 0 && *expires_in <= MAX_EXPIRES_IN_SECONDS;
}

/**
 * orgdesk_token_response_new_from_data:
 * @json: the response body
 * @length: its length
 * @now_unix: the current time, to turn `expires_in` into an instant
 * @error: return location for a #GError
 *
 * Parses a token endpoint response.  Malformed bodies, missing or empty
 * `access_token`, a `token_type` other than Bearer and members of the wrong type
 * are %ORGDESK_AUTH_ERROR_INVALID_RESPONSE.
 *
 * Returns: (transfer full): the response, or %NULL with @error set
 */
OrgdeskTokenResponse *
orgdesk_token_response_new_from_data (const char  *json,
                                      gsize        length,
                                      gint64       now_unix,
                                      GError     **error)
{
  g_autoptr(OrgdeskTokenResponse) self = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *token_type = NULL;
  gint64 expires_in;

  g_return_val_if_fail (json != NULL || length == 0, NULL);

  object = orgdesk_json_parse_object (json, length);
  if (object == NULL)
    {
      g_set_error_literal (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The token endpoint did not answer with a JSON object");
      return NULL;
    }

  self = g_object_new (ORGDESK_TYPE_TOKEN_RESPONSE, NULL);

  if (!take_optional_string (object, "access_token", &self->access_token) ||
      !take_optional_string (object, "refresh_token", &self->refresh_token) ||
      !take_optional_string (object, "id_token", &self->id_token) ||
      !take_optional_string (object, "scope", &self->scope) ||
      !take_optional_string (object, "token_type", &token_type) ||
      !read_expires_in (object, &expires_in))
    {
      g_set_error_literal (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The token endpoint answered with a member of the wrong type");
      return NULL;
    }

  if (self->access_token == NULL || *self->access_token == '\0' ||
      token_type == NULL || g_ascii_strcasecmp (token_type, "Bearer") != 0)
    {
      g_set_error_literal (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The token endpoint did not return a bearer access token");
      return NULL;
    }

  if (self->refresh_token != NULL && *self->refresh_token == '\0')
    g_clear_pointer (&self->refresh_token, g_free);

  self->expires_at = now_unix + expires_in;

  return g_steal_pointer (&self);
}

const char *
orgdesk_token_response_get_access_token (OrgdeskTokenResponse *self)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_RESPONSE (self), NULL);

  return self->access_token;
}

const char *
orgdesk_token_response_get_refresh_token (OrgdeskTokenResponse *self)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_RESPONSE (self), NULL);

  return self->refresh_token;
}

const char *
orgdesk_token_response_get_id_token (OrgdeskTokenResponse *self)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_RESPONSE (self), NULL);

  return self->id_token;
}

const char *
orgdesk_token_response_get_scope (OrgdeskTokenResponse *self)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_RESPONSE (self), NULL);

  return self->scope;
}

gint64
orgdesk_token_response_get_expires_at (OrgdeskTokenResponse *self)
{
  g_return_val_if_fail (ORGDESK_IS_TOKEN_RESPONSE (self), 0);

  return self->expires_at;
}
