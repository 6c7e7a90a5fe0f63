/* orgdesk-token-store.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ORGDESK_TYPE_TOKEN_STORE (orgdesk_token_store_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskTokenStore, orgdesk_token_store, ORGDESK, TOKEN_STORE, GObject)

/* One keyring item per account, holding the account record as one JSON string.
 * The record is opaque here; the session layer writes and reads it. */
OrgdeskTokenStore *orgdesk_token_store_new           (const char          *endpoint,
                                                      const char          *client_id);
const char        *orgdesk_token_store_get_endpoint  (OrgdeskTokenStore   *self);
const char        *orgdesk_token_store_get_client_id (OrgdeskTokenStore   *self);
guint              orgdesk_token_store_get_timeout   (OrgdeskTokenStore   *self);
void               orgdesk_token_store_set_timeout   (OrgdeskTokenStore   *self,
                                                      guint                timeout_seconds);
void               orgdesk_token_store_save_async    (OrgdeskTokenStore   *self,
                                                      const char          *subject,
                                                      const char          *record,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           orgdesk_token_store_save_finish   (OrgdeskTokenStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void               orgdesk_token_store_load_async    (OrgdeskTokenStore   *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char              *orgdesk_token_store_load_finish   (OrgdeskTokenStore   *self,
                                                      GAsyncResult        *result,
                                                      char               **subject,
                                                      GError             **error);
void               orgdesk_token_store_clear_async   (OrgdeskTokenStore   *self,
                                                      const char          *subject,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           orgdesk_token_store_clear_finish  (OrgdeskTokenStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
