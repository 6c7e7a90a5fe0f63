/* orgdesk-bench-summary.h: p50/p95/max of timing samples, for orgdesk-bench
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Of samples in whole microseconds; all zero for none */
typedef struct
{
  guint  n;
  gint64 p50;
  gint64 p95;
  gint64 max;
} OrgdeskBenchSummary;

OrgdeskBenchSummary orgdesk_bench_summarize   (GArray      *samples);
void                orgdesk_bench_add_summary (JsonBuilder *builder,
                                               const char  *name,
                                               GArray      *samples);

G_END_DECLS
