/* orgdesk-provisioner-queue.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "orgdesk-provisioner-config.h"

G_BEGIN_DECLS

/* NOTIFYed with a request's id when a user asks (migration 0007). */
#define ORGDESK_PROVISIONER_REQUESTS_CHANNEL "orgdesk_organization_requests"

/* NOTIFYed with a request's id when it became done or failed. */
#define ORGDESK_PROVISIONER_DONE_CHANNEL "orgdesk_organization_requests_done"

#define ORGDESK_TYPE_PROVISIONER_QUEUE (orgdesk_provisioner_queue_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskProvisionerQueue, orgdesk_provisioner_queue,
                      ORGDESK, PROVISIONER_QUEUE, GObject)

OrgdeskProvisionerQueue *orgdesk_provisioner_queue_new   (const OrgdeskProvisionerConfig *config);

void                     orgdesk_provisioner_queue_start (OrgdeskProvisionerQueue *self);
void                     orgdesk_provisioner_queue_stop  (OrgdeskProvisionerQueue *self);

G_END_DECLS
