/* main.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-application.h"

#ifdef ORGDESK_TEST_LEAK
/* Only in tests/'s orgdesk-leak-check, never in orgdesk (tests/sanitizer/orgdesk-test-leak.c) */
# include "orgdesk-test-leak.h"
#endif

int
main (int   argc,
      char *argv[])
{
  g_autoptr(OrgdeskApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = orgdesk_application_new ();
#ifdef ORGDESK_TEST_LEAK
  orgdesk_test_leak_install (app);
#endif

  return g_application_run (G_APPLICATION (app), argc, argv);
}
