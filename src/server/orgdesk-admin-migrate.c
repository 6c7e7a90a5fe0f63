/* orgdesk-admin-migrate.c: apply versioned SQL migrations.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A migration is a file NNNN-name.sql; NNNN is its version.  Each one not yet
 * recorded in orgdesk.schema_migrations is applied in a transaction of its own
 * together with its record, so a failure leaves the database at the previous
 * version.  Every transaction runs as orgdesk_owner (SET LOCAL ROLE), so the
 * objects belong to the owner even when a superuser runs migrate, and takes
 * one advisory lock, so two concurrent runs apply each migration once.
 */

#define G_LOG_DOMAIN "orgdesk-admin"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "orgdesk-admin-migrate.h"

/* Any constant will do; it only has to be the same for every migrate. */
#define MIGRATE_LOCK_SQL "SELECT pg_catalog.pg_advisory_xact_lock (7452010315)"

#define BEGIN_SQL \
  "BEGIN; SET LOCAL ROLE " ORGDESK_OWNER_ROLE "; SET LOCAL search_path = pg_catalog; " \
  MIGRATE_LOCK_SQL

/* The bookkeeping table lives in the schema the first migration fills. */
#define BOOTSTRAP_SQL \
  BEGIN_SQL ";" \
  "CREATE SCHEMA IF NOT EXISTS orgdesk;" \
  "CREATE TABLE IF NOT EXISTS orgdesk.schema_migrations (" \
  "  version integer PRIMARY KEY CHECK (version > 0)," \
  "  name text NOT NULL," \
  "  applied_at timestamptz NOT NULL DEFAULT pg_catalog.now ());" \
  "COMMIT"

typedef struct
{
  int   version;
  char *name;   /* file name without ".sql" */
  char *path;
} Migration;

static void
migration_free (gpointer data)
{
  Migration *migration = data;

  g_free (migration->name);
  g_free (migration->path);
  g_free (migration);
}

static int
compare_migrations (gconstpointer a,
                    gconstpointer b)
{
  const Migration *ma = *(const Migration * const *) a;
  const Migration *mb = *(const Migration * const *) b;

  return (ma->version > mb->version) - (ma->version < mb->version);
}

/* "0001-organization-data.sql": four digits, a dash, [a-z0-9-]+, ".sql". */
static Migration *
parse_migration_name (const char *dir,
                      const char *file_name)
{
  g_autoptr(GRegex) regex = g_regex_new ("^([0-9]{4})-[a-z0-9-]+\\.sql$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *digits = NULL;
  Migration *migration;

  if (!g_regex_match (regex, file_name, 0, &match))
    return NULL;

  digits = g_match_info_fetch (match, 1);
  migration = g_new0 (Migration, 1);
  migration->version = (int) g_ascii_strtoll (digits, NULL, 10);
  migration->name = g_strndup (file_name, strlen (file_name) - strlen (".sql"));
  migration->path = g_build_filename (dir, file_name, NULL);
  return migration;
}

/* The shipped migrations, sorted by version; other files are ignored. */
static GPtrArray *
list_migrations (const char  *dir,
                 GError     **error)
{
  g_autoptr(GDir) handle = NULL;
  g_autoptr(GPtrArray) migrations = g_ptr_array_new_with_free_func (migration_free);
  const char *file_name;

  handle = g_dir_open (dir, 0, error);
  if (handle == NULL)
    return NULL;

  while ((file_name = g_dir_read_name (handle)) != NULL)
    {
      Migration *migration = parse_migration_name (dir, file_name);

      if (migration != NULL)
        g_ptr_array_add (migrations, migration);
    }

  g_ptr_array_sort (migrations, compare_migrations);

  for (guint i = 0; i < migrations->len; i++)
    {
      const Migration *migration = g_ptr_array_index (migrations, i);

      if (migration->version == 0 ||
          (i > 0 && ((Migration *) g_ptr_array_index (migrations, i - 1))->version == migration->version))
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_MIGRATIONS,
                       "Invalid or duplicate migration version in %s: %s", dir, migration->name);
          return NULL;
        }
    }

  if (migrations->len == 0)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_MIGRATIONS,
                   "No migrations (NNNN-name.sql) found in %s", dir);
      return NULL;
    }

  return g_steal_pointer (&migrations);
}

/* Version → recorded name, for what the database says is applied. */
static GHashTable *
read_applied (PGconn  *conn,
              GError **error)
{
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GHashTable) applied = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  result = orgdesk_admin_exec_params (conn,
                                      "SELECT version, name FROM orgdesk.schema_migrations",
                                      0, NULL, error);
  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    g_hash_table_insert (applied,
                         GINT_TO_POINTER (atoi (PQgetvalue (result, row, 0))),
                         g_strdup (PQgetvalue (result, row, 1)));

  return g_steal_pointer (&applied);
}

/* Refuses a database that is ahead of us or disagrees on what was applied:
 * running older code against a newer schema is how data gets damaged. */
static gboolean
check_applied (GHashTable  *applied,
               GPtrArray   *migrations,
               GError     **error)
{
  const Migration *newest = g_ptr_array_index (migrations, migrations->len - 1);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, applied);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int version = GPOINTER_TO_INT (key);

      if (version > newest->version)
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_TOO_NEW,
                       "The database has migration %04d (%s), newer than the newest this "
                       "orgdesk-admin knows (%s); use a newer orgdesk-admin",
                       version, (const char *) value, newest->name);
          return FALSE;
        }
    }

  for (guint i = 0; i < migrations->len; i++)
    {
      const Migration *migration = g_ptr_array_index (migrations, i);
      const char *recorded = g_hash_table_lookup (applied, GINT_TO_POINTER (migration->version));

      if (recorded != NULL && g_strcmp0 (recorded, migration->name) != 0)
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_MIGRATIONS,
                       "Migration %04d is recorded as “%s” but shipped as “%s”",
                       migration->version, recorded, migration->name);
          return FALSE;
        }
    }

  return TRUE;
}

/* Inside the locked transaction: has a concurrent migrate applied it? */
static gboolean
is_recorded (PGconn          *conn,
             const Migration *migration,
             gboolean        *recorded,
             GError         **error)
{
  g_autofree char *version = g_strdup_printf ("%d", migration->version);
  const char * const values[] = { version };
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn,
                                      "SELECT 1 FROM orgdesk.schema_migrations WHERE version = $1",
                                      1, values, error);
  if (result == NULL)
    return FALSE;

  *recorded = PQntuples (result) > 0;
  return TRUE;
}

static gboolean
record (PGconn          *conn,
        const Migration *migration,
        GError         **error)
{
  g_autofree char *version = g_strdup_printf ("%d", migration->version);
  const char * const values[] = { version, migration->name };
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn,
                                      "INSERT INTO orgdesk.schema_migrations (version, name) "
                                      "VALUES ($1, $2)",
                                      2, values, error);
  return result != NULL;
}

/* One migration, one transaction: its statements and its record commit
 * together or not at all.  *@applied is FALSE when someone else was faster. */
static gboolean
apply_one (PGconn          *conn,
           const Migration *migration,
           gboolean        *applied,
           GError         **error)
{
  g_autofree char *sql = NULL;
  gboolean recorded = FALSE;

  *applied = FALSE;

  if (!g_file_get_contents (migration->path, &sql, NULL, error))
    return FALSE;

  if (!orgdesk_admin_exec (conn, BEGIN_SQL, error))
    goto failed;

  if (!is_recorded (conn, migration, &recorded, error))
    goto failed;

  if (recorded)
    return orgdesk_admin_exec (conn, "ROLLBACK", error);

  if (!orgdesk_admin_exec (conn, sql, error) ||
      !record (conn, migration, error) ||
      !orgdesk_admin_exec (conn, "COMMIT", error))
    goto failed;

  *applied = TRUE;
  return TRUE;

failed:
  orgdesk_admin_rollback (conn);
  g_prefix_error (error, "%s: ", migration->name);
  return FALSE;
}

/**
 * orgdesk_admin_migrate:
 * @conn: a connection as orgdesk_owner or a role that may SET ROLE to it
 * @migrations_dir: where the NNNN-name.sql files are
 *
 * Applies the migrations not yet recorded, printing each on stdout; a second
 * run applies nothing.  Fails, changing nothing, on a database that recorded
 * a migration newer than any in @migrations_dir.
 */
gboolean
orgdesk_admin_migrate (PGconn      *conn,
                       const char  *migrations_dir,
                       GError     **error)
{
  g_autoptr(GPtrArray) migrations = NULL;
  g_autoptr(GHashTable) applied = NULL;
  const Migration *newest;
  guint n_applied = 0;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (migrations_dir != NULL, FALSE);

  migrations = list_migrations (migrations_dir, error);
  if (migrations == NULL)
    return FALSE;
  newest = g_ptr_array_index (migrations, migrations->len - 1);

  if (!orgdesk_admin_exec (conn, BOOTSTRAP_SQL, error))
    {
      orgdesk_admin_rollback (conn);
      g_prefix_error (error, "Could not create orgdesk.schema_migrations: ");
      return FALSE;
    }

  applied = read_applied (conn, error);
  if (applied == NULL || !check_applied (applied, migrations, error))
    return FALSE;

  for (guint i = 0; i < migrations->len; i++)
    {
      const Migration *migration = g_ptr_array_index (migrations, i);
      gint64 start = g_get_monotonic_time ();
      gboolean done;

      if (g_hash_table_contains (applied, GINT_TO_POINTER (migration->version)))
        continue;

      if (!apply_one (conn, migration, &done, error))
        return FALSE;

      if (done)
        {
          g_print ("Applied %s (%.0f ms)\n", migration->name,
                   (g_get_monotonic_time () - start) / 1000.0);
          n_applied++;
        }
    }

  if (n_applied == 0)
    g_print ("Nothing to do: already at %s\n", newest->name);
  else
    g_print ("Now at %s (%u applied)\n", newest->name, n_applied);

  return TRUE;
}
