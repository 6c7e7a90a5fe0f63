/* orgdesk-test-leak.c: a deliberate leak for the sanitizer run's leak check
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-test-leak"

#include "config.h"

#include <string.h>

#include "orgdesk-test-leak.h"

/*
 * This file is built only into orgdesk-leak-check, the app that sanitizer builds
 * make for tests (tests/meson.build), and never into orgdesk.  With
 * ORGDESK_TEST_LEAK=1, the first time the session is signed in the app allocates
 * ORGDESK_TEST_LEAK_SIZE bytes through GLib, from a handler of the session's
 * notify::state, and then drops the pointer.  tests/e2e/test-app.sh checks that
 * LeakSanitizer reports this block and that the app exits non-zero.  If
 * tests/lsan.supp had an entry that matched realloc, GLib, GObject, the main loop
 * or our own frames, it would hide the block and the check would fail.
 */

static gboolean leaked;

G_GNUC_NO_INLINE static char *
orgdesk_test_leak_allocate (void)
{
  char *block = g_realloc (NULL, ORGDESK_TEST_LEAK_SIZE);

  memset (block, 'L', ORGDESK_TEST_LEAK_SIZE);
  return block;
}

static void
on_session_state_changed_cb (OrgdeskSession *session)
{
  char *block;

  if (leaked || orgdesk_session_get_state (session) != ORGDESK_SESSION_STATE_SIGNED_IN)
    return;

  leaked = TRUE;
  block = orgdesk_test_leak_allocate ();
  g_message ("Signed in: leaked %d bytes on purpose (ORGDESK_TEST_LEAK=1)", ORGDESK_TEST_LEAK_SIZE);
  block = NULL;
  (void) block;
}

static void
on_startup_cb (GApplication *application)
{
  OrgdeskSession *session = orgdesk_application_get_session (ORGDESK_APPLICATION (application));

  g_signal_connect (session, "notify::state", G_CALLBACK (on_session_state_changed_cb), NULL);
}

void
orgdesk_test_leak_install (OrgdeskApplication *app)
{
  g_return_if_fail (ORGDESK_IS_APPLICATION (app));

  if (g_strcmp0 (g_getenv ("ORGDESK_TEST_LEAK"), "1") != 0)
    return;

  /* After OrgdeskApplication's own startup, which creates the session */
  g_signal_connect (app, "startup", G_CALLBACK (on_startup_cb), NULL);
}
