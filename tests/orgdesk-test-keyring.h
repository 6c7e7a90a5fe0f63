/* orgdesk-test-keyring.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Which keyring libsecret talks to in this test run, from ORGDESK_TEST_KEYRING. */
typedef enum
{
  ORGDESK_TEST_KEYRING_SECRET_SERVICE, /* unset: gnome-keyring over D-Bus */
  ORGDESK_TEST_KEYRING_FILE,           /* "file": the file backend, with a test password */
  ORGDESK_TEST_KEYRING_SANDBOX,        /* "sandbox": in tests/keyring-sandbox.sh, keyed by the Secret portal */
} OrgdeskTestKeyring;

/* Call first in main().  For "file" it points libsecret's file backend at a
 * throwaway XDG_DATA_HOME with a test password, which subprocesses inherit. */
OrgdeskTestKeyring orgdesk_test_keyring_init    (void);
OrgdeskTestKeyring orgdesk_test_keyring_get     (void);
gboolean           orgdesk_test_keyring_is_file (void);
/* Removes the throwaway directory, in the process that made it. */
void               orgdesk_test_keyring_cleanup (void);

/* Where the file backend keeps its items: $XDG_DATA_HOME/keyrings/default.keyring */
char              *orgdesk_test_keyring_dup_file_path (void);

/* How many items the Secret Service on the session bus holds with @attributes,
 * asked over D-Bus without libsecret; -1 when no Secret Service can be reached. */
int                orgdesk_test_keyring_count_secret_service_items (GHashTable *attributes);

/* In a subprocess: from here on there is no session bus to talk to at all. */
void               orgdesk_test_keyring_cut_session_bus (void);

/* For a test that runs without a session bus: in the parent, runs the test in a
 * subprocess, asserts it passed and returns %FALSE; in that subprocess, cuts the
 * bus, checks it is gone and returns %TRUE (go on with the test). */
gboolean           orgdesk_test_keyring_run_without_session_bus (void);

/* Makes libsecret read its keyring file again, as an app started afterwards would. */
void               orgdesk_test_keyring_reload (void);

G_END_DECLS
