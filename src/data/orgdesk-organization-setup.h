/* orgdesk-organization-setup.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "orgdesk-database.h"
#include "orgdesk-session.h"

G_BEGIN_DECLS

/**
 * OrgdeskOrganizationSetupStep:
 * @ORGDESK_ORGANIZATION_SETUP_STEP_IDLE: nothing to do: signed out, offline, or
 *   the user has organizations
 * @ORGDESK_ORGANIZATION_SETUP_STEP_REQUESTING: asking the database for a default
 *   organization (orgdesk.request_default_organization())
 * @ORGDESK_ORGANIZATION_SETUP_STEP_WAITING: orgdesk-provisioner is creating it
 *   at Logto; #OrgdeskOrganizationSetup:provisioner-message may say why it is
 *   trying again
 * @ORGDESK_ORGANIZATION_SETUP_STEP_REFRESHING: the organization exists; the
 *   session refreshes its grant so that it appears
 * @ORGDESK_ORGANIZATION_SETUP_STEP_AUTHORIZING: the grant's database scopes were
 *   fixed when the user signed in, before she had a role: a new authorization in
 *   the browser (no form while the browser is still signed in at Logto) brings
 *   the new role's write scope.  #OrgdeskSession:sign-in holds the attempt.
 * @ORGDESK_ORGANIZATION_SETUP_STEP_DONE: the new organization is in the list and
 *   active.  #OrgdeskOrganizationSetup:error may be set even so: the new
 *   authorization did not finish (cancelled in the browser, say), and the
 *   organization is read-only until she signs in again.
 * @ORGDESK_ORGANIZATION_SETUP_STEP_FAILED: see #OrgdeskOrganizationSetup:error;
 *   orgdesk_organization_setup_retry() starts again
 */
typedef enum
{
  ORGDESK_ORGANIZATION_SETUP_STEP_IDLE,
  ORGDESK_ORGANIZATION_SETUP_STEP_REQUESTING,
  ORGDESK_ORGANIZATION_SETUP_STEP_WAITING,
  ORGDESK_ORGANIZATION_SETUP_STEP_REFRESHING,
  ORGDESK_ORGANIZATION_SETUP_STEP_AUTHORIZING,
  ORGDESK_ORGANIZATION_SETUP_STEP_DONE,
  ORGDESK_ORGANIZATION_SETUP_STEP_FAILED,
} OrgdeskOrganizationSetupStep;

#define ORGDESK_TYPE_ORGANIZATION_SETUP_STEP (orgdesk_organization_setup_step_get_type ())
GType orgdesk_organization_setup_step_get_type (void);

#define ORGDESK_ORGANIZATION_SETUP_ERROR (orgdesk_organization_setup_error_quark ())
GQuark orgdesk_organization_setup_error_quark (void);

/**
 * OrgdeskOrganizationSetupError:
 * @ORGDESK_ORGANIZATION_SETUP_ERROR_TIMED_OUT: no provisioner finished the
 *   request in time (none may be running); the request stays open
 * @ORGDESK_ORGANIZATION_SETUP_ERROR_REFUSED: the provisioner gave up: Logto
 *   refused; the message is Logto's reason
 * @ORGDESK_ORGANIZATION_SETUP_ERROR_NOT_LISTED: the request is done but the
 *   organization is not in the refreshed grant
 *
 * Other errors come from the database (%ORGDESK_DATABASE_ERROR) or the
 * sign-in (%ORGDESK_AUTH_ERROR).
 *
 * The object also has a #OrgdeskOrganizationSetup:write-scope property (default
 * "data:write", bind it to the database-write-scope setting): a new
 * organization's database token without it is authorized again.
 */
typedef enum
{
  ORGDESK_ORGANIZATION_SETUP_ERROR_TIMED_OUT,
  ORGDESK_ORGANIZATION_SETUP_ERROR_REFUSED,
  ORGDESK_ORGANIZATION_SETUP_ERROR_NOT_LISTED,
} OrgdeskOrganizationSetupError;

#define ORGDESK_ORGANIZATION_SETUP_DEFAULT_TIMEOUT_SECONDS 120

#define ORGDESK_TYPE_ORGANIZATION_SETUP (orgdesk_organization_setup_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskOrganizationSetup, orgdesk_organization_setup, ORGDESK, ORGANIZATION_SETUP, GObject)

OrgdeskOrganizationSetup     *orgdesk_organization_setup_new                    (OrgdeskSession           *session,
                                                                                 OrgdeskDatabase          *database);
OrgdeskOrganizationSetupStep  orgdesk_organization_setup_get_step               (OrgdeskOrganizationSetup *self);
double                        orgdesk_organization_setup_get_fraction           (OrgdeskOrganizationSetup *self);
const GError                 *orgdesk_organization_setup_get_error              (OrgdeskOrganizationSetup *self);
const char                   *orgdesk_organization_setup_get_provisioner_message (OrgdeskOrganizationSetup *self);
guint                         orgdesk_organization_setup_get_timeout_seconds    (OrgdeskOrganizationSetup *self);
void                          orgdesk_organization_setup_set_timeout_seconds    (OrgdeskOrganizationSetup *self,
                                                                                 guint                     seconds);
void                          orgdesk_organization_setup_set_launch_context     (OrgdeskOrganizationSetup *self,
                                                                                 GAppLaunchContext        *launch_context);
void                          orgdesk_organization_setup_retry                  (OrgdeskOrganizationSetup *self);

G_END_DECLS
