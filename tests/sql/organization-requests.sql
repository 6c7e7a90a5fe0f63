-- organization-requests.sql: pgTAP tests of orgdesk.request_default_organization ()
-- and its table as the app role sees them (tests/sql/run-pgtap.sh runs it as
-- postgres after migrating).
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Contexts come from orgdesk.assume_context (), what a token of that user
-- (and organization) gives; one identity per transaction, hence a savepoint
-- each.  Everything is rolled back.

BEGIN;
SELECT plan(15);

SET LOCAL ROLE orgdesk_app;
SELECT throws_ok ('SELECT * FROM orgdesk.request_default_organization ()', '42501', NULL,
                  'without a verified user nobody can ask');
SELECT throws_ok ($$INSERT INTO orgdesk.organization_requests (logto_user_id) VALUES ('pgtap-req-someone')$$,
                  '42501', NULL, 'the app cannot write a request itself, for anyone');
RESET ROLE;

-- An organization context is not a user-level token.
SAVEPOINT in_organization;
SELECT orgdesk.assume_context ('pgtap-req-carol', 'pgtap-req-org');
SET LOCAL ROLE orgdesk_app;
SELECT throws_ok ('SELECT * FROM orgdesk.request_default_organization ()', '42501', NULL,
                  'a token with an organization cannot ask');
RESET ROLE;
ROLLBACK TO SAVEPOINT in_organization;

-- carol, user-level: one open request, however often she asks.
SAVEPOINT as_carol;
SELECT orgdesk.assume_context ('pgtap-req-carol', NULL);
SET LOCAL ROLE orgdesk_app;
SELECT results_eq ($$SELECT status, logto_organization_id FROM orgdesk.request_default_organization ()$$,
                   $$VALUES ('open'::text, NULL::text)$$, 'a user-level token asks: an open request');
SELECT is ((SELECT request_id FROM orgdesk.request_default_organization ()),
           (SELECT id FROM orgdesk.organization_requests),
           'asking again is the same request, and she can read it');
SELECT results_eq ($$SELECT logto_user_id, status, attempts FROM orgdesk.organization_requests$$,
                   $$VALUES ('pgtap-req-carol'::text, 'open'::text, 0)$$,
                   'it is hers, open, not yet tried');
SELECT throws_ok ($$UPDATE orgdesk.organization_requests SET status = 'done', logto_organization_id = 'x'$$,
                  '42501', NULL, 'she cannot mark it done');
SELECT throws_ok ($$DELETE FROM orgdesk.organization_requests$$, '42501', NULL, 'nor delete it');
RESET ROLE;
SELECT is ((SELECT count (*)::int FROM orgdesk.organization_requests WHERE logto_user_id = 'pgtap-req-carol'), 1,
           'one row for carol in all');
ROLLBACK TO SAVEPOINT as_carol;

-- Fixtures as postgres: carol's open request, erin's done one.
INSERT INTO orgdesk.organization_requests (logto_user_id) VALUES ('pgtap-req-carol');
INSERT INTO orgdesk.organization_requests (logto_user_id, status, logto_organization_id)
VALUES ('pgtap-req-erin', 'done', 'pgtap-req-erins-org');

-- dave sees nothing of carol's, and his own request is his.
SAVEPOINT as_dave;
SELECT orgdesk.assume_context ('pgtap-req-dave', NULL);
SET LOCAL ROLE orgdesk_app;
SELECT is_empty ('SELECT 1 FROM orgdesk.organization_requests', 'another user''s request is invisible');
SELECT lives_ok ('SELECT * FROM orgdesk.request_default_organization ()', 'dave asks for himself');
SELECT results_eq ('SELECT logto_user_id FROM orgdesk.organization_requests', ARRAY['pgtap-req-dave'],
                   'and sees only his own');
RESET ROLE;
SELECT is ((SELECT count (*)::int FROM orgdesk.organization_requests WHERE logto_user_id = 'pgtap-req-carol'), 1,
           'carol''s request is untouched');
ROLLBACK TO SAVEPOINT as_dave;

-- erin's earlier request is done: asking again opens a new one.
SAVEPOINT as_erin;
SELECT orgdesk.assume_context ('pgtap-req-erin', NULL);
SET LOCAL ROLE orgdesk_app;
SELECT results_eq ($$SELECT status FROM orgdesk.request_default_organization ()$$, ARRAY['open'],
                   'after a done request a new one is open');
SELECT results_eq ($$SELECT status FROM orgdesk.organization_requests ORDER BY created_at, status$$,
                   ARRAY['done', 'open'], 'beside the done one');
RESET ROLE;
ROLLBACK TO SAVEPOINT as_erin;

SELECT * FROM finish ();
ROLLBACK;
