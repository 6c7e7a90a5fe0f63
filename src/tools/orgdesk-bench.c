/* orgdesk-bench.c: the numbers of the data layer's benchmark (issue 3)
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gprintf.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>

#include "orgdesk-bench-auth.h"
#include "orgdesk-bench-summary.h"
#include "orgdesk-database.h"
#include "orgdesk-paged-model.h"
#include "orgdesk-post-repository.h"
#include "orgdesk-post-source-private.h"
#include "orgdesk-session.h"
#include "orgdesk-test-logto.h"
#include "orgdesk-test-proxy.h"
#include "orgdesk-test-utils.h"

/*
 * Signs in as a user of the Logto stand-in through the headless browser (the
 * tests' code path), opens one OrgdeskDatabase (through a proxy that counts
 * round trips) and one OrgdeskPostRepository, and measures, with the
 * organizations given (build-aux/run-bench.sh seeds 1,000 / 100,000 /
 * 1,000,000 posts):
 *
 *   - switch → first page: orgdesk_session_set_active_organization_id(), a new
 *     source and OrgdeskPagedModel as the posts page makes them, load, until
 *     row 0's OrgdeskPagedItem:item is set.  Every transaction of the list
 *     carries the organization's database token (from the grant, which the
 *     session asks for the same token on the switch); the session's token's
 *     arrival is reported beside it;
 *   - round trips (client → server turns at the proxy) of the count and of one
 *     page, by OFFSET and by key;
 *   - the time to reach row 500,000 (OFFSET) and the page after it (keyset);
 *   - VmRSS before any model, after each organization's first page, and while
 *     touching pages spread over the largest organization;
 *   - orgdesk.authenticate(): uncached and cached, and a page load with it
 *     against the same page without a token, directly and through PgBouncer
 *     (orgdesk-bench-auth.c; last, on connections of its own, with the
 *     session's database tokens).
 *
 * It prints numbers and the goals beside them, never pass or fail.
 */

#define GOAL_SWITCH_P95_MS        16.0
#define GOAL_ROUND_TRIPS_PER_PAGE 1
#define SCROLL_TARGET_ROW         500000
#define WAIT_TIMEOUT_MS           120000
#define BASELINE_RUNS             50
#define AUTH_RUNS                 200   /* quick: 20 */
#define AUTH_FRESH_CONNECTIONS    20    /* quick: 5 */
#define AUTH_NEW_TOKENS           40    /* quick: 10 */
#define PAGE_SIZE                 ORGDESK_PAGED_MODEL_DEFAULT_PAGE_SIZE

typedef struct
{
  char     **organizations;
  char      *user;
  int        switches;
  int        repeats;
  int        spots;
  int        pages_per_spot;
  gboolean   quick;
  gboolean   no_proxy;
} Options;

typedef struct
{
  guint  n;
  double p50;
  double p95;
  double max;
} Summary;

typedef struct
{
  char   *id;
  guint   n_rows;
  GArray *switch_us;   /* gint64: switch → row 0 loaded */
  GArray *count_us;    /* gint64: switch → count arrived */
  GArray *page_us;     /* gint64: count arrived → row 0 loaded */
  GArray *token_us;    /* gint64: switch → the session's database token */
  gint64  first_visit_us;   /* the warm-up switch: cold caches, token not cached */
  gint64  first_token_us;
  gint64  first_page_rss_kb;
} Organization;

/* When the steps of one list load happened, and the proxy's turns by then. */
typedef struct
{
  gint64 counted_at;
  gint64 loaded_at;
  guint  turns_before;
  guint  turns_counted;
  guint  turns_loaded;
} LoadTimes;

/* Turns of one kind of load: the fewest and the most seen. */
typedef struct
{
  guint min;
  guint max;
  guint n;
} Turns;

typedef struct
{
  Options                options;

  OrgdeskTestProxy      *proxy;
  OrgdeskSession        *session;
  OrgdeskDatabase       *database;
  OrgdeskPostRepository *repository;
  GPtrArray             *organizations;   /* Organization */
  OrgdeskPagedModel     *model;           /* the list on screen, one at a time */
  LoadTimes             *load;            /* the load being watched */
  gint64                 token_at;

  GArray                *baseline_us;
  Turns                  baseline_turns;
  GArray                *all_switch_us;
  Turns                  count_turns;
  Turns                  first_page_turns;
  Turns                  switch_turns;
  Turns                  offset_turns;
  Turns                  keyset_turns;

  guint                  scroll_row;
  GArray                *offset_us;
  GArray                *keyset_us;

  gint64                 rss_before_kb;
  gint64                 rss_walk_start_kb;
  gint64                 rss_walk_half_kb;
  gint64                 rss_walk_end_kb;
  gint64                 rss_end_kb;
  guint                  walk_pages;
  guint                  walk_loaded_pages;
  GArray                *walk_us;

  OrgdeskBenchAuth      *auth;
  char                  *data_layer_error;   /* why sections 1-4 were not measured */
} Bench;

static void
die (const char *format,
     ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
die (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  g_printerr ("orgdesk-bench: ");
  g_vfprintf (stderr, format, args);
  g_printerr ("\n");
  va_end (args);
  exit (EXIT_FAILURE);
}

/* Numbers {{{ */

static GArray *
samples_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
samples_add (GArray *samples,
             gint64  value)
{
  g_array_append_val (samples, value);
}

/* In milliseconds, as this program prints them */
static Summary
summarize (GArray *samples)
{
  OrgdeskBenchSummary us = orgdesk_bench_summarize (samples);

  return (Summary) { us.n, us.p50 / 1000.0, us.p95 / 1000.0, us.max / 1000.0 };
}

static void
turns_add (Turns *turns,
           guint  value)
{
  turns->min = turns->n == 0 ? value : MIN (turns->min, value);
  turns->max = turns->n == 0 ? value : MAX (turns->max, value);
  turns->n++;
}

static char *
format_turns (Bench       *bench,
              const Turns *turns)
{
  if (bench->proxy == NULL || turns->n == 0)
    return g_strdup ("n/a");
  if (turns->min == turns->max)
    return g_strdup_printf ("%u", turns->min);
  return g_strdup_printf ("%u-%u", turns->min, turns->max);
}

/* 1234567 → "1,234,567" */
static char *
format_count (gint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, ABS (value));
  GString *out = g_string_new (value < 0 ? "-" : "");
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

static gint64
read_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;

  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10);
}

static guint
client_turns (Bench *bench)
{
  return bench->proxy != NULL ? orgdesk_test_proxy_get_client_turns (bench->proxy) : 0;
}

/* }}} */

/* Waiting on the main context {{{ */

typedef gboolean (*Condition) (gpointer data);

static void
on_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
wait_until (Condition   done,
            gpointer    data,
            const char *what)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_once (WAIT_TIMEOUT_MS, on_timeout_cb, &timed_out);

  while (!done (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    die ("Timed out after %d s waiting for %s", WAIT_TIMEOUT_MS / 1000, what);

  g_source_remove (timeout_id);
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static gboolean
session_settled (gpointer data)
{
  return !orgdesk_session_get_switching (ORGDESK_SESSION (data));
}

static gboolean
model_counted (gpointer data)
{
  return orgdesk_paged_model_get_state (ORGDESK_PAGED_MODEL (data)) != ORGDESK_PAGED_MODEL_STATE_COUNTING;
}

typedef struct
{
  OrgdeskPagedModel *model;
  gint64             loaded_at;
} RowWait;

static gboolean
row_arrived (gpointer data)
{
  RowWait *wait = data;

  return wait->loaded_at != 0 ||
         orgdesk_paged_model_get_state (wait->model) == ORGDESK_PAGED_MODEL_STATE_ERROR;
}

static void
on_item_notified_cb (OrgdeskPagedItem *holder,
                     GParamSpec       *pspec,
                     RowWait          *wait)
{
  if (orgdesk_paged_item_get_item (holder) != NULL && wait->loaded_at == 0)
    wait->loaded_at = g_get_monotonic_time ();
}

/* Asks for the row at @position as a list view would and waits until it is
 * there; returns the moment it arrived. */
static gint64
fetch_row (OrgdeskPagedModel *model,
           guint              position)
{
  g_autoptr(OrgdeskPagedItem) holder = NULL;
  RowWait wait = { model, 0 };
  gulong handler;

  holder = g_list_model_get_item (G_LIST_MODEL (model), position);
  if (holder == NULL)
    die ("The list has no row %u", position);

  if (orgdesk_paged_item_get_item (holder) != NULL)
    return g_get_monotonic_time ();

  handler = g_signal_connect (holder, "notify::item", G_CALLBACK (on_item_notified_cb), &wait);
  wait_until (row_arrived, &wait, "a page of posts");
  g_signal_handler_disconnect (holder, handler);

  if (wait.loaded_at == 0)
    die ("Loading row %u failed: %s", position, orgdesk_paged_model_get_error (model)->message);

  return wait.loaded_at;
}

/* }}} */

/* Setting up {{{ */

static void
on_switching_notified_cb (OrgdeskSession *session,
                          GParamSpec     *pspec,
                          Bench          *bench)
{
  if (!orgdesk_session_get_switching (session))
    bench->token_at = g_get_monotonic_time ();
}

static void
sign_in (Bench *bench)
{
  static const char * const database_scopes[] = { "data:read", "data:write", NULL };
  g_autoptr(OrgdeskLogtoClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  client = orgdesk_logto_client_new (g_getenv ("ORGDESK_TEST_LOGTO_ENDPOINT"), ORGDESK_TEST_CLIENT_ID);
  bench->session = orgdesk_session_new (client, NULL, ORGDESK_TEST_DATABASE_RESOURCE, database_scopes);
  orgdesk_test_use_browser_as (bench->options.user);

  orgdesk_session_sign_in_async (bench->session, NULL, NULL, orgdesk_test_store_result_cb, &result);
  wait_until (result_is_set, &result, "the sign-in in the headless browser");
  if (!orgdesk_session_sign_in_finish (bench->session, result, &error))
    die ("Signing in as %s failed: %s", bench->options.user, error->message);

  wait_until (session_settled, bench->session, "the first database token");
  g_signal_connect (bench->session, "notify::switching", G_CALLBACK (on_switching_notified_cb), bench);

  for (guint i = 0; i < bench->organizations->len; i++)
    {
      Organization *organization = g_ptr_array_index (bench->organizations, i);

      if (orgdesk_session_find_organization (bench->session, organization->id, NULL) == NULL)
        die ("%s is not a member of organization %s", bench->options.user, organization->id);
    }
}

/* The value of @keyword in @uri, or NULL. */
static char *
conninfo_get (const char *uri,
              const char *keyword)
{
  PQconninfoOption *options = PQconninfoParse (uri, NULL);
  char *value = NULL;

  for (PQconninfoOption *option = options; option != NULL && option->keyword != NULL; option++)
    if (g_str_equal (option->keyword, keyword))
      value = g_strdup (option->val);

  PQconninfoFree (options);
  return value;
}

static void
connect_database (Bench *bench)
{
  const char *uri = g_getenv ("ORGDESK_TEST_DATABASE_URI");
  g_autofree char *conninfo = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (bench->options.no_proxy)
    conninfo = g_strdup (uri);
  else
    {
      g_autofree char *host = conninfo_get (uri, "host");
      g_autofree char *port = conninfo_get (uri, "port");
      guint64 port_number = 5432;

      /* The proxy relays to the loopback address only. */
      if (g_strcmp0 (host, "127.0.0.1") != 0 && g_strcmp0 (host, "localhost") != 0)
        die ("The database is not on 127.0.0.1; use --no-proxy");
      if (port != NULL && !g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16, &port_number, NULL))
        die ("The database port is not a number");

      /* On a thread of its own: relaying on ours would add to what is measured */
      bench->proxy = orgdesk_test_proxy_new_in_thread ("127.0.0.1", (guint16) port_number, &error);
      if (bench->proxy == NULL)
        die ("Cannot start the counting proxy: %s", error->message);
      conninfo = orgdesk_test_proxy_dup_conninfo (bench->proxy, uri);
    }

  bench->database = orgdesk_database_new (conninfo);
  orgdesk_database_connect_async (bench->database, NULL, orgdesk_test_store_result_cb, &result);
  wait_until (result_is_set, &result, "the database connection");
  if (!orgdesk_database_connect_finish (bench->database, result, &error))
    die ("Cannot connect to the database: %s", error->message);

  bench->repository = orgdesk_post_repository_new (bench->database, bench->session);
}

/* }}} */

/* Measurements {{{ */

/* One transaction of nothing (BEGIN; SELECT 1; COMMIT): the floor under every load. */
static void
measure_baseline (Bench *bench,
                  guint  runs)
{
  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) results = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      guint turns = client_turns (bench);
      gint64 start = g_get_monotonic_time ();

      g_ptr_array_add (queries, orgdesk_query_new ("SELECT 1"));
      orgdesk_database_run_async (bench->database, queries, NULL, orgdesk_test_store_result_cb, &result);
      wait_until (result_is_set, &result, "SELECT 1");
      results = orgdesk_database_run_finish (bench->database, result, &error);
      if (results == NULL)
        die ("SELECT 1 failed: %s", error->message);

      samples_add (bench->baseline_us, g_get_monotonic_time () - start);
      turns_add (&bench->baseline_turns, client_turns (bench) - turns);
    }
}

static void
on_state_notified_cb (OrgdeskPagedModel *model,
                      GParamSpec        *pspec,
                      Bench             *bench)
{
  if (orgdesk_paged_model_get_state (model) == ORGDESK_PAGED_MODEL_STATE_COUNTING ||
      bench->load->counted_at != 0)
    return;

  bench->load->counted_at = g_get_monotonic_time ();
  bench->load->turns_counted = client_turns (bench);
}

/* The list of the active organization, made as the posts page makes it, with
 * its first row loaded; it becomes bench->model.  FALSE if it cannot even be
 * counted. */
static gboolean
open_list (Bench      *bench,
           LoadTimes  *times,
           GError    **error)
{
  g_autoptr(OrgdeskPageSource) source = NULL;
  gulong handler;

  source = orgdesk_post_repository_list (bench->repository, NULL, ORGDESK_POST_SORT_NEWEST, error);
  if (source == NULL)
    return FALSE;

  g_clear_object (&bench->model);
  bench->model = orgdesk_paged_model_new (source, 0);
  bench->load = times;
  handler = g_signal_connect (bench->model, "notify::state", G_CALLBACK (on_state_notified_cb), bench);
  orgdesk_paged_model_load (bench->model);
  wait_until (model_counted, bench->model, "the count of posts");
  g_signal_handler_disconnect (bench->model, handler);
  bench->load = NULL;

  if (orgdesk_paged_model_get_state (bench->model) == ORGDESK_PAGED_MODEL_STATE_ERROR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Counting the posts failed: %s",
                   orgdesk_paged_model_get_error (bench->model)->message);
      return FALSE;
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (bench->model)) == 0)
    times->loaded_at = times->counted_at;
  else
    times->loaded_at = fetch_row (bench->model, 0);
  times->turns_loaded = client_turns (bench);
  return TRUE;
}

static void
switch_to (Bench        *bench,
           Organization *organization,
           LoadTimes    *times)
{
  times->turns_before = client_turns (bench);
  if (!orgdesk_session_set_active_organization_id (bench->session, organization->id))
    die ("Cannot switch to %s", organization->id);
}

/* One switch as the window does it: the old list goes, the new one loads. */
static gboolean
measure_switch (Bench         *bench,
                Organization  *organization,
                gboolean       record,
                GError       **error)
{
  LoadTimes times = { 0 };
  gint64 start;

  bench->token_at = 0;
  start = g_get_monotonic_time ();
  g_clear_object (&bench->model);
  switch_to (bench, organization, &times);
  if (!open_list (bench, &times, error))
    return FALSE;

  /* The token request overlaps the load; let it end before the next switch. */
  wait_until (session_settled, bench->session, "the database token");
  organization->n_rows = g_list_model_get_n_items (G_LIST_MODEL (bench->model));

  if (!record)
    {
      organization->first_visit_us = times.loaded_at - start;
      organization->first_token_us = bench->token_at != 0 ? bench->token_at - start : -1;
      return TRUE;
    }

  samples_add (organization->switch_us, times.loaded_at - start);
  samples_add (organization->count_us, times.counted_at - start);
  samples_add (organization->page_us, times.loaded_at - times.counted_at);
  if (bench->token_at != 0)
    samples_add (organization->token_us, bench->token_at - start);
  samples_add (bench->all_switch_us, times.loaded_at - start);

  turns_add (&bench->count_turns, times.turns_counted - times.turns_before);
  turns_add (&bench->first_page_turns, times.turns_loaded - times.turns_counted);
  turns_add (&bench->switch_turns, times.turns_loaded - times.turns_before);
  return TRUE;
}

static Organization *
largest_organization (Bench *bench)
{
  Organization *largest = g_ptr_array_index (bench->organizations, 0);

  for (guint i = 1; i < bench->organizations->len; i++)
    {
      Organization *organization = g_ptr_array_index (bench->organizations, i);

      if (organization->n_rows > largest->n_rows)
        largest = organization;
    }

  return largest;
}

/* Opens the largest organization's list afresh (count and first page, not timed). */
static void
open_largest (Bench *bench)
{
  LoadTimes times = { 0 };
  g_autoptr(GError) error = NULL;

  switch_to (bench, largest_organization (bench), &times);
  wait_until (session_settled, bench->session, "the database token");
  if (!open_list (bench, &times, &error))
    die ("%s", error->message);
}

/* Far down at once (OFFSET: no loaded neighbour), then one page on (by key). */
static void
measure_scroll (Bench *bench)
{
  Organization *largest = largest_organization (bench);

  bench->scroll_row = SCROLL_TARGET_ROW;
  if (largest->n_rows < SCROLL_TARGET_ROW + 2 * PAGE_SIZE)
    bench->scroll_row = (largest->n_rows / 2) / PAGE_SIZE * PAGE_SIZE;

  for (int i = 0; i < bench->options.repeats; i++)
    {
      guint turns;
      gint64 start;

      open_largest (bench);

      turns = client_turns (bench);
      start = g_get_monotonic_time ();
      samples_add (bench->offset_us, fetch_row (bench->model, bench->scroll_row) - start);
      turns_add (&bench->offset_turns, client_turns (bench) - turns);

      turns = client_turns (bench);
      start = g_get_monotonic_time ();
      samples_add (bench->keyset_us, fetch_row (bench->model, bench->scroll_row + PAGE_SIZE) - start);
      turns_add (&bench->keyset_turns, client_turns (bench) - turns);
    }
}

/* Touches pages at spots spread over the largest list, a few consecutive pages
 * at each (as a user jumping and then scrolling would), one page at a time. */
static void
measure_memory_walk (Bench *bench)
{
  guint n_rows, n_pages, stride;
  guint touched = 0;

  open_largest (bench);
  bench->rss_walk_start_kb = read_rss_kb ();

  n_rows = g_list_model_get_n_items (G_LIST_MODEL (bench->model));
  n_pages = (n_rows + PAGE_SIZE - 1) / PAGE_SIZE;
  stride = MAX (1u, n_pages / (guint) bench->options.spots);

  for (int spot = 0; spot < bench->options.spots; spot++)
    for (int k = 0; k < bench->options.pages_per_spot; k++)
      {
        guint page = MIN (spot * stride + (guint) k, n_pages - 1);
        gint64 start = g_get_monotonic_time ();

        samples_add (bench->walk_us, fetch_row (bench->model, page * PAGE_SIZE) - start);
        if (++touched == (guint) (bench->options.spots * bench->options.pages_per_spot) / 2)
          bench->rss_walk_half_kb = read_rss_kb ();
      }

  bench->walk_pages = touched;
  bench->rss_walk_end_kb = read_rss_kb ();
  bench->walk_loaded_pages = orgdesk_paged_model_get_n_loaded_pages (bench->model);
}

/* For the authenticate measurements: the active organization's database token
 * and the statement of its list's first page, as the posts page sends it. */
static void
collect_page (Bench        *bench,
              Organization *organization)
{
  g_autoptr(OrgdeskPageSource) source = NULL;
  g_autoptr(OrgdeskQuery) query = NULL;
  g_autoptr(GError) error = NULL;
  OrgdeskTokenResponse *token = orgdesk_session_get_database_token (bench->session);

  if (token == NULL)
    die ("No database token for %s", organization->id);

  source = orgdesk_post_repository_list (bench->repository, NULL, ORGDESK_POST_SORT_NEWEST, &error);
  if (source == NULL)
    die ("Cannot list the posts: %s", error->message);

  query = _orgdesk_post_source_new_first_page_query (ORGDESK_POST_SOURCE (source), PAGE_SIZE);
  orgdesk_bench_auth_add_page (bench->auth, organization->id,
                               orgdesk_token_response_get_access_token (token), query);
}

static gboolean
is_bench_organization (Bench      *bench,
                       const char *id)
{
  for (guint i = 0; i < bench->organizations->len; i++)
    if (g_str_equal (((Organization *) g_ptr_array_index (bench->organizations, i))->id, id))
      return TRUE;

  return FALSE;
}

/* Database tokens for up to @wanted of the user's other organizations, from
 * the session's grant (the app's token path), for verifications that are new
 * to a backend. */
static void
collect_new_tokens (Bench *bench,
                    guint  wanted)
{
  GListModel *organizations = orgdesk_session_get_organizations (bench->session);
  OrgdeskGrant *grant = orgdesk_session_get_grant (bench->session);
  guint added = 0;

  for (guint i = 0; added < wanted && i < g_list_model_get_n_items (organizations); i++)
    {
      g_autoptr(OrgdeskOrganization) organization = g_list_model_get_item (organizations, i);
      const char *id = orgdesk_organization_get_id (organization);
      g_autoptr(OrgdeskTokenResponse) token = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      if (is_bench_organization (bench, id))
        continue;

      orgdesk_grant_request_token_async (grant, id, ORGDESK_TEST_DATABASE_RESOURCE, NULL,
                                         orgdesk_test_store_result_cb, &result);
      wait_until (result_is_set, &result, "a database token");
      token = orgdesk_grant_request_token_finish (grant, result, &error);
      if (token == NULL)
        die ("No database token for %s: %s", id, error->message);

      orgdesk_bench_auth_add_fresh_token (bench->auth, orgdesk_token_response_get_access_token (token));
      added++;
    }

  if (added < wanted)
    g_printerr ("orgdesk-bench: only %u other organizations for new tokens\n", added);
}

/* Directly as the app (not through the counting proxy) and through PgBouncer;
 * see orgdesk-bench-auth.c. */
static void
measure_authenticate (Bench *bench)
{
  collect_new_tokens (bench, bench->options.quick ? AUTH_NEW_TOKENS / 4 : AUTH_NEW_TOKENS);

  orgdesk_bench_auth_measure (bench->auth, "direct", "direct",
                              g_getenv ("ORGDESK_TEST_DATABASE_URI"),
                              g_getenv ("ORGDESK_TEST_DATABASE_OWNER_URI"), TRUE);
  orgdesk_bench_auth_measure (bench->auth, "pgbouncer", "PgBouncer (transaction pool)",
                              g_getenv ("ORGDESK_TEST_PGBOUNCER_URI"),
                              g_getenv ("ORGDESK_TEST_PGBOUNCER_OWNER_URI"), FALSE);
}

/* }}} */

/* Report {{{ */

static void
add_turns (JsonBuilder *builder,
           Bench       *bench,
           const char  *name,
           const Turns *turns)
{
  json_builder_set_member_name (builder, name);
  if (bench->proxy == NULL || turns->n == 0)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "min");
  json_builder_add_int_value (builder, turns->min);
  json_builder_set_member_name (builder, "max");
  json_builder_add_int_value (builder, turns->max);
  json_builder_end_object (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static char *
build_json (Bench *bench)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "benchmark");
  json_builder_add_string_value (builder, "orgdesk-bench");
  add_int (builder, "version", 1);
  json_builder_set_member_name (builder, "quick");
  json_builder_add_boolean_value (builder, bench->options.quick);
  json_builder_set_member_name (builder, "proxy");
  json_builder_add_boolean_value (builder, bench->proxy != NULL);
  add_int (builder, "page_size", PAGE_SIZE);
  add_int (builder, "max_pages", ORGDESK_PAGED_MODEL_DEFAULT_MAX_PAGES);
  json_builder_set_member_name (builder, "data_layer_error");
  if (bench->data_layer_error != NULL)
    json_builder_add_string_value (builder, bench->data_layer_error);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "goals");
  json_builder_begin_object (builder);
  add_int (builder, "switch_p95_us", (gint64) (GOAL_SWITCH_P95_MS * 1000));
  add_int (builder, "round_trips_per_page", GOAL_ROUND_TRIPS_PER_PAGE);
  json_builder_set_member_name (builder, "memory");
  json_builder_add_string_value (builder, "independent of organization size");
  json_builder_end_object (builder);

  orgdesk_bench_add_summary (builder, "baseline_transaction_us", bench->baseline_us);

  json_builder_set_member_name (builder, "organizations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < bench->organizations->len; i++)
    {
      Organization *organization = g_ptr_array_index (bench->organizations, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, organization->id);
      add_int (builder, "posts", organization->n_rows);
      orgdesk_bench_add_summary (builder, "switch_to_first_page_us", organization->switch_us);
      orgdesk_bench_add_summary (builder, "switch_to_count_us", organization->count_us);
      orgdesk_bench_add_summary (builder, "count_to_first_page_us", organization->page_us);
      orgdesk_bench_add_summary (builder, "switch_to_database_token_us", organization->token_us);
      add_int (builder, "first_visit_us", organization->first_visit_us);
      json_builder_set_member_name (builder, "first_visit_token_us");
      if (organization->first_token_us >= 0)
        json_builder_add_int_value (builder, organization->first_token_us);
      else
        json_builder_add_null_value (builder);
      add_int (builder, "rss_kb_after_first_page", organization->first_page_rss_kb);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  orgdesk_bench_add_summary (builder, "switch_to_first_page_us", bench->all_switch_us);

  json_builder_set_member_name (builder, "round_trips");
  json_builder_begin_object (builder);
  add_turns (builder, bench, "baseline_transaction", &bench->baseline_turns);
  add_turns (builder, bench, "count", &bench->count_turns);
  add_turns (builder, bench, "first_page_offset_0", &bench->first_page_turns);
  add_turns (builder, bench, "page_by_offset", &bench->offset_turns);
  add_turns (builder, bench, "page_by_key", &bench->keyset_turns);
  add_turns (builder, bench, "switch_to_first_page", &bench->switch_turns);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "scroll");
  json_builder_begin_object (builder);
  add_int (builder, "row", bench->scroll_row);
  orgdesk_bench_add_summary (builder, "offset_page_us", bench->offset_us);
  orgdesk_bench_add_summary (builder, "next_page_by_key_us", bench->keyset_us);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "memory_kb");
  json_builder_begin_object (builder);
  add_int (builder, "before_any_model", bench->rss_before_kb);
  add_int (builder, "walk_start", bench->rss_walk_start_kb);
  add_int (builder, "walk_half", bench->rss_walk_half_kb);
  add_int (builder, "walk_end", bench->rss_walk_end_kb);
  add_int (builder, "end", bench->rss_end_kb);
  add_int (builder, "walk_pages", bench->walk_pages);
  add_int (builder, "walk_loaded_pages", bench->walk_loaded_pages);
  json_builder_end_object (builder);
  orgdesk_bench_add_summary (builder, "walk_page_us", bench->walk_us);

  orgdesk_bench_auth_add_json (bench->auth, builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
print_switch_row (const char *label,
                  guint       n_rows,
                  GArray     *switch_us,
                  GArray     *count_us,
                  GArray     *page_us,
                  GArray     *token_us)
{
  g_autofree char *rows = n_rows > 0 ? format_count (n_rows) : g_strdup ("");
  Summary total = summarize (switch_us);

  g_print ("  %-24s %10s %4u %8.2f %8.2f %8.2f", label, rows, total.n, total.p50, total.p95, total.max);
  if (count_us != NULL)
    g_print (" %9.2f %9.2f %9.2f", summarize (count_us).p50, summarize (page_us).p50, summarize (token_us).p50);
  else
    g_print (" %9s %9s %9s", "", "", "");
  g_print ("   %s\n", total.p95 < GOAL_SWITCH_P95_MS ? "met" : "not met");
}

static void
print_rss (const char *label,
           gint64      rss_kb,
           gint64      base_kb)
{
  g_autofree char *rss = format_count (rss_kb);
  g_autofree char *delta = format_count (rss_kb - base_kb);

  g_print ("  %-52s %10s kB  %s%s kB\n", label, rss, rss_kb >= base_kb ? "+" : "", delta);
}

/* Sections 5 and 6 and the JSON line, which do not need the data layer. */
static void
print_authenticate_and_json (Bench *bench)
{
  g_autofree char *json = NULL;

  orgdesk_bench_auth_print (bench->auth);

  json = build_json (bench);
  g_print ("%s\n", json);
}

static void
print_report (Bench *bench)
{
  Summary baseline = summarize (bench->baseline_us);
  Summary offset = summarize (bench->offset_us);
  Summary keyset = summarize (bench->keyset_us);
  Summary walk = summarize (bench->walk_us);
  g_autofree char *scroll_row = format_count (bench->scroll_row);
  g_autofree char *scroll_label = g_strdup_printf ("row %s at once (OFFSET)", scroll_row);
  g_autofree char *baseline_turns = format_turns (bench, &bench->baseline_turns);
  g_autofree char *count_turns = format_turns (bench, &bench->count_turns);
  g_autofree char *first_page_turns = format_turns (bench, &bench->first_page_turns);
  g_autofree char *offset_turns = format_turns (bench, &bench->offset_turns);
  g_autofree char *keyset_turns = format_turns (bench, &bench->keyset_turns);
  g_autofree char *switch_turns = format_turns (bench, &bench->switch_turns);

  g_print ("\nOrgdesk data benchmark%s: PostgreSQL on 127.0.0.1%s, page size %d, at most %d pages kept\n",
           bench->options.quick ? " (quick)" : "",
           bench->proxy != NULL ? " through a turn-counting proxy" : "",
           PAGE_SIZE, ORGDESK_PAGED_MODEL_DEFAULT_MAX_PAGES);
  g_print ("Baseline: one empty transaction (BEGIN; SELECT 1; COMMIT) p50 %.2f ms, p95 %.2f ms, %s round trip(s)\n\n",
           baseline.p50, baseline.p95, baseline_turns);

  if (bench->data_layer_error != NULL)
    {
      g_print ("1.-4. Not measured: the app's data layer cannot read the posts:\n   %s\n\n",
               bench->data_layer_error);
      print_authenticate_and_json (bench);
      return;
    }

  g_print ("1. Switch -> first page in the model (ms; switches cycle through the organizations,\n"
           "   one warm-up round not counted; every load sends the organization's database token)\n");
  g_print ("  %-24s %10s %4s %8s %8s %8s %9s %9s %9s   %s\n", "organization", "posts", "n",
           "p50", "p95", "max", "count p50", "page p50", "token p50", "p95 < 16 ms");
  for (guint i = 0; i < bench->organizations->len; i++)
    {
      Organization *organization = g_ptr_array_index (bench->organizations, i);

      print_switch_row (organization->id, organization->n_rows, organization->switch_us,
                        organization->count_us, organization->page_us, organization->token_us);
    }
  print_switch_row ("all switches", 0, bench->all_switch_us, NULL, NULL, NULL);
  g_print ("  first visit (warm-up):");
  for (guint i = 0; i < bench->organizations->len; i++)
    {
      Organization *organization = g_ptr_array_index (bench->organizations, i);
      g_autofree char *rows = format_count (organization->n_rows);

      g_print ("%s %s posts %.2f ms", i > 0 ? "," : "", rows, organization->first_visit_us / 1000.0);
      if (organization->first_token_us >= 0)
        g_print (" (token %.2f ms)", organization->first_token_us / 1000.0);
      else
        g_print (" (already active)");
    }
  g_print ("\n");
  g_print ("  (count = switch -> count(*) arrived; page = count -> row 0 filled; token = switch ->\n"
           "   the session's organization token, cached by the grant after the first visit; on a\n"
           "   first visit the list's first transaction waits for that same token)\n\n");

  g_print ("2. Round trips (client -> server turns at the proxy)            goal: %d per page\n",
           GOAL_ROUND_TRIPS_PER_PAGE);
  g_print ("  %-52s %s\n", "count of the list (SELECT count(*))", count_turns);
  g_print ("  %-52s %s\n", "first page (OFFSET 0)", first_page_turns);
  g_print ("  %-52s %s\n", "a page by OFFSET (no loaded neighbour)", offset_turns);
  g_print ("  %-52s %s\n", "a page by key (after a loaded page)", keyset_turns);
  g_print ("  %-52s %s\n\n", "switch -> first page, in all", switch_turns);

  g_print ("3. Scroll in the largest organization (%u runs, ms)        p50      max\n", offset.n);
  g_print ("  %-52s %8.2f %8.2f\n", scroll_label, offset.p50, offset.max);
  g_print ("  %-52s %8.2f %8.2f\n\n", "the next page (keyset)", keyset.p50, keyset.max);

  g_print ("4. Resident memory (VmRSS)                     goal: independent of organization size\n");
  g_print ("  %-52s %10s    %s\n", "", "", "vs. before any model");
  print_rss ("before any model (signed in, connected)", bench->rss_before_kb, bench->rss_before_kb);
  for (guint i = 0; i < bench->organizations->len; i++)
    {
      Organization *organization = g_ptr_array_index (bench->organizations, i);
      g_autofree char *rows = format_count (organization->n_rows);
      g_autofree char *label = g_strdup_printf ("first page of %s posts", rows);

      print_rss (label, organization->first_page_rss_kb, bench->rss_before_kb);
    }
  {
    g_autofree char *half = g_strdup_printf ("walk: after %u of %u pages", bench->walk_pages / 2, bench->walk_pages);
    g_autofree char *end = g_strdup_printf ("walk: after %u pages (%u kept by the model)",
                                            bench->walk_pages, bench->walk_loaded_pages);

    print_rss ("walk: largest list open, first page loaded", bench->rss_walk_start_kb, bench->rss_before_kb);
    print_rss (half, bench->rss_walk_half_kb, bench->rss_before_kb);
    print_rss (end, bench->rss_walk_end_kb, bench->rss_before_kb);
  }
  print_rss ("after dropping the list", bench->rss_end_kb, bench->rss_before_kb);
  g_print ("  (walk pages: p50 %.2f ms, p95 %.2f ms, max %.2f ms each)\n\n", walk.p50, walk.p95, walk.max);

  print_authenticate_and_json (bench);
}

/* }}} */

static Organization *
organization_new (const char *id)
{
  Organization *organization = g_new0 (Organization, 1);

  organization->id = g_strdup (id);
  organization->switch_us = samples_new ();
  organization->count_us = samples_new ();
  organization->page_us = samples_new ();
  organization->token_us = samples_new ();
  return organization;
}

static void
organization_free (Organization *organization)
{
  g_free (organization->id);
  g_array_unref (organization->switch_us);
  g_array_unref (organization->count_us);
  g_array_unref (organization->page_us);
  g_array_unref (organization->token_us);
  g_free (organization);
}

static void
bench_clear (Bench *bench)
{
  g_clear_object (&bench->model);
  g_clear_object (&bench->repository);
  g_clear_object (&bench->database);
  g_clear_object (&bench->session);
  g_clear_object (&bench->proxy);
  g_clear_pointer (&bench->auth, orgdesk_bench_auth_free);
  g_clear_pointer (&bench->data_layer_error, g_free);
  g_clear_pointer (&bench->organizations, g_ptr_array_unref);
  g_clear_pointer (&bench->baseline_us, g_array_unref);
  g_clear_pointer (&bench->all_switch_us, g_array_unref);
  g_clear_pointer (&bench->offset_us, g_array_unref);
  g_clear_pointer (&bench->keyset_us, g_array_unref);
  g_clear_pointer (&bench->walk_us, g_array_unref);
  g_clear_pointer (&bench->options.organizations, g_strfreev);
  g_clear_pointer (&bench->options.user, g_free);
}

static void
parse_options (Bench  *bench,
               int    *argc,
               char ***argv)
{
  Options *options = &bench->options;
  const GOptionEntry entries[] = {
    { "organization", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &options->organizations,
      "An organization of the user (repeat; the largest is scrolled)", "ID" },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &options->user,
      "The stand-in user who signs in (default: dave)", "NAME" },
    { "switches", 0, 0, G_OPTION_ARG_INT, &options->switches,
      "Organization switches to time (default: 150, quick: 30)", "N" },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &options->repeats,
      "Runs of the scroll measurement (default: 5, quick: 2)", "N" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &options->quick,
      "Fewer samples and a shorter memory walk, for CI", NULL },
    { "no-proxy", 0, 0, G_OPTION_ARG_NONE, &options->no_proxy,
      "Connect directly; round trips are not counted", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context,
    "Measures organization switches, round trips, deep scrolling and memory of the\n"
    "posts list against the services of tests/with-services.sh (see build-aux/run-bench.sh).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    die ("%s", error->message);

  if (options->organizations == NULL || options->organizations[0] == NULL)
    die ("Give at least one --organization");
  if (options->user == NULL)
    options->user = g_strdup ("dave");
  if (options->switches <= 0)
    options->switches = options->quick ? 30 : 150;
  if (options->repeats <= 0)
    options->repeats = options->quick ? 2 : 5;
  options->spots = options->quick ? 4 : 20;
  options->pages_per_spot = options->quick ? 5 : 10;
}

int
main (int   argc,
      char *argv[])
{
  const char * const services[] = {
    "ORGDESK_TEST_LOGTO_ENDPOINT", "ORGDESK_TEST_DATABASE_URI",
    "ORGDESK_TEST_SRCDIR", "ORGDESK_TEST_SERVICES_DIR",
  };
  Bench bench = { 0 };
  guint n_organizations;
  int status;

  parse_options (&bench, &argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    if (g_getenv (services[i]) == NULL)
      die ("%s is not set: run me through build-aux/run-bench.sh (or tests/with-services.sh)", services[i]);

  bench.organizations = g_ptr_array_new_with_free_func ((GDestroyNotify) organization_free);
  for (guint i = 0; bench.options.organizations[i] != NULL; i++)
    g_ptr_array_add (bench.organizations, organization_new (bench.options.organizations[i]));
  n_organizations = bench.organizations->len;
  bench.baseline_us = samples_new ();
  bench.all_switch_us = samples_new ();
  bench.offset_us = samples_new ();
  bench.keyset_us = samples_new ();
  bench.walk_us = samples_new ();
  bench.auth = orgdesk_bench_auth_new (bench.options.quick ? AUTH_RUNS / 10 : AUTH_RUNS,
                                       bench.options.quick ? AUTH_FRESH_CONNECTIONS / 4 : AUTH_FRESH_CONNECTIONS);

  g_printerr ("orgdesk-bench: signing in as %s...\n", bench.options.user);
  sign_in (&bench);
  connect_database (&bench);
  measure_baseline (&bench, bench.options.quick ? 10 : BASELINE_RUNS);
  bench.rss_before_kb = read_rss_kb ();

  /* Warm-up round, not counted: each organization's first list, and its memory. */
  g_printerr ("orgdesk-bench: first pages...\n");
  for (guint i = 0; i < n_organizations; i++)
    {
      Organization *organization = g_ptr_array_index (bench.organizations, i);
      g_autoptr(GError) error = NULL;

      if (!measure_switch (&bench, organization, FALSE, &error))
        {
          /* The app's data layer cannot read (as between migration 0006 and the
           * app's switch to authenticate()): what does not depend on it still
           * gets measured. */
          if (i > 0)
            die ("%s", error->message);
          bench.data_layer_error = g_strdup (error->message);
          g_printerr ("orgdesk-bench: the data layer cannot read the posts (%s); "
                      "measuring orgdesk.authenticate only\n", error->message);
          break;
        }
      organization->first_page_rss_kb = read_rss_kb ();
      collect_page (&bench, organization);
    }

  if (bench.data_layer_error == NULL)
    {
      g_printerr ("orgdesk-bench: %d switches...\n", bench.options.switches);
      for (int i = 0; i < bench.options.switches; i++)
        {
          g_autoptr(GError) error = NULL;

          if (!measure_switch (&bench, g_ptr_array_index (bench.organizations, i % n_organizations), TRUE, &error))
            die ("%s", error->message);
        }

      g_printerr ("orgdesk-bench: scrolling...\n");
      measure_scroll (&bench);

      g_printerr ("orgdesk-bench: memory walk...\n");
      measure_memory_walk (&bench);
      g_clear_object (&bench.model);
      bench.rss_end_kb = read_rss_kb ();
    }
  else
    {
      for (guint i = 0; i < n_organizations; i++)
        {
          LoadTimes times = { 0 };
          Organization *organization = g_ptr_array_index (bench.organizations, i);

          switch_to (&bench, organization, &times);
          wait_until (session_settled, bench.session, "the database token");
          collect_page (&bench, organization);
        }
    }

  g_printerr ("orgdesk-bench: orgdesk.authenticate...\n");
  measure_authenticate (&bench);

  print_report (&bench);
  status = bench.data_layer_error == NULL ? EXIT_SUCCESS : EXIT_FAILURE;
  bench_clear (&bench);

  return status;
}
