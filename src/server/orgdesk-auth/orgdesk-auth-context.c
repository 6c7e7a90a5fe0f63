/* orgdesk-auth-context.c: the identity verified in this transaction
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "postgres.h"

#include "access/xact.h"
#include "storage/proc.h"
#include "utils/memutils.h"

#include "orgdesk-auth-context.h"

typedef struct
{
  bool                set;
  bool                assumed;
  LocalTransactionId  transaction;    /* MyProc->lxid when it was set */
  SubTransactionId    subtransaction; /* the (sub)transaction that owns it */
  char               *user_id;
  char               *organization_id;
  char              **scopes;
} Context;

static Context context;

static void
clear_context (void)
{
  if (context.scopes != NULL)
    for (char **scope = context.scopes; *scope != NULL; scope++)
      pfree (*scope);
  if (context.scopes != NULL)
    pfree (context.scopes);
  if (context.user_id != NULL)
    pfree (context.user_id);
  if (context.organization_id != NULL)
    pfree (context.organization_id);
  memset (&context, 0, sizeof context);
}

/* Set, and set in this very transaction. */
static bool
is_current (void)
{
  return context.set && MyProc != NULL && context.transaction == MyProc->lxid &&
         IsTransactionState ();
}

static void
on_transaction_event (XactEvent  event,
                      void      *arg)
{
  switch (event)
    {
    case XACT_EVENT_PRE_PREPARE:
      /* A prepared transaction is finished by anyone, later: its identity
       * would outlive the client that proved it. */
      if (is_current ())
        ereport (ERROR,
                 errcode (ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg ("cannot PREPARE a transaction that has called orgdesk.authenticate()"));
      break;

    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PREPARE:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
      clear_context ();
      break;

    default:
      break;
    }
}

static void
on_subtransaction_event (SubXactEvent      event,
                         SubTransactionId  subtransaction,
                         SubTransactionId  parent,
                         void             *arg)
{
  if (!context.set || context.subtransaction != subtransaction)
    return;

  if (event == SUBXACT_EVENT_ABORT_SUB)
    clear_context ();
  else if (event == SUBXACT_EVENT_COMMIT_SUB)
    context.subtransaction = parent;  /* RELEASE: now the parent's */
}

void
orgdesk_auth_context_init (void)
{
  RegisterXactCallback (on_transaction_event, NULL);
  RegisterSubXactCallback (on_subtransaction_event, NULL);
}

bool
orgdesk_auth_context_is_set (void)
{
  return is_current ();
}

void
orgdesk_auth_context_set (const char   *user_id,
                          const char   *organization_id,
                          char * const *scopes,
                          bool          assumed)
{
  MemoryContext old = MemoryContextSwitchTo (TopMemoryContext);
  size_t n_scopes = 0;
  Context fresh = { 0 };

  Assert (MyProc != NULL);

  while (scopes != NULL && scopes[n_scopes] != NULL)
    n_scopes++;

  /* Everything allocated first: should one palloc fail, no half-made
   * context is left behind. */
  fresh.user_id = user_id != NULL ? pstrdup (user_id) : NULL;
  fresh.organization_id = organization_id != NULL ? pstrdup (organization_id) : NULL;
  fresh.scopes = palloc0 ((n_scopes + 1) * sizeof (char *));
  for (size_t i = 0; i < n_scopes; i++)
    fresh.scopes[i] = pstrdup (scopes[i]);
  MemoryContextSwitchTo (old);

  clear_context ();
  fresh.set = true;
  fresh.assumed = assumed;
  fresh.transaction = MyProc->lxid;
  fresh.subtransaction = GetCurrentSubTransactionId ();
  context = fresh;
}

const char *
orgdesk_auth_context_get_user_id (void)
{
  return is_current () ? context.user_id : NULL;
}

const char *
orgdesk_auth_context_get_organization_id (void)
{
  return is_current () ? context.organization_id : NULL;
}

char * const *
orgdesk_auth_context_get_scopes (void)
{
  return is_current () ? context.scopes : NULL;
}

bool
orgdesk_auth_context_is_assumed (void)
{
  return is_current () && context.assumed;
}

bool
orgdesk_auth_context_has_scope (const char *scope)
{
  if (!is_current ())
    return false;
  if (context.assumed)
    return true;
  for (char **name = context.scopes; *name != NULL; name++)
    if (strcmp (*name, scope) == 0)
      return true;
  return false;
}
