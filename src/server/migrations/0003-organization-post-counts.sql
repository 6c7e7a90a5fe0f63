-- 0003-organization-post-counts.sql: how many posts each organization has.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The list of posts needs its length before it can show its first page, and
-- count(*) costs O(rows): 100-140 ms at 1,000,000 posts, the whole of an
-- organization switch (orgdesk-bench).  This counter answers with one key
-- probe; statement-level triggers keep it current, so a 50,000-row batch costs
-- one small UPSERT.  Filtered lists (a search) still count their rows.
-- Not tracked: TRUNCATE, and moving a post to another organization (the
-- policies refuse both to the app).

CREATE TABLE orgdesk.organization_post_counts (
  logto_organization_id text PRIMARY KEY,
  posts bigint NOT NULL DEFAULT 0 CHECK (posts >= 0)
);

-- Read under the organization context like the other tables, never written by
-- the app; its only writers are the owner's trigger functions below (not
-- FORCEd, as for organization_authors, so rows a superuser inserts count too).
ALTER TABLE orgdesk.organization_post_counts ENABLE ROW LEVEL SECURITY;

CREATE POLICY organization_post_counts_organization ON orgdesk.organization_post_counts
  USING (logto_organization_id = orgdesk.current_organization_id ());

GRANT SELECT ON orgdesk.organization_post_counts TO orgdesk_app;

CREATE FUNCTION orgdesk.count_inserted_posts ()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO orgdesk.organization_post_counts AS c (logto_organization_id, posts)
  SELECT logto_organization_id, count (*) FROM new_rows GROUP BY logto_organization_id
  ON CONFLICT (logto_organization_id) DO UPDATE SET posts = c.posts + excluded.posts;
  RETURN NULL;
END
$$;

CREATE FUNCTION orgdesk.count_deleted_posts ()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE orgdesk.organization_post_counts AS c
     SET posts = c.posts - d.n
    FROM (SELECT logto_organization_id, count (*) AS n FROM old_rows GROUP BY logto_organization_id) AS d
   WHERE c.logto_organization_id = d.logto_organization_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER posts_count_inserted
  AFTER INSERT ON orgdesk.posts
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orgdesk.count_inserted_posts ();

CREATE TRIGGER posts_count_deleted
  AFTER DELETE ON orgdesk.posts
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orgdesk.count_deleted_posts ();

-- Backfill across organizations: FORCE binds the owner, so lift it for this
-- transaction only (ALTER TABLE locks the table until commit).
ALTER TABLE orgdesk.posts NO FORCE ROW LEVEL SECURITY;

INSERT INTO orgdesk.organization_post_counts (logto_organization_id, posts)
SELECT logto_organization_id, count (*) FROM orgdesk.posts GROUP BY logto_organization_id;

ALTER TABLE orgdesk.posts FORCE ROW LEVEL SECURITY;
