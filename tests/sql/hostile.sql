-- hostile.sql: pgTAP tests that hostile strings are stored and read back as
-- plain data through the app role (tests/sql/run-pgtap.sh runs it).
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The strings are dollar-quoted here; the app passes them as parameters
-- (PQsendQueryParams), which its own tests cover.  NUL cannot be stored in
-- PostgreSQL text at all, so the app rejects NUL before sending.

BEGIN;
SELECT plan(7);

SELECT orgdesk.assume_context (NULL, 'pgtap-org-hostile');
SET LOCAL ROLE orgdesk_app;

INSERT INTO orgdesk.posts (logto_organization_id, id, title, body) VALUES
  ('pgtap-org-hostile', '00000000-0000-4000-8000-000000000001',
   $s$O'Brien's "quoted" \backslash\ and ''doubled''$s$, $s$it's "fine"$s$),
  ('pgtap-org-hostile', '00000000-0000-4000-8000-000000000002',
   $s$'); DROP TABLE orgdesk.posts; --$s$, $s$"; DELETE FROM orgdesk.users; /*$s$),
  ('pgtap-org-hostile', '00000000-0000-4000-8000-000000000003',
   'Emoji', repeat ('😀', 1024)),
  ('pgtap-org-hostile', '00000000-0000-4000-8000-000000000004',
   $s$Ünïcødé ש‮ zero​width e͂ %s %n $1 {{x}} \x00 <script>$s$, E'tab\tnewline\ncr\r');
INSERT INTO orgdesk.comments (logto_organization_id, post_id, body) VALUES
  ('pgtap-org-hostile', '00000000-0000-4000-8000-000000000002', $s$'; DROP TABLE orgdesk.comments; --$s$);

SELECT results_eq ($$SELECT title FROM orgdesk.posts WHERE id = '00000000-0000-4000-8000-000000000001'$$,
                   ARRAY[$s$O'Brien's "quoted" \backslash\ and ''doubled''$s$], 'quotes and backslashes round-trip');
SELECT results_eq ($$SELECT title || body FROM orgdesk.posts WHERE id = '00000000-0000-4000-8000-000000000002'$$,
                   ARRAY[$s$'); DROP TABLE orgdesk.posts; --"; DELETE FROM orgdesk.users; /*$s$],
                   'SQL injection text is stored as text');
SELECT results_eq ($$SELECT body FROM orgdesk.comments WHERE post_id = '00000000-0000-4000-8000-000000000002'$$,
                   ARRAY[$s$'; DROP TABLE orgdesk.comments; --$s$], 'in comments too');
SELECT results_eq ($$SELECT octet_length (body), char_length (body) FROM orgdesk.posts
                     WHERE id = '00000000-0000-4000-8000-000000000003'$$,
                   $$VALUES (4096, 1024)$$, '4 KB of emoji round-trip');
SELECT is ((SELECT body FROM orgdesk.posts WHERE id = '00000000-0000-4000-8000-000000000003'),
           repeat ('😀', 1024), 'emoji unchanged');
SELECT results_eq ($$SELECT title || body FROM orgdesk.posts WHERE id = '00000000-0000-4000-8000-000000000004'$$,
                   ARRAY[$s$Ünïcødé ש‮ zero​width e͂ %s %n $1 {{x}} \x00 <script>$s$ || E'tab\tnewline\ncr\r'],
                   'Unicode controls, format specifiers and markup round-trip');
SELECT throws_ok ($$INSERT INTO orgdesk.posts (logto_organization_id, title) VALUES ('pgtap-org-hostile', '   ')$$,
                  '23514', NULL, 'a blank title is refused');

SELECT * FROM finish ();
ROLLBACK;
