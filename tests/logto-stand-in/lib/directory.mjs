// The stand-in's "database": users, organizations, roles and API resources from the fixture,
// plus the membership changes that test hooks make at run time. Everything is in memory.
import { readFileSync } from 'node:fs';

export const ORGANIZATIONS_SCOPE = 'urn:logto:scope:organizations';
export const ORGANIZATION_ROLES_SCOPE = 'urn:logto:scope:organization_roles';
/** Logto's reserved resource for organization scopes (ReservedResource.Organization). */
export const ORGANIZATION_RESOURCE = 'urn:logto:resource:organizations';
/** Audience of an organization token (buildOrganizationUrn in @logto/core-kit). */
export const organizationUrn = (organizationId) => `urn:logto:organization:${organizationId}`;

function fail(message) {
  throw new Error(`fixture: ${message}`);
}

function checkFixture(fixture) {
  if (!fixture.client?.client_id) fail('client.client_id is required');
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
    this.organizations = new Map(fixture.organizations.map((o) => [o.id, o]));
    this.roles = new Map(fixture.organization_roles.map((r) => [r.name, r]));
    this.resources = new Map(fixture.api_resources.map((r) => [r.indicator, r]));
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
