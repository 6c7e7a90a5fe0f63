/* keep-modules-loaded.c: an LD_PRELOAD shim for sanitizer test runs, dlclose () does nothing
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * LeakSanitizer looks for leaks at exit, after the modules loaded at run time
 * have been unloaded again.  Mesa's swrast_dri.so is one: libEGL_mesa loads it
 * when GDK opens its EGL display and dlclose ()s it when GDK closes the display.
 * On AMD Zen CPUs the driver keeps a block that only its own globals point to
 * (tests/lsan.supp says which).  Once the driver is unmapped, the block looks
 * leaked and its stack reads "(<unknown module>)", which no suppression can name.
 *
 * With dlclose () a no-op the module stays mapped until the process ends.  Its
 * globals are still roots for LeakSanitizer and its frames keep their names.
 * The shim is for tests only.  Sanitizer builds build it (tests/meson.build), and
 * tests/e2e/test-app.sh preloads it into the app alone, after the sanitizer
 * runtime.
 */

#define _POSIX_C_SOURCE 200112L /* unsetenv () under -std=c11 */

#include <stdlib.h>

int dlclose (void *handle);

int
dlclose (void *handle)
{
  (void) handle;
  return 0;
}

__attribute__ ((constructor)) static void
forget_preload (void)
{
  /* For the app alone: the browser it opens must not load the sanitizer runtime. */
  unsetenv ("LD_PRELOAD");
}
