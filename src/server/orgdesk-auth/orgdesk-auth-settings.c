/* orgdesk-auth-settings.c: orgdesk.auth_config and orgdesk.auth_keys, cached
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "orgdesk-auth-settings.h"

/* The two tables are read with plain heap scans rather than a query: in a new
 * backend, planning one costs more than the rest of the first authenticate()
 * (catalog look-ups of every function and cast it names).  Both tables are
 * the extension's, readable by PUBLIC anyway, and found in its fixed schema,
 * so no search_path can redirect them. */

static OrgdeskAuthSettings settings;
static bool loaded;
static Oid config_table = InvalidOid;
static Oid keys_table = InvalidOid;

static void
on_relcache_invalidated (Datum arg,
                         Oid   relation)
{
  if (relation == InvalidOid || relation == config_table || relation == keys_table)
    loaded = false;
}

void
orgdesk_auth_settings_init (void)
{
  CacheRegisterRelcacheCallback (on_relcache_invalidated, (Datum) 0);
}

static void
free_settings (void)
{
  uint64 generation = settings.generation;

  if (settings.issuer != NULL)
    pfree (settings.issuer);
  if (settings.audience != NULL)
    pfree (settings.audience);
  if (settings.read_scope != NULL)
    pfree (settings.read_scope);
  if (settings.write_scope != NULL)
    pfree (settings.write_scope);
  orgdesk_auth_key_set_free (settings.keys);
  free (settings.keys_error);
  memset (&settings, 0, sizeof settings);
  settings.generation = generation;
}

static Oid
extension_table (const char *name)
{
  /* The extension is not relocatable: its control file fixes the schema. */
  Oid schema = get_namespace_oid ("orgdesk", true);
  Oid table = OidIsValid (schema) ? get_relname_relid (name, schema) : InvalidOid;

  if (!OidIsValid (table))
    ereport (ERROR,
             errcode (ERRCODE_UNDEFINED_TABLE),
             errmsg ("orgdesk_auth: the table %s is missing", name),
             errhint ("Run CREATE EXTENSION orgdesk_auth in this database (orgdesk-admin migrate)."));
  return table;
}

static AttrNumber
column (Oid         table,
        const char *name)
{
  AttrNumber number = get_attnum (table, name);

  if (number == InvalidAttrNumber)
    elog (ERROR, "orgdesk_auth: column %s of its table is missing", name);
  return number;
}

/* A text column's value in TopMemoryContext, or NULL */
static char *
copy_text (HeapTuple  tuple,
           TupleDesc  description,
           AttrNumber number)
{
  bool isnull;
  Datum value = heap_getattr (tuple, number, description, &isnull);
  char *string;
  char *copy;

  if (isnull)
    return NULL;
  string = TextDatumGetCString (value);
  copy = MemoryContextStrdup (TopMemoryContext, string);
  pfree (string);
  return copy;
}

/* The configuration row; false when there is none */
static bool
read_config (void)
{
  Relation relation = table_open (config_table, AccessShareLock);
  TupleDesc description = RelationGetDescr (relation);
  TableScanDesc scan = table_beginscan (relation, GetActiveSnapshot (), 0, NULL);
  HeapTuple tuple;
  int rows = 0;

  while ((tuple = heap_getnext (scan, ForwardScanDirection)) != NULL)
    {
      bool isnull;
      Datum skew;

      if (rows++ > 0)
        break;
      settings.issuer = copy_text (tuple, description, column (config_table, "issuer"));
      settings.audience = copy_text (tuple, description, column (config_table, "audience"));
      settings.read_scope = copy_text (tuple, description, column (config_table, "read_scope"));
      settings.write_scope = copy_text (tuple, description, column (config_table, "write_scope"));
      skew = heap_getattr (tuple, column (config_table, "clock_skew_seconds"), description, &isnull);
      settings.clock_skew_seconds = isnull ? 0 : DatumGetInt32 (skew);
    }

  table_endscan (scan);
  table_close (relation, AccessShareLock);
  return rows == 1;
}

/* The stored keys as {"keys": [...]}, palloc'd */
static char *
read_keys_json (void)
{
  Relation relation = table_open (keys_table, AccessShareLock);
  TupleDesc description = RelationGetDescr (relation);
  AttrNumber jwk_column = column (keys_table, "jwk");
  TableScanDesc scan = table_beginscan (relation, GetActiveSnapshot (), 0, NULL);
  StringInfoData json;
  HeapTuple tuple;
  bool first = true;

  initStringInfo (&json);
  appendStringInfoString (&json, "{\"keys\":[");
  while ((tuple = heap_getnext (scan, ForwardScanDirection)) != NULL)
    {
      bool isnull;
      Datum value = heap_getattr (tuple, jwk_column, description, &isnull);
      Jsonb *jwk;

      if (isnull)
        continue;
      jwk = DatumGetJsonbP (value);
      if (!first)
        appendStringInfoChar (&json, ',');
      appendStringInfoString (&json, JsonbToCString (NULL, &jwk->root, VARSIZE (jwk)));
      first = false;
    }
  appendStringInfoString (&json, "]}");

  table_endscan (scan);
  table_close (relation, AccessShareLock);
  return json.data;
}

const OrgdeskAuthSettings *
orgdesk_auth_settings_get (void)
{
  char *jwks_json = NULL;
  bool configured;

  if (loaded)
    return &settings;

  free_settings ();
  settings.generation++;

  config_table = extension_table ("auth_config");
  keys_table = extension_table ("auth_keys");
  configured = read_config ();
  if (configured)
    jwks_json = read_keys_json ();

  if (!configured)
    ereport (ERROR,
             errcode (ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
             errmsg ("orgdesk_auth is not configured"),
             errhint ("Set the issuer and audience with orgdesk-admin config set."));

  /* GLib from here on, and no PostgreSQL call until it is done. */
  settings.keys = orgdesk_auth_key_set_new (jwks_json, &settings.keys_error);
  pfree (jwks_json);

  loaded = true;
  return &settings;
}
