-- 0001-organization-data.sql: users, posts and comments under row-level security.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Applied by `orgdesk-admin migrate` inside one transaction, as the role
-- orgdesk_owner (migrate does SET LOCAL ROLE orgdesk_owner), so every object
-- below is owned by it.  The roles orgdesk_owner and orgdesk_app must exist
-- (created by the operator, tests/with-services.sh or build-aux/run-local.sh).
--
-- Names are always schema-qualified and built-ins pg_catalog-qualified: the
-- functions below run inside policies with the caller's search_path.

-- The schema itself is created by migrate's bootstrap (it holds
-- schema_migrations); the app may look up names in it, never create any.
REVOKE ALL ON SCHEMA orgdesk FROM PUBLIC;
GRANT USAGE ON SCHEMA orgdesk TO orgdesk_app;

-- No temporary tables, no schemas of its own: the app role creates nothing.
-- The database name is not fixed, hence the dynamic statement (an identifier
-- quoted with %I, no value is spliced in).
DO $$
BEGIN
  EXECUTE pg_catalog.format ('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC',
                             pg_catalog.current_database ());
  EXECUTE pg_catalog.format ('GRANT CONNECT ON DATABASE %I TO orgdesk_app',
                             pg_catalog.current_database ());
END
$$;

-- Functions are executable by PUBLIC by default; ours are granted one by one.
ALTER DEFAULT PRIVILEGES IN SCHEMA orgdesk REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- The organization of this transaction: the one place that says where the
-- context comes from.  For now the app sets it per transaction with
--   SELECT set_config('orgdesk.organization_id', $1, true)
-- in the same round trip as its statement; the next step replaces this body
-- with a token the database verifies (orgdesk.authenticate).  After a
-- transaction-local set_config the setting reads '' later on the same backend,
-- hence nullif: no context is NULL, and NULL matches no row.
-- Plain SQL and STABLE so the planner inlines it and uses it as an index key.
CREATE FUNCTION orgdesk.current_organization_id ()
  RETURNS text
  LANGUAGE sql
  STABLE
  PARALLEL SAFE
  RETURN NULLIF (pg_catalog.current_setting ('orgdesk.organization_id', true), '');

-- The Logto user id (token "sub") of this transaction, set the same way
-- (orgdesk.user_id); the users table's policies compare logto_id with it.
CREATE FUNCTION orgdesk.current_user_logto_id ()
  RETURNS text
  LANGUAGE sql
  STABLE
  PARALLEL SAFE
  RETURN NULLIF (pg_catalog.current_setting ('orgdesk.user_id', true), '');

GRANT EXECUTE ON FUNCTION orgdesk.current_organization_id () TO orgdesk_app;
GRANT EXECUTE ON FUNCTION orgdesk.current_user_logto_id () TO orgdesk_app;

-- Keeps updated_at honest whatever the client sends.
CREATE FUNCTION orgdesk.touch_updated_at ()
  RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now ();
  RETURN NEW;
END
$$;

GRANT EXECUTE ON FUNCTION orgdesk.touch_updated_at () TO orgdesk_app;

-- One row per Logto user, upserted by the app at sign-in.  Not organization
-- scoped: a user belongs to many organizations.  Text columns hold any
-- Unicode; PostgreSQL text cannot hold NUL, so the app rejects NUL before
-- sending (a NUL would otherwise fail the statement, never truncate it).
CREATE TABLE orgdesk.users (
  id uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid () PRIMARY KEY,
  logto_id text NOT NULL UNIQUE
    CHECK (pg_catalog.char_length (logto_id) BETWEEN 1 AND 128),
  email text
    CHECK (pg_catalog.char_length (email) <= 320),
  name text
    CHECK (pg_catalog.char_length (name) <= 256),
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now (),
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now ()
);

-- Posts of an organization.  The key leads with the organization so that
-- every lookup, foreign key and (later) distribution by organization stays
-- within one organization.
CREATE TABLE orgdesk.posts (
  logto_organization_id text NOT NULL
    CHECK (pg_catalog.char_length (logto_organization_id) BETWEEN 1 AND 128),
  id uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid (),
  author_id uuid REFERENCES orgdesk.users (id) ON DELETE SET NULL,
  title text NOT NULL
    CHECK (pg_catalog.char_length (pg_catalog.btrim (title)) >= 1
           AND pg_catalog.char_length (title) <= 200),
  body text NOT NULL DEFAULT ''
    CHECK (pg_catalog.char_length (body) <= 100000),
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now (),
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now (),
  PRIMARY KEY (logto_organization_id, id)
);

-- Keyset paging, newest first:
--   WHERE logto_organization_id = $1 AND (created_at, id) < ($2, $3)
--   ORDER BY created_at DESC, id DESC LIMIT n
CREATE INDEX posts_organization_created_idx
  ON orgdesk.posts (logto_organization_id, created_at DESC, id DESC);

-- Authors of visible rows (the users policy below) and ON DELETE SET NULL.
CREATE INDEX posts_organization_author_idx
  ON orgdesk.posts (logto_organization_id, author_id);

CREATE TRIGGER posts_touch_updated_at
  BEFORE UPDATE ON orgdesk.posts
  FOR EACH ROW EXECUTE FUNCTION orgdesk.touch_updated_at ();

-- Comments on posts.  The composite foreign key keeps a comment in its post's
-- organization: a comment of organization A naming a post of B finds no
-- (A, post) row and fails, whatever the policies say.
CREATE TABLE orgdesk.comments (
  logto_organization_id text NOT NULL,
  id uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid (),
  post_id uuid NOT NULL,
  author_id uuid REFERENCES orgdesk.users (id) ON DELETE SET NULL,
  body text NOT NULL
    CHECK (pg_catalog.char_length (pg_catalog.btrim (body)) >= 1
           AND pg_catalog.char_length (body) <= 20000),
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now (),
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now (),
  PRIMARY KEY (logto_organization_id, id),
  FOREIGN KEY (logto_organization_id, post_id)
    REFERENCES orgdesk.posts (logto_organization_id, id) ON DELETE CASCADE
);

-- A post's comments in order; also serves the cascading delete.
CREATE INDEX comments_organization_post_idx
  ON orgdesk.comments (logto_organization_id, post_id, created_at, id);

CREATE INDEX comments_organization_author_idx
  ON orgdesk.comments (logto_organization_id, author_id);

CREATE TRIGGER comments_touch_updated_at
  BEFORE UPDATE ON orgdesk.comments
  FOR EACH ROW EXECUTE FUNCTION orgdesk.touch_updated_at ();

CREATE TRIGGER users_touch_updated_at
  BEFORE UPDATE ON orgdesk.users
  FOR EACH ROW EXECUTE FUNCTION orgdesk.touch_updated_at ();

-- Row-level security.  FORCE applies the policies to the owner as well, so
-- nothing but a superuser or a BYPASSRLS role reads across organizations
-- (orgdesk-admin seed sets the context like the app does).  The policies are
-- for PUBLIC, i.e. for the app role and the owner alike.
ALTER TABLE orgdesk.posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.posts FORCE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.comments FORCE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.users FORCE ROW LEVEL SECURITY;

-- USING hides other organizations' rows from SELECT, UPDATE and DELETE;
-- WITH CHECK refuses to write one, including an UPDATE that would move a row
-- from the current organization to another.
CREATE POLICY posts_organization ON orgdesk.posts
  USING (logto_organization_id = orgdesk.current_organization_id ())
  WITH CHECK (logto_organization_id = orgdesk.current_organization_id ());

CREATE POLICY comments_organization ON orgdesk.comments
  USING (logto_organization_id = orgdesk.current_organization_id ())
  WITH CHECK (logto_organization_id = orgdesk.current_organization_id ());

-- Users: one's own row, plus (read-only) the authors of posts and comments
-- visible in the current organization, so the UI can show who wrote what.
-- The subqueries run under the posts/comments policies, so an author who
-- wrote only in other organizations stays invisible.  Nobody deletes users
-- through the app (no DELETE policy: a DELETE matches no row).
CREATE POLICY users_select ON orgdesk.users
  FOR SELECT
  USING (logto_id = orgdesk.current_user_logto_id ()
         OR EXISTS (SELECT 1 FROM orgdesk.posts p WHERE p.author_id = users.id)
         OR EXISTS (SELECT 1 FROM orgdesk.comments c WHERE c.author_id = users.id));

CREATE POLICY users_insert ON orgdesk.users
  FOR INSERT
  WITH CHECK (logto_id = orgdesk.current_user_logto_id ());

CREATE POLICY users_update ON orgdesk.users
  FOR UPDATE
  USING (logto_id = orgdesk.current_user_logto_id ())
  WITH CHECK (logto_id = orgdesk.current_user_logto_id ());

-- The app role reaches exactly these three tables, and only through the
-- policies above (it has no BYPASSRLS and owns none of them).
GRANT SELECT, INSERT, UPDATE, DELETE ON orgdesk.users, orgdesk.posts, orgdesk.comments
  TO orgdesk_app;
