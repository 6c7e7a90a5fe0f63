/* orgdesk-write-access.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-write-access.h"

/*
 * Logto grants the database API's scopes through the organization role (an
 * "admin" gets data:read data:write, a "member" data:read), and the database
 * refuses changes without the write scope.  This object tells the views which
 * of the two the active organization is, from the scope of its database token,
 * so they don't offer what the database would refuse.
 *
 * Not known yet: the session has no database token while it fetches one
 * (switching, signing in) or cannot (offline).  For an organization whose token
 * was seen before in this sign-in, the state stays what that token said, so
 * switching back and forth doesn't make the banner blink; for one never seen,
 * editing stays as it is without roles (allowed), and the banner appears only
 * once a token says so.  Showing "read-only" on a guess would flash it at every
 * switch, and the database still refuses a change the role does not allow.
 * A role changed at Logto shows with the organization's next token.
 */

struct _OrgdeskWriteAccess
{
  GObject         parent_instance;

  OrgdeskSession *session;
  char           *write_scope;
  GHashTable     *known_scopes;        /* organization id → scope of its latest database token */
  char           *organization_name;   /* the active organization's */
  gboolean        read_only;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_WRITE_SCOPE,
  PROP_READ_ONLY,
  PROP_ORGANIZATION_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskWriteAccess, orgdesk_write_access, G_TYPE_OBJECT)

/* @scopes is a space-separated list (RFC 6749 §3.3); names match exactly. */
static gboolean
scope_grants (const char *scopes,
              const char *wanted)
{
  g_auto(GStrv) names = g_strsplit (scopes, " ", -1);

  return g_strv_contains ((const char * const *) names, wanted);
}

static void
update (OrgdeskWriteAccess *self)
{
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);
  const char *scopes = NULL;
  const char *name = NULL;
  gboolean read_only;

  if (active != NULL)
    {
      scopes = g_hash_table_lookup (self->known_scopes, orgdesk_organization_get_id (active));
      name = orgdesk_organization_get_name (active);
    }

  /* An empty write scope turns the check off. */
  read_only = scopes != NULL && self->write_scope != NULL && *self->write_scope != '\0' &&
              !scope_grants (scopes, self->write_scope);

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (name, self->organization_name) != 0)
    {
      g_free (self->organization_name);
      self->organization_name = g_strdup (name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_NAME]);
    }
  if (read_only != self->read_only)
    {
      self->read_only = read_only;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* The session sets a token only for the organization active at that moment (a
 * switch cancels the fetch of the previous one), so this is that one's. */
static void
on_database_token_changed_cb (OrgdeskWriteAccess *self)
{
  OrgdeskTokenResponse *token = orgdesk_session_get_database_token (self->session);
  OrgdeskOrganization *active = orgdesk_session_get_active_organization (self->session);

  if (token != NULL && active != NULL)
    {
      const char *scopes = orgdesk_token_response_get_scope (token);

      g_hash_table_replace (self->known_scopes, g_strdup (orgdesk_organization_get_id (active)),
                            g_strdup (scopes != NULL ? scopes : ""));
    }

  update (self);
}

/* Signed out: whoever signs in next has roles of their own. */
static void
on_state_changed_cb (OrgdeskWriteAccess *self)
{
  if (orgdesk_session_get_state (self->session) == ORGDESK_SESSION_STATE_SIGNED_OUT)
    g_hash_table_remove_all (self->known_scopes);

  update (self);
}

static void
orgdesk_write_access_constructed (GObject *object)
{
  OrgdeskWriteAccess *self = ORGDESK_WRITE_ACCESS (object);

  G_OBJECT_CLASS (orgdesk_write_access_parent_class)->constructed (object);

  g_assert (ORGDESK_IS_SESSION (self->session));

  g_signal_connect_object (self->session, "notify::database-token",
                           G_CALLBACK (on_database_token_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::active-organization",
                           G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::state",
                           G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);
  on_database_token_changed_cb (self);
}

static void
orgdesk_write_access_dispose (GObject *object)
{
  OrgdeskWriteAccess *self = ORGDESK_WRITE_ACCESS (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (orgdesk_write_access_parent_class)->dispose (object);
}

static void
orgdesk_write_access_finalize (GObject *object)
{
  OrgdeskWriteAccess *self = ORGDESK_WRITE_ACCESS (object);

  g_hash_table_unref (self->known_scopes);
  g_free (self->write_scope);
  g_free (self->organization_name);

  G_OBJECT_CLASS (orgdesk_write_access_parent_class)->finalize (object);
}

static void
orgdesk_write_access_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  OrgdeskWriteAccess *self = ORGDESK_WRITE_ACCESS (object);

  switch (prop_id)
    {
    case PROP_WRITE_SCOPE:
      g_value_set_string (value, self->write_scope);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    case PROP_ORGANIZATION_NAME:
      g_value_set_string (value, self->organization_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_write_access_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  OrgdeskWriteAccess *self = ORGDESK_WRITE_ACCESS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_WRITE_SCOPE:
      orgdesk_write_access_set_write_scope (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_write_access_class_init (OrgdeskWriteAccessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = orgdesk_write_access_constructed;
  object_class->dispose = orgdesk_write_access_dispose;
  object_class->finalize = orgdesk_write_access_finalize;
  object_class->get_property = orgdesk_write_access_get_property;
  object_class->set_property = orgdesk_write_access_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ORGDESK_TYPE_SESSION,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * OrgdeskWriteAccess:write-scope:
   *
   * The database API scope a role needs to change data (GSettings
   * `database-write-scope`, `data:write` by default); empty turns the check off.
   */
  properties[PROP_WRITE_SCOPE] =
    g_param_spec_string ("write-scope", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OrgdeskWriteAccess:read-only:
   *
   * The active organization's latest database token lacks the write scope.
   * %FALSE while that is not known yet (see the comment at the top).
   */
  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ORGANIZATION_NAME] =
    g_param_spec_string ("organization-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_write_access_init (OrgdeskWriteAccess *self)
{
  self->known_scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * orgdesk_write_access_new:
 * @session: the session whose active organization it follows
 * @write_scope: (nullable): the scope a role needs to change data
 *
 * Returns: (transfer full): a new #OrgdeskWriteAccess
 */
OrgdeskWriteAccess *
orgdesk_write_access_new (OrgdeskSession *session,
                          const char     *write_scope)
{
  g_return_val_if_fail (ORGDESK_IS_SESSION (session), NULL);

  return g_object_new (ORGDESK_TYPE_WRITE_ACCESS,
                       "session", session,
                       "write-scope", write_scope,
                       NULL);
}

gboolean
orgdesk_write_access_get_read_only (OrgdeskWriteAccess *self)
{
  g_return_val_if_fail (ORGDESK_IS_WRITE_ACCESS (self), FALSE);
  return self->read_only;
}

const char *
orgdesk_write_access_get_organization_name (OrgdeskWriteAccess *self)
{
  g_return_val_if_fail (ORGDESK_IS_WRITE_ACCESS (self), NULL);
  return self->organization_name;
}

const char *
orgdesk_write_access_get_write_scope (OrgdeskWriteAccess *self)
{
  g_return_val_if_fail (ORGDESK_IS_WRITE_ACCESS (self), NULL);
  return self->write_scope;
}

void
orgdesk_write_access_set_write_scope (OrgdeskWriteAccess *self,
                                      const char         *write_scope)
{
  g_return_if_fail (ORGDESK_IS_WRITE_ACCESS (self));

  if (g_strcmp0 (write_scope, self->write_scope) == 0)
    return;

  g_free (self->write_scope);
  self->write_scope = g_strdup (write_scope);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WRITE_SCOPE]);

  /* Set during construction, before there is a session to follow. */
  if (self->session != NULL)
    update (self);
}

/**
 * orgdesk_write_access_dup_explanation:
 * @self: a #OrgdeskWriteAccess
 *
 * Returns: (transfer full) (nullable): why nothing can be changed, for the
 *   banner and the editor, or %NULL when changes are allowed
 */
char *
orgdesk_write_access_dup_explanation (OrgdeskWriteAccess *self)
{
  g_return_val_if_fail (ORGDESK_IS_WRITE_ACCESS (self), NULL);

  if (!self->read_only)
    return NULL;

  /* Translators: %s is the organization's name; the user's role there grants read access only */
  return g_strdup_printf (_("Your role in %s can read posts but not change them"),
                          self->organization_name != NULL ? self->organization_name : "");
}
