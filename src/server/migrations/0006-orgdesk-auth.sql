-- 0006-orgdesk-auth.sql: the organization context comes from a verified token.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Until now the policies trusted two settings the client set itself
-- (set_config('orgdesk.organization_id', …)): anyone with the app role's
-- password could name any organization.  From here on the context is what
-- the orgdesk_auth extension verified in this transaction, from a Logto
-- access token for the database API resource (orgdesk.authenticate(token)),
-- and the token's scopes decide between reading and writing.  The extension
-- must be installed on the server and loaded with shared_preload_libraries
-- (src/server/README.md); its keys and issuer are set afterwards with
-- `orgdesk-admin config set` and `orgdesk-admin jwks sync`.
--
-- Every policy uses the (SELECT f()) form: the value is computed once per
-- statement and the organization stays an index condition.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'orgdesk_auth') THEN
    RAISE EXCEPTION 'the orgdesk_auth extension is not installed on this server'
      USING ERRCODE = '58P01',
            HINT = 'Install Orgdesk''s server part (meson install puts orgdesk_auth into PostgreSQL''s directories), add orgdesk_auth to shared_preload_libraries, restart the server, then migrate again.';
  END IF;
END
$$;

-- The extension's functions take the old names; the old ones stay, renamed,
-- until the policies that use them are replaced below.
ALTER FUNCTION orgdesk.current_organization_id () RENAME TO legacy_current_organization_id;
ALTER FUNCTION orgdesk.current_user_logto_id () RENAME TO legacy_current_user_logto_id;

CREATE EXTENSION orgdesk_auth SCHEMA orgdesk;

-- Posts and comments: the verified organization, and the read scope to see
-- a row, the write scope to add, change or remove one.  A token of
-- organization A never matches a row of B; no token matches nothing.
DROP POLICY posts_organization ON orgdesk.posts;
DROP POLICY comments_organization ON orgdesk.comments;

CREATE POLICY posts_read ON orgdesk.posts
  FOR SELECT
  USING (logto_organization_id = (SELECT orgdesk.current_organization_id ())
         AND (SELECT orgdesk.can_read ()));
CREATE POLICY posts_insert ON orgdesk.posts
  FOR INSERT
  WITH CHECK (logto_organization_id = (SELECT orgdesk.current_organization_id ())
              AND (SELECT orgdesk.can_write ()));
CREATE POLICY posts_update ON orgdesk.posts
  FOR UPDATE
  USING (logto_organization_id = (SELECT orgdesk.current_organization_id ())
         AND (SELECT orgdesk.can_write ()))
  WITH CHECK (logto_organization_id = (SELECT orgdesk.current_organization_id ())
              AND (SELECT orgdesk.can_write ()));
CREATE POLICY posts_delete ON orgdesk.posts
  FOR DELETE
  USING (logto_organization_id = (SELECT orgdesk.current_organization_id ())
         AND (SELECT orgdesk.can_write ()));

CREATE POLICY comments_read ON orgdesk.comments
  FOR SELECT
  USING (logto_organization_id = (SELECT orgdesk.current_organization_id ())
         AND (SELECT orgdesk.can_read ()));
CREATE POLICY comments_insert ON orgdesk.comments
  FOR INSERT
  WITH CHECK (logto_organization_id = (SELECT orgdesk.current_organization_id ())
              AND (SELECT orgdesk.can_write ()));
CREATE POLICY comments_update ON orgdesk.comments
  FOR UPDATE
  USING (logto_organization_id = (SELECT orgdesk.current_organization_id ())
         AND (SELECT orgdesk.can_write ()))
  WITH CHECK (logto_organization_id = (SELECT orgdesk.current_organization_id ())
              AND (SELECT orgdesk.can_write ()));
CREATE POLICY comments_delete ON orgdesk.comments
  FOR DELETE
  USING (logto_organization_id = (SELECT orgdesk.current_organization_id ())
         AND (SELECT orgdesk.can_write ()));

-- The directories derived from them: readable with the read scope.
DROP POLICY organization_authors_organization ON orgdesk.organization_authors;
CREATE POLICY organization_authors_read ON orgdesk.organization_authors
  FOR SELECT
  USING (logto_organization_id = (SELECT orgdesk.current_organization_id ())
         AND (SELECT orgdesk.can_read ()));

DROP POLICY organization_post_counts_organization ON orgdesk.organization_post_counts;
CREATE POLICY organization_post_counts_read ON orgdesk.organization_post_counts
  FOR SELECT
  USING (logto_organization_id = (SELECT orgdesk.current_organization_id ())
         AND (SELECT orgdesk.can_read ()));

-- Users: one's own row by the token's sub (any valid token, with or without
-- an organization: the identity is what is verified), plus, read-only, the
-- authors of what one may read in the token's organization.
DROP POLICY users_select ON orgdesk.users;
DROP POLICY users_insert ON orgdesk.users;
DROP POLICY users_update ON orgdesk.users;

CREATE POLICY users_read ON orgdesk.users
  FOR SELECT
  USING (logto_id = (SELECT orgdesk.current_user_id ())
         OR ((SELECT orgdesk.can_read ())
             AND EXISTS (SELECT FROM orgdesk.organization_authors a
                          WHERE a.logto_organization_id = (SELECT orgdesk.current_organization_id ())
                            AND a.user_id = users.id)));
CREATE POLICY users_insert ON orgdesk.users
  FOR INSERT
  WITH CHECK (logto_id = (SELECT orgdesk.current_user_id ()));
CREATE POLICY users_update ON orgdesk.users
  FOR UPDATE
  USING (logto_id = (SELECT orgdesk.current_user_id ()))
  WITH CHECK (logto_id = (SELECT orgdesk.current_user_id ()));

DROP FUNCTION orgdesk.legacy_current_organization_id ();
DROP FUNCTION orgdesk.legacy_current_user_logto_id ();

-- A write without the write scope is an error, not zero rows: the policies
-- alone would let a read-only member's UPDATE or DELETE "succeed" on
-- nothing.  Statement-level, so it fires even when no row matches.
-- Superusers (fixtures, repairs) and writes made by triggers (the cascade
-- from posts to comments, ON DELETE SET NULL from users) pass: the
-- statement that caused them was checked already, and the app role can
-- create no trigger.
CREATE FUNCTION orgdesk.require_write_scope ()
  RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF orgdesk.can_write () IS NOT TRUE
     AND pg_catalog.pg_trigger_depth () = 1
     AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RAISE EXCEPTION 'changing %.% needs a token with the write scope', TG_TABLE_SCHEMA, TG_TABLE_NAME
      USING ERRCODE = '42501';
  END IF;
  RETURN NULL;
END
$$;

GRANT EXECUTE ON FUNCTION orgdesk.require_write_scope () TO orgdesk_app;

CREATE TRIGGER posts_require_write_scope
  BEFORE INSERT OR UPDATE OR DELETE ON orgdesk.posts
  FOR EACH STATEMENT EXECUTE FUNCTION orgdesk.require_write_scope ();
CREATE TRIGGER comments_require_write_scope
  BEFORE INSERT OR UPDATE OR DELETE ON orgdesk.comments
  FOR EACH STATEMENT EXECUTE FUNCTION orgdesk.require_write_scope ();

-- Authors are who signed: with a verified user, a new row's author_id is
-- that user's row, whatever the statement said (NULL when the user has no
-- row yet).  The seed's organization-only context and superusers keep the
-- author they name.  Runs as the caller: the users policy shows one's own
-- row.
CREATE FUNCTION orgdesk.set_author ()
  RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  signer text := orgdesk.current_user_id ();
BEGIN
  IF signer IS NOT NULL THEN
    NEW.author_id := (SELECT u.id FROM orgdesk.users u WHERE u.logto_id = signer);
  END IF;
  RETURN NEW;
END
$$;

GRANT EXECUTE ON FUNCTION orgdesk.set_author () TO orgdesk_app;

-- Named to sort before the *_record_authors triggers' AFTER work; BEFORE row
-- triggers run in name order among themselves.
CREATE TRIGGER posts_set_author
  BEFORE INSERT ON orgdesk.posts
  FOR EACH ROW EXECUTE FUNCTION orgdesk.set_author ();
CREATE TRIGGER comments_set_author
  BEFORE INSERT ON orgdesk.comments
  FOR EACH ROW EXECUTE FUNCTION orgdesk.set_author ();

-- The app changes a post's title and body and a comment's body, and its own
-- profile; never an author, an organization, an id or a timestamp (the
-- trigger keeps updated_at).
REVOKE UPDATE ON orgdesk.posts, orgdesk.comments, orgdesk.users FROM orgdesk_app;
GRANT UPDATE (title, body) ON orgdesk.posts TO orgdesk_app;
GRANT UPDATE (body) ON orgdesk.comments TO orgdesk_app;
GRANT UPDATE (email, name) ON orgdesk.users TO orgdesk_app;

-- An author leaves an organization's directory with their last post or
-- comment there, so their name and email stop being readable to it.
-- SECURITY DEFINER to write the directory; posts and comments are FORCEd,
-- so its look-ups see what the caller's context sees: it does nothing
-- without a context that can read (a superuser's cleanup, a write-only
-- token), rather than take unseen rows for missing ones.
CREATE FUNCTION orgdesk.forget_authors ()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF orgdesk.current_organization_id () IS NULL OR orgdesk.can_read () IS NOT TRUE THEN
    RETURN NULL;
  END IF;

  DELETE FROM orgdesk.organization_authors a
   USING (SELECT DISTINCT o.logto_organization_id, o.author_id
            FROM old_rows o
           WHERE o.author_id IS NOT NULL
             AND o.logto_organization_id = orgdesk.current_organization_id ()) AS gone
   WHERE a.logto_organization_id = gone.logto_organization_id
     AND a.user_id = gone.author_id
     AND NOT EXISTS (SELECT FROM orgdesk.posts p
                      WHERE p.logto_organization_id = gone.logto_organization_id
                        AND p.author_id = gone.author_id)
     AND NOT EXISTS (SELECT FROM orgdesk.comments c
                      WHERE c.logto_organization_id = gone.logto_organization_id
                        AND c.author_id = gone.author_id);
  RETURN NULL;
END
$$;

GRANT EXECUTE ON FUNCTION orgdesk.forget_authors () TO orgdesk_app;

CREATE TRIGGER posts_forget_authors
  AFTER DELETE ON orgdesk.posts
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orgdesk.forget_authors ();
CREATE TRIGGER comments_forget_authors
  AFTER DELETE ON orgdesk.comments
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orgdesk.forget_authors ();

-- Directory rows whose author has nothing left there (deleted before this
-- migration) go now.
ALTER TABLE orgdesk.posts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.comments NO FORCE ROW LEVEL SECURITY;
DELETE FROM orgdesk.organization_authors a
 WHERE NOT EXISTS (SELECT FROM orgdesk.posts p
                    WHERE p.logto_organization_id = a.logto_organization_id AND p.author_id = a.user_id)
   AND NOT EXISTS (SELECT FROM orgdesk.comments c
                    WHERE c.logto_organization_id = a.logto_organization_id AND c.author_id = a.user_id);
ALTER TABLE orgdesk.posts FORCE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.comments FORCE ROW LEVEL SECURITY;
