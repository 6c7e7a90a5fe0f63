-- schema.sql: pgTAP checks of the schema's ownership, privileges and RLS
-- settings (tests/sql/run-pgtap.sh runs it as postgres after migrating).
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later

BEGIN;
SELECT plan(55);

SELECT has_schema ('orgdesk');
SELECT schema_owner_is ('orgdesk', 'orgdesk_owner');
SELECT tables_are ('orgdesk', ARRAY['users', 'posts', 'comments', 'organization_authors', 'organization_post_counts',
                                    'schema_migrations', 'auth_config', 'auth_keys', 'organization_requests']);
SELECT table_owner_is ('orgdesk', t, 'orgdesk_owner', 'orgdesk.' || t || ' is owned by orgdesk_owner')
  FROM unnest (ARRAY['users', 'posts', 'comments', 'organization_authors', 'organization_post_counts',
                     'schema_migrations', 'auth_config', 'auth_keys', 'organization_requests']) AS t;

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
SELECT policies_are ('orgdesk', 'posts', ARRAY['posts_read', 'posts_insert', 'posts_update', 'posts_delete']);
SELECT policies_are ('orgdesk', 'comments', ARRAY['comments_read', 'comments_insert', 'comments_update', 'comments_delete']);
SELECT policies_are ('orgdesk', 'users', ARRAY['users_read', 'users_insert', 'users_update']);
SELECT policies_are ('orgdesk', 'organization_authors', ARRAY['organization_authors_read']);
SELECT ok ((SELECT relrowsecurity FROM pg_class WHERE oid = 'orgdesk.organization_authors'::regclass),
           'RLS enabled on orgdesk.organization_authors');
SELECT policies_are ('orgdesk', 'organization_post_counts', ARRAY['organization_post_counts_read']);
SELECT ok ((SELECT relrowsecurity FROM pg_class WHERE oid = 'orgdesk.organization_post_counts'::regclass),
           'RLS enabled on orgdesk.organization_post_counts');

-- The context functions: the single place the organization comes from, the
-- orgdesk_auth extension (its C code, not a setting the client could make).
SELECT has_extension ('orgdesk', 'orgdesk_auth', 'the orgdesk_auth extension is installed in schema orgdesk');
SELECT volatility_is ('orgdesk', 'current_organization_id', ARRAY[]::name[], 'stable');
SELECT is ((SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
             WHERE p.oid = 'orgdesk.current_organization_id ()'::regprocedure),
           'c'::name, 'orgdesk.current_organization_id () is the extension''s C function');
SELECT function_returns ('orgdesk', 'current_user_id', ARRAY[]::name[], 'text');
SELECT hasnt_function ('orgdesk', 'current_user_logto_id', 'the setting-based current_user_logto_id () is gone');
SELECT ok (NOT has_function_privilege ('orgdesk_app', 'pg_catalog.set_config (text, text, boolean)', 'EXECUTE'),
           'orgdesk_app cannot call set_config');
SELECT ok (NOT has_function_privilege ('orgdesk_app', 'orgdesk.assume_context (text, text)', 'EXECUTE'),
           'orgdesk_app cannot assume a context');
SELECT triggers_are ('orgdesk', 'posts', ARRAY['posts_touch_updated_at', 'posts_record_authors', 'posts_count_inserted',
                                              'posts_count_deleted', 'posts_require_write_scope', 'posts_set_author',
                                              'posts_forget_authors']);
SELECT triggers_are ('orgdesk', 'comments', ARRAY['comments_touch_updated_at', 'comments_record_authors',
                                                 'comments_require_write_scope', 'comments_set_author',
                                                 'comments_forget_authors']);

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
SELECT table_privs_are ('orgdesk', t, 'orgdesk_app', ARRAY['SELECT', 'INSERT', 'DELETE'],
                        'orgdesk_app has exactly SELECT/INSERT/DELETE on the whole of orgdesk.' || t)
  FROM unnest (ARRAY['users', 'posts', 'comments']) AS t;
-- and UPDATE of these columns only: never an author, an organization, an id.
SELECT is ((SELECT pg_catalog.array_agg (t || '.' || a.attname ORDER BY t, a.attnum)
              FROM unnest (ARRAY['users', 'posts', 'comments']) AS t
              JOIN pg_attribute a ON a.attrelid = ('orgdesk.' || t)::regclass AND a.attnum > 0 AND NOT a.attisdropped
             WHERE has_column_privilege ('orgdesk_app', a.attrelid, a.attnum, 'UPDATE')),
           ARRAY['comments.body', 'posts.title', 'posts.body', 'users.email', 'users.name'],
           'orgdesk_app may update only these columns');
SELECT table_privs_are ('orgdesk', t, 'orgdesk_app', ARRAY['SELECT'],
                        'orgdesk_app can only read orgdesk.' || t)
  FROM unnest (ARRAY['auth_config', 'auth_keys', 'organization_requests']) AS t;
SELECT policies_are ('orgdesk', 'organization_requests', ARRAY['organization_requests_own']);
SELECT table_privs_are ('orgdesk', 'organization_authors', 'orgdesk_app', ARRAY['SELECT'],
                        'orgdesk_app can only read orgdesk.organization_authors');
SELECT table_privs_are ('orgdesk', 'organization_post_counts', 'orgdesk_app', ARRAY['SELECT'],
                        'orgdesk_app can only read orgdesk.organization_post_counts');
SELECT table_privs_are ('orgdesk', 'schema_migrations', 'orgdesk_app', ARRAY[]::text[],
                        'orgdesk_app cannot read schema_migrations');

SELECT * FROM finish ();
ROLLBACK;
