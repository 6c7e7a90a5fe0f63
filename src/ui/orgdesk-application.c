/* orgdesk-application.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-application.h"
#include "orgdesk-window.h"

struct _OrgdeskApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (OrgdeskApplication, orgdesk_application, ADW_TYPE_APPLICATION)

static void
orgdesk_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (orgdesk_window_new (ORGDESK_APPLICATION (app)));

  gtk_window_present (window);
}

static void
orgdesk_application_class_init (OrgdeskApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = orgdesk_application_activate;
}

static void
orgdesk_application_init (OrgdeskApplication *self)
{
}

OrgdeskApplication *
orgdesk_application_new (void)
{
  return g_object_new (ORGDESK_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/orgdesk/Orgdesk",
                       NULL);
}
