-- 0002-organization-authors.sql: who has written in which organization.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- 0001 let the app read the authors of visible rows by searching posts and
-- comments for them from the users policy.  With few authors and many posts
-- (1,000,000 posts by one author) the planner searches posts sequentially:
-- 300 ms for a page of 50.  This directory answers the same question with
-- one primary-key probe; triggers keep it filled.

CREATE TABLE orgdesk.organization_authors (
  logto_organization_id text NOT NULL,
  user_id uuid NOT NULL REFERENCES orgdesk.users (id) ON DELETE CASCADE,
  PRIMARY KEY (logto_organization_id, user_id)
);

-- The app role reads it under the organization context like the other tables
-- and never writes it.  Not FORCEd: its only writer is the owner's trigger
-- function below, which must also record rows a superuser inserts without
-- any context (fixtures, repairs).
ALTER TABLE orgdesk.organization_authors ENABLE ROW LEVEL SECURITY;

CREATE POLICY organization_authors_organization ON orgdesk.organization_authors
  USING (logto_organization_id = orgdesk.current_organization_id ())
  WITH CHECK (logto_organization_id = orgdesk.current_organization_id ());

GRANT SELECT ON orgdesk.organization_authors TO orgdesk_app;

-- Records the authors of the rows a statement inserted.  SECURITY DEFINER so
-- it can write the directory the app role cannot; it copies organizations
-- from rows that passed the posts/comments policies already.  Fixed
-- search_path, as for every SECURITY DEFINER function.
CREATE FUNCTION orgdesk.record_authors ()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO orgdesk.organization_authors (logto_organization_id, user_id)
  SELECT DISTINCT logto_organization_id, author_id
    FROM new_rows
   WHERE author_id IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

-- Once per statement, so a 50,000-row batch costs one small INSERT.  Only
-- inserts are tracked: the app never changes a row's author.
CREATE TRIGGER posts_record_authors
  AFTER INSERT ON orgdesk.posts
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orgdesk.record_authors ();

CREATE TRIGGER comments_record_authors
  AFTER INSERT ON orgdesk.comments
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orgdesk.record_authors ();

-- Backfill across organizations: FORCE binds the owner, so lift it for this
-- transaction only (ALTER TABLE locks the tables until commit).
ALTER TABLE orgdesk.posts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.comments NO FORCE ROW LEVEL SECURITY;

INSERT INTO orgdesk.organization_authors (logto_organization_id, user_id)
SELECT logto_organization_id, author_id FROM orgdesk.posts WHERE author_id IS NOT NULL
UNION
SELECT logto_organization_id, author_id FROM orgdesk.comments WHERE author_id IS NOT NULL;

ALTER TABLE orgdesk.posts FORCE ROW LEVEL SECURITY;
ALTER TABLE orgdesk.comments FORCE ROW LEVEL SECURITY;

-- Users: one's own row, and the authors of the current organization.
DROP POLICY users_select ON orgdesk.users;

CREATE POLICY users_select ON orgdesk.users
  FOR SELECT
  USING (logto_id = orgdesk.current_user_logto_id ()
         OR EXISTS (SELECT 1 FROM orgdesk.organization_authors a
                     WHERE a.logto_organization_id = orgdesk.current_organization_id ()
                       AND a.user_id = users.id));
