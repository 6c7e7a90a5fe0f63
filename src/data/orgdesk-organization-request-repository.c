/* orgdesk-organization-request-repository.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-data"

#include "config.h"

#include "orgdesk-organization-request-private.h"
#include "orgdesk-organization-request-repository.h"
#include "orgdesk-repository-private.h"

/* A signed-in user's requests for a default organization (migration 0007).
 * Both calls run in a user scope: the user may have no organization yet, and
 * orgdesk.request_default_organization() refuses an organization's token.  The
 * database takes the user from the token; the policy shows her own rows only. */

/* The function's own answer lacks attempts and last_error, hence the join.  A
 * row it has just inserted is not visible to the statement that called it (the
 * statement's snapshot is older), so for a new request the join finds nothing
 * and the table's defaults stand in: no attempts, no error. */
#define REQUEST_SQL \
  "SELECT q.request_id, q.status, coalesce (r.attempts, 0), r.last_error, q.logto_organization_id" \
  " FROM orgdesk.request_default_organization () q" \
  " LEFT JOIN orgdesk.organization_requests r ON r.id = q.request_id"

#define FETCH_SQL \
  "SELECT r.id, r.status, r.attempts, r.last_error, r.logto_organization_id" \
  " FROM orgdesk.organization_requests r WHERE r.id = $1::pg_catalog.uuid"

struct _OrgdeskOrganizationRequestRepository
{
  OrgdeskRepository parent_instance;
};

G_DEFINE_FINAL_TYPE (OrgdeskOrganizationRequestRepository, orgdesk_organization_request_repository,
                     ORGDESK_TYPE_REPOSITORY)

/* NULL (the request fails with G_IO_ERROR_INVALID_DATA) for a row the app
 * cannot act on; what was wrong with it goes to the log. */
static gpointer
request_from_row (OrgdeskQueryResult *rows,
                  guint               row)
{
  g_autoptr(GError) error = NULL;
  OrgdeskOrganizationRequest *request;

  request = _orgdesk_organization_request_new_from_result (rows, row, &error);
  if (request == NULL)
    g_warning ("%s", error->message);

  return request;
}

static void
orgdesk_organization_request_repository_class_init (OrgdeskOrganizationRequestRepositoryClass *klass)
{
}

static void
orgdesk_organization_request_repository_init (OrgdeskOrganizationRequestRepository *self)
{
}

OrgdeskOrganizationRequestRepository *
orgdesk_organization_request_repository_new (OrgdeskDatabase *database,
                                             OrgdeskSession  *session)
{
  g_return_val_if_fail (ORGDESK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (ORGDESK_IS_SESSION (session), NULL);

  return g_object_new (ORGDESK_TYPE_ORGANIZATION_REQUEST_REPOSITORY,
                       "database", database, "session", session, NULL);
}

/**
 * orgdesk_organization_request_repository_request_async:
 * @self: a #OrgdeskOrganizationRequestRepository
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Asks for a default organization for the signed-in user: records an open
 * request and wakes orgdesk-provisioner.  While one is open, asking again
 * gives that one.  Fails with %ORGDESK_DATABASE_ERROR_PERMISSION when nobody
 * is signed in.
 */
void
orgdesk_organization_request_repository_request_async (OrgdeskOrganizationRequestRepository *self,
                                                        GCancellable                         *cancellable,
                                                        GAsyncReadyCallback                   callback,
                                                        gpointer                              user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  GTask *task;

  g_return_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _orgdesk_repository_start_user_task (ORGDESK_REPOSITORY (self),
                                              orgdesk_organization_request_repository_request_async,
                                              cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  g_ptr_array_add (queries, orgdesk_query_new (REQUEST_SQL));
  _orgdesk_repository_run_for_row (ORGDESK_REPOSITORY (self), scope, queries, task,
                                   request_from_row, g_object_unref,
                                   "The database recorded no organization request");
}

/**
 * orgdesk_organization_request_repository_request_finish:
 * @self: a #OrgdeskOrganizationRequestRepository
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the open request, or %NULL on error
 */
OrgdeskOrganizationRequest *
orgdesk_organization_request_repository_request_finish (OrgdeskOrganizationRequestRepository  *self,
                                                         GAsyncResult                          *result,
                                                         GError                               **error)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * orgdesk_organization_request_repository_fetch_async:
 * @self: a #OrgdeskOrganizationRequestRepository
 * @request_id: a request's id, from orgdesk_organization_request_get_id()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Reads the request again, as the provisioner has left it by now.  Fails with
 * %G_IO_ERROR_INVALID_ARGUMENT when @request_id is not a UUID (the database is
 * not asked), %G_IO_ERROR_NOT_FOUND when the signed-in user has no request of
 * that id (another user's is not hers to see), and
 * %ORGDESK_DATABASE_ERROR_PERMISSION when nobody is signed in.
 */
void
orgdesk_organization_request_repository_fetch_async (OrgdeskOrganizationRequestRepository *self,
                                                      const char                           *request_id,
                                                      GCancellable                         *cancellable,
                                                      GAsyncReadyCallback                   callback,
                                                      gpointer                              user_data)
{
  g_autoptr(OrgdeskRepositoryScope) scope = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
  OrgdeskQuery *query;
  GTask *task;

  g_return_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST_REPOSITORY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _orgdesk_repository_start_user_task (ORGDESK_REPOSITORY (self),
                                              orgdesk_organization_request_repository_fetch_async,
                                              cancellable, callback, user_data, &scope);
  if (task == NULL)
    return;

  /* Unlike a post's id, this one only ever comes from the database: anything
   * else is the caller's mistake, not a request that has gone. */
  if (request_id == NULL || !g_uuid_string_is_valid (request_id))
    {
      _orgdesk_repository_fail_task (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                                "An organization request's id is a UUID"));
      return;
    }

  query = orgdesk_query_new (FETCH_SQL);
  orgdesk_query_add_param (query, request_id);
  g_ptr_array_add (queries, query);
  _orgdesk_repository_run_for_row (ORGDESK_REPOSITORY (self), scope, queries, task,
                                   request_from_row, g_object_unref,
                                   "The user has no organization request of that id");
}

/**
 * orgdesk_organization_request_repository_fetch_finish:
 * @self: a #OrgdeskOrganizationRequestRepository
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the request, or %NULL on error
 */
OrgdeskOrganizationRequest *
orgdesk_organization_request_repository_fetch_finish (OrgdeskOrganizationRequestRepository  *self,
                                                       GAsyncResult                          *result,
                                                       GError                               **error)
{
  g_return_val_if_fail (ORGDESK_IS_ORGANIZATION_REQUEST_REPOSITORY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
