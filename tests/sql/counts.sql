-- counts.sql: pgTAP tests of the per-organization post counter (migration 0003),
-- as the triggers keep it and as the app role sees it.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Rows are written as postgres in organizations of their own; the app's view is
-- checked as orgdesk_app with the context set the way the app sets it.
-- Everything is rolled back.

BEGIN;
SELECT plan(8);

INSERT INTO orgdesk.posts (logto_organization_id, title) VALUES
  ('pgtap-count-a', 'a1'), ('pgtap-count-a', 'a2'), ('pgtap-count-a', 'a3'),
  ('pgtap-count-b', 'b1');

SELECT is ((SELECT posts FROM orgdesk.organization_post_counts WHERE logto_organization_id = 'pgtap-count-a'),
           3::bigint, 'inserts are counted per organization');
SELECT is ((SELECT posts FROM orgdesk.organization_post_counts WHERE logto_organization_id = 'pgtap-count-b'),
           1::bigint, 'each organization has its own count');

DELETE FROM orgdesk.posts WHERE logto_organization_id = 'pgtap-count-a' AND title = 'a2';
SELECT is ((SELECT posts FROM orgdesk.organization_post_counts WHERE logto_organization_id = 'pgtap-count-a'),
           2::bigint, 'deletes are counted');

INSERT INTO orgdesk.posts (logto_organization_id, title)
SELECT 'pgtap-count-a', 'batch ' || g FROM generate_series (1, 500) AS g;
SELECT is ((SELECT posts FROM orgdesk.organization_post_counts WHERE logto_organization_id = 'pgtap-count-a'),
           502::bigint, 'a batch insert is counted once, in full');
SELECT is ((SELECT posts FROM orgdesk.organization_post_counts WHERE logto_organization_id = 'pgtap-count-a'),
           (SELECT count (*) FROM orgdesk.posts WHERE logto_organization_id = 'pgtap-count-a'),
           'the counter equals count(*)');

SET LOCAL ROLE orgdesk_app;
SELECT is_empty ('SELECT 1 FROM orgdesk.organization_post_counts',
                 'without context the app sees no counts');
RESET ROLE;
SELECT orgdesk.assume_context (NULL, 'pgtap-count-b');
SET LOCAL ROLE orgdesk_app;
SELECT results_eq ($$SELECT logto_organization_id, posts FROM orgdesk.organization_post_counts$$,
                   $$VALUES ('pgtap-count-b'::text, 1::bigint)$$,
                   'the app sees only its organization''s count');
SELECT throws_ok ($$UPDATE orgdesk.organization_post_counts SET posts = 0$$,
                  '42501', NULL, 'the app cannot change a count');

SELECT * FROM finish ();
ROLLBACK;
