-- search-path.sql: pgTAP tests that no search_path trick changes what the
-- app's statements or the schema's functions compute (migration 0005 and the
-- pg_catalog-qualified SQL of src/data; tests/sql/run-pgtap.sh runs it as
-- postgres after migrating).
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The app role may create nothing anywhere.  Then, to simulate an earlier
-- mistake, the superuser plants built-in look-alikes in a schema the app role
-- can use and puts that schema ahead of pg_catalog on the search_path: the
-- app's statements (as src/data builds them) still return the real answers,
-- while the same statements unqualified would not.  Everything is rolled back.

BEGIN;
SELECT plan(16);

-- --- the app role creates nothing ------------------------------------------
SELECT is ((SELECT pg_catalog.array_agg (nspname ORDER BY nspname) FROM pg_catalog.pg_namespace
             WHERE pg_catalog.has_schema_privilege ('orgdesk_app', oid, 'CREATE')),
           NULL, 'orgdesk_app can create in no schema of the database');
SELECT ok (NOT pg_catalog.has_database_privilege ('orgdesk_app', pg_catalog.current_database (), 'TEMPORARY'),
           'orgdesk_app has no temporary schema of its own');

SET LOCAL ROLE orgdesk_app;
SELECT throws_ok ($$CREATE FUNCTION public.lower (text) RETURNS text LANGUAGE sql RETURN 'x'$$,
                  '42501', NULL, 'orgdesk_app cannot create public.lower (text)');
SELECT throws_ok ($$CREATE TABLE public.x (i int)$$, '42501', NULL, 'orgdesk_app cannot create a table in public');
SELECT throws_ok ($$CREATE FUNCTION orgdesk.lower (text) RETURNS text LANGUAGE sql RETURN 'x'$$,
                  '42501', NULL, 'orgdesk_app cannot create orgdesk.lower (text)');
SELECT throws_ok ($$CREATE OPERATOR public.= (leftarg = text, rightarg = text, function = pg_catalog.texteq)$$,
                  '42501', NULL, 'orgdesk_app cannot create an operator in public');
SELECT throws_ok ($$CREATE FUNCTION pg_temp.lower (text) RETURNS text LANGUAGE sql RETURN 'x'$$,
                  '42501', NULL, 'orgdesk_app cannot create a function in pg_temp');
RESET ROLE;

-- --- the owner's plpgsql functions resolve names with a fixed path ----------
SELECT is ((SELECT pg_catalog.array_agg (p.proname ORDER BY p.proname)
              FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang
             WHERE p.pronamespace = 'orgdesk'::regnamespace AND l.lanname = 'plpgsql'
               AND NOT COALESCE (p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)),
           NULL, 'every plpgsql function of orgdesk runs with search_path = pg_catalog, pg_temp');

-- --- built-in look-alikes ahead of pg_catalog ---------------------------------
INSERT INTO orgdesk.posts (logto_organization_id, id, title, body) VALUES
  ('pgtap-path-org', '00000000-0000-4000-8000-0000000005a1', 'Alpha', 'first'),
  ('pgtap-path-org', '00000000-0000-4000-8000-0000000005a2', 'Beta', 'second'),
  ('pgtap-path-other', '00000000-0000-4000-8000-0000000005b1', 'Alpha elsewhere', 'hidden');

-- pg_temp is never searched for functions, even first on the path: a
-- pg_temp.lower planted by the session's superuser does not capture lower ().
CREATE FUNCTION pg_temp.lower (text) RETURNS text LANGUAGE sql RETURN 'pg_temp';
SET LOCAL search_path = pg_temp, public;
SELECT is (lower ('ABC'), 'abc', 'an unqualified lower () never finds pg_temp.lower');
SELECT is (pg_temp.lower ('ABC'), 'pg_temp', 'pg_temp.lower is reached only by name');

CREATE SCHEMA pgtap_shadow;
GRANT USAGE ON SCHEMA pgtap_shadow TO orgdesk_app;
-- lower () folds nothing, strpos () finds everything, to_char () forges dates.
CREATE FUNCTION pgtap_shadow.lower (text) RETURNS text LANGUAGE sql IMMUTABLE RETURN $1;
CREATE FUNCTION pgtap_shadow.strpos (text, text) RETURNS integer LANGUAGE sql IMMUTABLE RETURN 1;
CREATE FUNCTION pgtap_shadow.to_char (timestamp, text) RETURNS text LANGUAGE sql IMMUTABLE RETURN 'forged';
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pgtap_shadow TO orgdesk_app;
SET LOCAL search_path = pgtap_shadow, pg_catalog, public;

SELECT orgdesk.assume_context (NULL, 'pgtap-path-org');
SET LOCAL ROLE orgdesk_app;

-- The control: unqualified, the look-alikes win.
SELECT is ((SELECT count (*)::text FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-path-org'
             AND (strpos (lower (p.title), lower ('nomatch')) > 0 OR strpos (lower (p.body), lower ('nomatch')) > 0)),
           '2', 'control: unqualified strpos () and lower () are captured by the look-alikes');

-- The app's search count (orgdesk-post-source.c, new_count_query).
SELECT is ((SELECT pg_catalog.count (*)::pg_catalog.text FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-path-org'
             AND (pg_catalog.strpos (pg_catalog.lower (p.title), pg_catalog.lower ('nomatch')) > 0
                  OR pg_catalog.strpos (pg_catalog.lower (p.body), pg_catalog.lower ('nomatch')) > 0)),
           '0', 'the app''s search matches no post the look-alikes would match');
SELECT is ((SELECT pg_catalog.count (*)::pg_catalog.text FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-path-org'
             AND (pg_catalog.strpos (pg_catalog.lower (p.title), pg_catalog.lower ('ALPHA')) > 0
                  OR pg_catalog.strpos (pg_catalog.lower (p.body), pg_catalog.lower ('ALPHA')) > 0)),
           '1', 'and still folds case');

-- The app's page of posts (ORGDESK_POST_COLUMNS, orgdesk-post.h and orgdesk-sql.h).
SELECT is ((SELECT pg_catalog.to_char (p.created_at AT TIME ZONE 'UTC', 'YYYY')
              FROM orgdesk.posts p WHERE p.logto_organization_id = 'pgtap-path-org'
               AND p.id = '00000000-0000-4000-8000-0000000005a1'::pg_catalog.uuid),
           pg_catalog.to_char (pg_catalog.now () AT TIME ZONE 'UTC', 'YYYY'),
           'the app''s timestamps are not forged');
SELECT is ((SELECT to_char (p.created_at AT TIME ZONE 'UTC', 'YYYY')
              FROM orgdesk.posts p WHERE p.id = '00000000-0000-4000-8000-0000000005a1'),
           'forged', 'control: an unqualified to_char () is captured');

-- The policies were bound when they were created: still one organization.
SELECT is ((SELECT pg_catalog.count (*) FROM orgdesk.posts), 2::bigint,
           'the posts policy still shows only the context''s organization');
RESET ROLE;

SELECT * FROM finish ();
ROLLBACK;
