/* orgdesk-auth-settings.c: orgdesk.auth_config and orgdesk.auth_keys, cached
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "postgres.h"

#include "executor/spi.h"
#include "utils/inval.h"
#include "utils/memutils.h"

#include "orgdesk-auth-settings.h"

/* With the caller's rights (both tables are readable by PUBLIC) and names that
 * no search_path can redirect. */
#define SETTINGS_SQL \
  "SELECT c.issuer, c.audience, c.clock_skew_seconds, c.read_scope, c.write_scope," \
  "       (SELECT pg_catalog.jsonb_build_object ('keys'," \
  "                 COALESCE (pg_catalog.jsonb_agg (k.jwk ORDER BY k.kid), '[]'::pg_catalog.jsonb))::pg_catalog.text" \
  "          FROM orgdesk.auth_keys k)," \
  "       'orgdesk.auth_config'::pg_catalog.regclass::pg_catalog.oid," \
  "       'orgdesk.auth_keys'::pg_catalog.regclass::pg_catalog.oid" \
  "  FROM orgdesk.auth_config c"

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

static char *
copy_column (HeapTuple  row,
             TupleDesc  description,
             int        column)
{
  char *value = SPI_getvalue (row, description, column);

  return value != NULL ? MemoryContextStrdup (TopMemoryContext, value) : NULL;
}

const OrgdeskAuthSettings *
orgdesk_auth_settings_get (void)
{
  char *jwks_json = NULL;
  bool configured;
  int ret;

  if (loaded)
    return &settings;

  free_settings ();
  settings.generation++;

  if ((ret = SPI_connect ()) != SPI_OK_CONNECT)
    elog (ERROR, "orgdesk_auth: SPI_connect failed: %s", SPI_result_code_string (ret));
  if ((ret = SPI_execute (SETTINGS_SQL, true, 2)) != SPI_OK_SELECT)
    elog (ERROR, "orgdesk_auth: reading orgdesk.auth_config failed: %s", SPI_result_code_string (ret));

  configured = SPI_processed == 1;
  if (configured)
    {
      HeapTuple row = SPI_tuptable->vals[0];
      TupleDesc description = SPI_tuptable->tupdesc;
      char *skew = SPI_getvalue (row, description, 3);
      bool isnull;

      settings.issuer = copy_column (row, description, 1);
      settings.audience = copy_column (row, description, 2);
      settings.clock_skew_seconds = skew != NULL ? atoi (skew) : 0;
      settings.read_scope = copy_column (row, description, 4);
      settings.write_scope = copy_column (row, description, 5);
      jwks_json = copy_column (row, description, 6);
      config_table = DatumGetObjectId (SPI_getbinval (row, description, 7, &isnull));
      keys_table = DatumGetObjectId (SPI_getbinval (row, description, 8, &isnull));
    }
  SPI_finish ();

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
