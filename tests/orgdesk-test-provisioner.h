/* orgdesk-test-provisioner.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The real orgdesk-provisioner, run by a test as the operator runs it next to
 * the database.
 *
 * It is the binary in ORGDESK_TEST_PROVISIONER (tests/meson.build sets it for
 * every test), connected to the test database as its owner
 * (ORGDESK_TEST_DATABASE_OWNER_URI) and to the Logto stand-in
 * (ORGDESK_TEST_LOGTO_ENDPOINT) as the stand-in's machine-to-machine
 * application, whose secret it reads from a file of mode 0600.  It sweeps for
 * due requests every second and leases one for 2 s, so a test waits little,
 * and it logs at debug level (G_MESSAGES_DEBUG=orgdesk-provisioner) to a file
 * that orgdesk_test_provisioner_dup_log() reads.  It dies with the test process
 * (PR_SET_PDEATHSIG), so an aborted test leaves none behind.
 *
 * It works on *every* open request of the database and makes their users
 * members at the stand-in.  A test that starts one must run alone
 * (is_parallel: false in tests/meson.build), and should leave the state it
 * found: delete the requests it made, and give carol (no organization in the
 * fixture, which other tests count on) none with
 * orgdesk_test_remove_memberships_of().  The schema must be migrated first
 * (orgdesk_test_migrate_database()). */
typedef struct _OrgdeskTestProvisioner OrgdeskTestProvisioner;

/* Starts one and returns at once; a request made before it listens is found
 * by its first sweep.  @extra_env: (nullable): a NULL-terminated list of
 * "VARIABLE=value" for its environment, e.g. the test hook
 * "ORGDESK_PROVISIONER_TEST_STALL_AFTER_CREATE=60" (it sleeps that many
 * seconds after creating an organization, before recording it as done).
 * Returns %NULL (the test skipped, or failed under CI) when the services are
 * not running. */
OrgdeskTestProvisioner *orgdesk_test_provisioner_start     (const char * const     *extra_env);

/* Sends @signal_number and waits for it to end, then checks how: killed by
 * SIGKILL, or for any other signal exited with status 0; and that its output
 * never showed the client secret.  The log stays readable until it is freed. */
void                    orgdesk_test_provisioner_stop      (OrgdeskTestProvisioner *provisioner,
                                                            int                     signal_number);

/* Returns (transfer full) all it printed so far, running or stopped. */
char                   *orgdesk_test_provisioner_dup_log   (OrgdeskTestProvisioner *provisioner);

/* SIGKILLs it if it still runs (no checks: for a test's clean-up and failure
 * paths) and removes its files. */
void                    orgdesk_test_provisioner_free      (OrgdeskTestProvisioner *provisioner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrgdeskTestProvisioner, orgdesk_test_provisioner_free)

/* Removes every organization membership of the fixture user @username ("carol")
 * at the stand-in, through its test hooks: what a provisioner gave her is
 * undone, and her later token requests see no organization. */
void                    orgdesk_test_remove_memberships_of (const char             *username);

G_END_DECLS
