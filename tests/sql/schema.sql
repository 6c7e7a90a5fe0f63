-- schema.sql: pgTAP checks of the schema's ownership, privileges and RLS
-- settings (tests/sql/run-pgtap.sh runs it as postgres after migrating).
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later

BEGIN;
SELECT plan(41);

SELECT has_schema ('orgdesk');
SELECT schema_owner_is ('orgdesk', 'orgdesk_owner');
SELECT tables_are ('orgdesk', ARRAY['users', 'posts', 'comments', 'organization_authors', 'organization_post_counts', 'schema_migrations']);
SELECT table_owner_is ('orgdesk', t, 'orgdesk_owner', 'orgdesk.' || t || ' is owned by orgdesk_owner')
  FROM unnest (ARRAY['users', 'posts', 'comments', 'organization_authors', 'organization_post_counts', 'schema_migrations']) AS t;

-- Keys lead with the organization; comments reference posts within it.
SELECT col_is_pk ('orgdesk', 'posts', ARRAY['logto_organization_id', 'id'], 'posts key leads with the organization');
SELECT col_is_pk ('orgdesk', 'comments', ARRAY['logto_organization_id', 'id'], 'comments key leads with the organization');
SELECT fk_ok ('orgdesk', 'comments', ARRAY['logto_organization_id', 'post_id'],
              'orgdesk', 'posts', ARRAY['logto_organization_id', 'id'],
              'comments reference posts by (organization, post)');
SELECT has_index ('orgdesk', 'posts', 'posts_organization_created_idx',
                  ARRAY['logto_organization_id', 'created_at', 'id'], 'keyset paging index');
SELECT col_not_null ('orgdesk', t, 'logto_organization_id', t || '.logto_organization_id is NOT NULL')
  FROM unnest (ARRAY['posts', 'comments']) AS t;

-- Row-level security is enabled and forced (so the owner is filtered too).
SELECT ok (relrowsecurity AND relforcerowsecurity, 'RLS enabled and forced on orgdesk.' || relname)
  FROM pg_class
 WHERE relnamespace = 'orgdesk'::regnamespace AND relname IN ('users', 'posts', 'comments')
 ORDER BY relname;
SELECT policies_are ('orgdesk', 'posts', ARRAY['posts_organization']);
SELECT policies_are ('orgdesk', 'comments', ARRAY['comments_organization']);
SELECT policies_are ('orgdesk', 'users', ARRAY['users_select', 'users_insert', 'users_update']);
SELECT policies_are ('orgdesk', 'organization_authors', ARRAY['organization_authors_organization']);
SELECT ok ((SELECT relrowsecurity FROM pg_class WHERE oid = 'orgdesk.organization_authors'::regclass),
           'RLS enabled on orgdesk.organization_authors');
SELECT policies_are ('orgdesk', 'organization_post_counts', ARRAY['organization_post_counts_organization']);
SELECT ok ((SELECT relrowsecurity FROM pg_class WHERE oid = 'orgdesk.organization_post_counts'::regclass),
           'RLS enabled on orgdesk.organization_post_counts');

-- The context functions: the single place the organization comes from.
SELECT volatility_is ('orgdesk', 'current_organization_id', ARRAY[]::name[], 'stable');
SELECT function_owner_is ('orgdesk', 'current_organization_id', ARRAY[]::name[], 'orgdesk_owner');
SELECT function_returns ('orgdesk', 'current_user_logto_id', ARRAY[]::name[], 'text');

-- The app role: a plain login role that owns nothing and bypasses nothing.
SELECT is ((SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb
              FROM pg_roles WHERE rolname = 'orgdesk_app'),
           false, 'orgdesk_app is not superuser, BYPASSRLS, CREATEROLE or CREATEDB');
SELECT ok ((SELECT rolcanlogin FROM pg_roles WHERE rolname = 'orgdesk_app'), 'orgdesk_app can log in');
SELECT is ((SELECT count(*) FROM pg_class WHERE relowner = 'orgdesk_app'::regrole)
           + (SELECT count(*) FROM pg_namespace WHERE nspowner = 'orgdesk_app'::regrole)
           + (SELECT count(*) FROM pg_proc WHERE proowner = 'orgdesk_app'::regrole)
           + (SELECT count(*) FROM pg_type WHERE typowner = 'orgdesk_app'::regrole)
           + (SELECT count(*) FROM pg_database WHERE datdba = 'orgdesk_app'::regrole),
           0::bigint, 'orgdesk_app owns nothing');
SELECT is ((SELECT count(*) FROM pg_auth_members WHERE member = 'orgdesk_app'::regrole),
           0::bigint, 'orgdesk_app is a member of no role');
SELECT ok (NOT has_schema_privilege ('orgdesk_app', s, 'CREATE'), 'orgdesk_app cannot create in schema ' || s)
  FROM unnest (ARRAY['orgdesk', 'public']) AS s;
SELECT ok (NOT has_database_privilege ('orgdesk_app', current_database (), 'CREATE, TEMPORARY'),
           'orgdesk_app cannot create schemas or temporary tables');
SELECT table_privs_are ('orgdesk', t, 'orgdesk_app', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
                        'orgdesk_app has exactly SELECT/INSERT/UPDATE/DELETE on orgdesk.' || t)
  FROM unnest (ARRAY['users', 'posts', 'comments']) AS t;
SELECT table_privs_are ('orgdesk', 'organization_authors', 'orgdesk_app', ARRAY['SELECT'],
                        'orgdesk_app can only read orgdesk.organization_authors');
SELECT table_privs_are ('orgdesk', 'organization_post_counts', 'orgdesk_app', ARRAY['SELECT'],
                        'orgdesk_app can only read orgdesk.organization_post_counts');
SELECT table_privs_are ('orgdesk', 'schema_migrations', 'orgdesk_app', ARRAY[]::text[],
                        'orgdesk_app cannot read schema_migrations');

SELECT * FROM finish ();
ROLLBACK;
