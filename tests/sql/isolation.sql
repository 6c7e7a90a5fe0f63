-- isolation.sql: pgTAP tests of the row-level security policies as the app
-- role sees them (tests/sql/run-pgtap.sh runs it as postgres after migrating).
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Fixture rows are written as postgres (a superuser bypasses RLS) in
-- organizations of their own, then every check runs as orgdesk_app with the
-- organization context set the way the app sets it.  Everything is rolled
-- back, so the shared test database is left as it was.

BEGIN;
SELECT plan(33);

-- Fixed ids so expectations can name rows.
INSERT INTO orgdesk.users (id, logto_id, name) VALUES
  ('00000000-0000-4000-8000-00000000000a', 'pgtap-user-a', 'Author A'),
  ('00000000-0000-4000-8000-00000000000b', 'pgtap-user-b', 'Author B'),
  ('00000000-0000-4000-8000-00000000000c', 'pgtap-user-c', 'Lurker C');
INSERT INTO orgdesk.posts (logto_organization_id, id, author_id, title) VALUES
  ('pgtap-org-a', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000000a', 'A one'),
  ('pgtap-org-a', '00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-00000000000a', 'A two'),
  ('pgtap-org-b', '00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-00000000000b', 'B one');
INSERT INTO orgdesk.comments (logto_organization_id, id, post_id, author_id, body) VALUES
  ('pgtap-org-a', '00000000-0000-4000-8000-00000000ac01', '00000000-0000-4000-8000-0000000000a1',
   '00000000-0000-4000-8000-00000000000a', 'comment on A'),
  ('pgtap-org-b', '00000000-0000-4000-8000-00000000bc01', '00000000-0000-4000-8000-0000000000b1',
   '00000000-0000-4000-8000-00000000000b', 'comment on B');

SET LOCAL ROLE orgdesk_app;

-- No context: nothing at all.
SELECT is (orgdesk.current_organization_id (), NULL, 'no organization context by default');
SELECT is_empty ('SELECT 1 FROM orgdesk.posts', 'without context the app sees no posts');
SELECT is_empty ('SELECT 1 FROM orgdesk.comments', 'without context the app sees no comments');
SELECT is_empty ($$SELECT 1 FROM orgdesk.users WHERE logto_id LIKE 'pgtap-%'$$,
                 'without context the app sees no users');
SELECT throws_ok ($$INSERT INTO orgdesk.posts (logto_organization_id, title) VALUES ('pgtap-org-a', 'x')$$,
                  '42501', NULL, 'without context the app cannot insert');

-- Organization A, set exactly as the app does.
SELECT is (set_config ('orgdesk.organization_id', 'pgtap-org-a', true), 'pgtap-org-a',
           'set_config(..., true) sets the context');
SELECT is (orgdesk.current_organization_id (), 'pgtap-org-a', 'current_organization_id() follows it');
SELECT results_eq ('SELECT title FROM orgdesk.posts ORDER BY title', ARRAY['A one', 'A two'],
                   'with A the app sees exactly A''s posts');
SELECT results_eq ('SELECT body FROM orgdesk.comments', ARRAY['comment on A'],
                   'with A the app sees exactly A''s comments');
SELECT is_empty ($$SELECT 1 FROM orgdesk.posts WHERE logto_organization_id = 'pgtap-org-b'$$,
                 'asking for B by name with A''s context finds nothing');
SELECT results_eq ($$SELECT name FROM orgdesk.users WHERE logto_id LIKE 'pgtap-%'$$, ARRAY['Author A'],
                   'with A the app sees A''s authors only');

-- Writing into B, or out of A into B.
SELECT throws_ok ($$INSERT INTO orgdesk.posts (logto_organization_id, title) VALUES ('pgtap-org-b', 'x')$$,
                  '42501', NULL, 'cannot insert a post into B');
SELECT throws_ok ($$INSERT INTO orgdesk.comments (logto_organization_id, post_id, body)
                    VALUES ('pgtap-org-b', '00000000-0000-4000-8000-0000000000b1', 'x')$$,
                  '42501', NULL, 'cannot insert a comment into B');
SELECT throws_ok ($$UPDATE orgdesk.posts SET logto_organization_id = 'pgtap-org-b'
                    WHERE id = '00000000-0000-4000-8000-0000000000a2'$$,
                  '42501', NULL, 'cannot move a post from A to B');
SELECT throws_ok ($$UPDATE orgdesk.comments SET logto_organization_id = 'pgtap-org-b'$$,
                  '42501', NULL, 'cannot move a comment from A to B');
SELECT throws_ok ($$INSERT INTO orgdesk.comments (logto_organization_id, post_id, body)
                    VALUES ('pgtap-org-a', '00000000-0000-4000-8000-0000000000b1', 'x')$$,
                  '23503', NULL, 'a comment in A cannot reference a post of B');
SELECT lives_ok ($$UPDATE orgdesk.posts SET title = 'hacked' WHERE id = '00000000-0000-4000-8000-0000000000b1'$$,
                 'an UPDATE of B''s post runs…');
SELECT lives_ok ($$DELETE FROM orgdesk.posts WHERE logto_organization_id = 'pgtap-org-b'$$,
                 'a DELETE of B''s posts runs…');
SELECT lives_ok ($$DELETE FROM orgdesk.comments WHERE id = '00000000-0000-4000-8000-00000000bc01'$$,
                 'a DELETE of B''s comment runs…');
SELECT lives_ok ($$INSERT INTO orgdesk.posts (logto_organization_id, author_id, title)
                   VALUES ('pgtap-org-a', '00000000-0000-4000-8000-00000000000c', 'A three')$$,
                 'inserting into A works');
SELECT results_eq ($$SELECT name FROM orgdesk.users WHERE logto_id LIKE 'pgtap-%' ORDER BY name$$,
                   ARRAY['Author A', 'Lurker C'], 'the new post''s author becomes visible in A');
SELECT throws_ok ($$INSERT INTO orgdesk.organization_authors VALUES ('pgtap-org-a', '00000000-0000-4000-8000-00000000000b')$$,
                  '42501', NULL, 'the app cannot list authors itself');

-- No way around the policies.  (SET ROLE is checked against the session
-- user, postgres here; tests/sql/test-admin.sh checks it logged in as the app.)
SET LOCAL row_security = off;
SELECT throws_ok ('SELECT 1 FROM orgdesk.posts', '42501', NULL,
                  'row_security = off makes queries fail instead of bypassing RLS');
RESET row_security;
SELECT throws_ok ('CREATE TABLE orgdesk.mine (x int)', '42501', NULL, 'cannot create a table in orgdesk');
SELECT throws_ok ('CREATE TABLE public.mine (x int)', '42501', NULL, 'cannot create a table in public');
SELECT throws_ok ('CREATE TEMPORARY TABLE mine (x int)', '42501', NULL, 'cannot create a temporary table');
SELECT throws_ok ('ALTER TABLE orgdesk.posts DISABLE ROW LEVEL SECURITY', '42501', NULL,
                  'cannot disable row-level security');

-- Users: one's own row only, for writing.
SET LOCAL orgdesk.user_id = 'pgtap-user-c';
SELECT lives_ok ($$UPDATE orgdesk.users SET name = 'C renamed' WHERE logto_id = 'pgtap-user-c'$$,
                 'a user can update their own row');
SELECT throws_ok ($$INSERT INTO orgdesk.users (logto_id, name) VALUES ('pgtap-user-d', 'x')$$,
                  '42501', NULL, 'a user cannot insert another user');
SELECT lives_ok ($$UPDATE orgdesk.users SET name = 'hacked' WHERE logto_id = 'pgtap-user-a'$$,
                 'an UPDATE of another user runs…');

-- Back as postgres: B is untouched, A changed as allowed.
RESET ROLE;
SELECT results_eq ($$SELECT title FROM orgdesk.posts WHERE logto_organization_id = 'pgtap-org-b'$$,
                   ARRAY['B one'], '…but B''s post is neither changed nor deleted');
SELECT results_eq ($$SELECT count(*)::int FROM orgdesk.comments WHERE logto_organization_id = 'pgtap-org-b'$$,
                   ARRAY[1], '…and B''s comment is still there');
SELECT results_eq ($$SELECT name FROM orgdesk.users WHERE logto_id LIKE 'pgtap-%' ORDER BY logto_id$$,
                   ARRAY['Author A', 'Author B', 'C renamed'], '…and only the user''s own row changed');

SELECT * FROM finish ();
ROLLBACK;
