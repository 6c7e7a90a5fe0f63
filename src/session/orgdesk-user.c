/* orgdesk-user.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-session"

#include "config.h"

#include "orgdesk-json.h"
#include "orgdesk-user.h"

/* The signed-in person, as Logto's userinfo describes them. */
struct _OrgdeskUser
{
  GObject parent_instance;

  char *subject;
  char *display_name;
  char *username;
  char *email;
};

enum {
  PROP_0,
  PROP_SUBJECT,
  PROP_DISPLAY_NAME,
  PROP_USERNAME,
  PROP_EMAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskUser, orgdesk_user, G_TYPE_OBJECT)

static void
orgdesk_user_finalize (GObject *object)
{
  OrgdeskUser *self = ORGDESK_USER (object);

  g_free (self->subject);
  g_free (self->display_name);
  g_free (self->username);
  g_free (self->email);

  G_OBJECT_CLASS (orgdesk_user_parent_class)->finalize (object);
}

static void
orgdesk_user_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  OrgdeskUser *self = ORGDESK_USER (object);

  switch (prop_id)
    {
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;

    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_user_class_init (OrgdeskUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_user_finalize;
  object_class->get_property = orgdesk_user_get_property;

  properties[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMAIL] =
    g_param_spec_string ("email", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_user_init (OrgdeskUser *self)
{
}

/**
 * orgdesk_user_new_from_userinfo:
 * @userinfo: Logto's userinfo response (or the saved copy of it)
 *
 * Returns: (transfer full) (nullable): the user, or %NULL without a `sub`
 */
OrgdeskUser *
orgdesk_user_new_from_userinfo (JsonObject *userinfo)
{
  OrgdeskUser *self;

  g_return_val_if_fail (userinfo != NULL, NULL);

  self = g_object_new (ORGDESK_TYPE_USER, NULL);
  self->subject = g_strdup (orgdesk_json_get_string (userinfo, "sub"));
  self->username = g_strdup (orgdesk_json_get_string (userinfo, "username"));
  self->email = g_strdup (orgdesk_json_get_string (userinfo, "email"));
  self->display_name = g_strdup (orgdesk_json_get_string (userinfo, "name"));

  if (self->subject == NULL || *self->subject == '\0')
    {
      g_object_unref (self);
      return NULL;
    }

  /* Logto's name is optional; fall back the way its own account page does. */
  if (self->display_name == NULL || *self->display_name == '\0')
    {
      g_free (self->display_name);
      self->display_name = g_strdup (self->username != NULL ? self->username :
                                     self->email != NULL ? self->email : self->subject);
    }

  return self;
}

const char *
orgdesk_user_get_subject (OrgdeskUser *self)
{
  g_return_val_if_fail (ORGDESK_IS_USER (self), NULL);
  return self->subject;
}

const char *
orgdesk_user_get_display_name (OrgdeskUser *self)
{
  g_return_val_if_fail (ORGDESK_IS_USER (self), NULL);
  return self->display_name;
}

const char *
orgdesk_user_get_email (OrgdeskUser *self)
{
  g_return_val_if_fail (ORGDESK_IS_USER (self), NULL);
  return self->email;
}
