// The stand-in's "database": users, organizations, roles and API resources from the fixture,
// plus the membership changes that test hooks make at run time. Everything is in memory.
import { readFileSync } from 'node:fs';

import { standardId } from './keys.mjs';

export const ORGANIZATIONS_SCOPE = 'urn:logto:scope:organizations';
export const ORGANIZATION_ROLES_SCOPE = 'urn:logto:scope:organization_roles';
/** Logto's reserved resource for organization scopes (ReservedResource.Organization). */
export const ORGANIZATION_RESOURCE = 'urn:logto:resource:organizations';
/** Audience of an organization token (buildOrganizationUrn in @logto/core-kit). */
export const organizationUrn = (organizationId) => `urn:logto:organization:${organizationId}`;

/** Logto OSS has one tenant, `default` (@logto/schemas defaultTenantId). */
export const TENANT_ID = 'default';
/**
 * The built-in Management API resource of a self-hosted Logto (@logto/schemas
 * defaultManagementApi; the indicator is getManagementApiResourceIndicator('default')).
 */
export const MANAGEMENT_API = Object.freeze({
  id: 'management-api',
  indicator: `https://${TENANT_ID}.logto.app/api`,
  name: 'Logto Management API',
  access_token_ttl: 3600,
  scopes: [{ id: 'management-api-all', name: 'all', description: 'Default scope for Management API, allows all permissions.' }],
});
/** createdAt (epoch ms) of fixture organizations that give none: 2025-01-15T00:00:00Z. */
const FIXTURE_ORGANIZATION_CREATED_AT = 1736899200000;

/** An error the Management API reports like Logto's RequestError (see management-api.mjs). */
export class DirectoryError extends Error {
  constructor(status, code, interpolation = {}) {
    super(code);
    this.status = status;
    this.code = code;
    this.interpolation = interpolation;
  }
}

/** A row of Logto's organizations table, as the Management API returns it. */
function organizationRecord(fields) {
  return {
    tenantId: TENANT_ID,
    id: fields.id,
    name: fields.name,
    description: fields.description ?? null,
    customData: fields.customData ?? fields.custom_data ?? {},
    isMfaRequired: fields.isMfaRequired ?? false,
    color: fields.color ?? {},
    branding: fields.branding ?? {},
    customCss: fields.customCss ?? null,
    createdAt: fields.createdAt ?? fields.created_at ?? FIXTURE_ORGANIZATION_CREATED_AT,
  };
}

function fail(message) {
  throw new Error(`fixture: ${message}`);
}

function checkFixture(fixture) {
  if (!fixture.client?.client_id) fail('client.client_id is required');
  for (const app of fixture.machine_to_machine_applications ?? []) {
    if (!app.client_id || !app.client_secret) fail('machine_to_machine_applications[]: client_id and client_secret are required');
  }
  for (const role of fixture.organization_roles) if (!role.id) fail(`organization role ${role.name} has no id`);
  const orgIds = new Set(fixture.organizations.map((o) => o.id));
  const roles = new Set(fixture.organization_roles.map((r) => r.name));
  for (const user of fixture.users) {
    if (!/^[a-z0-9]{12}$/.test(user.id)) fail(`user id ${user.id} is not 12 lowercase alphanumerics`);
    for (const m of user.organizations) {
      if (!orgIds.has(m.id)) fail(`user ${user.username}: unknown organization ${m.id}`);
      for (const role of m.roles) if (!roles.has(role)) fail(`user ${user.username}: unknown role ${role}`);
    }
  }
}

export class Directory {
  constructor(fixture) {
    checkFixture(fixture);
    this.fixture = fixture;
    this.client = fixture.client;
    this.users = new Map(fixture.users.map((u) => [u.id, u]));
    this.machineToMachineApps = new Map((fixture.machine_to_machine_applications ?? []).map((a) => [a.client_id, a]));
    // Insertion order: fixture organizations, then those created through the Management API
    // (Logto's `GET /api/organizations` has no ORDER BY; a fresh database answers in this order).
    this.organizations = new Map(fixture.organizations.map((o) => [o.id, organizationRecord(o)]));
    this.roles = new Map(fixture.organization_roles.map((r) => [r.name, r]));
    this.rolesById = new Map(fixture.organization_roles.map((r) => [r.id, r]));
    this.resources = new Map([...fixture.api_resources, MANAGEMENT_API].map((r) => [r.indicator, r]));
    // userId -> Map(organizationId -> [role names]); mutable through the test hooks.
    this.memberships = new Map(fixture.users.map((u) => [
      u.id, new Map(u.organizations.map((m) => [m.id, [...m.roles]])),
    ]));
  }

  static load(path) {
    return new Directory(JSON.parse(readFileSync(path, 'utf8')));
  }

  findUser(id) {
    return this.users.get(id);
  }

  /** Sign-in identifier: Logto accepts username or email; so does the stand-in. */
  findUserByIdentifier(identifier) {
    const wanted = String(identifier ?? '').trim().toLowerCase();
    return [...this.users.values()].find(
      (u) => u.username === wanted || u.primary_email?.toLowerCase() === wanted,
    );
  }

  organizationIdsOf(userId) {
    return [...(this.memberships.get(userId)?.keys() ?? [])];
  }

  rolesIn(userId, organizationId) {
    return this.memberships.get(userId)?.get(organizationId);
  }

  isMember(userId, organizationId) {
    return Boolean(this.rolesIn(userId, organizationId));
  }

  /** Organization scopes (permissions) the user's roles grant in one organization. */
  organizationScopesOf(userId, organizationId) {
    const names = (this.rolesIn(userId, organizationId) ?? [])
      .flatMap((role) => this.roles.get(role)?.organization_scopes ?? []);
    return [...new Set(names)];
  }

  /** API scopes of a resource granted by the user's organization roles in one organization. */
  organizationApiScopesOf(userId, organizationId, indicator) {
    const names = (this.rolesIn(userId, organizationId) ?? [])
      .flatMap((role) => this.roles.get(role)?.api_scopes?.[indicator] ?? []);
    return [...new Set(names)];
  }

  /** API scopes of a resource granted to the user directly (Logto's user-level roles). */
  userApiScopesOf(userId, indicator) {
    return [...(this.users.get(userId)?.api_scopes?.[indicator] ?? [])];
  }

  /**
   * Logto's findUserScopesForResourceIndicator(userId, indicator, findFromOrganizations=true,
   * organizationId): user-level role scopes, plus organization role scopes from the given
   * organization, or from all of the user's organizations when none is given (consent, code
   * exchange, and a refresh with `resource` alone).
   */
  userResourceScopes(userId, indicator, organizationId) {
    const organizationIds = organizationId ? [organizationId] : this.organizationIdsOf(userId);
    const names = [
      ...this.userApiScopesOf(userId, indicator),
      ...organizationIds.flatMap((id) => this.organizationApiScopesOf(userId, id, indicator)),
    ];
    const defined = this.resourceScopes(indicator);
    return defined.filter((name) => names.includes(name));
  }

  allOrganizationScopes() {
    return this.fixture.organization_scopes.map((s) => s.name);
  }

  resourceScopes(indicator) {
    return this.resources.get(indicator)?.scopes.map((s) => s.name) ?? [];
  }

  /** API scopes a machine-to-machine app's (global M2M) roles grant for a resource. */
  applicationApiScopesOf(clientId, indicator) {
    const names = this.machineToMachineApps.get(clientId)?.api_scopes?.[indicator] ?? [];
    return this.resourceScopes(indicator).filter((name) => names.includes(name));
  }

  // ---- Management API (lib/management-api.mjs); errors as Logto's database layer gives them.

  /** POST /api/organizations: a new organization with a 12-character id (Logto: idLength 12). */
  createOrganization(fields) {
    let id;
    do id = standardId(12); while (this.organizations.has(id));
    const organization = organizationRecord({ ...fields, id, createdAt: Date.now() });
    this.organizations.set(id, organization);
    return organization;
  }

  /** GET /api/organizations/:id; 404 entity.not_exists_with_id as buildFindEntityByIdWithPool. */
  getOrganization(id) {
    const organization = this.organizations.get(id);
    if (!organization) throw new DirectoryError(404, 'entity.not_exists_with_id', { name: 'organizations', id });
    return organization;
  }

  /** `q`: case-insensitive substring of id or name (Logto: `id ilike %q% or name ilike %q%`). */
  searchOrganizations(q) {
    const all = [...this.organizations.values()];
    if (!q) return all;
    const needle = q.toLowerCase();
    return all.filter((o) => o.id.toLowerCase().includes(needle) || o.name.toLowerCase().includes(needle));
  }

  membersOf(organizationId) {
    return [...this.memberships].filter(([, orgs]) => orgs.has(organizationId)).map(([userId]) => userId);
  }

  /**
   * POST /api/organizations/:id/users: one INSERT ... ON CONFLICT DO NOTHING, so either every
   * user is added or, when the organization or a user does not exist, none is (422).
   */
  addOrganizationUsers(organizationId, userIds) {
    if (!this.organizations.has(organizationId) || userIds.some((id) => !this.users.has(id))) {
      throw new DirectoryError(422, 'entity.relation_foreign_key_not_found');
    }
    for (const userId of userIds) {
      const orgs = this.memberships.get(userId);
      if (!orgs.has(organizationId)) orgs.set(organizationId, []);
    }
  }

  /** POST /api/organizations/:id/users/:userId/roles, after the membership check. */
  addOrganizationUserRoles(organizationId, userId, roleIds) {
    if (roleIds.some((id) => !this.rolesById.has(id))) {
      throw new DirectoryError(422, 'entity.relation_foreign_key_not_found');
    }
    const roles = this.memberships.get(userId).get(organizationId);
    for (const id of roleIds) {
      const { name } = this.rolesById.get(id);
      if (!roles.includes(name)) roles.push(name);
    }
  }

  /** Organization roles with scopes, as `GET /api/organization-roles` returns them. */
  organizationRoleRecord(role) {
    const scopeByName = new Map(this.fixture.organization_scopes.map((s) => [s.name, s]));
    return {
      tenantId: TENANT_ID,
      id: role.id,
      name: role.name,
      description: role.description ?? null,
      type: 'User',
      scopes: (role.organization_scopes ?? []).map((name) => ({ id: scopeByName.get(name)?.id ?? name, name })),
      resourceScopes: Object.entries(role.api_scopes ?? {}).flatMap(([indicator, names]) => {
        const resource = this.resources.get(indicator);
        return names.map((name) => ({
          id: resource?.scopes.find((s) => s.name === name)?.id ?? name,
          name,
          resource: { id: resource?.id ?? indicator, name: resource?.name ?? indicator },
        }));
      }),
    };
  }

  /** Role entities {id, name} of a member, sorted by name (Logto's aggregateRoles). */
  roleEntitiesOf(userId, organizationId) {
    return (this.rolesIn(userId, organizationId) ?? [])
      .map((name) => ({ id: this.roles.get(name).id, name }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  addMembership(userId, organizationId, roles = []) {
    if (!this.users.has(userId)) throw new Error(`unknown user ${userId}`);
    if (!this.organizations.has(organizationId)) throw new Error(`unknown organization ${organizationId}`);
    for (const role of roles) if (!this.roles.has(role)) throw new Error(`unknown role ${role}`);
    this.memberships.get(userId).set(organizationId, [...roles]);
  }

  removeMembership(userId, organizationId) {
    return this.memberships.get(userId)?.delete(organizationId) ?? false;
  }
}
