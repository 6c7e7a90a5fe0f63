-- 0007-organization-requests.sql: a new user asks for a default organization.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A desktop app holds no Logto Management API credentials, so a user with no
-- organization cannot make one.  She asks the database instead, with a
-- user-level token (no organization in it): orgdesk.request_default_organization()
-- records the request for the verified user, and only for her.  A trusted
-- service next to the database (orgdesk-provisioner, as the owner) creates the
-- organization at Logto and records the outcome here.

CREATE TABLE orgdesk.organization_requests (
  id uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid () PRIMARY KEY,
  -- the token's sub: who asked, and who becomes the organization's member
  logto_user_id text NOT NULL
    CHECK (pg_catalog.char_length (logto_user_id) BETWEEN 1 AND 128),
  -- open: waiting or being worked on; done: the organization exists and she is
  -- in it; failed: Logto refused for good (last_error says why)
  status text NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error text CHECK (pg_catalog.char_length (last_error) <= 2000),
  -- set as soon as Logto created it, before the member is added, so a
  -- provisioner restarted half-way finishes this organization, never a second
  logto_organization_id text
    CHECK (pg_catalog.char_length (logto_organization_id) BETWEEN 1 AND 128),
  -- back-off: an open request is not tried again before this
  next_attempt_at timestamptz NOT NULL DEFAULT pg_catalog.now (),
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now (),
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now (),
  CHECK (status <> 'done' OR logto_organization_id IS NOT NULL)
);

-- At most one open request per user: asking twice is the same request.
CREATE UNIQUE INDEX organization_requests_one_open_idx
  ON orgdesk.organization_requests (logto_user_id) WHERE status = 'open';

-- The provisioner's queue: open requests that are due.
CREATE INDEX organization_requests_due_idx
  ON orgdesk.organization_requests (next_attempt_at) WHERE status = 'open';

CREATE TRIGGER organization_requests_touch_updated_at
  BEFORE UPDATE ON orgdesk.organization_requests
  FOR EACH ROW EXECUTE FUNCTION orgdesk.touch_updated_at ();

-- The app role reads its own requests (to follow one) and writes none: the
-- function below is the only way in.  Not FORCEd: the owner (the
-- provisioner) works on everyone's.
ALTER TABLE orgdesk.organization_requests ENABLE ROW LEVEL SECURITY;

CREATE POLICY organization_requests_own ON orgdesk.organization_requests
  FOR SELECT
  USING (logto_user_id = (SELECT orgdesk.current_user_id ()));

GRANT SELECT ON orgdesk.organization_requests TO orgdesk_app;

-- Records an open request for the verified user (or finds the one she has) and
-- wakes the provisioner (NOTIFY orgdesk_organization_requests, the request's
-- id as payload).  Refused (42501) without a verified user, and with an
-- organization context: the request is about the user alone.  SECURITY
-- DEFINER to write the table the app role cannot; who asks comes from the
-- extension's verified context, never from an argument.
CREATE FUNCTION orgdesk.request_default_organization ()
  RETURNS TABLE (request_id uuid, status text, logto_organization_id text)
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  requester text := orgdesk.current_user_id ();
  request orgdesk.organization_requests;
BEGIN
  IF requester IS NULL THEN
    RAISE EXCEPTION 'requesting an organization needs a verified user (orgdesk.authenticate)'
      USING ERRCODE = '42501';
  END IF;
  IF orgdesk.current_organization_id () IS NOT NULL THEN
    RAISE EXCEPTION 'requesting an organization needs a user-level token, without organization_id'
      USING ERRCODE = '42501';
  END IF;

  INSERT INTO orgdesk.organization_requests AS r (logto_user_id)
  VALUES (requester)
  ON CONFLICT (logto_user_id) WHERE r.status = 'open' DO NOTHING;

  SELECT * INTO request
    FROM orgdesk.organization_requests r
   WHERE r.logto_user_id = requester AND r.status = 'open';

  PERFORM pg_catalog.pg_notify ('orgdesk_organization_requests', request.id::text);
  RETURN QUERY SELECT request.id, request.status, request.logto_organization_id;
END
$$;

GRANT EXECUTE ON FUNCTION orgdesk.request_default_organization () TO orgdesk_app;
