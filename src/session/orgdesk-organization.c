/* orgdesk-organization.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-session"

#include "config.h"

#include "orgdesk-json.h"
#include "orgdesk-organization.h"

/* One Logto organization the user belongs to, with the user's roles in it. */
struct _OrgdeskOrganization
{
  GObject parent_instance;

  char  *id;
  char  *name;
  char  *description;
  GStrv  roles;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_ROLES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskOrganization, orgdesk_organization, G_TYPE_OBJECT)

static void
orgdesk_organization_finalize (GObject *object)
{
  OrgdeskOrganization *self = ORGDESK_ORGANIZATION (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->description);
  g_strfreev (self->roles);

  G_OBJECT_CLASS (orgdesk_organization_parent_class)->finalize (object);
}

static void
orgdesk_organization_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  OrgdeskOrganization *self = ORGDESK_ORGANIZATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_ROLES:
      g_value_set_boxed (value, self->roles);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_organization_class_init (OrgdeskOrganizationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_organization_finalize;
  object_class->get_property = orgdesk_organization_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLES] =
    g_param_spec_boxed ("roles", NULL, NULL, G_TYPE_STRV, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_organization_init (OrgdeskOrganization *self)
{
}

OrgdeskOrganization *
orgdesk_organization_new (const char         *id,
                          const char         *name,
                          const char         *description,
                          const char * const *roles)
{
  OrgdeskOrganization *self;

  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  self = g_object_new (ORGDESK_TYPE_ORGANIZATION, NULL);
  self->id = g_strdup (id);
  /* An organization without a name still needs something to show. */
  self->name = g_strdup (name != NULL && *name != '\0' ? name : id);
  self->description = g_strdup (description != NULL ? description : "");
  self->roles = roles != NULL ? g_strdupv ((char **) roles) : g_new0 (char *, 1);

  return self;
}

const char *
orgdesk_organization_get_id (OrgdeskOrganization *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION (self), NULL);
  return self->id;
}

const char *
orgdesk_organization_get_name (OrgdeskOrganization *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION (self), NULL);
  return self->name;
}

const char *
orgdesk_organization_get_description (OrgdeskOrganization *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION (self), NULL);
  return self->description;
}

const char * const *
orgdesk_organization_get_roles (OrgdeskOrganization *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION (self), NULL);
  return (const char * const *) self->roles;
}

/**
 * orgdesk_organization_dup_roles_label:
 * @self: a #OrgdeskOrganization
 *
 * Returns: (transfer full): the roles joined for display, e.g. "admin, member"
 */
char *
orgdesk_organization_dup_roles_label (OrgdeskOrganization *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION (self), NULL);
  return g_strjoinv (", ", self->roles);
}

/* Logto lists roles as "<organization id>:<role name>" in organization_roles. */
static GStrv
roles_for (JsonObject *userinfo,
           const char *organization_id)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (userinfo, "organization_roles");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_strv_builder_end (builder);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *entry;
      const char *colon;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        continue;

      entry = json_node_get_string (element);
      colon = strchr (entry, ':');
      if (colon != NULL && (gsize) (colon - entry) == strlen (organization_id) &&
          strncmp (entry, organization_id, colon - entry) == 0 && colon[1] != '\0')
        g_strv_builder_add (builder, colon + 1);
    }

  return g_strv_builder_end (builder);
}

/**
 * orgdesk_organizations_from_userinfo:
 * @userinfo: Logto's userinfo response
 *
 * Builds the organization list from `organization_data` (names) and
 * `organization_roles`.  Malformed entries are skipped, duplicates kept once.
 *
 * Returns: (transfer full) (element-type OrgdeskOrganization): the organizations
 */
GPtrArray *
orgdesk_organizations_from_userinfo (JsonObject *userinfo)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *organizations = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *node;
  JsonArray *array;

  g_return_val_if_fail (userinfo != NULL, organizations);

  node = json_object_get_member (userinfo, "organization_data");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return organizations;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_auto(GStrv) roles = NULL;
      JsonObject *object;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      object = json_node_get_object (element);
      id = orgdesk_json_get_string (object, "id");
      if (id == NULL || *id == '\0' || !g_hash_table_add (seen, (gpointer) id))
        continue;

      roles = roles_for (userinfo, id);
      g_ptr_array_add (organizations,
                       orgdesk_organization_new (id, orgdesk_json_get_string (object, "name"),
                                                 orgdesk_json_get_string (object, "description"),
                                                 (const char * const *) roles));
    }

  return organizations;
}
