/* orgdesk-bench-auth.c: orgdesk-bench's measurements of orgdesk.authenticate()
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "orgdesk-bench"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "orgdesk-bench-auth.h"
#include "orgdesk-bench-summary.h"
#include "orgdesk-secret-memory.h"

/*
 * What orgdesk.authenticate() (the orgdesk_auth extension) costs, measured on
 * connections of our own, apart from OrgdeskDatabase and the repositories, so
 * that the numbers do not depend on what the app sends.  Each path (direct to
 * PostgreSQL, or through PgBouncer in transaction pooling mode) gets:
 *
 *   - an empty transaction (BEGIN; SELECT 1; COMMIT), the floor;
 *   - authenticate(token) in BEGIN; SELECT …; COMMIT, timed two ways at once:
 *     on the client, the pipelined transaction's round trip (sent in one go
 *     as the app sends it, until the sync's result is in), and on the server,
 *     clock_timestamp() read just before and just after the call in the same
 *     SELECT (a target list is evaluated in order), which leaves out the
 *     network, parsing and planning.  The same SELECT returns
 *     pg_backend_pid(), so every sample is filed by what that backend had
 *     seen before: its first verification (the configuration and keys are read
 *     from their tables, then the signature is checked), a token new to a warm
 *     backend (the signature check), or a token it has verified before (the
 *     SHA-256 lookup).  Through PgBouncer a client's next transaction may run
 *     on another server connection; filing by pid keeps the kinds apart.  New
 *     tokens are the user's database tokens of organizations the bench does
 *     not otherwise use, each sent once per path; first verifications come
 *     from fresh connections (directly only: PgBouncer hands a new client one
 *     of the server connections it keeps), each timed from its first statement,
 *     never the connect;
 *   - the posts page's first page (the statement OrgdeskPostSource sends,
 *     parameters included) after authenticate(), as orgdesk_app, against the
 *     same statement after orgdesk.assume_context(user, organization) as the
 *     owner: the same policies (row-level security is forced, so it binds the
 *     owner too, and assume_context() sets the context the policies read), the
 *     same plan and the same rows (checked), only without a token.  The app
 *     role without a context would see no rows, and a context set any other
 *     way does not exist any more.  It is not quite the same work, though:
 *     organization_authors (behind the users policy of the page's join) has
 *     row-level security enabled but not forced, so for its owner the planner
 *     leaves out that table's policy and its three InitPlans, which the app
 *     role plans and runs.  So a third load, the owner's page after
 *     authenticate(), is the same-role, same-plan comparison: owner with the
 *     token minus owner without it is what the token costs a page, and the
 *     goal is judged on it; the app's page minus the baseline adds the role's
 *     part.  Each is one pipelined transaction; rounds cycle through their
 *     six orders, after one untimed round; differences are taken within a round
 *     (paired), so the machine's drift cancels out.  The token is then cached,
 *     as for every page the app loads after its first.
 *
 * Never prints a token.  Uses blocking libpq: a benchmark has no window to
 * keep responsive, and nothing else runs on these connections.
 */

#define TIMED_AUTHENTICATE_SQL \
  "SELECT (EXTRACT (epoch FROM pg_catalog.clock_timestamp ()) * 1000000)::bigint," \
  "       orgdesk.authenticate ($1)," \
  "       (EXTRACT (epoch FROM pg_catalog.clock_timestamp ()) * 1000000)::bigint," \
  "       pg_catalog.pg_backend_pid ()"
#define AUTHENTICATE_SQL   "SELECT orgdesk.authenticate ($1)"
#define ASSUME_CONTEXT_SQL "SELECT orgdesk.assume_context ($1, $2)"
#define EMPTY_SQL          "SELECT 1"
#define COUNT_POSTS_SQL \
  "SELECT coalesce ((SELECT posts FROM orgdesk.organization_post_counts" \
  "                  WHERE logto_organization_id = $1), 0)"

typedef enum
{
  KIND_FIRST_IN_BACKEND,
  KIND_NEW_TOKEN,
  KIND_CACHED,
  N_KINDS
} Kind;

static const char * const kind_names[N_KINDS] = {
  [KIND_FIRST_IN_BACKEND] = "first_in_backend",
  [KIND_NEW_TOKEN] = "uncached",
  [KIND_CACHED] = "cached",
};

static const char * const kind_labels[N_KINDS] = {
  [KIND_FIRST_IN_BACKEND] = "uncached, a backend's first",
  [KIND_NEW_TOKEN] = "uncached, new token",
  [KIND_CACHED] = "cached (same token again)",
};

typedef struct
{
  char         *organization_id;
  guint         n_posts;
  guint         token;        /* index in tokens */
  OrgdeskQuery *query;
} Page;

typedef struct
{
  GArray *authenticated_us;         /* orgdesk_app, authenticate() */
  GArray *baseline_us;              /* the owner, assume_context() */
  GArray *owner_authenticated_us;   /* the owner, authenticate() */
  GArray *added_us;                 /* authenticated - baseline, of one round */
  GArray *token_us;                 /* owner authenticated - baseline, of one round */
  guint   rows;
} PageTimes;

typedef struct
{
  char       *name;
  char       *label;
  char       *error;
  gboolean    fresh_backends;
  GArray     *empty_us;
  GArray     *client_us[N_KINDS];
  GArray     *server_us[N_KINDS];
  PageTimes  *pages;          /* one per Page */
  guint       n_pages;
  GHashTable *warm_backends;  /* pid → pid: backends with a verification */
  GHashTable *seen;           /* "pid/token" → itself */
  char       *user_id;        /* the tokens' sub */
} Path;

struct _OrgdeskBenchAuth
{
  guint      runs;
  guint      fresh_connections;
  GPtrArray *tokens;   /* char *: the pages' tokens, then the fresh ones */
  GArray    *pages;    /* Page */
  GPtrArray *paths;    /* Path */
};

typedef struct
{
  const char         *sql;
  int                 n_params;
  const char * const *params;
} Statement;

typedef OrgdeskBenchSummary Summary;

/* Numbers {{{ */

static GArray *
samples_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (gint64));
}

static Summary
summarize (GArray *samples)
{
  return orgdesk_bench_summarize (samples);
}

/* (a / b) in thousandths, rounded; 0 without samples. */
static gint64
per_mille (gint64 a,
           gint64 b)
{
  if (b <= 0)
    return 0;
  return (a * 2000 + (a >= 0 ? b : -b)) / (2 * b);
}

/* }}} */

/* libpq {{{ */

/* The primary message of @result (never DETAIL: it may quote values) or else
 * the connection's, on one line. */
static char *
describe_error (PGconn   *conn,
                PGresult *result)
{
  const char *primary = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *message = g_strdup (primary != NULL ? primary : PQerrorMessage (conn));

  g_strstrip (g_strdelimit (message, "\n", ' '));
  if (sqlstate != NULL)
    return g_strdup_printf ("%s (SQLSTATE %s)", *message != '\0' ? message : "error", sqlstate);
  if (*message == '\0')
    return g_strdup ("unknown error");
  return g_steal_pointer (&message);
}

static PGconn *
open_connection (const char  *uri,
                 char       **error)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK || !PQenterPipelineMode (conn))
    {
      g_autofree char *reason = describe_error (conn, NULL);

      *error = g_strdup_printf ("cannot connect: %s", reason);
      PQfinish (conn);
      return NULL;
    }

  return conn;
}

/*
 * Sends BEGIN, @statements and COMMIT in one pipeline with one sync (one round
 * trip, as OrgdeskDatabase sends a transaction) and reads every result.
 * @elapsed_us: from the first send to the sync's result.  @kept: the rows of
 * @statements[@keep], for the caller to PQclear().  On a failure: FALSE and
 * @error (the server's first error); the connection is then unusable here.
 */
static gboolean
run_transaction (PGconn           *conn,
                 const Statement  *statements,
                 guint             n_statements,
                 guint             keep,
                 PGresult        **kept,
                 gint64           *elapsed_us,
                 char            **error)
{
  gboolean sent;
  gint64 start;

  g_assert (kept == NULL || keep < n_statements);

  if (kept != NULL)
    *kept = NULL;

  start = g_get_monotonic_time ();
  sent = PQsendQueryParams (conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
  for (guint i = 0; sent && i < n_statements; i++)
    sent = PQsendQueryParams (conn, statements[i].sql, statements[i].n_params, NULL,
                              statements[i].params, NULL, NULL, 0);
  sent = sent && PQsendQueryParams (conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
  /* PostgreSQL 15's PQpipelineSync() also flushes */
  if (!sent || !PQpipelineSync (conn))
    {
      *error = describe_error (conn, NULL);
      return FALSE;
    }

  /* BEGIN, the statements, COMMIT: each ends with a NULL; then the sync. */
  for (guint i = 0; i < n_statements + 2; i++)
    {
      PGresult *result;

      while ((result = PQgetResult (conn)) != NULL)
        {
          ExecStatusType status = PQresultStatus (result);

          if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
              status != PGRES_PIPELINE_ABORTED && *error == NULL)
            *error = describe_error (conn, result);

          if (kept != NULL && i == keep + 1 && status == PGRES_TUPLES_OK && *kept == NULL)
            *kept = result;
          else
            PQclear (result);
        }

      if (PQstatus (conn) == CONNECTION_BAD)
        break;
    }

  {
    PGresult *sync = PQgetResult (conn);
    gboolean synced = sync != NULL && PQresultStatus (sync) == PGRES_PIPELINE_SYNC;

    PQclear (sync);
    *elapsed_us = g_get_monotonic_time () - start;
    if (!synced && *error == NULL)
      *error = describe_error (conn, NULL);
  }

  if (*error != NULL && kept != NULL)
    g_clear_pointer (kept, PQclear);
  return *error == NULL;
}

/* }}} */

/* Measuring one path {{{ */

static gint64
value_int64 (PGresult *result,
             int       column)
{
  return g_ascii_strtoll (PQgetvalue (result, 0, column), NULL, 10);
}

/* Which kind of verification a backend does for @token, and remembers it. */
static Kind
file_sample (Path  *path,
             gint64 pid,
             guint  token)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%u", pid, token);
  gpointer pid_key = GSIZE_TO_POINTER ((gsize) pid);
  Kind kind;

  if (!g_hash_table_contains (path->warm_backends, pid_key))
    kind = KIND_FIRST_IN_BACKEND;
  else if (!g_hash_table_contains (path->seen, key))
    kind = KIND_NEW_TOKEN;
  else
    kind = KIND_CACHED;

  g_hash_table_add (path->warm_backends, pid_key);
  g_hash_table_add (path->seen, g_steal_pointer (&key));
  return kind;
}

/* BEGIN; SELECT <clock>, orgdesk.authenticate(token), <clock>, pid; COMMIT,
 * filed by kind; @record FALSE for a warm-up that is only filed as seen. */
static gboolean
authenticate_timed (OrgdeskBenchAuth *self,
                    Path             *path,
                    PGconn           *conn,
                    guint             token,
                    gboolean          record)
{
  const char *params[] = { g_ptr_array_index (self->tokens, token) };
  const Statement statement = { TIMED_AUTHENTICATE_SQL, 1, params };
  PGresult *result = NULL;
  gint64 elapsed_us;
  Kind kind;

  if (!run_transaction (conn, &statement, 1, 0, &result, &elapsed_us, &path->error))
    return FALSE;

  if (PQntuples (result) != 1 || PQgetisnull (result, 0, 1))
    {
      path->error = g_strdup ("orgdesk.authenticate() returned no user");
      PQclear (result);
      return FALSE;
    }

  if (path->user_id == NULL)
    path->user_id = g_strdup (PQgetvalue (result, 0, 1));

  kind = file_sample (path, value_int64 (result, 3), token);
  if (record)
    {
      gint64 server_us = value_int64 (result, 2) - value_int64 (result, 0);

      g_array_append_val (path->client_us[kind], elapsed_us);
      g_array_append_val (path->server_us[kind], server_us);
    }

  PQclear (result);
  return TRUE;
}

static gboolean
measure_empty (OrgdeskBenchAuth *self,
               Path             *path,
               PGconn           *conn)
{
  const Statement statement = { EMPTY_SQL, 0, NULL };

  for (guint i = 0; i <= self->runs; i++)
    {
      gint64 elapsed_us;

      if (!run_transaction (conn, &statement, 1, 0, NULL, &elapsed_us, &path->error))
        return FALSE;
      if (i > 0)   /* the first is a warm-up */
        g_array_append_val (path->empty_us, elapsed_us);
    }

  return TRUE;
}

/* One page load; returns the page's rows in @rows. */
static gboolean
load_page (Path            *path,
           PGconn          *conn,
           const Statement *context,
           const Page      *page,
           gint64          *elapsed_us,
           guint           *rows)
{
  const Statement statements[] = {
    *context,
    {
      orgdesk_query_get_sql (page->query),
      (int) orgdesk_query_get_n_params (page->query),
      orgdesk_query_get_params (page->query),
    },
  };
  PGresult *result = NULL;

  if (!run_transaction (conn, statements, G_N_ELEMENTS (statements), 1, &result, elapsed_us, &path->error))
    return FALSE;

  *rows = result != NULL ? (guint) PQntuples (result) : 0;
  PQclear (result);
  return TRUE;
}

/* The page loads of one page: the app's, the baseline, and in between the
 * owner with the token, which tells the token's cost from the role's. */
typedef enum
{
  VARIANT_AUTHENTICATED,
  VARIANT_BASELINE,
  VARIANT_OWNER_AUTHENTICATED,
  N_VARIANTS
} Variant;

/* How many posts the page's organization has, as the owner sees it. */
static gboolean
count_posts (Path   *path,
             PGconn *owner,
             Page   *page)
{
  const char *context_params[] = { path->user_id, page->organization_id };
  const char *count_params[] = { page->organization_id };
  const Statement statements[] = {
    { ASSUME_CONTEXT_SQL, 2, context_params },
    { COUNT_POSTS_SQL, 1, count_params },
  };
  PGresult *result = NULL;
  gint64 elapsed_us;

  if (!run_transaction (owner, statements, G_N_ELEMENTS (statements), 1, &result, &elapsed_us, &path->error))
    return FALSE;

  page->n_posts = (guint) value_int64 (result, 0);
  PQclear (result);
  return TRUE;
}

static gboolean
measure_pages (OrgdeskBenchAuth *self,
               Path             *path,
               PGconn           *app,
               PGconn           *owner)
{
  static const guint orders[][N_VARIANTS] = {
    { 0, 1, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 0, 2, 1 }, { 2, 1, 0 }, { 1, 0, 2 },
  };

  for (guint p = 0; p < self->pages->len; p++)
    if (!count_posts (path, owner, &g_array_index (self->pages, Page, p)))
      return FALSE;

  for (guint p = 0; p < self->pages->len; p++)
    {
      const Page *page = &g_array_index (self->pages, Page, p);
      PageTimes *times = &path->pages[p];
      const char *token_params[] = { g_ptr_array_index (self->tokens, page->token) };
      const char *context_params[] = { path->user_id, page->organization_id };
      const Statement authenticate = { AUTHENTICATE_SQL, 1, token_params };
      const Statement assume = { ASSUME_CONTEXT_SQL, 2, context_params };
      struct
      {
        PGconn          *conn;
        const Statement *context;
        GArray          *samples;
      } variants[N_VARIANTS] = {
        [VARIANT_AUTHENTICATED] = { app, &authenticate, times->authenticated_us },
        [VARIANT_BASELINE] = { owner, &assume, times->baseline_us },
        [VARIANT_OWNER_AUTHENTICATED] = { owner, &authenticate, times->owner_authenticated_us },
      };

      for (guint i = 0; i <= self->runs; i++)
        {
          guint rows[N_VARIANTS] = { 0 };
          gint64 round_us[N_VARIANTS] = { 0 };

          /* Every order in turn, so that none runs more often first, or
           * straight after another on the same backend (a warmer cache) */
          for (guint k = 0; k < N_VARIANTS; k++)
            {
              guint v = orders[i % G_N_ELEMENTS (orders)][k];
              gint64 elapsed_us;

              if (!load_page (path, variants[v].conn, variants[v].context, page, &elapsed_us, &rows[v]))
                return FALSE;
              if (i > 0)   /* the first round is a warm-up */
                g_array_append_val (variants[v].samples, elapsed_us);
              round_us[v] = elapsed_us;
            }

          /* Paired: the machine's drift between rounds cancels out */
          if (i > 0)
            {
              gint64 added_us = round_us[VARIANT_AUTHENTICATED] - round_us[VARIANT_BASELINE];
              gint64 token_us = round_us[VARIANT_OWNER_AUTHENTICATED] - round_us[VARIANT_BASELINE];

              g_array_append_val (times->added_us, added_us);
              g_array_append_val (times->token_us, token_us);
            }

          if (rows[VARIANT_AUTHENTICATED] != rows[VARIANT_BASELINE] ||
              rows[VARIANT_OWNER_AUTHENTICATED] != rows[VARIANT_BASELINE])
            {
              path->error = g_strdup_printf ("the page of %s has %u rows after authenticate() but %u after "
                                             "assume_context(): not the same statement",
                                             page->organization_id, rows[VARIANT_AUTHENTICATED],
                                             rows[VARIANT_BASELINE]);
              return FALSE;
            }
          times->rows = rows[VARIANT_BASELINE];
        }
    }

  return TRUE;
}

static gboolean
measure_path (OrgdeskBenchAuth *self,
              Path             *path,
              const char       *app_uri,
              const char       *owner_uri)
{
  PGconn *app = NULL, *owner = NULL;
  gboolean ok;

  g_assert (self->pages->len > 0);

  app = open_connection (app_uri, &path->error);
  ok = app != NULL && measure_empty (self, path, app);

  /* The first page's token: the backend's first verification, and the user */
  ok = ok && authenticate_timed (self, path, app, 0, TRUE);

  /* The fresh tokens, each new to the backend(s) */
  for (guint t = self->pages->len; ok && t < self->tokens->len; t++)
    ok = authenticate_timed (self, path, app, t, TRUE);

  /* The first token again and again */
  for (guint i = 0; ok && i < self->runs; i++)
    ok = authenticate_timed (self, path, app, 0, TRUE);

  /* Fresh backends, each timed from its first statement */
  for (guint i = 0; ok && path->fresh_backends && i < self->fresh_connections; i++)
    {
      PGconn *fresh = open_connection (app_uri, &path->error);

      ok = fresh != NULL && authenticate_timed (self, path, fresh, i % self->pages->len, TRUE);
      PQfinish (fresh);
    }

  if (ok)
    owner = open_connection (owner_uri, &path->error);
  ok = ok && owner != NULL && measure_pages (self, path, app, owner);

  PQfinish (owner);
  PQfinish (app);
  return ok;
}

/* }}} */

/* Report {{{ */

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_path_json (OrgdeskBenchAuth *self,
               Path             *path,
               JsonBuilder      *builder)
{
  json_builder_set_member_name (builder, path->name);
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "error");
  if (path->error != NULL)
    json_builder_add_string_value (builder, path->error);
  else
    json_builder_add_null_value (builder);

  orgdesk_bench_add_summary (builder, "empty_transaction_us", path->empty_us);
  for (guint k = 0; k < N_KINDS; k++)
    {
      g_autofree char *client = g_strdup_printf ("%s_us", kind_names[k]);
      g_autofree char *server = g_strdup_printf ("%s_server_us", kind_names[k]);

      orgdesk_bench_add_summary (builder, client, path->client_us[k]);
      orgdesk_bench_add_summary (builder, server, path->server_us[k]);
    }

  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  for (guint p = 0; p < self->pages->len; p++)
    {
      const Page *page = &g_array_index (self->pages, Page, p);
      PageTimes *times = &path->pages[p];
      Summary authenticated = summarize (times->authenticated_us);
      Summary baseline = summarize (times->baseline_us);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, page->organization_id);
      add_int (builder, "posts", page->n_posts);
      add_int (builder, "rows", times->rows);
      orgdesk_bench_add_summary (builder, "authenticated_us", times->authenticated_us);
      orgdesk_bench_add_summary (builder, "baseline_us", times->baseline_us);
      orgdesk_bench_add_summary (builder, "owner_authenticated_us", times->owner_authenticated_us);
      orgdesk_bench_add_summary (builder, "added_us", times->added_us);
      orgdesk_bench_add_summary (builder, "token_us", times->token_us);
      add_int (builder, "ratio_p50_per_mille", per_mille (authenticated.p50, baseline.p50));
      add_int (builder, "added_p50_per_mille", per_mille (summarize (times->added_us).p50, baseline.p50));
      add_int (builder, "token_p50_per_mille", per_mille (summarize (times->token_us).p50, baseline.p50));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

/* "p50 / p95" of @samples in µs, or blanks. */
static char *
format_us (GArray *samples)
{
  Summary summary = summarize (samples);

  if (summary.n == 0)
    return g_strdup_printf ("%17s", "-");
  return g_strdup_printf ("%7" G_GINT64_FORMAT " / %7" G_GINT64_FORMAT, summary.p50, summary.p95);
}

static const char *
goal_text (gboolean met)
{
  return met ? "met" : "not met";
}

/* 1234567 → "1,234,567" */
static char *
format_count (guint value)
{
  g_autofree char *digits = g_strdup_printf ("%u", value);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

/* "+1.2 %" */
static char *
format_share (gint64 thousandths)
{
  return g_strdup_printf ("%+.1f %%", thousandths / 10.0);
}

/* }}} */

static void
page_clear (Page *page)
{
  g_free (page->organization_id);
  g_clear_object (&page->query);
}

static void
path_free (Path *path)
{
  for (guint k = 0; k < N_KINDS; k++)
    {
      g_array_unref (path->client_us[k]);
      g_array_unref (path->server_us[k]);
    }
  g_free (path->name);
  g_free (path->label);
  g_free (path->error);
  g_free (path->user_id);
  g_array_unref (path->empty_us);
  g_hash_table_unref (path->warm_backends);
  g_hash_table_unref (path->seen);
  for (guint p = 0; p < path->n_pages; p++)
    {
      g_array_unref (path->pages[p].authenticated_us);
      g_array_unref (path->pages[p].baseline_us);
      g_array_unref (path->pages[p].owner_authenticated_us);
      g_array_unref (path->pages[p].added_us);
      g_array_unref (path->pages[p].token_us);
    }
  g_free (path->pages);
  g_free (path);
}

/**
 * orgdesk_bench_auth_new:
 * @runs: timed runs of each repeated measurement
 * @fresh_connections: fresh connections for a backend's first verification
 *   (on paths that give a fresh backend per connection)
 */
OrgdeskBenchAuth *
orgdesk_bench_auth_new (guint runs,
                        guint fresh_connections)
{
  OrgdeskBenchAuth *self = g_new0 (OrgdeskBenchAuth, 1);

  self->runs = MAX (runs, 1u);
  self->fresh_connections = fresh_connections;
  self->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) orgdesk_secret_free);
  self->pages = g_array_new (FALSE, TRUE, sizeof (Page));
  g_array_set_clear_func (self->pages, (GDestroyNotify) page_clear);
  self->paths = g_ptr_array_new_with_free_func ((GDestroyNotify) path_free);
  return self;
}

/**
 * orgdesk_bench_auth_add_page:
 * @organization_id: the organization
 * @token: its database token (copied)
 * @page_query: the first page of its posts as the app queries it
 *
 * Pages must be added before fresh tokens.
 */
void
orgdesk_bench_auth_add_page (OrgdeskBenchAuth *self,
                             const char       *organization_id,
                             const char       *token,
                             OrgdeskQuery     *page_query)
{
  Page page = { 0 };

  g_return_if_fail (self != NULL);
  g_return_if_fail (organization_id != NULL && token != NULL);
  g_return_if_fail (ORGDESK_IS_QUERY (page_query));
  g_return_if_fail (self->tokens->len == self->pages->len);

  page.organization_id = g_strdup (organization_id);
  page.token = self->tokens->len;
  page.query = g_object_ref (page_query);
  g_ptr_array_add (self->tokens, g_strdup (token));
  g_array_append_val (self->pages, page);
}

/* A token of the same user for another organization, verified once per path. */
void
orgdesk_bench_auth_add_fresh_token (OrgdeskBenchAuth *self,
                                    const char       *token)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (token != NULL);

  g_ptr_array_add (self->tokens, g_strdup (token));
}

/**
 * orgdesk_bench_auth_measure:
 * @name: the path's key in the JSON ("direct", "pgbouncer")
 * @label: the path in the table
 * @app_uri: the database as orgdesk_app
 * @owner_uri: the same database as its owner, the same way
 * @fresh_backends: whether a new connection is a new backend (not so
 *   through a pooler)
 *
 * Measures one path; a failure is recorded and reported, not fatal.
 */
void
orgdesk_bench_auth_measure (OrgdeskBenchAuth *self,
                            const char       *name,
                            const char       *label,
                            const char       *app_uri,
                            const char       *owner_uri,
                            gboolean          fresh_backends)
{
  Path *path;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && label != NULL);

  path = g_new0 (Path, 1);
  path->name = g_strdup (name);
  path->label = g_strdup (label);
  path->fresh_backends = fresh_backends;
  path->empty_us = samples_new ();
  for (guint k = 0; k < N_KINDS; k++)
    {
      path->client_us[k] = samples_new ();
      path->server_us[k] = samples_new ();
    }
  path->pages = g_new0 (PageTimes, self->pages->len);
  path->n_pages = self->pages->len;
  for (guint p = 0; p < self->pages->len; p++)
    {
      path->pages[p].authenticated_us = samples_new ();
      path->pages[p].baseline_us = samples_new ();
      path->pages[p].owner_authenticated_us = samples_new ();
      path->pages[p].added_us = samples_new ();
      path->pages[p].token_us = samples_new ();
    }
  path->warm_backends = g_hash_table_new (NULL, NULL);
  path->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_ptr_array_add (self->paths, path);

  if (app_uri == NULL || owner_uri == NULL)
    path->error = g_strdup ("no URI for it");
  else if (self->pages->len == 0)
    path->error = g_strdup ("no organization");
  else
    measure_path (self, path, app_uri, owner_uri);

  if (path->error != NULL)
    g_printerr ("orgdesk-bench: authenticate, %s: %s\n", label, path->error);
}

void
orgdesk_bench_auth_print (OrgdeskBenchAuth *self)
{
  g_return_if_fail (self != NULL);

  g_print ("5. orgdesk.authenticate(token) (us, p50 / p95; client = the pipelined BEGIN; SELECT ...; COMMIT\n"
           "   round trip, server = clock_timestamp() either side of the call in the same SELECT)\n");
  g_print ("  %-28s %-28s %4s %17s %17s   %s\n", "", "", "n", "client", "server", "server p50 <= 1 ms");
  for (guint i = 0; i < self->paths->len; i++)
    {
      Path *path = g_ptr_array_index (self->paths, i);
      g_autofree char *empty = format_us (path->empty_us);

      if (path->error != NULL)
        g_print ("  %-28s not measured: %s\n", path->label, path->error);
      g_print ("  %-28s %-28s %4u %s %17s\n", path->label, "empty transaction (floor)",
               path->empty_us->len, empty, "");
      for (guint k = 0; k < N_KINDS; k++)
        {
          g_autofree char *client = format_us (path->client_us[k]);
          g_autofree char *server = format_us (path->server_us[k]);
          Summary summary = summarize (path->server_us[k]);

          g_print ("  %-28s %-28s %4u %s %s   %s\n", "", kind_labels[k], summary.n, client, server,
                   k == KIND_CACHED || summary.n == 0 ? ""
                     : goal_text (summary.p50 <= ORGDESK_BENCH_AUTH_GOAL_UNCACHED_US));
        }
    }
  g_print ("  (a backend's first verification also reads the configuration and the keys; a new\n"
           "   token is a signature check; a cached one a SHA-256 lookup.  Through PgBouncer a new\n"
           "   client gets a server connection it already has, so only its first use is a first)\n\n");

  g_print ("6. Authenticated page load against the same page without a token (us, p50 / p95)\n"
           "   authenticated: BEGIN; SELECT orgdesk.authenticate($1); <first page>; COMMIT as orgdesk_app\n"
           "   baseline:      BEGIN; SELECT orgdesk.assume_context($1, $2); <first page>; COMMIT as the owner\n"
           "   owner+token:   the baseline with authenticate($1) instead of assume_context()\n");
  g_print ("  %-28s %-22s %9s %4s %17s %17s %8s %6s %8s %8s %8s  %s\n", "", "organization", "posts", "n",
           "authenticated", "baseline", "owner+tk", "ratio", "added", "token", "cached", "token <= 5 %");
  for (guint i = 0; i < self->paths->len; i++)
    {
      Path *path = g_ptr_array_index (self->paths, i);
      Summary cached = summarize (path->server_us[KIND_CACHED]);

      for (guint p = 0; p < self->pages->len; p++)
        {
          const Page *page = &g_array_index (self->pages, Page, p);
          PageTimes *times = &path->pages[p];
          Summary authenticated = summarize (times->authenticated_us);
          Summary baseline = summarize (times->baseline_us);
          Summary owner_authenticated = summarize (times->owner_authenticated_us);
          g_autofree char *authenticated_text = format_us (times->authenticated_us);
          g_autofree char *baseline_text = format_us (times->baseline_us);
          gint64 added = per_mille (summarize (times->added_us).p50, baseline.p50);
          gint64 token = per_mille (summarize (times->token_us).p50, baseline.p50);
          g_autofree char *added_text = format_share (added);
          g_autofree char *token_text = format_share (token);
          g_autofree char *cached_text = format_share (per_mille (cached.p50, baseline.p50));
          g_autofree char *posts = format_count (page->n_posts);

          if (baseline.n == 0)
            continue;
          g_print ("  %-28s %-22s %9s %4u %s %s %8" G_GINT64_FORMAT " %6.3f %8s %8s %8s  %s\n",
                   p == 0 ? path->label : "", page->organization_id, posts, authenticated.n,
                   authenticated_text, baseline_text, owner_authenticated.p50,
                   authenticated.p50 / (double) baseline.p50, added_text, token_text, cached_text,
                   goal_text (token <= ORGDESK_BENCH_AUTH_GOAL_CACHED_PER_MILLE));
        }
    }
  g_print ("  (ratio = authenticated p50 / baseline p50.  Shares of the baseline p50, each the p50 of a\n"
           "   difference within one round: added = authenticated - baseline, what the app pays;\n"
           "   token = owner+token - baseline, the token alone with the same role and plan, judged\n"
           "   against the goal (the owner's plan skips organization_authors' policy, whose row-level\n"
           "   security is not forced); cached = the cached verification's server time in 5.)\n\n");
}

void
orgdesk_bench_auth_add_json (OrgdeskBenchAuth *self,
                             JsonBuilder      *builder)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, "authenticate");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "timing");
  json_builder_add_string_value (builder,
    "client: pipelined BEGIN; SELECT ...; COMMIT round trip; "
    "server: clock_timestamp() either side of orgdesk.authenticate() in the same SELECT");
  json_builder_set_member_name (builder, "baseline");
  json_builder_add_string_value (builder,
    "the same first page after orgdesk.assume_context(user, organization) as the owner");
  json_builder_set_member_name (builder, "goals");
  json_builder_begin_object (builder);
  add_int (builder, "uncached_us", ORGDESK_BENCH_AUTH_GOAL_UNCACHED_US);
  add_int (builder, "cached_per_mille_of_page", ORGDESK_BENCH_AUTH_GOAL_CACHED_PER_MILLE);
  json_builder_end_object (builder);
  add_int (builder, "runs", self->runs);
  add_int (builder, "new_tokens", self->tokens->len - self->pages->len);

  for (guint i = 0; i < self->paths->len; i++)
    add_path_json (self, g_ptr_array_index (self->paths, i), builder);

  json_builder_end_object (builder);
}

void
orgdesk_bench_auth_free (OrgdeskBenchAuth *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->paths);
  g_array_unref (self->pages);
  g_ptr_array_unref (self->tokens);
  g_free (self);
}
