/* orgdesk-provisioner-logto.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "orgdesk-provisioner-config.h"

G_BEGIN_DECLS

/* The longest answer read from Logto. */
#define ORGDESK_PROVISIONER_MAX_RESPONSE_BYTES (1024 * 1024)

/* Longest organization name Logto stores (varchar(128)). */
#define ORGDESK_PROVISIONER_MAX_NAME_CHARS 128

#define ORGDESK_TYPE_PROVISIONER_LOGTO (orgdesk_provisioner_logto_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskProvisionerLogto, orgdesk_provisioner_logto,
                      ORGDESK, PROVISIONER_LOGTO, GObject)

OrgdeskProvisionerLogto *orgdesk_provisioner_logto_new (const OrgdeskProvisionerConfig *config);

void     orgdesk_provisioner_logto_get_user_async           (OrgdeskProvisionerLogto  *self,
                                                             const char               *user_id,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
JsonObject *orgdesk_provisioner_logto_get_user_finish       (OrgdeskProvisionerLogto  *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

void     orgdesk_provisioner_logto_create_organization_async (OrgdeskProvisionerLogto  *self,
                                                              const char               *name,
                                                              const char               *request_id,
                                                              GCancellable             *cancellable,
                                                              GAsyncReadyCallback       callback,
                                                              gpointer                  user_data);
char    *orgdesk_provisioner_logto_create_organization_finish (OrgdeskProvisionerLogto  *self,
                                                               GAsyncResult             *result,
                                                               GError                  **error);

void     orgdesk_provisioner_logto_find_organization_async  (OrgdeskProvisionerLogto  *self,
                                                             const char               *name,
                                                             const char               *request_id,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
char    *orgdesk_provisioner_logto_find_organization_finish (OrgdeskProvisionerLogto  *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

void     orgdesk_provisioner_logto_add_member_async         (OrgdeskProvisionerLogto  *self,
                                                             const char               *organization_id,
                                                             const char               *user_id,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
gboolean orgdesk_provisioner_logto_add_member_finish        (OrgdeskProvisionerLogto  *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

void     orgdesk_provisioner_logto_assign_role_async        (OrgdeskProvisionerLogto  *self,
                                                             const char               *organization_id,
                                                             const char               *user_id,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
gboolean orgdesk_provisioner_logto_assign_role_finish       (OrgdeskProvisionerLogto  *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

/* What the calls above parse, for the unit tests. */
JsonNode *orgdesk_provisioner_parse_json              (GBytes      *bytes,
                                                       GError     **error);
char     *orgdesk_provisioner_parse_token             (GBytes      *bytes,
                                                       gint64      *expires_in,
                                                       GError     **error);
char     *orgdesk_provisioner_parse_organization_id   (GBytes      *bytes,
                                                       GError     **error);
char     *orgdesk_provisioner_find_role_id            (GBytes      *bytes,
                                                       const char  *role_name,
                                                       guint       *n_roles,
                                                       GError     **error);
char     *orgdesk_provisioner_find_organization_id    (GBytes      *bytes,
                                                       const char  *request_id,
                                                       GError     **error);
char     *orgdesk_provisioner_organization_name       (JsonObject  *user);
char     *orgdesk_provisioner_describe_refusal        (guint        status,
                                                       GBytes      *body);

G_END_DECLS
