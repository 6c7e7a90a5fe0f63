-- sort.sql: pgTAP tests of the orders of the list of posts (migration 0004):
-- every order the app pages in is served by an index that leads with the
-- organization, under the app role's policies, and shows one organization.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Plans are checked with sorts and sequential scans disabled, so "no Sort
-- node" means an index gives the order whatever the table's size.  Everything
-- is rolled back.

BEGIN;
SELECT plan(12);

SELECT has_index ('orgdesk', 'posts', 'posts_organization_title_idx',
                  ARRAY['logto_organization_id', 'title', 'id'], 'title order index');
SELECT index_is_type ('orgdesk', 'posts', 'posts_organization_title_idx', 'btree');

-- The plan of a query, as text, for the role that calls it.
CREATE FUNCTION pg_temp.plan_of (query text)
  RETURNS text
  LANGUAGE plpgsql
AS $$
DECLARE
  line text;
  plan text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
    plan := plan || line || E'\n';
  END LOOP;
  RETURN plan;
END
$$;

INSERT INTO orgdesk.posts (logto_organization_id, title, created_at) VALUES
  ('pgtap-sort-a', 'beta', '2026-01-02'), ('pgtap-sort-a', 'alpha', '2026-01-03'),
  ('pgtap-sort-a', 'gamma', '2026-01-01'), ('pgtap-sort-b', 'aardvark', '2026-01-04');

SAVEPOINT as_a;
SELECT orgdesk.assume_context (NULL, 'pgtap-sort-a');
SET LOCAL ROLE orgdesk_app;
SET LOCAL enable_sort = off;
SET LOCAL enable_seqscan = off;

-- Keyset pages: the page after a row, in each order, as the app asks for it.
SELECT ok (plan !~ 'Sort' AND plan ~ 'posts_organization_created_idx', 'newest first pages by key on the index')
  FROM pg_temp.plan_of ($q$SELECT p.id FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-sort-a'
                           AND (p.created_at, p.id) < ('2026-01-02', '00000000-0000-0000-0000-000000000000')
                           ORDER BY p.created_at DESC, p.id DESC LIMIT 10$q$) AS plan;
SELECT ok (plan !~ 'Sort' AND plan ~ 'posts_organization_created_idx', 'oldest first pages by key on the index')
  FROM pg_temp.plan_of ($q$SELECT p.id FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-sort-a'
                           AND (p.created_at, p.id) > ('2026-01-02', '00000000-0000-0000-0000-000000000000')
                           ORDER BY p.created_at, p.id LIMIT 10$q$) AS plan;
SELECT ok (plan !~ 'Sort' AND plan ~ 'posts_organization_title_idx', 'by title pages by key on the index')
  FROM pg_temp.plan_of ($q$SELECT p.id FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-sort-a'
                           AND (p.title, p.id) > ('beta', '00000000-0000-0000-0000-000000000000')
                           ORDER BY p.title, p.id LIMIT 10$q$) AS plan;

-- A jump: the page's first key found by skipping index entries, then the page by key.
SELECT ok (plan !~ 'Sort' AND plan !~ 'Seq Scan', 'a jump by title skips over the index')
  FROM pg_temp.plan_of ($q$SELECT p.id FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-sort-a'
                           AND (p.title, p.id) >= (SELECT k.title, k.id FROM orgdesk.posts k
                                                    WHERE k.logto_organization_id = 'pgtap-sort-a'
                                                    ORDER BY k.title, k.id OFFSET 1 LIMIT 1)
                           ORDER BY p.title, p.id LIMIT 10$q$) AS plan;
SELECT ok (plan !~ 'Sort' AND plan !~ 'Seq Scan', 'a jump newest first skips over the index')
  FROM pg_temp.plan_of ($q$SELECT p.id FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-sort-a'
                           AND (p.created_at, p.id) <= (SELECT k.created_at, k.id FROM orgdesk.posts k
                                                         WHERE k.logto_organization_id = 'pgtap-sort-a'
                                                         ORDER BY k.created_at DESC, k.id DESC OFFSET 1 LIMIT 1)
                           ORDER BY p.created_at DESC, p.id DESC LIMIT 10$q$) AS plan;

-- What the app sees in each order: its organization's rows only.
RESET enable_sort;
RESET enable_seqscan;
SELECT results_eq ($$SELECT title FROM orgdesk.posts ORDER BY title, id$$,
                   ARRAY['alpha', 'beta', 'gamma'], 'by title, one organization');
SELECT results_eq ($$SELECT title FROM orgdesk.posts ORDER BY created_at DESC, id DESC$$,
                   ARRAY['alpha', 'beta', 'gamma'], 'newest first, one organization');
SELECT results_eq ($$SELECT title FROM orgdesk.posts ORDER BY created_at, id$$,
                   ARRAY['gamma', 'beta', 'alpha'], 'oldest first, one organization');
SELECT results_eq ($$SELECT title FROM orgdesk.posts WHERE (title, id) >= (SELECT k.title, k.id FROM orgdesk.posts k
                                                                          ORDER BY k.title, k.id OFFSET 1 LIMIT 1)
                     ORDER BY title, id$$,
                   ARRAY['beta', 'gamma'], 'a jump by title lands on the second of the organization''s rows');
RESET ROLE;
ROLLBACK TO SAVEPOINT as_a;
SELECT orgdesk.assume_context (NULL, 'pgtap-sort-b');
SET LOCAL ROLE orgdesk_app;
SELECT results_eq ($$SELECT title FROM orgdesk.posts ORDER BY title, id$$,
                   ARRAY['aardvark'], 'another organization sees only its own');

SELECT * FROM finish ();
ROLLBACK;
