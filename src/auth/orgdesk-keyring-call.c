/* orgdesk-keyring-call.c
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-auth"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "orgdesk-keyring-call.h"

struct _OrgdeskKeyringCall
{
  /* Cancelled by the caller's cancellable or by the timeout, whichever is first */
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *timeout_source;
  guint         timeout_seconds;
  gboolean      timed_out;
};

static void
on_caller_cancelled_cb (GCancellable *caller_cancellable,
                        GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  OrgdeskKeyringCall *self = user_data;

  self->timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

/**
 * orgdesk_keyring_call_new:
 * @cancellable: (nullable): the caller's #GCancellable
 * @timeout_seconds: how long the keyring may take; 0 for no limit of our own
 *
 * Starts the timeout in the thread-default main context, the one a #GTask made
 * just before calls back in.
 *
 * Returns: (transfer full): the call, to free with orgdesk_keyring_call_free()
 */
OrgdeskKeyringCall *
orgdesk_keyring_call_new (GCancellable *cancellable,
                          guint         timeout_seconds)
{
  OrgdeskKeyringCall *self;

  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (timeout_seconds <= G_MAXUINT / 1000, NULL);

  self = g_new0 (OrgdeskKeyringCall, 1);
  self->cancellable = g_cancellable_new ();
  self->timeout_seconds = timeout_seconds;

  /* Our own cancellable, not the caller's: the timeout must not cancel the caller's */
  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb),
                                                    g_object_ref (self->cancellable), g_object_unref);
    }

  if (timeout_seconds > 0)
    {
      self->timeout_source = g_timeout_source_new_seconds (timeout_seconds);
      g_source_set_callback (self->timeout_source, on_timeout_cb, self, NULL);
      g_source_set_static_name (self->timeout_source, "[orgdesk] keyring call timeout");
      g_source_attach (self->timeout_source, g_main_context_get_thread_default ());
    }

  return self;
}

/**
 * orgdesk_keyring_call_get_cancellable:
 * @self: a #OrgdeskKeyringCall
 *
 * Returns: (transfer none): the cancellable to give libsecret
 */
GCancellable *
orgdesk_keyring_call_get_cancellable (OrgdeskKeyringCall *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->cancellable;
}

/**
 * orgdesk_keyring_call_timed_out:
 * @self: a #OrgdeskKeyringCall
 *
 * Returns: whether the timeout, not the caller, cancelled the call
 */
gboolean
orgdesk_keyring_call_timed_out (OrgdeskKeyringCall *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->timed_out;
}

/**
 * orgdesk_keyring_call_stop_timeout:
 * @self: a #OrgdeskKeyringCall
 *
 * The keyring answered: the timeout no longer applies.
 */
void
orgdesk_keyring_call_stop_timeout (OrgdeskKeyringCall *self)
{
  g_return_if_fail (self != NULL);

  if (self->timeout_source != NULL)
    g_source_destroy (self->timeout_source);
  g_clear_pointer (&self->timeout_source, g_source_unref);
}

/**
 * orgdesk_keyring_call_take_error:
 * @self: a #OrgdeskKeyringCall
 * @error: (transfer full): the error the call failed with
 *
 * Stops the timeout.  A timed-out call fails in libsecret as merely cancelled, so
 * then @error is replaced by a %G_IO_ERROR_TIMED_OUT one saying how long the
 * keyring was given.
 *
 * %G_IO_ERROR_WRONG_ETAG comes from libsecret's file backend (the keyring of a
 * Flatpak sandbox): before 0.21.1 it reads its keyring file once and refuses to
 * write it back after another process changed it.  Then libsecret's backend is
 * dropped, so the next call reads the file again.
 *
 * Returns: (transfer full): @error, or the timeout's error
 */
GError *
orgdesk_keyring_call_take_error (OrgdeskKeyringCall *self,
                                 GError             *error)
{
  g_return_val_if_fail (self != NULL, error);
  g_return_val_if_fail (error != NULL, NULL);

  orgdesk_keyring_call_stop_timeout (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG))
    {
      g_debug ("The keyring file was changed by another process; reading it again next time");
      /* Also drops the cached backend (secret-service.c, service_uncache_instance) */
      secret_service_disconnect ();
    }
  if (!self->timed_out)
    return error;

  g_error_free (error);
  return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                      /* Translators: %u is a number of seconds */
                      ngettext ("The keyring did not answer within %u second",
                                "The keyring did not answer within %u seconds",
                                self->timeout_seconds),
                      self->timeout_seconds);
}

/**
 * orgdesk_keyring_call_free:
 * @self: (nullable): a #OrgdeskKeyringCall
 *
 * Stops the timeout and lets go of the caller's cancellable.
 */
void
orgdesk_keyring_call_free (OrgdeskKeyringCall *self)
{
  if (self == NULL)
    return;

  orgdesk_keyring_call_stop_timeout (self);
  if (self->caller_cancellable != NULL)
    g_cancellable_disconnect (self->caller_cancellable, self->caller_handler);
  g_clear_object (&self->caller_cancellable);
  g_clear_object (&self->cancellable);
  g_free (self);
}
