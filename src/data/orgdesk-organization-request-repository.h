/* orgdesk-organization-request-repository.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-organization-request.h"
#include "orgdesk-repository.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_ORGANIZATION_REQUEST_REPOSITORY (orgdesk_organization_request_repository_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskOrganizationRequestRepository, orgdesk_organization_request_repository,
                      ORGDESK, ORGANIZATION_REQUEST_REPOSITORY, OrgdeskRepository)

OrgdeskOrganizationRequestRepository *orgdesk_organization_request_repository_new          (OrgdeskDatabase                       *database,
                                                                                            OrgdeskSession                        *session);
void                                  orgdesk_organization_request_repository_request_async (OrgdeskOrganizationRequestRepository *self,
                                                                                            GCancellable                          *cancellable,
                                                                                            GAsyncReadyCallback                    callback,
                                                                                            gpointer                               user_data);
OrgdeskOrganizationRequest           *orgdesk_organization_request_repository_request_finish (OrgdeskOrganizationRequestRepository *self,
                                                                                            GAsyncResult                          *result,
                                                                                            GError                               **error);
void                                  orgdesk_organization_request_repository_fetch_async   (OrgdeskOrganizationRequestRepository *self,
                                                                                            const char                            *request_id,
                                                                                            GCancellable                          *cancellable,
                                                                                            GAsyncReadyCallback                    callback,
                                                                                            gpointer                               user_data);
OrgdeskOrganizationRequest           *orgdesk_organization_request_repository_fetch_finish  (OrgdeskOrganizationRequestRepository *self,
                                                                                            GAsyncResult                          *result,
                                                                                            GError                               **error);

G_END_DECLS
