/* orgdesk-paged-model.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "orgdesk-page-source.h"
#include "orgdesk-paged-item.h"

G_BEGIN_DECLS

typedef enum
{
  ORGDESK_PAGED_MODEL_STATE_IDLE,
  ORGDESK_PAGED_MODEL_STATE_COUNTING,
  ORGDESK_PAGED_MODEL_STATE_READY,
  ORGDESK_PAGED_MODEL_STATE_ERROR,
} OrgdeskPagedModelState;

#define ORGDESK_TYPE_PAGED_MODEL_STATE (orgdesk_paged_model_state_get_type ())
GType orgdesk_paged_model_state_get_type (void);

#define ORGDESK_TYPE_PAGED_MODEL (orgdesk_paged_model_get_type ())

G_DECLARE_FINAL_TYPE (OrgdeskPagedModel, orgdesk_paged_model, ORGDESK, PAGED_MODEL, GObject)

#define ORGDESK_PAGED_MODEL_DEFAULT_PAGE_SIZE 100
#define ORGDESK_PAGED_MODEL_DEFAULT_MAX_PAGES 16

OrgdeskPagedModel      *orgdesk_paged_model_new              (OrgdeskPageSource *source,
                                                              guint              page_size);
void                    orgdesk_paged_model_load             (OrgdeskPagedModel *self);
void                    orgdesk_paged_model_cancel           (OrgdeskPagedModel *self);
OrgdeskPagedModelState  orgdesk_paged_model_get_state        (OrgdeskPagedModel *self);
const GError           *orgdesk_paged_model_get_error        (OrgdeskPagedModel *self);
guint                   orgdesk_paged_model_get_n_loaded_pages (OrgdeskPagedModel *self);

G_END_DECLS
