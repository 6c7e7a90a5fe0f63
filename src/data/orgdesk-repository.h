/* orgdesk-repository.h
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "orgdesk-database.h"
#include "orgdesk-session.h"

G_BEGIN_DECLS

#define ORGDESK_TYPE_REPOSITORY (orgdesk_repository_get_type ())

G_DECLARE_DERIVABLE_TYPE (OrgdeskRepository, orgdesk_repository, ORGDESK, REPOSITORY, GObject)

struct _OrgdeskRepositoryClass
{
  GObjectClass parent_class;

  /*< private >*/
  gpointer padding[4];
};

OrgdeskSession  *orgdesk_repository_get_session  (OrgdeskRepository *self);
OrgdeskDatabase *orgdesk_repository_get_database (OrgdeskRepository *self);

G_END_DECLS
