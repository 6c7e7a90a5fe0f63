/* orgdesk-organization-request.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-organization-request-private.h"

/* The signed-in user's request for a default organization, as one row of
 * orgdesk.organization_requests (migration 0007) read at one moment: asking
 * again gives a new object, this one never changes. */
struct _OrgdeskOrganizationRequest
{
  GObject                           parent_instance;

  char                             *id;
  char                             *organization_id;
  char                             *last_error;
  OrgdeskOrganizationRequestStatus  status;
  guint                             attempts;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_STATUS,
  PROP_ORGANIZATION_ID,
  PROP_LAST_ERROR,
  PROP_ATTEMPTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (OrgdeskOrganizationRequest, orgdesk_organization_request, G_TYPE_OBJECT)

/* The nicks are the status column's values. */
G_DEFINE_ENUM_TYPE (OrgdeskOrganizationRequestStatus, orgdesk_organization_request_status,
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_REQUEST_OPEN, "open"),
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_REQUEST_DONE, "done"),
  G_DEFINE_ENUM_VALUE (ORGDESK_ORGANIZATION_REQUEST_FAILED, "failed"))

static void
orgdesk_organization_request_finalize (GObject *object)
{
  OrgdeskOrganizationRequest *self = ORGDESK_ORGANIZATION_REQUEST (object);

  g_free (self->id);
  g_free (self->organization_id);
  g_free (self->last_error);

  G_OBJECT_CLASS (orgdesk_organization_request_parent_class)->finalize (object);
}

static void
orgdesk_organization_request_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  OrgdeskOrganizationRequest *self = ORGDESK_ORGANIZATION_REQUEST (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_ORGANIZATION_ID:
      g_value_set_string (value, self->organization_id);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->attempts);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
orgdesk_organization_request_class_init (OrgdeskOrganizationRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = orgdesk_organization_request_finalize;
  object_class->get_property = orgdesk_organization_request_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, ORGDESK_TYPE_ORGANIZATION_REQUEST_STATUS,
                       ORGDESK_ORGANIZATION_REQUEST_OPEN, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORGANIZATION_ID] =
    g_param_spec_string ("organization-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATTEMPTS] =
    g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
orgdesk_organization_request_init (OrgdeskOrganizationRequest *self)
{
}

/* A status this version does not know (a newer schema) is an error: the
 * caller cannot tell whether to wait, go on or give up. */
static gboolean
parse_status (const char                        *text,
              OrgdeskOrganizationRequestStatus  *status,
              GError                           **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ORGDESK_TYPE_ORGANIZATION_REQUEST_STATUS);
  GEnumValue *value = text != NULL ? g_enum_get_value_by_nick (klass, text) : NULL;

  if (value == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The organization request has an unknown status “%s”", text != NULL ? text : "(null)");
      return FALSE;
    }

  *status = value->value;
  return TRUE;
}

/**
 * _orgdesk_organization_request_new_from_result:
 * @result: a result with the columns of %ORGDESK_ORGANIZATION_REQUEST_N_COLUMNS
 * @row: the row
 * @error: return location for a #GError
 *
 * Fails with %G_IO_ERROR_INVALID_DATA for a row the app cannot act on: an
 * unknown status, attempts that are not a count, or done without an
 * organization.
 *
 * Returns: (transfer full) (nullable): the request, or %NULL with @error set
 */
OrgdeskOrganizationRequest *
_orgdesk_organization_request_new_from_result (OrgdeskQueryResult  *result,
                                               guint                row,
                                               GError             **error)
{
  g_autoptr(OrgdeskOrganizationRequest) self = NULL;
  OrgdeskOrganizationRequestStatus status;
  const char *attempts_text;
  guint64 attempts;

  g_return_val_if_fail (ORGDESK_IS_QUERY_RESULT (result), NULL);
  g_return_val_if_fail (row < orgdesk_query_result_get_n_rows (result), NULL);
  g_return_val_if_fail (orgdesk_query_result_get_n_columns (result) >= ORGDESK_ORGANIZATION_REQUEST_N_COLUMNS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!parse_status (orgdesk_query_result_get_value (result, row, 1), &status, error))
    return NULL;

  attempts_text = orgdesk_query_result_get_value (result, row, 2);
  if (attempts_text == NULL ||
      !g_ascii_string_to_unsigned (attempts_text, 10, 0, G_MAXUINT, &attempts, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The organization request's attempts are not a count: “%s”",
                   attempts_text != NULL ? attempts_text : "(null)");
      return NULL;
    }

  self = g_object_new (ORGDESK_TYPE_ORGANIZATION_REQUEST, NULL);
  self->id = g_strdup (orgdesk_query_result_get_value (result, row, 0));
  self->status = status;
  self->attempts = (guint) attempts;
  self->last_error = g_strdup (orgdesk_query_result_get_value (result, row, 3));
  self->organization_id = g_strdup (orgdesk_query_result_get_value (result, row, 4));

  /* The table forbids it; the caller would wait for an organization it cannot name. */
  if (self->status == ORGDESK_ORGANIZATION_REQUEST_DONE && self->organization_id == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The organization request is done without an organization");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * orgdesk_organization_request_get_id:
 * @self: a #OrgdeskOrganizationRequest
 *
 * Returns: the request's id, a UUID, for orgdesk_organization_request_repository_fetch_async()
 */
const char *
orgdesk_organization_request_get_id (OrgdeskOrganizationRequest *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST (self), NULL);
  return self->id;
}

OrgdeskOrganizationRequestStatus
orgdesk_organization_request_get_status (OrgdeskOrganizationRequest *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST (self), ORGDESK_ORGANIZATION_REQUEST_OPEN);
  return self->status;
}

/**
 * orgdesk_organization_request_get_organization_id:
 * @self: a #OrgdeskOrganizationRequest
 *
 * The Logto organization made for the request: always set when it is done,
 * and maybe already while it is open (made, the user not yet added).
 *
 * Returns: (nullable): the Logto organization id
 */
const char *
orgdesk_organization_request_get_organization_id (OrgdeskOrganizationRequest *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST (self), NULL);
  return self->organization_id;
}

/**
 * orgdesk_organization_request_get_last_error:
 * @self: a #OrgdeskOrganizationRequest
 *
 * Why the provisioner's last attempt failed (Logto's answer, in English), or
 * why it gave up when the request failed.
 *
 * Returns: (nullable): the provisioner's last error
 */
const char *
orgdesk_organization_request_get_last_error (OrgdeskOrganizationRequest *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST (self), NULL);
  return self->last_error;
}

/**
 * orgdesk_organization_request_get_attempts:
 * @self: a #OrgdeskOrganizationRequest
 *
 * Returns: how many attempts of the provisioner failed so far
 */
guint
orgdesk_organization_request_get_attempts (OrgdeskOrganizationRequest *self)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST (self), 0);
  return self->attempts;
}
