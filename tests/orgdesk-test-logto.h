/* orgdesk-test-logto.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "orgdesk-logto-client.h"
#include "orgdesk-sign-in.h"

G_BEGIN_DECLS

#define ORGDESK_TEST_CLIENT_ID         "orgdesk-desktop"
#define ORGDESK_TEST_DATABASE_RESOURCE "https://orgdesk.example.com/db"

/* Helpers for tests against the Logto stand-in started by tests/with-services.sh. */
const char         *orgdesk_test_logto_endpoint           (void);
JsonObject         *orgdesk_test_fixture_user             (const char          *username);
JsonObject         *orgdesk_test_fixture_m2m_application  (void);
const char         *orgdesk_test_fixture_organization_of  (const char          *username,
                                                           guint                index,
                                                           const char         **role);
void                orgdesk_test_use_browser_as           (const char          *username);
OrgdeskLogtoClient *orgdesk_test_discovered_client        (void);
OrgdeskTokenResponse *orgdesk_test_sign_in                (OrgdeskLogtoClient  *client,
                                                           const char          *username,
                                                           OrgdeskJwt         **id_token);
JsonObject         *orgdesk_test_stand_in_call            (const char          *method,
                                                           const char          *path,
                                                           const char          *json_body);
gboolean            orgdesk_test_token_is_active          (OrgdeskLogtoClient  *client,
                                                           const char          *token);
guint               orgdesk_test_browser_launch_count     (void);
gint64              orgdesk_test_hold_token_response      (const char          *refresh_token,
                                                           double               seconds,
                                                           gboolean             drop);
void                orgdesk_test_token_hold_counts        (gint64               id,
                                                           gint64              *seen,
                                                           gint64              *held);

G_END_DECLS
