/* orgdesk-window.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "orgdesk-window.h"

struct _OrgdeskWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (OrgdeskWindow, orgdesk_window, ADW_TYPE_APPLICATION_WINDOW)

static void
orgdesk_window_class_init (OrgdeskWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/orgdesk/Orgdesk/orgdesk-window.ui");
}

static void
orgdesk_window_init (OrgdeskWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

OrgdeskWindow *
orgdesk_window_new (OrgdeskApplication *application)
{
  return g_object_new (ORGDESK_TYPE_WINDOW, "application", application, NULL);
}
