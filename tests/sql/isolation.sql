-- isolation.sql: pgTAP tests of the row-level security policies as the app
-- role sees them (tests/sql/run-pgtap.sh runs it as postgres after migrating).
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Fixture rows are written as postgres (a superuser bypasses RLS) in
-- organizations of their own, then every check runs as orgdesk_app.  The
-- context comes from orgdesk.assume_context(), which sets what
-- orgdesk.authenticate(token) sets for a token with the read and write scopes
-- (tests/test-orgdesk-auth.c checks the tokens themselves, read-only ones
-- included); one identity per transaction, so each identity has a savepoint.
-- Everything is rolled back, so the shared test database is left as it was.

BEGIN;
SELECT plan(40);

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

-- The old way, a setting, no longer names an organization.
SELECT throws_ok ($$SELECT pg_catalog.set_config ('orgdesk.organization_id', 'pgtap-org-a', true)$$,
                  '42501', NULL, 'the app cannot call set_config');
SELECT is_empty ($$SELECT 1 FROM orgdesk.posts WHERE logto_organization_id = 'pgtap-org-a'$$,
                 'A''s posts stay hidden after the attempt');

-- Organization A as user A (postgres assumes it: the owner's and a
-- superuser's way; the app's is a token).
RESET ROLE;
SAVEPOINT as_a;
SELECT orgdesk.assume_context ('pgtap-user-a', 'pgtap-org-a');
SET LOCAL ROLE orgdesk_app;
SELECT is (orgdesk.current_organization_id (), 'pgtap-org-a', 'current_organization_id() is the assumed one');
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
SELECT lives_ok ($$INSERT INTO orgdesk.posts (logto_organization_id, id, author_id, title)
                   VALUES ('pgtap-org-a', '00000000-0000-4000-8000-0000000000a3',
                           '00000000-0000-4000-8000-00000000000c', 'A three')$$,
                 'inserting into A works');
SELECT results_eq ($$SELECT author_id FROM orgdesk.posts WHERE id = '00000000-0000-4000-8000-0000000000a3'$$,
                   ARRAY['00000000-0000-4000-8000-00000000000a'::uuid],
                   'a forged author_id is replaced by the signer''s');
SELECT throws_ok ($$UPDATE orgdesk.posts SET author_id = '00000000-0000-4000-8000-00000000000c'
                    WHERE id = '00000000-0000-4000-8000-0000000000a3'$$,
                  '42501', NULL, 'the app cannot change a post''s author');
SELECT lives_ok ($$UPDATE orgdesk.posts SET title = 'A three, edited' WHERE id = '00000000-0000-4000-8000-0000000000a3'$$,
                 'the app can change a post''s title');
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

RESET ROLE;
ROLLBACK TO SAVEPOINT as_a;
SET LOCAL ROLE orgdesk_app;
SELECT is (orgdesk.current_organization_id (), NULL, 'rolling back the savepoint ends the context');

-- Authors leave the directory with their last post or comment.
RESET ROLE;
SAVEPOINT as_b;
SELECT orgdesk.assume_context ('pgtap-user-z', 'pgtap-org-b');
SET LOCAL ROLE orgdesk_app;
DELETE FROM orgdesk.comments WHERE id = '00000000-0000-4000-8000-00000000bc01';
SELECT results_eq ($$SELECT name FROM orgdesk.users WHERE logto_id LIKE 'pgtap-%'$$, ARRAY['Author B'],
                   'an author with a post left stays visible');
DELETE FROM orgdesk.posts WHERE id = '00000000-0000-4000-8000-0000000000b1';
SELECT is_empty ($$SELECT 1 FROM orgdesk.users WHERE logto_id LIKE 'pgtap-%'$$,
                 'an author whose last post went is no longer visible');
RESET ROLE;
ROLLBACK TO SAVEPOINT as_b;

-- Users: one's own row only, for writing (a user-level context: no organization).
SAVEPOINT as_c;
SELECT orgdesk.assume_context ('pgtap-user-c', NULL);
SET LOCAL ROLE orgdesk_app;
SELECT lives_ok ($$UPDATE orgdesk.users SET name = 'C renamed' WHERE logto_id = 'pgtap-user-c'$$,
                 'a user can update their own row');
SELECT throws_ok ($$INSERT INTO orgdesk.users (logto_id, name) VALUES ('pgtap-user-d', 'x')$$,
                  '42501', NULL, 'a user cannot insert another user');
SELECT lives_ok ($$UPDATE orgdesk.users SET name = 'hacked' WHERE logto_id = 'pgtap-user-a'$$,
                 'an UPDATE of another user runs…');
SELECT throws_ok ($$UPDATE orgdesk.users SET logto_id = 'pgtap-user-a' WHERE logto_id = 'pgtap-user-c'$$,
                  '42501', NULL, 'a user cannot change their own logto_id');
RESET ROLE;
RELEASE SAVEPOINT as_c;

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
