/* orgdesk-admin.c: administration of Orgdesk's PostgreSQL database.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: orgdesk-admin COMMAND [--database URI] [OPTION...]
 *
 *   migrate      apply the shipped SQL migrations not yet applied
 *   seed         demo data for the Logto stand-in's organizations, or with
 *                --organization ID --posts N, N generated posts for benchmarks
 *   jwks sync    make orgdesk.auth_keys the issuer's current key set
 *   config set   KEY VALUE… of orgdesk.auth_config (what tokens must say)
 *   config show  print orgdesk.auth_config and the stored kids
 *
 * --database takes a libpq URI or key=value string; without it libpq's
 * environment (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSFILE…) applies.  A
 * password is best kept out of the command line (PGPASSFILE, ~/.pgpass); in
 * any case it is never printed.
 */

#define G_LOG_DOMAIN "orgdesk-admin"

#include "config.h"

#include <locale.h>

#include "orgdesk-admin-config.h"
#include "orgdesk-admin-db.h"
#include "orgdesk-admin-jwks.h"
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

#define JWKS_SYNC_SUMMARY \
  "Fetches the issuer's discovery document and the key set (JWKS) it names,\n" \
  "and makes orgdesk.auth_keys hold exactly that set, in one transaction: new\n" \
  "kids are added, changed keys updated, kids the issuer no longer lists\n" \
  "removed.  Logto lists its previous key after a rotation until it drops it,\n" \
  "so the database keeps an old key exactly as long as Logto does.  A set that\n" \
  "is empty, malformed, has a key without kid, a repeated kid, private key\n" \
  "material or a key Orgdesk cannot verify with is refused, changing nothing.\n" \
  "The issuer is the configured one (orgdesk-admin config set issuer), or\n" \
  "--issuer when nothing is configured; https, or http to a loopback host."

#define CONFIG_SET_SUMMARY \
  "Sets keys of orgdesk.auth_config, what an access token must say for the\n" \
  "database to accept it, in one transaction, then prints the configuration.\n" \
  "The first set must give both issuer and audience, e.g.\n" \
  "  orgdesk-admin config set issuer https://logto.example.com/oidc \\\n" \
  "                           audience https://orgdesk.example.com/db"

#define CONFIG_SET_DESCRIPTION \
  "Keys:\n" \
  "  issuer URL         the tokens' \"iss\": Logto's <endpoint>/oidc (https, or\n" \
  "                     http to a loopback host)\n" \
  "  audience RESOURCE  the tokens' \"aud\": the database API resource indicator\n" \
  "  clock-skew SECONDS leeway for exp, nbf and iat, 0 to 300 (default 60)\n" \
  "  read-scope SCOPE   scope that allows reading (default data:read)\n" \
  "  write-scope SCOPE  scope that allows writing (default data:write)\n" \
  "After a change of issuer, run orgdesk-admin jwks sync."

#define CONFIG_SHOW_SUMMARY \
  "Prints orgdesk.auth_config, one \"key: value\" line per key, and the kids of\n" \
  "the stored signing keys.  Fails (exit status 1) when nothing is configured."

typedef struct
{
  char                      *database;
  char                      *migrations;
  char                      *organization;
  gint64                     posts;
  gint64                     batch_size;
  char                      *issuer;
  OrgdeskAdminConfigUpdate  *config_update;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->database, g_free);
  g_clear_pointer (&options->migrations, g_free);
  g_clear_pointer (&options->organization, g_free);
  g_clear_pointer (&options->issuer, g_free);
  g_clear_pointer (&options->config_update, orgdesk_admin_config_update_free);
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
run_jwks_sync (PGconn   *conn,
               Options  *options,
               GError  **error)
{
  return orgdesk_admin_jwks_sync (conn, options->issuer, error);
}

static gboolean
run_config_set (PGconn   *conn,
                Options  *options,
                GError  **error)
{
  return orgdesk_admin_config_set (conn, options->config_update, error);
}

static gboolean
run_config_show (PGconn   *conn,
                 Options  *options,
                 GError  **error)
{
  return orgdesk_admin_config_show (conn, error);
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

typedef enum
{
  COMMAND_MIGRATE,
  COMMAND_SEED,
  COMMAND_JWKS_SYNC,
  COMMAND_CONFIG_SET,
  COMMAND_CONFIG_SHOW,
} CommandId;

typedef struct
{
  CommandId    id;
  const char  *name;              /* as typed: "jwks sync" */
  CommandFunc  func;
  const char  *parameter_string;  /* NULL: no arguments besides options */
  const char  *summary;
  const char  *description;
} Command;

static const Command commands[] = {
  { COMMAND_MIGRATE, "migrate", run_migrate, NULL, MIGRATE_SUMMARY, NULL },
  { COMMAND_SEED, "seed", run_seed, NULL, SEED_SUMMARY, NULL },
  { COMMAND_JWKS_SYNC, "jwks sync", run_jwks_sync, NULL, JWKS_SYNC_SUMMARY, NULL },
  { COMMAND_CONFIG_SET, "config set", run_config_set, "KEY VALUE [KEY VALUE…]",
    CONFIG_SET_SUMMARY, CONFIG_SET_DESCRIPTION },
  { COMMAND_CONFIG_SHOW, "config show", run_config_show, NULL, CONFIG_SHOW_SUMMARY, NULL },
};

static GOptionContext *
make_context (const Command *command,
              Options       *options)
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
  const GOptionEntry jwks_sync[] = {
    { "issuer", 0, 0, G_OPTION_ARG_STRING, &options->issuer,
      "Issuer to fetch the keys of, when none is configured (default: the configured one)", "URL" },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (command->parameter_string);

  g_option_context_set_summary (context, command->summary);
  if (command->description != NULL)
    g_option_context_set_description (context, command->description);
  g_option_context_add_main_entries (context, common, NULL);

  switch (command->id)
    {
    case COMMAND_MIGRATE:
      g_option_context_add_main_entries (context, migrate, NULL);
      break;
    case COMMAND_SEED:
      g_option_context_add_main_entries (context, seed, NULL);
      break;
    case COMMAND_JWKS_SYNC:
      g_option_context_add_main_entries (context, jwks_sync, NULL);
      break;
    case COMMAND_CONFIG_SET:
    case COMMAND_CONFIG_SHOW:
    default:
      break;
    }

  return context;
}

/* Before connecting: what a usage error (exit status 2) is. */
static gboolean
check_options (const Command  *command,
               Options        *options,
               char          **arguments,
               GError        **error)
{
  switch (command->id)
    {
    case COMMAND_SEED:
      return check_seed_options (options, error);
    case COMMAND_JWKS_SYNC:
      return options->issuer == NULL || orgdesk_admin_check_issuer (options->issuer, error);
    case COMMAND_CONFIG_SET:
      options->config_update = orgdesk_admin_config_update_parse ((const char * const *) arguments, error);
      return options->config_update != NULL;
    case COMMAND_MIGRATE:
    case COMMAND_CONFIG_SHOW:
    default:
      return TRUE;
    }
}

static const Command *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

#define USAGE \
  "Usage: orgdesk-admin COMMAND [OPTION…]\n\n" \
  "Commands:\n" \
  "  migrate      Apply the SQL migrations not yet applied\n" \
  "  seed         Add demo data, or --organization ID --posts N generated posts\n" \
  "  jwks sync    Make the stored signing keys the issuer's current key set\n" \
  "  config set   Set KEY VALUE… of the token configuration\n" \
  "  config show  Print the token configuration and the stored kids\n\n" \
  "orgdesk-admin COMMAND --help shows the options of a command.\n"

static int
run (const Command  *command,
     int             argc,
     char          **argv)
{
  g_auto(Options) options = { NULL, NULL, NULL, -1, DEFAULT_BATCH_SIZE, NULL, NULL };
  g_autoptr(GOptionContext) context = make_context (command, &options);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *description = NULL;
  g_autofree char *prgname = g_strconcat ("orgdesk-admin ", command->name, NULL);

  /* "Usage: orgdesk-admin seed [OPTION…]" in --help. */
  g_set_prgname (prgname);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("orgdesk-admin %s: %s\n", command->name, error->message);
      return 2;
    }
  /* "config set -- clock-skew …": the parser leaves the "--" behind. */
  if (argc > 1 && g_str_equal (argv[1], "--"))
    {
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  if (argc > 1 && command->parameter_string == NULL)
    {
      g_printerr ("orgdesk-admin %s: unexpected argument “%s”\n", command->name, argv[1]);
      return 2;
    }
  if (!check_options (command, &options, argv + 1, &error))
    {
      g_printerr ("orgdesk-admin %s: %s\n", command->name, error->message);
      return 2;
    }

  conn = orgdesk_admin_connect (options.database != NULL ? options.database : "", &error);
  if (conn == NULL)
    {
      g_printerr ("orgdesk-admin %s: %s\n", command->name, error->message);
      return 1;
    }

  description = orgdesk_admin_describe (conn);
  g_print ("orgdesk-admin %s: %s\n", command->name, description);

  if (!command->func (conn, &options, &error))
    {
      g_printerr ("orgdesk-admin %s: %s\n", command->name, error->message);
      return error->code == ORGDESK_ADMIN_ERROR_TOO_NEW ? 3 : 1;
    }

  return 0;
}

/* "jwks" and "config" take a subcommand: "orgdesk-admin jwks sync …". */
static int
run_group (const char  *group,
           const char  *usage,
           int          argc,
           char       **argv)
{
  g_autofree char *name = NULL;
  const Command *command;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      if (argc < 2)
        {
          g_printerr ("%s", usage);
          return 2;
        }
      g_print ("%s", usage);
      return 0;
    }

  name = g_strconcat (group, " ", argv[1], NULL);
  command = find_command (name);
  if (command == NULL)
    {
      g_printerr ("orgdesk-admin %s: unknown command “%s”\n\n%s", group, argv[1], usage);
      return 2;
    }

  /* argv[1], the subcommand, takes the place of the program name. */
  return run (command, argc - 1, argv + 1);
}

#define JWKS_USAGE \
  "Usage: orgdesk-admin jwks sync [--database URI] [--issuer URL]\n\n" \
  "  sync   Make the stored signing keys the issuer's current key set\n\n" \
  "orgdesk-admin jwks sync --help shows its options.\n"

#define CONFIG_USAGE \
  "Usage: orgdesk-admin config set KEY VALUE [KEY VALUE…] [--database URI]\n" \
  "       orgdesk-admin config show [--database URI]\n\n" \
  "Keys: " ORGDESK_ADMIN_CONFIG_KEYS "\n\n" \
  "orgdesk-admin config set --help describes them.\n"

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
    return run (find_command ("migrate"), argc - 1, argv + 1);
  if (g_str_equal (argv[1], "seed"))
    return run (find_command ("seed"), argc - 1, argv + 1);
  if (g_str_equal (argv[1], "jwks"))
    return run_group ("jwks", JWKS_USAGE, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "config"))
    return run_group ("config", CONFIG_USAGE, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      g_print (USAGE);
      return 0;
    }

  g_printerr ("orgdesk-admin: unknown command “%s”\n\n" USAGE, argv[1]);
  return 2;
}
