/* orgdesk-bench-summary.c: p50/p95/max of timing samples, for orgdesk-bench
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "orgdesk-bench-summary.h"

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least @percent % of them at or below it. */
static gint64
percentile (GArray *sorted,
            guint   percent)
{
  guint rank = MAX (1u, (percent * sorted->len + 99) / 100);

  return g_array_index (sorted, gint64, rank - 1);
}

/**
 * orgdesk_bench_summarize:
 * @samples: (element-type gint64): microseconds, in any order (left as they are)
 *
 * Returns: how many, their p50, p95 (nearest rank) and maximum
 */
OrgdeskBenchSummary
orgdesk_bench_summarize (GArray *samples)
{
  g_autoptr(GArray) sorted = NULL;
  OrgdeskBenchSummary summary = { 0 };

  if (samples->len == 0)
    return summary;

  sorted = g_array_sized_new (FALSE, FALSE, sizeof (gint64), samples->len);
  g_array_append_vals (sorted, samples->data, samples->len);
  g_array_sort (sorted, compare_int64);

  summary.n = sorted->len;
  summary.p50 = percentile (sorted, 50);
  summary.p95 = percentile (sorted, 95);
  summary.max = g_array_index (sorted, gint64, sorted->len - 1);
  return summary;
}

/**
 * orgdesk_bench_add_summary:
 *
 * Adds `"<name>": {"n", "p50", "p95", "max"}` of @samples to the object being
 * built, in whole microseconds: exact, and no binary fractions in the JSON.
 */
void
orgdesk_bench_add_summary (JsonBuilder *builder,
                           const char  *name,
                           GArray      *samples)
{
  OrgdeskBenchSummary summary = orgdesk_bench_summarize (samples);

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "n");
  json_builder_add_int_value (builder, summary.n);
  json_builder_set_member_name (builder, "p50");
  json_builder_add_int_value (builder, summary.p50);
  json_builder_set_member_name (builder, "p95");
  json_builder_add_int_value (builder, summary.p95);
  json_builder_set_member_name (builder, "max");
  json_builder_add_int_value (builder, summary.max);
  json_builder_end_object (builder);
}
