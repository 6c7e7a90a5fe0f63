/* portal-secret-delay.c: a Secret portal backend for tests/keyring-sandbox.sh that
 * hands each request on to gnome-keyring's and answers half a second after it does
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsecret before 0.21.4 (Debian 12 has 0.20.5) subscribes to the portal's
 * Response signal only after RetrieveSecret has returned, so a Response that comes
 * quickly is lost and the first keyring call waits forever (libsecret issue 58,
 * fixed by commit 311ca72 "file-backend: Subscribe before calling dbus").  The key
 * still comes from gnome-keyring; this only gives 0.20 time to listen.
 *
 * Usage: portal-secret-delay BUS-NAME (on the session bus, until it closes)
 */

#include "config.h"

#include <gio/gio.h>

#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define SECRET_IMPL "org.freedesktop.impl.portal.Secret"
#define DELAY_MS 500

static const char introspection[] =
  "<node><interface name='" SECRET_IMPL "'>"
  "<method name='RetrieveSecret'>"
  "<arg type='o' name='handle' direction='in'/><arg type='s' name='app_id' direction='in'/>"
  "<arg type='h' name='fd' direction='in'/><arg type='a{sv}' name='options' direction='in'/>"
  "<arg type='u' name='response' direction='out'/><arg type='a{sv}' name='results' direction='out'/>"
  "</method>"
  "<property name='version' type='u' access='read'/>"
  "</interface></node>";

typedef struct
{
  GDBusMethodInvocation *invocation;
  GVariant              *reply;
  GError                *error;
} Pending;

static gboolean
on_delay_cb (gpointer user_data)
{
  Pending *pending = user_data;

  if (pending->error != NULL)
    g_dbus_method_invocation_take_error (pending->invocation, pending->error);
  else
    g_dbus_method_invocation_return_value (pending->invocation, pending->reply);
  g_clear_pointer (&pending->reply, g_variant_unref);
  g_free (pending);

  return G_SOURCE_REMOVE;
}

static void
on_forwarded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;

  pending->reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL,
                                                                    result, &pending->error);
  g_timeout_add (DELAY_MS, on_delay_cb, pending);
}

static void
on_method_call_cb (GDBusConnection       *connection,
                   const char            *sender,
                   const char            *object_path,
                   const char            *interface_name,
                   const char            *method_name,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  Pending *pending = g_new0 (Pending, 1);

  pending->invocation = invocation;
  /* gnome-keyring serves the same interface and path under org.freedesktop.secrets */
  g_dbus_connection_call_with_unix_fd_list (connection, "org.freedesktop.secrets", PORTAL_PATH,
                                            SECRET_IMPL, method_name, parameters,
                                            G_VARIANT_TYPE ("(ua{sv})"), G_DBUS_CALL_FLAGS_NONE, -1,
                                            g_dbus_message_get_unix_fd_list (message), NULL,
                                            on_forwarded_cb, pending);
}

static GVariant *
on_get_property_cb (GDBusConnection  *connection,
                    const char       *sender,
                    const char       *object_path,
                    const char       *interface_name,
                    const char       *property_name,
                    GError          **error,
                    gpointer          user_data)
{
  return g_variant_new_uint32 (1);
}

int
main (int   argc,
      char *argv[])
{
  static const GDBusInterfaceVTable vtable = { on_method_call_cb, on_get_property_cb, NULL, };
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s BUS-NAME\n", argv[0]);
      return 2;
    }

  info = g_dbus_node_info_new_for_xml (introspection, &error);
  g_assert_no_error (error);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return 1;
    }
  g_dbus_connection_register_object (bus, PORTAL_PATH, info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", argv[1], 0x4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (reply == NULL)
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return 1;
    }

  /* Runs until the bus goes away: GDBus then exits the process */
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);

  return 0;
}
