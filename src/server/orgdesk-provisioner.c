/* orgdesk-provisioner.c: creates users' default organizations at Logto.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small daemon run next to the database, as its owner (orgdesk_owner),
 * with a Logto machine-to-machine application's credentials, which the
 * desktop app must never hold.  It LISTENs for orgdesk_organization_requests
 * and works through orgdesk.organization_requests (orgdesk-provisioner-queue.c),
 * and keeps orgdesk.auth_keys current as orgdesk-admin jwks sync does.
 *
 * Exit status: 0 after SIGTERM or SIGINT, 2 for a usage or configuration
 * error, 1 otherwise.
 */

#define G_LOG_DOMAIN "orgdesk-provisioner"

#include "config.h"

#include <locale.h>

#include <glib-unix.h>

#include "orgdesk-provisioner-config.h"
#include "orgdesk-provisioner-queue.h"

#define SUMMARY \
  "Creates the default organization of each user who asks for one\n" \
  "(orgdesk.request_default_organization ()) through the Logto Management API:\n" \
  "the organization \"<name>'s organization\", the user as its member with the\n" \
  "configured organization role.  Marks the request done and NOTIFYs\n" \
  ORGDESK_PROVISIONER_DONE_CHANNEL " with its id.  Also keeps the\n" \
  "database's copy of Logto's signing keys current (orgdesk-admin jwks sync)."

#define DESCRIPTION \
  "Environment (used when the option is not given):\n" \
  "  ORGDESK_PROVISIONER_ENDPOINT, ORGDESK_PROVISIONER_CLIENT_ID,\n" \
  "  ORGDESK_PROVISIONER_CLIENT_SECRET_FILE, ORGDESK_PROVISIONER_CLIENT_SECRET\n" \
  "  (the secret itself; a file is better), ORGDESK_PROVISIONER_RESOURCE,\n" \
  "  ORGDESK_PROVISIONER_ROLE, ORGDESK_PROVISIONER_JWKS_INTERVAL,\n" \
  "  ORGDESK_PROVISIONER_SWEEP_INTERVAL, ORGDESK_PROVISIONER_LEASE;\n" \
  "  without --database, libpq's PGHOST, PGUSER, PGSERVICE, PGPASSFILE...\n" \
  "The secret file must be readable by its owner only (mode 0600 or 0400).\n" \
  "Exit status: 0 after SIGTERM/SIGINT, 2 for a configuration error, 1 otherwise."

static gboolean
stop_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_message ("Stopping");
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(OrgdeskProvisionerConfig) config = orgdesk_provisioner_config_new ();
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OrgdeskProvisionerQueue) queue = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_STRING, &config->database,
      "libpq URI or key=value string (default: libpq's PG* environment)", "URI" },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &config->endpoint,
      "Logto's endpoint, e.g. https://logto.example.com", "URL" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &config->client_id,
      "the machine-to-machine application's id", "ID" },
    { "client-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &config->client_secret_file,
      "file holding its secret, readable by its owner only", "FILE" },
    { "resource", 0, 0, G_OPTION_ARG_STRING, &config->resource,
      "the Management API resource (default " ORGDESK_PROVISIONER_DEFAULT_RESOURCE
      "; Logto Cloud: https://<tenant>.logto.app/api)", "URI" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &config->role,
      "organization role given to the user (default " ORGDESK_PROVISIONER_DEFAULT_ROLE ")", "NAME" },
    { "jwks-interval", 0, 0, G_OPTION_ARG_INT, &config->jwks_interval,
      "seconds between key syncs; 0: at start only (default 900)", "SECONDS" },
    { "sweep-interval", 0, 0, G_OPTION_ARG_INT, &config->sweep_interval,
      "seconds between looks for due requests (default 60)", "SECONDS" },
    { "lease", 0, 0, G_OPTION_ARG_INT, &config->lease,
      "seconds a claimed request is left to this provisioner (default 120)", "SECONDS" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, SUMMARY);
  g_option_context_set_description (context, DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("orgdesk-provisioner: %s\n", error->message);
      return 2;
    }

  if (argc > 1)
    {
      g_printerr ("orgdesk-provisioner: unexpected argument “%s” (see --help)\n", argv[1]);
      return 2;
    }

  if (!orgdesk_provisioner_config_finish (config, &error))
    {
      g_printerr ("orgdesk-provisioner: %s\n", error->message);
      return 2;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, stop_cb, loop);
  g_unix_signal_add (SIGINT, stop_cb, loop);

  queue = orgdesk_provisioner_queue_new (config);
  g_message ("Starting: Logto %s, role \"%s\"", config->endpoint, config->role);
  orgdesk_provisioner_queue_start (queue);

  g_main_loop_run (loop);

  orgdesk_provisioner_queue_stop (queue);
  return 0;
}
