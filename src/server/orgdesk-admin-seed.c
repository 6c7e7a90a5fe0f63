/* orgdesk-admin-seed.c: demo data and large generated organizations.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeding goes through the same row-level security as the app: posts and
 * comments are forced under RLS for their owner too, so every transaction
 * here first sets its context with orgdesk.assume_context (an organization,
 * or a user for the users table), the owner's stand-in for the token the app
 * sends.  No SECURITY DEFINER helper and no BYPASSRLS role are needed, and a
 * seeding bug cannot write a row into an organization other than the one in
 * its context.
 */

#define G_LOG_DOMAIN "orgdesk-admin"

#include "config.h"

#include <unistd.h>

#include "orgdesk-admin-seed.h"

/* The Logto stand-in's users (tests/logto-stand-in/fixtures.json). */
typedef enum { ALICE, BOB, CAROL, DAVE, N_DEMO_USERS } DemoUserIndex;

typedef struct
{
  const char *logto_id;
  const char *name;
  const char *email;
} DemoUser;

static const DemoUser demo_users[N_DEMO_USERS] = {
  [ALICE] = { "l8za4p7ilvu0", "Alice Example", "alice@example.test" },
  [BOB] = { "a8snlyt6gjl4", "Bob Example", "bob@example.test" },
  [CAROL] = { "j4r33fvfau4t", "Carol Example", "carol@example.test" },
  [DAVE] = { "5z57v8iqr65z", "Dave Example", "dave@example.test" },
};

typedef struct
{
  const char    *id;
  const char    *name;
  DemoUserIndex  member;   /* each stand-in organization has one member */
} DemoOrganization;

/* The stand-in's organizations, in fixture order; each has one member there. */
static const DemoOrganization demo_organizations[] = {
  { "i65bwzbgujz5kyen4maur", "Acme Corporation", ALICE },
  { "xa3knl44y26xdj523l1m1", "Globex", ALICE },
  { "spc3ekzs4qh3objiqoqdg", "Initech", BOB },
  { "dx3ytuh7r728lqm0kqatt", "Northwind Traders", DAVE },
  { "5hpvewu9z2ha5oxp3yec4", "Contoso", DAVE },
  { "du2xk72t1nm5b3gmd5sbv", "Fabrikam", DAVE },
  { "xvykwdru4dgwd2gjrjram", "Tailspin Toys", DAVE },
  { "khyhubs7j5i12zfkeabr4", "Wide World Importers", DAVE },
  { "wy2y3bxpverp8lmtdmbjn", "Adventure Works", DAVE },
  { "xd5ekvup2e7bvsb6aje2u", "Litware", DAVE },
  { "4sb43ib065om91ml8yemm", "Proseware", DAVE },
  { "757gj0ghur0uh10hana6z", "Woodgrove Bank", DAVE },
  { "o7hcemhzu6sql3w1cyg3z", "Coho Winery", DAVE },
  { "cn5p2z0k2zqz7ogk7ecdg", "Lucerne Publishing", DAVE },
  { "3jyimihys740kj0qb5g4l", "Margie's Travel", DAVE },
  { "bg1dnq93vach6nhab8bes", "Fourth Coffee", DAVE },
  { "wqnsvcj6lwbvy73yoezd3", "Alpine Ski House", DAVE },
  { "c7d7jyb3jct56hrk463fp", "Blue Yonder Airlines", DAVE },
  { "wro1bd5q01q2t3v5ddrmc", "City Power & Light", DAVE },
  { "wbn8n7xpr1jbjn5lvyi2r", "Graphic Design Institute", DAVE },
  { "rjsfh17tagby1gyb5rjm1", "Humongous Insurance", DAVE },
  { "bea22lk7ph9m3ffhtbw4u", "Trey Research", DAVE },
  { "n52xxqju7ms67g70g88ui", "Wingtip Toys", DAVE },
  { "o8havccs4mfa834ozn1zm", "Southridge Video", DAVE },
  { "0qh59jifh9p0jxdvfur9c", "VanArsdel", DAVE },
  { "8knm8f2w88rnz2n5bydg5", "Relecloud", DAVE },
  { "tlj7sttjsmja7ad729h6k", "Lamna Healthcare", DAVE },
  { "1zeqpu6g18m7ir3w6yozt", "Bellows College", DAVE },
  { "fivd76r7ugk2c0j17cbxq", "Best For You Organics", DAVE },
  { "asza5wn6uk86ya61vp49r", "Consolidated Messenger", DAVE },
  { "64ms2ewvkwz5arikx77u9", "A. Datum Corporation", DAVE },
  { "aal1kbci1213wqn2akiel", "Cyberdyne Systems", DAVE },
  { "clc40ioxasallfar081o2", "Tyrell Corporation", DAVE },
  { "d8dsnq8i8yv67jh0r7zk5", "Massive Dynamic", DAVE },
  { "5ag8zolyp5oppdy9z4e4k", "Dunder Mifflin", DAVE },
  { "3k10xv7l3nlx8xgp8kn2j", "Pied Piper", DAVE },
  { "8c9wnw04ouetthca7szxe", "Aperture Science", DAVE },
  { "25knpetpd05l4zzoxgwq6", "Black Mesa", DAVE },
  { "njfvhac9ydzunnnf1z2qn", "Weyland-Yutani", DAVE },
  { "wzvg02scqsoarkzbqstwh", "Prestige Worldwide", DAVE },
  { "t8t21s0br6mqet2v4fns0", "Bluth Company", DAVE },
  { "45i7kye1xjsgp1clc30bx", "Sterling Cooper", DAVE },
  { "7mpdnytcumhsa6lowc0v6", "Duff Brewing", DAVE },
  { "qzgbukfoi5h3p5cc2c04d", "Nakatomi Trading", DAVE },
  { "p1wcseufqtbdm81w0mrhm", "Spacely Sprockets", DAVE },
  { "v24lwihiu699np1cbhtqm", "Cogswell Cogs", DAVE },
  { "5dfiscux5ewd15c7owp88", "Wonka Industries", DAVE },
  { "l3fbuwccpvno78662d46r", "Paper Street Soap Company", DAVE },
  { "kbe5d7bjdcoqug9h6v58a", "Virtucon", DAVE },
  { "1671xpr2yyfw07yziulso", "Rekall", DAVE },
  { "5s5751eo59a39bful3tst", "Buy n Large", DAVE },
  { "yi5jdvvexxkojmftcwgg1", "Planet Express", DAVE },
  { "dvk353l4yifrkugyyfcsc", "Strickland Propane", DAVE },
  { "s538dc9mmboelu3ddueox", "Oceanic Airlines", DAVE },
  { "5t9708rbarjr2ebwnwcxg", "Yoyodyne Propulsion", DAVE },
  { "00lacsgx6qvtovxfni31s", "Zorg Industries", DAVE },
  { "h1wngkbsbnq6c4tti95ri", "Benthic Petroleum", DAVE },
  { "tr19afve95nucwino492p", "Gringotts Holdings", DAVE },
  { "hfonl8at4xmb6sek1nhn8", "Soylent Foods", DAVE },
  { "4zoycadxgz9a3nlrz665m", "Oscorp", DAVE },
  { "sntjxleetsy7xy4lfsfx1", "Stark Industries", DAVE },
  { "43lf83eee54558zkrsntc", "Wayne Enterprises", DAVE },
  { "ucnmkcp43b96o5gvoffhl", "Monarch Solutions", DAVE },
};

typedef struct
{
  const char *title;
  const char *body;
  const char *comments[3];
} DemoPost;

static const DemoPost demo_posts[] = {
  { "Welcome to the team workspace",
    "This is where we share updates, decisions and questions.\n\n"
    "Post anything the whole organization should know; keep private matters in direct messages.",
    { "Thanks for setting this up!", "Is there a place for meeting notes?", NULL } },
  { "Quarterly planning: draft agenda",
    "1. Review of last quarter's goals\n2. Budget\n3. Hiring\n4. Open questions\n\n"
    "Please add topics by Thursday.",
    { "Can we add the office move to item 4?", "Added. Thanks!", NULL } },
  { "Office closed on Friday",
    "The building's heating is being replaced. Everyone works from home on Friday.",
    { NULL } },
  { "New expense policy",
    "From next month, expenses over 500 € need a second approval. "
    "Receipts go in the shared folder, named by date.",
    { "Does this include travel booked before the change?", "No, only new bookings.",
      "Good to know, thanks." } },
  { "Customer feedback round-up",
    "Most requests this month: faster exports, a dark mode, and fewer e-mails. "
    "Details in the linked spreadsheet.",
    { "Dark mode is already on the roadmap.", NULL } },
  { "Release 2.3 is out",
    "Highlights: offline mode, search in attachments, and 40 bug fixes. "
    "Thanks to everyone who tested the previews!",
    { "Congratulations!", "Search is so much faster now.", NULL } },
  { "Onboarding checklist for new colleagues",
    "- Laptop and accounts\n- Intro meetings with each team\n- Read the handbook\n"
    "- Pick a buddy for the first month",
    { "I'd add: a walk through the on-call rota.", NULL } },
  { "Lunch & learn: what's new in PostgreSQL",
    "Wednesday 12:30 in the big meeting room, or join online. Pizza provided.",
    { "Will it be recorded?", "Yes, the link follows.", NULL } },
};

/* The three richest organizations of the stand-in get more posts to look at. */
#define N_FEATURED_ORGANIZATIONS 3

/* Upserts the demo users, each under its own user context; fills @user_ids. */
static gboolean
upsert_demo_users (PGconn  *conn,
                   char    *user_ids[N_DEMO_USERS],
                   GError **error)
{
  for (guint i = 0; i < N_DEMO_USERS; i++)
    {
      const char * const values[] = {
        demo_users[i].logto_id, demo_users[i].name, demo_users[i].email,
      };
      g_autoptr(PGresult) result = NULL;

      /* One identity per transaction: each user upserts their own row. */
      if (!orgdesk_admin_exec (conn, "BEGIN", error) ||
          !orgdesk_admin_assume_context (conn, demo_users[i].logto_id, NULL, error))
        return FALSE;

      result = orgdesk_admin_exec_params (conn,
                                          "INSERT INTO orgdesk.users (logto_id, name, email) "
                                          "VALUES ($1, $2, $3) "
                                          "ON CONFLICT (logto_id) DO UPDATE "
                                          "SET name = EXCLUDED.name, email = EXCLUDED.email "
                                          "RETURNING id",
                                          3, values, error);
      if (result == NULL || !orgdesk_admin_exec (conn, "COMMIT", error))
        return FALSE;

      user_ids[i] = g_strdup (PQgetvalue (result, 0, 0));
    }

  return TRUE;
}

/* Inserts one post and returns its id; @age_minutes places it in the past. */
static char *
insert_post (PGconn      *conn,
             const char  *organization_id,
             const char  *author_id,
             const char  *title,
             const char  *body,
             int          age_minutes,
             GError     **error)
{
  g_autofree char *age = g_strdup_printf ("%d", age_minutes);
  const char * const values[] = { organization_id, author_id, title, body, age };
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn,
                                      "INSERT INTO orgdesk.posts "
                                      "  (logto_organization_id, author_id, title, body, created_at, updated_at) "
                                      "VALUES ($1, $2, $3, $4, "
                                      "  pg_catalog.now () - pg_catalog.make_interval (mins => $5::int), "
                                      "  pg_catalog.now () - pg_catalog.make_interval (mins => $5::int)) "
                                      "RETURNING id",
                                      5, values, error);
  if (result == NULL)
    return NULL;

  return g_strdup (PQgetvalue (result, 0, 0));
}

static gboolean
insert_comment (PGconn      *conn,
                const char  *organization_id,
                const char  *post_id,
                const char  *author_id,
                const char  *body,
                int          age_minutes,
                GError     **error)
{
  g_autofree char *age = g_strdup_printf ("%d", age_minutes);
  const char * const values[] = { organization_id, post_id, author_id, body, age };
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn,
                                      "INSERT INTO orgdesk.comments "
                                      "  (logto_organization_id, post_id, author_id, body, created_at, updated_at) "
                                      "VALUES ($1, $2, $3, $4, "
                                      "  pg_catalog.now () - pg_catalog.make_interval (mins => $5::int), "
                                      "  pg_catalog.now () - pg_catalog.make_interval (mins => $5::int))",
                                      5, values, error);
  return result != NULL;
}

/* Whether the organization of the current context already has posts: the
 * demo seed leaves such an organization alone, so running it twice is safe. */
static gboolean
has_posts (PGconn   *conn,
           gboolean *out_has_posts,
           GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn,
                                      "SELECT EXISTS (SELECT 1 FROM orgdesk.posts)",
                                      0, NULL, error);
  if (result == NULL)
    return FALSE;

  *out_has_posts = g_str_equal (PQgetvalue (result, 0, 0), "t");
  return TRUE;
}

/* A few posts (all of them for the featured ones) with their comments, in the
 * organization of the current context.  Ages differ per organization so the
 * lists do not all look alike. */
static gboolean
seed_organization_posts (PGconn                 *conn,
                         guint                   index,
                         const DemoOrganization *organization,
                         const char             *author_id,
                         guint                  *n_posts,
                         guint                  *n_comments,
                         GError                **error)
{
  guint count = index < N_FEATURED_ORGANIZATIONS ? G_N_ELEMENTS (demo_posts) : 2 + index % 3;

  for (guint i = 0; i < count; i++)
    {
      const DemoPost *post = &demo_posts[(index + i) % G_N_ELEMENTS (demo_posts)];
      int age = (int) ((count - i) * 1440 + index * 37);
      g_autofree char *post_id = NULL;

      post_id = insert_post (conn, organization->id, author_id, post->title, post->body,
                             age, error);
      if (post_id == NULL)
        return FALSE;
      (*n_posts)++;

      for (guint c = 0; c < G_N_ELEMENTS (post->comments) && post->comments[c] != NULL; c++)
        {
          if (!insert_comment (conn, organization->id, post_id, author_id, post->comments[c],
                               age - 30 * (int) (c + 1), error))
            return FALSE;
          (*n_comments)++;
        }
    }

  return TRUE;
}

static gboolean
seed_organization (PGconn                 *conn,
                   guint                   index,
                   char                   *user_ids[N_DEMO_USERS],
                   GError                **error)
{
  const DemoOrganization *organization = &demo_organizations[index];
  guint n_posts = 0, n_comments = 0;
  gboolean exists = FALSE;

  if (!orgdesk_admin_exec (conn, "BEGIN", error) ||
      !orgdesk_admin_assume_context (conn, NULL, organization->id, error) ||
      !has_posts (conn, &exists, error))
    goto failed;

  if (!exists &&
      !seed_organization_posts (conn, index, organization, user_ids[organization->member],
                                &n_posts, &n_comments, error))
    goto failed;

  if (!orgdesk_admin_exec (conn, "COMMIT", error))
    goto failed;

  if (exists)
    g_print ("%s (%s): has posts already, left alone\n", organization->name, organization->id);
  else
    g_print ("%s (%s): %u posts, %u comments\n",
             organization->name, organization->id, n_posts, n_comments);
  return TRUE;

failed:
  orgdesk_admin_rollback (conn);
  g_prefix_error (error, "%s: ", organization->name);
  return FALSE;
}

/**
 * orgdesk_admin_seed_demo:
 *
 * Seeds the Logto stand-in's users and a few realistic posts and comments in
 * each of its organizations.  Idempotent: users are upserted, organizations
 * that have posts are skipped.
 */
gboolean
orgdesk_admin_seed_demo (PGconn  *conn,
                         GError **error)
{
  char *user_ids[N_DEMO_USERS] = { NULL, };
  gboolean ok = FALSE;

  g_return_val_if_fail (conn != NULL, FALSE);

  if (!upsert_demo_users (conn, user_ids, error))
    {
      orgdesk_admin_rollback (conn);
      g_prefix_error (error, "Users: ");
      goto out;
    }
  g_print ("%u users\n", (guint) N_DEMO_USERS);

  for (guint i = 0; i < G_N_ELEMENTS (demo_organizations); i++)
    if (!seed_organization (conn, i, user_ids, error))
      goto out;

  ok = TRUE;

out:
  for (guint i = 0; i < N_DEMO_USERS; i++)
    g_free (user_ids[i]);
  return ok;
}

/* The author of generated posts: a user of its own, so benchmarks can be
 * told apart from demo data and deleted by author. */
#define BENCH_USER_LOGTO_ID "orgdesk-seed"

static char *
upsert_bench_user (PGconn  *conn,
                   GError **error)
{
  const char * const values[] = { BENCH_USER_LOGTO_ID, "Seed Generator" };
  g_autoptr(PGresult) result = NULL;

  if (!orgdesk_admin_exec (conn, "BEGIN", error) ||
      !orgdesk_admin_assume_context (conn, BENCH_USER_LOGTO_ID, NULL, error))
    goto failed;

  result = orgdesk_admin_exec_params (conn,
                                      "INSERT INTO orgdesk.users (logto_id, name) VALUES ($1, $2) "
                                      "ON CONFLICT (logto_id) DO UPDATE SET name = EXCLUDED.name "
                                      "RETURNING id",
                                      2, values, error);
  if (result == NULL || !orgdesk_admin_exec (conn, "COMMIT", error))
    goto failed;

  return g_strdup (PQgetvalue (result, 0, 0));

failed:
  orgdesk_admin_rollback (conn);
  return NULL;
}

/* One batch, generated server-side: rows first..last, one second apart
 * going back from @base (so keyset paging has distinct, ordered keys). */
static gboolean
insert_batch (PGconn      *conn,
              const char  *organization_id,
              const char  *author_id,
              const char  *base,
              gint64       first,
              gint64       last,
              GError     **error)
{
  g_autofree char *first_text = g_strdup_printf ("%" G_GINT64_FORMAT, first);
  g_autofree char *last_text = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  const char * const values[] = { organization_id, author_id, base, first_text, last_text };
  g_autoptr(PGresult) result = NULL;

  if (!orgdesk_admin_exec (conn, "BEGIN", error) ||
      !orgdesk_admin_assume_context (conn, NULL, organization_id, error))
    goto failed;

  /* A few words drawn by row number give searches something to find. */
  result = orgdesk_admin_exec_params (conn,
                                      "INSERT INTO orgdesk.posts "
                                      "  (logto_organization_id, author_id, title, body, created_at, updated_at) "
                                      "SELECT $1, $2, "
                                      "  'Post ' || g || ': ' "
                                      "    || (ARRAY['Quarterly', 'Weekly', 'Urgent', 'Draft', 'Final', 'Shared'])[1 + g % 6] "
                                      "    || ' ' "
                                      "    || (ARRAY['report', 'roadmap', 'invoice', 'meeting notes', 'budget', "
                                      "              'release plan', 'hiring update'])[1 + g % 7], "
                                      "  'Generated by orgdesk-admin seed for benchmarks.', "
                                      "  $3::timestamptz - pg_catalog.make_interval (secs => g), "
                                      "  $3::timestamptz - pg_catalog.make_interval (secs => g) "
                                      "FROM pg_catalog.generate_series ($4::bigint, $5::bigint) AS g",
                                      5, values, error);
  if (result == NULL || !orgdesk_admin_exec (conn, "COMMIT", error))
    goto failed;

  return TRUE;

failed:
  orgdesk_admin_rollback (conn);
  return FALSE;
}

/* Row numbers continue after what the organization already has, so a
 * second run adds older posts instead of colliding in time. */
static gboolean
count_posts (PGconn      *conn,
             const char  *organization_id,
             gint64      *n_posts,
             GError     **error)
{
  g_autoptr(PGresult) result = NULL;

  if (!orgdesk_admin_exec (conn, "BEGIN", error) ||
      !orgdesk_admin_assume_context (conn, NULL, organization_id, error))
    goto failed;

  result = orgdesk_admin_exec_params (conn, "SELECT count(*) FROM orgdesk.posts", 0, NULL, error);
  if (result == NULL || !orgdesk_admin_exec (conn, "COMMIT", error))
    goto failed;

  *n_posts = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  return TRUE;

failed:
  orgdesk_admin_rollback (conn);
  return FALSE;
}

/* On a terminal one line that updates itself, in a log one line per batch. */
static void
report_progress (gint64   done,
                 gint64   total,
                 gint64   start,
                 gboolean interactive)
{
  g_printerr ("%sorgdesk-admin: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " posts (%.1f s)%s",
              interactive ? "\r" : "", done, total,
              (g_get_monotonic_time () - start) / 1e6,
              interactive ? "" : "\n");
}

/**
 * orgdesk_admin_seed_posts:
 * @organization_id: the Logto organization id to fill
 * @n_posts: how many posts to add
 * @batch_size: rows per transaction
 *
 * Adds @n_posts generated posts to one organization, generated by the server
 * (INSERT … SELECT from generate_series) in transactions of @batch_size rows,
 * reporting progress on stderr.  1,000,000 posts take seconds, not minutes.
 */
gboolean
orgdesk_admin_seed_posts (PGconn      *conn,
                          const char  *organization_id,
                          gint64       n_posts,
                          gint64       batch_size,
                          GError     **error)
{
  g_autofree char *author_id = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format_iso8601 (now);
  gint64 start = g_get_monotonic_time ();
  gint64 existing = 0;
  gboolean interactive = isatty (STDERR_FILENO);

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (organization_id != NULL, FALSE);
  g_return_val_if_fail (n_posts >= 0 && batch_size > 0, FALSE);

  /* Committed durably: with asynchronous commit (as a throwaway test cluster
   * may run) the VACUUM below cannot mark the new pages all-visible, and deep
   * jumps then read the table instead of the index alone. */
  if (!orgdesk_admin_exec (conn, "SET synchronous_commit = on", error))
    return FALSE;

  author_id = upsert_bench_user (conn, error);
  if (author_id == NULL || !count_posts (conn, organization_id, &existing, error))
    return FALSE;

  for (gint64 done = 0; done < n_posts; )
    {
      gint64 count = MIN (batch_size, n_posts - done);

      if (!insert_batch (conn, organization_id, author_id, base,
                         existing + done + 1, existing + done + count, error))
        return FALSE;

      done += count;
      report_progress (done, n_posts, start, interactive);
    }
  if (interactive && n_posts > 0)
    g_printerr ("\n");

  /* Benchmarks should not wait for autovacuum: the visibility map makes
   * count(*) and page reads index-only, and fresh statistics pick the index. */
  if (n_posts > 0 && !orgdesk_admin_exec (conn, "VACUUM (ANALYZE) orgdesk.posts", error))
    return FALSE;

  g_print ("%s: %" G_GINT64_FORMAT " posts added in %.1f s (%" G_GINT64_FORMAT " in all)\n",
           organization_id, n_posts, (g_get_monotonic_time () - start) / 1e6,
           existing + n_posts);
  return TRUE;
}
