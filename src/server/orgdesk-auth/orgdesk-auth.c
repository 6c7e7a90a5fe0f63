/* orgdesk-auth.c: the orgdesk_auth extension's entry points
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * orgdesk.authenticate(token) verifies a Logto access token for the database
 * API resource against the keys and configuration in orgdesk.auth_keys and
 * orgdesk.auth_config, and makes its sub, organization_id and scope this
 * transaction's context (orgdesk-auth-context.c), which the schema's policies
 * read through orgdesk.current_organization_id() and friends.
 */

#include "postgres.h"

#include <time.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"

#include "orgdesk-auth-confine.h"
#include "orgdesk-auth-context.h"
#include "orgdesk-auth-settings.h"
#include "orgdesk-auth-token-cache.h"
#include "orgdesk-auth-verify.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1 (orgdesk_auth_authenticate);
PG_FUNCTION_INFO_V1 (orgdesk_auth_assume_context);
PG_FUNCTION_INFO_V1 (orgdesk_auth_current_user_id);
PG_FUNCTION_INFO_V1 (orgdesk_auth_current_organization_id);
PG_FUNCTION_INFO_V1 (orgdesk_auth_current_scopes);
PG_FUNCTION_INFO_V1 (orgdesk_auth_has_scope);
PG_FUNCTION_INFO_V1 (orgdesk_auth_can_read);
PG_FUNCTION_INFO_V1 (orgdesk_auth_can_write);
PG_FUNCTION_INFO_V1 (orgdesk_auth_tables_changed);

void _PG_init (void);

static bool preloaded;
static OrgdeskAuthTokenCache *token_cache;
static uint64 token_cache_generation;

void
_PG_init (void)
{
  /* Loaded on demand (CREATE EXTENSION, a first call), the hook would only
   * confine sessions that happened to load it: authenticate() refuses then. */
  preloaded = process_shared_preload_libraries_in_progress;

  orgdesk_auth_confine_init ();
  orgdesk_auth_context_init ();
  orgdesk_auth_settings_init ();
  MarkGUCPrefixReserved ("orgdesk_auth");

  /* Once in the postmaster rather than in every backend's first call */
  if (preloaded)
    orgdesk_auth_verify_warm_up ();
}

static void
refuse (const char *reason)
{
  ereport (ERROR,
           errcode (ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
           errmsg ("access token refused: %s", reason));
}

/* Raises 28000 with @message, which is free()d first. */
static void
refuse_with_message (char *message)
{
  char reason[256];

  strlcpy (reason, message != NULL ? message : "unknown error", sizeof reason);
  free (message);
  refuse (reason);
}

static int64_t
now_unix (void)
{
  return (int64_t) time (NULL);
}

/* A cached token still holds: current times and a key that is still stored. */
static const OrgdeskAuthClaims *
lookup_cached (const OrgdeskAuthSettings *settings,
               const unsigned char       *digest)
{
  const OrgdeskAuthClaims *claims = orgdesk_auth_token_cache_lookup (token_cache, digest);

  if (claims == NULL)
    return NULL;
  if (!orgdesk_auth_claims_are_current (claims, settings->clock_skew_seconds, now_unix ()) ||
      !orgdesk_auth_key_set_has_key (settings->keys, claims->key_id))
    {
      orgdesk_auth_token_cache_remove (token_cache, digest);
      return NULL;
    }
  return claims;
}

Datum
orgdesk_auth_authenticate (PG_FUNCTION_ARGS)
{
  text *token = PG_GETARG_TEXT_PP (0);
  const char *data = VARDATA_ANY (token);
  size_t length = VARSIZE_ANY_EXHDR (token);
  const OrgdeskAuthSettings *settings;
  const OrgdeskAuthClaims *claims;
  OrgdeskAuthClaims *verified = NULL;
  unsigned char digest[ORGDESK_AUTH_DIGEST_LENGTH];
  bool have_digest;
  char *message = NULL;

  if (!preloaded)
    ereport (ERROR,
             errcode (ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
             errmsg ("orgdesk_auth is not in shared_preload_libraries"),
             errhint ("Add orgdesk_auth to shared_preload_libraries and restart the server."));

  /* Outside a block the transaction, and the context with it, ends with this
   * statement: a caller would believe it authenticated what comes next. */
  if (!IsTransactionBlock ())
    ereport (ERROR,
             errcode (ERRCODE_NO_ACTIVE_SQL_TRANSACTION),
             errmsg ("orgdesk.authenticate() must be called inside a transaction block"));

  if (orgdesk_auth_context_is_set ())
    ereport (ERROR,
             errcode (ERRCODE_INVALID_TRANSACTION_STATE),
             errmsg ("this transaction is already authenticated"),
             errhint ("One identity per transaction: start a new transaction."));

  if (length == 0 || length > ORGDESK_AUTH_MAX_TOKEN_LENGTH)
    refuse ("the token is empty or too long");

  settings = orgdesk_auth_settings_get ();
  if (settings->keys == NULL)
    {
      char reason[256];

      snprintf (reason, sizeof reason, "the stored signing keys are not usable: %s",
                settings->keys_error != NULL ? settings->keys_error : "none");
      refuse (reason);
    }

  if (token_cache == NULL)
    token_cache = orgdesk_auth_token_cache_new (ORGDESK_AUTH_TOKEN_CACHE_SIZE);
  if (token_cache_generation != settings->generation)
    {
      /* New issuer, audience or keys: what was verified before may not hold. */
      orgdesk_auth_token_cache_clear (token_cache);
      token_cache_generation = settings->generation;
    }

  have_digest = orgdesk_auth_token_digest (data, length, digest);
  claims = have_digest ? lookup_cached (settings, digest) : NULL;
  if (claims == NULL)
    {
      verified = orgdesk_auth_verify_token (data, length, settings->keys,
                                            settings->issuer, settings->audience,
                                            settings->clock_skew_seconds, now_unix (),
                                            &message);
      if (verified == NULL)
        refuse_with_message (message);
      if (have_digest)
        orgdesk_auth_token_cache_insert (token_cache, digest, verified);
      claims = verified;
    }

  /* pallocs; on failure the error unwinds with the claims still malloc()ed,
   * a leak of a few hundred bytes in an out-of-memory backend. */
  orgdesk_auth_context_set (claims->subject, claims->organization_id, claims->scopes, false);
  {
    text *subject = cstring_to_text (claims->subject);

    orgdesk_auth_claims_free (verified);
    PG_RETURN_TEXT_P (subject);
  }
}

Datum
orgdesk_auth_assume_context (PG_FUNCTION_ARGS)
{
  char *user_id = PG_ARGISNULL (0) ? NULL : text_to_cstring (PG_GETARG_TEXT_PP (0));
  char *organization_id = PG_ARGISNULL (1) ? NULL : text_to_cstring (PG_GETARG_TEXT_PP (1));
  char *no_scopes[] = { NULL };

  if (!IsTransactionBlock ())
    ereport (ERROR,
             errcode (ERRCODE_NO_ACTIVE_SQL_TRANSACTION),
             errmsg ("orgdesk.assume_context() must be called inside a transaction block"));
  if (orgdesk_auth_context_is_set ())
    ereport (ERROR,
             errcode (ERRCODE_INVALID_TRANSACTION_STATE),
             errmsg ("this transaction is already authenticated"));

  orgdesk_auth_context_set (user_id, organization_id, no_scopes, true);
  PG_RETURN_VOID ();
}

static Datum
text_or_null (FunctionCallInfo  fcinfo,
              const char       *value)
{
  if (value == NULL)
    PG_RETURN_NULL ();
  PG_RETURN_TEXT_P (cstring_to_text (value));
}

Datum
orgdesk_auth_current_user_id (PG_FUNCTION_ARGS)
{
  return text_or_null (fcinfo, orgdesk_auth_context_get_user_id ());
}

Datum
orgdesk_auth_current_organization_id (PG_FUNCTION_ARGS)
{
  return text_or_null (fcinfo, orgdesk_auth_context_get_organization_id ());
}

Datum
orgdesk_auth_current_scopes (PG_FUNCTION_ARGS)
{
  char * const *scopes = orgdesk_auth_context_get_scopes ();
  Datum *elements;
  int n = 0;

  if (scopes == NULL)
    PG_RETURN_NULL ();

  while (scopes[n] != NULL)
    n++;
  elements = palloc (Max (n, 1) * sizeof (Datum));
  for (int i = 0; i < n; i++)
    elements[i] = PointerGetDatum (cstring_to_text (scopes[i]));

  PG_RETURN_ARRAYTYPE_P (construct_array (elements, n, TEXTOID, -1, false, TYPALIGN_INT));
}

Datum
orgdesk_auth_has_scope (PG_FUNCTION_ARGS)
{
  char *scope = text_to_cstring (PG_GETARG_TEXT_PP (0));

  PG_RETURN_BOOL (orgdesk_auth_context_has_scope (scope));
}

/* The configured scope names, without reading the tables when no context is
 * set (then the answer is false anyway). */
static bool
has_configured_scope (bool write)
{
  const OrgdeskAuthSettings *settings;

  if (!orgdesk_auth_context_is_set ())
    return false;
  if (orgdesk_auth_context_is_assumed ())
    return true;
  settings = orgdesk_auth_settings_get ();
  return orgdesk_auth_context_has_scope (write ? settings->write_scope : settings->read_scope);
}

Datum
orgdesk_auth_can_read (PG_FUNCTION_ARGS)
{
  PG_RETURN_BOOL (has_configured_scope (false));
}

Datum
orgdesk_auth_can_write (PG_FUNCTION_ARGS)
{
  PG_RETURN_BOOL (has_configured_scope (true));
}

Datum
orgdesk_auth_tables_changed (PG_FUNCTION_ARGS)
{
  TriggerData *trigger = (TriggerData *) fcinfo->context;

  if (!CALLED_AS_TRIGGER (fcinfo))
    elog (ERROR, "orgdesk.auth_tables_changed() is a trigger function");

  /* Every backend drops its cached keys and verified tokens at commit. */
  CacheInvalidateRelcacheByRelid (RelationGetRelid (trigger->tg_relation));
  return PointerGetDatum (NULL);
}
