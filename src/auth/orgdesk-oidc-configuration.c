/* orgdesk-oidc-configuration.c
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
#include "orgdesk-oidc-configuration.h"

struct _OrgdeskOidcConfiguration
{
  GObject parent_instance;

  char     *issuer;
  char     *authorization_endpoint;
  char     *token_endpoint;
  char     *userinfo_endpoint;
  char     *jwks_uri;
  char     *end_session_endpoint;
  char     *revocation_endpoint;
  gboolean  iss_parameter_supported;
};

G_DEFINE_FINAL_TYPE (OrgdeskOidcConfiguration, orgdesk_oidc_configuration, G_TYPE_OBJECT)

static void
orgdesk_oidc_configuration_finalize (GObject *object)
{
  OrgdeskOidcConfiguration *self = ORGDESK_OIDC_CONFIGURATION (object);

  g_free (self->issuer);
  g_free (self->authorization_endpoint);
  g_free (self->token_endpoint);
  g_free (self->userinfo_endpoint);
  g_free (self->jwks_uri);
  g_free (self->end_session_endpoint);
  g_free (self->revocation_endpoint);

  G_OBJECT_CLASS (orgdesk_oidc_configuration_parent_class)->finalize (object);
}

static void
orgdesk_oidc_configuration_class_init (OrgdeskOidcConfigurationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = orgdesk_oidc_configuration_finalize;
}

static void
orgdesk_oidc_configuration_init (OrgdeskOidcConfiguration *self)
{
}

/**
 * orgdesk_oidc_uri_is_acceptable:
 * @uri: an absolute URI
 *
 * Tokens travel to these URIs, so they must be https — or plain http to the
 * loopback interface, where nothing leaves the machine (a local Logto).
 *
 * Returns: whether @uri may be used for an identity provider endpoint
 */
gboolean
orgdesk_oidc_uri_is_acceptable (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  const char *scheme;
  const char *host;

  if (uri == NULL)
    return FALSE;

  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    return FALSE;

  if (g_uri_get_userinfo (parsed) != NULL || g_uri_get_fragment (parsed) != NULL)
    return FALSE;

  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  return g_ascii_strcasecmp (scheme, "http") == 0 &&
         (g_strcmp0 (host, "127.0.0.1") == 0 ||
          g_strcmp0 (host, "::1") == 0 ||
          g_ascii_strcasecmp (host, "localhost") == 0);
}

/* Reads an endpoint; a required one must be present, and any present one acceptable. */
static gboolean
read_endpoint (JsonObject  *object,
               const char  *name,
               gboolean     required,
               char       **out,
               GError     **error)
{
  const char *value = orgdesk_json_get_string (object, name);

  if (value == NULL && !required)
    return TRUE;

  if (!orgdesk_oidc_uri_is_acceptable (value))
    {
      g_set_error (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                   "The discovery document has no usable “%s”", name);
      return FALSE;
    }

  *out = g_strdup (value);
  return TRUE;
}

static gboolean
supports_s256 (JsonObject *object)
{
  JsonArray *methods;

  if (!json_object_has_member (object, "code_challenge_methods_supported"))
    return TRUE; /* optional in the metadata; the request will fail if it is not */

  if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "code_challenge_methods_supported")))
    return FALSE;

  methods = json_object_get_array_member (object, "code_challenge_methods_supported");
  for (guint i = 0; i < json_array_get_length (methods); i++)
    {
      JsonNode *node = json_array_get_element (methods, i);

      if (JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (node), "S256") == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * orgdesk_oidc_configuration_new_from_data:
 * @json: the discovery document
 * @length: its length
 * @expected_issuer: the issuer the document was fetched for
 * @error: return location for a #GError
 *
 * The `issuer` must equal @expected_issuer exactly (OpenID Connect Discovery §4.3),
 * otherwise a hostile document could redirect tokens elsewhere.
 *
 * Returns: (transfer full): the configuration, or %NULL with @error set
 */
OrgdeskOidcConfiguration *
orgdesk_oidc_configuration_new_from_data (const char  *json,
                                          gsize        length,
                                          const char  *expected_issuer,
                                          GError     **error)
{
  g_autoptr(OrgdeskOidcConfiguration) self = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonNode *iss_supported;

  g_return_val_if_fail (expected_issuer != NULL, NULL);

  object = orgdesk_json_parse_object (json, length);
  if (object == NULL)
    {
      g_set_error_literal (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The discovery document is not a JSON object");
      return NULL;
    }

  self = g_object_new (ORGDESK_TYPE_OIDC_CONFIGURATION, NULL);

  if (g_strcmp0 (orgdesk_json_get_string (object, "issuer"), expected_issuer) != 0)
    {
      g_set_error_literal (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The discovery document names another issuer");
      return NULL;
    }
  self->issuer = g_strdup (expected_issuer);

  if (!read_endpoint (object, "authorization_endpoint", TRUE, &self->authorization_endpoint, error) ||
      !read_endpoint (object, "token_endpoint", TRUE, &self->token_endpoint, error) ||
      !read_endpoint (object, "jwks_uri", TRUE, &self->jwks_uri, error) ||
      !read_endpoint (object, "userinfo_endpoint", TRUE, &self->userinfo_endpoint, error) ||
      !read_endpoint (object, "end_session_endpoint", FALSE, &self->end_session_endpoint, error) ||
      !read_endpoint (object, "revocation_endpoint", FALSE, &self->revocation_endpoint, error))
    return NULL;

  if (!supports_s256 (object))
    {
      g_set_error_literal (error, ORGDESK_AUTH_ERROR, ORGDESK_AUTH_ERROR_INVALID_RESPONSE,
                           "The identity provider does not support PKCE with S256");
      return NULL;
    }

  iss_supported = json_object_get_member (object, "authorization_response_iss_parameter_supported");
  self->iss_parameter_supported = iss_supported != NULL &&
                                  JSON_NODE_HOLDS_VALUE (iss_supported) &&
                                  json_node_get_value_type (iss_supported) == G_TYPE_BOOLEAN &&
                                  json_node_get_boolean (iss_supported);

  return g_steal_pointer (&self);
}

const char *
orgdesk_oidc_configuration_get_issuer (OrgdeskOidcConfiguration *self)
{
  g_return_val_if_fail (ORGDESK_IS_OIDC_CONFIGURATION (self), NULL);
  return self->issuer;
}

const char *
orgdesk_oidc_configuration_get_authorization_endpoint (OrgdeskOidcConfiguration *self)
{
  g_return_val_if_fail (ORGDESK_IS_OIDC_CONFIGURATION (self), NULL);
  return self->authorization_endpoint;
}

const char *
orgdesk_oidc_configuration_get_token_endpoint (OrgdeskOidcConfiguration *self)
{
  g_return_val_if_fail (ORGDESK_IS_OIDC_CONFIGURATION (self), NULL);
  return self->token_endpoint;
}

const char *
orgdesk_oidc_configuration_get_userinfo_endpoint (OrgdeskOidcConfiguration *self)
{
  g_return_val_if_fail (ORGDESK_IS_OIDC_CONFIGURATION (self), NULL);
  return self->userinfo_endpoint;
}

const char *
orgdesk_oidc_configuration_get_jwks_uri (OrgdeskOidcConfiguration *self)
{
  g_return_val_if_fail (ORGDESK_IS_OIDC_CONFIGURATION (self), NULL);
  return self->jwks_uri;
}

const char *
orgdesk_oidc_configuration_get_end_session_endpoint (OrgdeskOidcConfiguration *self)
{
  g_return_val_if_fail (ORGDESK_IS_OIDC_CONFIGURATION (self), NULL);
  return self->end_session_endpoint;
}

const char *
orgdesk_oidc_configuration_get_revocation_endpoint (OrgdeskOidcConfiguration *self)
{
  g_return_val_if_fail (ORGDESK_IS_OIDC_CONFIGURATION (self), NULL);
  return self->revocation_endpoint;
}

gboolean
orgdesk_oidc_configuration_get_iss_parameter_supported (OrgdeskOidcConfiguration *self)
{
  g_return_val_if_fail (ORGDESK_IS_OIDC_CONFIGURATION (self), FALSE);
  return self->iss_parameter_supported;
}
