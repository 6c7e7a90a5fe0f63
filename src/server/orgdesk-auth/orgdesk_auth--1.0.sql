-- orgdesk_auth--1.0.sql: the objects of the orgdesk_auth extension.
--
-- Copyright 2026 The Orgdesk authors
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Installed by migration 0006 (CREATE EXTENSION orgdesk_auth, as orgdesk_owner:
-- a trusted extension, so this script runs as the bootstrap superuser and hands
-- what it creates to @extowner@).  The library must also be in
-- shared_preload_libraries: its utility hook confines the app role from the
-- first statement of every session.

\echo Use "CREATE EXTENSION orgdesk_auth" to load this file. \quit

-- What a token must say to be accepted.  One row; without it nothing
-- authenticates.  orgdesk-admin config set writes it.
CREATE TABLE @extschema@.auth_config (
  singleton boolean NOT NULL DEFAULT true PRIMARY KEY CHECK (singleton),
  -- "iss": Logto's issuer, <endpoint>/oidc
  issuer text NOT NULL CHECK (issuer <> ''),
  -- "aud": the database API resource's indicator
  audience text NOT NULL CHECK (audience <> ''),
  clock_skew_seconds integer NOT NULL DEFAULT 60 CHECK (clock_skew_seconds BETWEEN 0 AND 300),
  read_scope text NOT NULL DEFAULT 'data:read' CHECK (read_scope <> ''),
  write_scope text NOT NULL DEFAULT 'data:write' CHECK (write_scope <> '')
);

-- The issuer's signing keys (its JWKS), one row per key.  Several at once, so a
-- rotation at Logto needs no downtime: orgdesk-admin jwks sync keeps a key
-- until it leaves Logto's set.
CREATE TABLE @extschema@.auth_keys (
  kid text NOT NULL PRIMARY KEY CHECK (pg_catalog.char_length (kid) BETWEEN 1 AND 256),
  jwk jsonb NOT NULL CHECK (pg_catalog.jsonb_typeof (jwk) = 'object' AND jwk ->> 'kid' = kid),
  added_at timestamptz NOT NULL DEFAULT pg_catalog.now ()
);

SELECT pg_catalog.pg_extension_config_dump ('@extschema@.auth_config', '');
SELECT pg_catalog.pg_extension_config_dump ('@extschema@.auth_keys', '');

ALTER TABLE @extschema@.auth_config OWNER TO @extowner@;
ALTER TABLE @extschema@.auth_keys OWNER TO @extowner@;

-- Keys are public and so is the configuration; authenticate() reads them with
-- the caller's rights.
GRANT SELECT ON @extschema@.auth_config, @extschema@.auth_keys TO PUBLIC;

-- Verifies a Logto access token for the database API resource and makes its
-- sub, organization_id and scope this transaction's context.  Returns the sub.
-- Fails with SQLSTATE 28000 (invalid_authorization_specification) and sets
-- nothing when the token is not acceptable.
CREATE FUNCTION @extschema@.authenticate (token text)
  RETURNS text
  LANGUAGE c VOLATILE STRICT PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'orgdesk_auth_authenticate';

-- What was verified in this transaction, else NULL.  Call them as
-- (SELECT orgdesk.current_organization_id ()) in policies: computed once per
-- statement, and the comparison stays an index condition.
CREATE FUNCTION @extschema@.current_user_id ()
  RETURNS text
  LANGUAGE c STABLE PARALLEL RESTRICTED
  AS 'MODULE_PATHNAME', 'orgdesk_auth_current_user_id';

CREATE FUNCTION @extschema@.current_organization_id ()
  RETURNS text
  LANGUAGE c STABLE PARALLEL RESTRICTED
  AS 'MODULE_PATHNAME', 'orgdesk_auth_current_organization_id';

CREATE FUNCTION @extschema@.current_scopes ()
  RETURNS text[]
  LANGUAGE c STABLE PARALLEL RESTRICTED
  AS 'MODULE_PATHNAME', 'orgdesk_auth_current_scopes';

CREATE FUNCTION @extschema@.has_scope (scope text)
  RETURNS boolean
  LANGUAGE c STABLE STRICT PARALLEL RESTRICTED
  AS 'MODULE_PATHNAME', 'orgdesk_auth_has_scope';

-- has_scope() of the configured read and write scopes.
CREATE FUNCTION @extschema@.can_read ()
  RETURNS boolean
  LANGUAGE c STABLE PARALLEL RESTRICTED
  AS 'MODULE_PATHNAME', 'orgdesk_auth_can_read';

CREATE FUNCTION @extschema@.can_write ()
  RETURNS boolean
  LANGUAGE c STABLE PARALLEL RESTRICTED
  AS 'MODULE_PATHNAME', 'orgdesk_auth_can_write';

-- A context without a token, for the schema's owner only (orgdesk-admin seed,
-- later the provisioner): it owns the tables and could lift their row-level
-- security anyway.  Reading and writing are allowed in it.
CREATE FUNCTION @extschema@.assume_context (user_id text, organization_id text)
  RETURNS void
  LANGUAGE c VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'orgdesk_auth_assume_context';

REVOKE EXECUTE ON FUNCTION @extschema@.assume_context (text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.assume_context (text, text) TO @extowner@;

GRANT EXECUTE ON FUNCTION
  @extschema@.authenticate (text),
  @extschema@.current_user_id (),
  @extschema@.current_organization_id (),
  @extschema@.current_scopes (),
  @extschema@.has_scope (text),
  @extschema@.can_read (),
  @extschema@.can_write ()
  TO PUBLIC;

-- A change of keys or configuration reaches every backend's cache at commit
-- (a relcache invalidation of the table).
CREATE FUNCTION @extschema@.auth_tables_changed ()
  RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'orgdesk_auth_tables_changed';

CREATE TRIGGER auth_config_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.auth_config
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.auth_tables_changed ();

CREATE TRIGGER auth_keys_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.auth_keys
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.auth_tables_changed ();

-- set_config() is SET by another name: a session-level setting would outlive
-- the transaction and, behind a pooler, reach the next client.  In this
-- database only the owner may call it (the utility hook refuses SET itself to
-- confined roles).
REVOKE EXECUTE ON FUNCTION pg_catalog.set_config (text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pg_catalog.set_config (text, text, boolean) TO @extowner@;
