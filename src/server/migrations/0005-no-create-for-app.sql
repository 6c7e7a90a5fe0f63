-- 0005-no-create-for-app.sql: the app role creates nothing anywhere.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A role that can create a function or an operator in a schema on some
-- search_path can shadow a built-in (a public.lower (text) ahead of
-- pg_catalog) and so change what a query, a policy or a trigger computes.
-- PostgreSQL 15 creates public without CREATE for PUBLIC, but a database
-- upgraded from an older release (pg_upgrade, or a dump restored with its
-- ACLs) or made from a template that still grants it lets every role create
-- there.  0001 already revoked CREATE and TEMPORARY on the database; this
-- revokes CREATE on public and then checks that orgdesk_app can create in no
-- schema at all, and fails the migration (naming the schema) if it still can,
-- e.g. where public is owned by a role orgdesk_owner cannot speak for.
--
-- The second half of the fix is in the SQL itself: the app and the functions
-- below qualify the built-ins they call (pg_catalog.lower …), and the owner's
-- plpgsql functions run with a fixed search_path.

DO $$
DECLARE
  schema_name name;
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC, orgdesk_app;
  END IF;

  FOR schema_name IN
    SELECT n.nspname FROM pg_catalog.pg_namespace n
     WHERE pg_catalog.has_schema_privilege ('orgdesk_app', n.oid, 'CREATE')
     ORDER BY n.nspname
  LOOP
    RAISE EXCEPTION 'orgdesk_app can create objects in schema %', schema_name
      USING ERRCODE = '42501',
            HINT = 'As the schema''s owner or a superuser: REVOKE CREATE ON SCHEMA ... FROM PUBLIC, orgdesk_app; then migrate again.';
  END LOOP;

  IF pg_catalog.has_database_privilege ('orgdesk_app', pg_catalog.current_database (), 'CREATE')
     OR pg_catalog.has_database_privilege ('orgdesk_app', pg_catalog.current_database (), 'TEMPORARY') THEN
    RAISE EXCEPTION 'orgdesk_app can create schemas or temporary tables in this database'
      USING ERRCODE = '42501';
  END IF;
END
$$;

-- The one owner's plpgsql function that ran with the caller's search_path
-- (0001; its only call was already qualified).  plpgsql resolves names when it
-- runs, so pin the path like the SECURITY DEFINER functions of 0002 and 0003.
-- The SQL functions the policies call (current_organization_id,
-- current_user_logto_id) have SQL-standard bodies, bound when they were
-- created, and stay without SET so the planner can still inline them.
ALTER FUNCTION orgdesk.touch_updated_at () SET search_path = pg_catalog, pg_temp;
