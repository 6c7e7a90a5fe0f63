/* orgdesk-provisioner-config.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ORGDESK_PROVISIONER_ERROR (orgdesk_provisioner_error_quark ())

typedef enum
{
  /* Bad configuration or command line: exit status 2. */
  ORGDESK_PROVISIONER_ERROR_CONFIG,
  /* Logto is down, slow, answered 5xx or 429, or something unexpected:
   * the request stays open and is tried again later. */
  ORGDESK_PROVISIONER_ERROR_TEMPORARY,
  /* Logto refused the request for good (a 4xx other than 401). */
  ORGDESK_PROVISIONER_ERROR_REFUSED,
} OrgdeskProvisionerError;

GQuark orgdesk_provisioner_error_quark (void);

#define ORGDESK_PROVISIONER_DEFAULT_RESOURCE "https://default.logto.app/api"
#define ORGDESK_PROVISIONER_DEFAULT_ROLE "admin"
#define ORGDESK_PROVISIONER_DEFAULT_JWKS_INTERVAL (15 * 60)
#define ORGDESK_PROVISIONER_DEFAULT_SWEEP_INTERVAL 60
#define ORGDESK_PROVISIONER_DEFAULT_LEASE 120

/* The longest secret file read. */
#define ORGDESK_PROVISIONER_MAX_SECRET_BYTES 4096

typedef struct
{
  char *database;           /* libpq conninfo; "" for the PG* environment */
  char *endpoint;           /* Logto's endpoint, without /oidc or /api */
  char *client_id;          /* machine-to-machine application */
  char *client_secret;      /* never printed */
  char *client_secret_file;
  char *resource;           /* the Management API's indicator */
  char *role;               /* organization role given to the requester */
  int   jwks_interval;      /* seconds; 0 disables the periodic sync */
  int   sweep_interval;     /* seconds between looks for due requests */
  int   lease;              /* seconds a claimed request is left alone */
} OrgdeskProvisionerConfig;

OrgdeskProvisionerConfig *orgdesk_provisioner_config_new  (void);
void                      orgdesk_provisioner_config_free (OrgdeskProvisionerConfig *config);

gboolean                  orgdesk_provisioner_config_finish (OrgdeskProvisionerConfig  *config,
                                                             GError                   **error);

char                     *orgdesk_provisioner_read_secret_file (const char  *path,
                                                                GError     **error);

guint                     orgdesk_provisioner_backoff_seconds (guint attempts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrgdeskProvisionerConfig, orgdesk_provisioner_config_free)

G_END_DECLS
