/* orgdesk-auth-confine.c: what a confined role may run
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "postgres.h"

#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/varlena.h"

#include "orgdesk-auth-confine.h"

static char *confined_roles = NULL;
static ProcessUtility_hook_type previous_process_utility = NULL;

/* The parameters PgBouncer 1.18 sets on a server connection to match its
 * client (its "track_extra_parameters" are these five).  Refusing them would
 * break pooling; they are tracked per client by PgBouncer anyway. */
static const char * const pooler_settings[] = {
  "client_encoding",
  "datestyle",
  "timezone",
  "standard_conforming_strings",
  "application_name",
};

/* The session's user, not the current one: SECURITY DEFINER functions of the
 * schema's owner do not lift the confinement, and SET ROLE is refused. */
static bool
session_is_confined (void)
{
  Oid session_user = GetSessionUserId ();
  char *names;
  List *roles = NIL;
  ListCell *cell;
  bool confined = false;

  if (superuser_arg (session_user) || confined_roles == NULL || *confined_roles == '\0')
    return false;

  names = pstrdup (confined_roles);
  if (!SplitIdentifierString (names, ',', &roles))
    {
      /* A malformed list confines everybody but superusers: fail closed. */
      pfree (names);
      return true;
    }

  foreach (cell, roles)
    {
      Oid role = get_role_oid ((const char *) lfirst (cell), true);

      if (OidIsValid (role) && is_member_of_role (session_user, role))
        {
          confined = true;
          break;
        }
    }

  list_free (roles);
  pfree (names);
  return confined;
}

static bool
is_pooler_setting (const VariableSetStmt *set)
{
  if (set->is_local || set->kind != VAR_SET_VALUE || set->name == NULL)
    return false;

  for (size_t i = 0; i < lengthof (pooler_settings); i++)
    if (pg_strcasecmp (set->name, pooler_settings[i]) == 0)
      return true;
  return false;
}

static bool
is_allowed (Node *statement)
{
  switch (nodeTag (statement))
    {
    case T_TransactionStmt:
      switch (((TransactionStmt *) statement)->kind)
        {
        case TRANS_STMT_PREPARE:
        case TRANS_STMT_COMMIT_PREPARED:
        case TRANS_STMT_ROLLBACK_PREPARED:
          return false;
        default:
          return true;
        }

    case T_ListenStmt:
    case T_UnlistenStmt:
      return true;

    case T_VariableSetStmt:
      return is_pooler_setting ((VariableSetStmt *) statement);

    default:
      return false;
    }
}

static void
confined_process_utility (PlannedStmt            *statement,
                          const char             *query,
                          bool                    read_only_tree,
                          ProcessUtilityContext   context,
                          ParamListInfo           params,
                          QueryEnvironment       *environment,
                          DestReceiver           *destination,
                          QueryCompletion        *completion)
{
  Node *tree = statement->utilityStmt;

  if (!is_allowed (tree) && session_is_confined ())
    ereport (ERROR,
             errcode (ERRCODE_INSUFFICIENT_PRIVILEGE),
             errmsg ("%s is not allowed for role \"%s\"",
                     GetCommandTagName (CreateCommandTag (tree)),
                     GetUserNameFromId (GetSessionUserId (), false)),
             errdetail ("The role is confined by orgdesk_auth: it may run queries, "
                        "transaction control and LISTEN/UNLISTEN only."));

  if (previous_process_utility != NULL)
    previous_process_utility (statement, query, read_only_tree, context, params,
                              environment, destination, completion);
  else
    standard_ProcessUtility (statement, query, read_only_tree, context, params,
                             environment, destination, completion);
}

void
orgdesk_auth_confine_init (void)
{
  DefineCustomStringVariable ("orgdesk_auth.confined_roles",
                              "Roles whose sessions may run no utility statements "
                              "but transaction control and LISTEN/UNLISTEN.",
                              "A comma-separated list of role names; members are confined too, "
                              "superusers never.",
                              &confined_roles,
                              "orgdesk_app",
                              PGC_SIGHUP,
                              GUC_LIST_INPUT,
                              NULL, NULL, NULL);

  previous_process_utility = ProcessUtility_hook;
  ProcessUtility_hook = confined_process_utility;
}
