/* orgdesk-admin.c: administration of Orgdesk's PostgreSQL database.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: orgdesk-admin COMMAND [--database URI] [OPTION...]
 *
 *   migrate   apply the shipped SQL migrations not yet applied
 *   seed      demo data for the Logto stand-in's organizations, or with
 *             --organization ID --posts N, N generated posts for benchmarks
 *
 * --database takes a libpq URI or key=value string; without it libpq's
 * environment (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSFILE…) applies.  A
 * password is best kept out of the command line (PGPASSFILE, ~/.pgpass); in
 * any case it is never printed.
 */

#define G_LOG_DOMAIN "orgdesk-admin"

#include "config.h"

#include <locale.h>

#include "orgdesk-admin-db.h"
#include "orgdesk-admin-migrate.h"
#include "orgdesk-admin-seed.h"

#define DEFAULT_BATCH_SIZE 50000

#define MIGRATE_SUMMARY \
  "Applies the SQL migrations that the database has not recorded yet, each in\n" \
  "a transaction of its own, as orgdesk_owner.  Refuses a database that has a\n" \
  "newer migration than this program knows (exit status 3)."

#define SEED_SUMMARY \
  "Without --organization: the Logto stand-in's users and a few posts with\n" \
  "comments in each of its organizations (organizations with posts are left\n" \
  "alone).  With --organization ID --posts N: N generated posts in one\n" \
  "organization, for benchmarks."

typedef struct
{
  char   *database;
  char   *migrations;
  char   *organization;
  gint64  posts;
  gint64  batch_size;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->database, g_free);
  g_clear_pointer (&options->migrations, g_free);
  g_clear_pointer (&options->organization, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

typedef gboolean (*CommandFunc) (PGconn   *conn,
                                 Options  *options,
                                 GError  **error);

/* --migrations, then $ORGDESK_MIGRATIONS_DIR, then where meson installs them. */
static const char *
migrations_dir (const Options *options)
{
  const char *env = g_getenv ("ORGDESK_MIGRATIONS_DIR");

  if (options->migrations != NULL)
    return options->migrations;
  if (env != NULL && *env != '\0')
    return env;
  return ORGDESK_MIGRATIONS_DIR;
}

static gboolean
run_migrate (PGconn   *conn,
             Options  *options,
             GError  **error)
{
  return orgdesk_admin_migrate (conn, migrations_dir (options), error);
}

static gboolean
run_seed (PGconn   *conn,
          Options  *options,
          GError  **error)
{
  if (options->organization == NULL)
    return orgdesk_admin_seed_demo (conn, error);

  return orgdesk_admin_seed_posts (conn, options->organization, options->posts,
                                   options->batch_size, error);
}

static gboolean
check_seed_options (const Options  *options,
                    GError        **error)
{
  if ((options->organization == NULL) != (options->posts < 0))
    {
      g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                           "--organization and --posts go together");
      return FALSE;
    }
  if (options->organization != NULL && *options->organization == '\0')
    {
      g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                           "--organization must not be empty");
      return FALSE;
    }
  if (options->batch_size < 1)
    {
      g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                           "--batch-size must be at least 1");
      return FALSE;
    }
  return TRUE;
}

static GOptionContext *
make_context (const char *command,
              Options    *options)
{
  const GOptionEntry common[] = {
    { "database", 'd', 0, G_OPTION_ARG_STRING, &options->database,
      "libpq URI or connection string (default: PG* environment)", "URI" },
    { NULL }
  };
  const GOptionEntry migrate[] = {
    { "migrations", 0, 0, G_OPTION_ARG_FILENAME, &options->migrations,
      "Directory of NNNN-name.sql files (default: $ORGDESK_MIGRATIONS_DIR or " ORGDESK_MIGRATIONS_DIR ")",
      "DIR" },
    { NULL }
  };
  const GOptionEntry seed[] = {
    { "organization", 0, 0, G_OPTION_ARG_STRING, &options->organization,
      "Generate posts in this organization instead of the demo data", "ID" },
    { "posts", 0, 0, G_OPTION_ARG_INT64, &options->posts, "How many posts to generate", "N" },
    { "batch-size", 0, 0, G_OPTION_ARG_INT64, &options->batch_size,
      "Posts per transaction (default 50000)", "N" },
    { NULL }
  };
  gboolean is_seed = g_str_equal (command, "seed");
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_summary (context, is_seed ? SEED_SUMMARY : MIGRATE_SUMMARY);
  g_option_context_add_main_entries (context, common, NULL);
  g_option_context_add_main_entries (context, is_seed ? seed : migrate, NULL);
  return context;
}

#define USAGE \
  "Usage: orgdesk-admin COMMAND [OPTION…]\n\n" \
  "Commands:\n" \
  "  migrate   Apply the SQL migrations not yet applied\n" \
  "  seed      Add demo data, or --organization ID --posts N generated posts\n\n" \
  "orgdesk-admin COMMAND --help shows the options of a command.\n"

static int
run (const char   *command,
     CommandFunc   func,
     int           argc,
     char        **argv)
{
  g_auto(Options) options = { NULL, NULL, NULL, -1, DEFAULT_BATCH_SIZE };
  g_autoptr(GOptionContext) context = make_context (command, &options);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *description = NULL;
  g_autofree char *prgname = g_strconcat ("orgdesk-admin ", command, NULL);

  /* "Usage: orgdesk-admin seed [OPTION…]" in --help. */
  g_set_prgname (prgname);

  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      (g_str_equal (command, "seed") && !check_seed_options (&options, &error)))
    {
      g_printerr ("orgdesk-admin %s: %s\n", command, error->message);
      return 2;
    }
  if (argc > 1)
    {
      g_printerr ("orgdesk-admin %s: unexpected argument “%s”\n", command, argv[1]);
      return 2;
    }

  conn = orgdesk_admin_connect (options.database != NULL ? options.database : "", &error);
  if (conn == NULL)
    {
      g_printerr ("orgdesk-admin %s: %s\n", command, error->message);
      return 1;
    }

  description = orgdesk_admin_describe (conn);
  g_print ("orgdesk-admin %s: %s\n", command, description);

  if (!func (conn, &options, &error))
    {
      g_printerr ("orgdesk-admin %s: %s\n", command, error->message);
      return error->code == ORGDESK_ADMIN_ERROR_TOO_NEW ? 3 : 1;
    }

  return 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      g_printerr (USAGE);
      return 2;
    }

  /* argv[1] is the command; the option parser sees the rest. */
  if (g_str_equal (argv[1], "migrate"))
    return run ("migrate", run_migrate, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "seed"))
    return run ("seed", run_seed, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      g_print (USAGE);
      return 0;
    }

  g_printerr ("orgdesk-admin: unknown command “%s”\n\n" USAGE, argv[1]);
  return 2;
}
