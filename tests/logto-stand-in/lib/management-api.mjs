// The part of Logto 1.37's Management API (`/api/...`) that orgdesk-provisioner uses, read
// from Logto's source (packages/core/src/routes/organization/*, organization-role/,
// admin-user/, middleware/koa-auth/, koa-guard, koa-pagination, koa-error-handler, errors
// phrases). README.md lists what is and is not confirmed.
//
// Requests pass, in Logto's order: the test outage (if any), bearer-token check (koaAuth:
// 401, then 403 without scope `all`), parameter checks, body checks (koaGuard: 400
// guard.invalid_input), then the route. Errors are Logto's RequestError bodies:
// {"code", ["data",] ["details",] "message"}.
import { STATUS_CODES } from 'node:http';
import { createPublicKey, verify } from 'node:crypto';

import { DirectoryError, MANAGEMENT_API } from './directory.mjs';
import { publicJwk } from './keys.mjs';
import { readBody, sendJson } from './test-hooks.mjs';

/** English phrases (packages/phrases/src/locales/en/errors/*.ts) of the codes used here. */
const PHRASES = {
  'auth.authorization_header_missing': 'Authorization header is missing.',
  'auth.authorization_token_type_not_supported': 'Authorization type is not supported.',
  'auth.unauthorized': 'Unauthorized. Please check credentials and its scope.',
  'auth.forbidden': 'Forbidden. Please check your user roles and permissions.',
  'auth.jwt_sub_missing': 'Missing `sub` in JWT.',
  'guard.invalid_input': 'The request {{type}} is invalid.',
  'guard.invalid_pagination': 'The request pagination value is invalid.',
  'entity.not_exists_with_id': 'The {{name}} with ID `{{id}}` does not exist.',
  'entity.not_found': 'The resource does not exist.',
  'entity.relation_foreign_key_not_found':
    'Cannot find one or more foreign keys. Please check the input and ensure that all referenced entities exist.',
  'organization.require_membership': 'The user must be a member of the organization to proceed.',
  'organization.role_names_not_found':
    'Invalid role names detected: {{names}}. Please create these roles first before proceeding.',
};

const conjunction = new Intl.ListFormat('en', { type: 'conjunction' });

class RequestError extends Error {
  constructor(status, code, { interpolation = {}, data, details } = {}) {
    super(code);
    Object.assign(this, { status, code, interpolation, data, details });
  }

  body() {
    const values = { ...this.interpolation };
    if (Array.isArray(values.names)) values.names = conjunction.format(values.names);
    const message = (PHRASES[this.code] ?? this.code).replace(/\{\{(\w+)\}\}/g, (m, k) => (k in values ? String(values[k]) : m));
    // RequestError.toBody: pick(code, data, details) + message; undefined keys vanish in JSON.
    return { code: this.code, data: this.data, details: this.details, message };
  }
}

// ---- koaGuard: a few zod checks with zod 3's issues and Logto's formatZodError details.

const typeOf = (value) => {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
};

function invalidType(path, expected, value) {
  const received = typeOf(value);
  return {
    code: 'invalid_type', expected, received, path,
    message: received === 'undefined' ? 'Required' : `Expected ${expected}, received ${received}`,
  };
}

function checkString(issues, path, value, { min, max, optional = false, nullable = false } = {}) {
  if (value === undefined && optional) return;
  if (value === null && nullable) return;
  if (typeof value !== 'string') { issues.push(invalidType(path, 'string', value)); return; }
  if (min !== undefined && value.length < min) {
    issues.push({ code: 'too_small', minimum: min, type: 'string', inclusive: true, exact: false, message: `String must contain at least ${min} character(s)`, path });
  }
  if (max !== undefined && value.length > max) {
    issues.push({ code: 'too_big', maximum: max, type: 'string', inclusive: true, exact: false, message: `String must contain at most ${max} character(s)`, path });
  }
}

function checkStringArray(issues, path, value, { nonempty = false, optional = false } = {}) {
  if (value === undefined && optional) return;
  if (!Array.isArray(value)) { issues.push(invalidType(path, 'array', value)); return; }
  value.forEach((item, i) => checkString(issues, [...path, i], item, { min: 1 }));
  if (nonempty && value.length === 0) {
    issues.push({ code: 'too_small', minimum: 1, type: 'array', inclusive: true, exact: false, message: 'Array must contain at least 1 element(s)', path });
  }
}

function checkObject(issues, path, value, { optional = true } = {}) {
  if (value === undefined && optional) return;
  if (typeOf(value) !== 'object') issues.push(invalidType(path, 'object', value));
}

function checkBoolean(issues, path, value) {
  if (value !== undefined && typeof value !== 'boolean') issues.push(invalidType(path, 'boolean', value));
}

function guardBody(body, check) {
  const issues = [];
  if (typeOf(body) !== 'object') issues.push(invalidType([], 'object', body));
  else check(issues, body);
  if (issues.length === 0) return;
  const details = issues.map((issue) => {
    const base = `Error in key path "${issue.path.map(String).join('.')}": (${issue.code}) `;
    return issue.code === 'invalid_type' ? `${base}Expected ${issue.expected} but received ${issue.received}.` : base + issue.message;
  }).join('\n');
  throw new RequestError(400, 'guard.invalid_input', { interpolation: { type: 'body' }, data: { issues, name: 'ZodError' }, details });
}

/** koa-body: JSON only for JSON content types, else {}; a parse error is 400 {"message"}. */
async function readJsonBody(req) {
  const text = await readBody(req);
  if (!/^application\/(.+\+)?json/i.test(req.headers['content-type'] ?? '') || !text) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Object.assign(error, { plainStatus: 400 });
  }
}

// ---- koaAuth: the bearer token must be a JWT of this issuer for the Management API.

// The stand-in's signing algorithms (keys.mjs).
const DIGEST = { ES384: 'sha384', RS256: 'sha256', EdDSA: null };

class JoseError extends Error {
  constructor(code, name, message, extra = {}) {
    super(message);
    // What JSON.stringify shows of a jose 5 error (Logto puts it in `data`).
    this.json = { code, name, ...extra };
  }
}

function verifyJwt(token, keys, { issuer, audience }) {
  const parts = String(token).split('.');
  if (parts.length !== 3) throw new JoseError('ERR_JWS_INVALID', 'JWSInvalid', 'Invalid Compact JWS');
  let header;
  let payload;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url'));
    payload = JSON.parse(Buffer.from(parts[1], 'base64url'));
  } catch {
    throw new JoseError('ERR_JWS_INVALID', 'JWSInvalid', 'Invalid Compact JWS');
  }
  const jwk = keys.find((k) => k.kid === header.kid && k.alg === header.alg);
  if (!jwk || !(header.alg in DIGEST)) {
    throw new JoseError('ERR_JWKS_NO_MATCHING_KEY', 'JWKSNoMatchingKey', 'no applicable key found in the JSON Web Key Set');
  }
  const key = createPublicKey({ key: publicJwk(jwk), format: 'jwk' });
  const options = header.alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key;
  const ok = verify(DIGEST[header.alg], Buffer.from(`${parts[0]}.${parts[1]}`), options, Buffer.from(parts[2], 'base64url'));
  if (!ok) throw new JoseError('ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'JWSSignatureVerificationFailed', 'signature verification failed');
  const claimFailed = (claim, message) => new JoseError('ERR_JWT_CLAIM_VALIDATION_FAILED', 'JWTClaimValidationFailed', message, { claim, reason: 'check_failed', payload });
  if (payload.iss !== issuer) throw claimFailed('iss', 'unexpected "iss" claim value');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(audience)) throw claimFailed('aud', 'unexpected "aud" claim value');
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp === 'number' && payload.exp <= now) {
    throw new JoseError('ERR_JWT_EXPIRED', 'JWTExpired', '"exp" claim timestamp check failed', { claim: 'exp', reason: 'check_failed', payload });
  }
  if (typeof payload.nbf === 'number' && payload.nbf > now) throw claimFailed('nbf', '"nbf" claim timestamp check failed');
  return payload;
}

function authenticate(req, { keys, issuer }) {
  const { authorization } = req.headers;
  if (!authorization) throw new RequestError(401, 'auth.authorization_header_missing');
  if (!authorization.startsWith('Bearer')) {
    throw new RequestError(401, 'auth.authorization_token_type_not_supported', { data: { supportedTypes: ['Bearer'] } });
  }
  let payload;
  try {
    payload = verifyJwt(authorization.slice('Bearer'.length + 1), keys, { issuer, audience: MANAGEMENT_API.indicator });
  } catch (error) {
    throw new RequestError(401, 'auth.unauthorized', { data: error.json ?? {} });
  }
  if (!payload.sub) throw new RequestError(401, 'auth.jwt_sub_missing');
  if (payload.scope !== undefined && typeof payload.scope !== 'string') throw new RequestError(401, 'auth.unauthorized', { data: {} });
  const scopes = (payload.scope ?? '').split(' ');
  if (!scopes.includes('all')) throw new RequestError(403, 'auth.forbidden');
  return { type: payload.sub === payload.client_id ? 'app' : 'user', id: payload.sub };
}

// ---- koaPagination: page (from 1) and page_size (default 20, at most 100); Total-Number and
// Link headers. Logto's Link omits the /api prefix (koa-mount strips it from ctx.path).

function paginate(url, { optional = false } = {}) {
  const rawPage = url.searchParams.get('page');
  const rawSize = url.searchParams.get('page_size');
  if (optional && !rawPage && !rawSize) return undefined;
  const page = rawPage ? Number(rawPage) : 1;
  const size = rawSize ? Number(rawSize) : 20;
  if (!(page > 0) || !(size > 0) || size > 100 || Number.isNaN(page) || Number.isNaN(size)) {
    throw new RequestError(400, 'guard.invalid_pagination');
  }
  return { offset: (page - 1) * size, limit: size, page };
}

function paginationHeaders(url, { offset, limit }, totalCount) {
  const totalPage = Math.ceil(totalCount / limit) || 1;
  const page = Math.floor(offset / limit) + 1;
  const link = (p, rel) => {
    const query = new URLSearchParams(url.searchParams);
    query.set('page', String(p));
    return `<${url.origin}${url.pathname.replace(/^\/api/, '')}?${query}>; rel="${rel}"`;
  };
  const links = [link(1, 'first'), link(totalPage, 'last')];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < totalPage) links.push(link(page + 1, 'next'));
  return { 'total-number': String(totalCount), link: links.join(', ') };
}

function page(items, pagination) {
  return pagination ? items.slice(pagination.offset, pagination.offset + pagination.limit) : items;
}

// ---- Test outage: answers every Management API request with a status (or drops it).

export class ManagementOutage {
  requests = 0;
  current; // { status, count, until, drop, retryAfter, token, failed }
  history = [];

  /** Validates a POST /__test/management/outage body and starts the outage. */
  start(body) {
    const { status = 503, count, seconds, drop = false, retryAfter, token = false } = body;
    const fail = (message) => { throw Object.assign(new Error(message), { status: 400 }); };
    if (!Number.isInteger(status) || status < 400 || status > 599) fail('"status" must be an integer from 400 to 599');
    if (count === undefined && seconds === undefined) fail('give "count" (requests) or "seconds"');
    if (count !== undefined && (!Number.isInteger(count) || count < 1)) fail('"count" must be a positive integer');
    if (seconds !== undefined && (typeof seconds !== 'number' || !(seconds > 0) || seconds > 600)) fail('"seconds" must be a number above 0, at most 600');
    if (typeof drop !== 'boolean' || typeof token !== 'boolean') fail('"drop" and "token" must be booleans');
    if (retryAfter !== undefined && (!Number.isInteger(retryAfter) || retryAfter < 0)) fail('"retryAfter" must be a non-negative integer');
    this.current = {
      id: this.history.length + 1, status, count, seconds, drop, retryAfter, token,
      until: seconds === undefined ? undefined : Date.now() + seconds * 1000, failed: 0,
    };
    this.history.push(this.current);
    return this.describe(this.current);
  }

  stop() {
    const was = this.current;
    const stopped = Boolean(was && this.#active(was));
    this.current = undefined;
    return { stopped, failed: was?.failed ?? 0 };
  }

  describe({ until, ...outage }) {
    return { ...outage, active: this.#active({ until, ...outage }) };
  }

  state() {
    return { managementRequests: this.requests, managementOutages: this.history.map((o) => this.describe(o)) };
  }

  #active(outage) {
    if (outage !== this.current) return false;
    if (outage.count !== undefined && outage.failed >= outage.count) return false;
    if (outage.until !== undefined && Date.now() >= outage.until) return false;
    return true;
  }

  /** Fails the request when an outage is on; returns true when it answered (or dropped) it. */
  intercept(req, res, { tokenRequest = false } = {}) {
    const outage = this.current;
    if (!outage || !this.#active(outage) || (tokenRequest && !outage.token)) return false;
    outage.failed += 1;
    if (outage.drop) {
      req.socket.destroy();
      return true;
    }
    const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
    if (outage.retryAfter !== undefined) headers['retry-after'] = String(outage.retryAfter);
    res.writeHead(outage.status, headers);
    res.end(STATUS_CODES[outage.status] ?? 'Error');
    return true;
  }
}

// ---- Routes.

function organizationBodyCheck(issues, body) {
  checkString(issues, ['name'], body.name, { min: 1, max: 128 });
  checkString(issues, ['description'], body.description, { max: 256, optional: true, nullable: true });
  checkObject(issues, ['customData'], body.customData);
  checkBoolean(issues, ['isMfaRequired'], body.isMfaRequired);
  checkObject(issues, ['color'], body.color);
  checkObject(issues, ['branding'], body.branding);
  checkString(issues, ['customCss'], body.customCss, { optional: true, nullable: true });
}

/**
 * @param {object} app
 * @param {import('./directory.mjs').Directory} app.directory
 * @param {() => object[]} app.keys private JWKs in use (every listed key verifies, as Logto's publicJwks)
 * @param {() => string} app.issuer
 * @param {ManagementOutage} [app.outage] with --test-hooks
 */
export function managementApi({ directory, keys, issuer, outage }) {
  const d = directory;
  const routes = [
    ['POST', /^\/api\/organizations$/, async ({ body }) => {
      guardBody(body, organizationBodyCheck);
      const { name, description, customData, isMfaRequired, color, branding, customCss } = body;
      return [201, d.createOrganization({ name, description, customData, isMfaRequired, color, branding, customCss })];
    }],
    ['GET', /^\/api\/organizations$/, async ({ url }) => {
      const pagination = paginate(url);
      const q = url.searchParams.get('q') || undefined;
      const all = d.searchOrganizations(q);
      let items = page(all, pagination);
      if (['true', '1', 'yes', 'y'].includes(url.searchParams.get('showFeatured')?.toLowerCase())) {
        items = items.map((o) => {
          const members = d.membersOf(o.id);
          const featuredUsers = members.slice(0, 3).map((id) => {
            const u = d.findUser(id);
            return { id, avatar: u.avatar ?? null, name: u.name ?? null };
          });
          return { ...o, usersCount: members.length, featuredUsers };
        });
      }
      return [200, items, paginationHeaders(url, pagination, all.length)];
    }],
    ['GET', /^\/api\/organizations\/([^/]+)$/, async ({ params: [id] }) => [200, d.getOrganization(id)]],
    ['POST', /^\/api\/organizations\/([^/]+)\/users$/, async ({ params: [id], body }) => {
      guardBody(body, (issues) => checkStringArray(issues, ['userIds'], body.userIds, { nonempty: true }));
      d.addOrganizationUsers(id, body.userIds);
      return [201];
    }],
    ['GET', /^\/api\/organizations\/([^/]+)\/users\/([^/]+)\/roles$/, async ({ params: [id, userId], url }) => {
      requireMembership(id, userId);
      const pagination = paginate(url, { optional: true });
      const roles = d.roleEntitiesOf(userId, id).map(({ name }) => {
        const { scopes, resourceScopes, ...role } = d.organizationRoleRecord(d.roles.get(name));
        return role;
      });
      return [200, page(roles, pagination), pagination && paginationHeaders(url, pagination, roles.length)];
    }],
    ['POST', /^\/api\/organizations\/([^/]+)\/users\/([^/]+)\/roles$/, async ({ params: [id, userId], body }) => {
      // Logto: router.use(pathname, membership check) runs before the route's body guard.
      requireMembership(id, userId);
      guardBody(body, (issues) => {
        checkStringArray(issues, ['organizationRoleIds'], body.organizationRoleIds, { optional: true });
        checkStringArray(issues, ['organizationRoleNames'], body.organizationRoleNames, { optional: true });
      });
      const { organizationRoleIds = [], organizationRoleNames = [] } = body;
      const missing = organizationRoleNames.filter((name) => !d.roles.has(name));
      if (missing.length > 0) {
        throw new RequestError(422, 'organization.role_names_not_found', { interpolation: { names: missing } });
      }
      const roleIds = [...new Set([...organizationRoleIds, ...organizationRoleNames.map((n) => d.roles.get(n).id)])];
      if (roleIds.length === 0) {
        // Logto builds "INSERT ... VALUES <nothing>", which PostgreSQL rejects (read from the source).
        throw Object.assign(new Error('empty role list'), { plainStatus: 500, plainBody: { message: 'Internal server error.' } });
      }
      d.addOrganizationUserRoles(id, userId, roleIds);
      return [201];
    }],
    ['GET', /^\/api\/organization-roles$/, async ({ url }) => {
      const pagination = paginate(url);
      const q = url.searchParams.get('q')?.toLowerCase();
      const all = [...d.roles.values()]
        .filter((r) => !q || [r.id, r.name, r.description ?? ''].some((v) => v.toLowerCase().includes(q)))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((r) => d.organizationRoleRecord(r));
      return [200, page(all, pagination), paginationHeaders(url, pagination, all.length)];
    }],
    ['GET', /^\/api\/users\/([^/]+)$/, async ({ params: [userId] }) => [200, userProfile(userId)]],
    ['GET', /^\/api\/users\/([^/]+)\/organizations$/, async ({ params: [userId] }) => {
      userProfile(userId); // 404 for an unknown user
      return [200, d.organizationIdsOf(userId).map((id) => ({
        ...d.organizations.get(id),
        organizationRoles: d.roleEntitiesOf(userId, id),
      }))];
    }],
  ];

  function requireMembership(organizationId, userId) {
    if (!d.isMember(userId, organizationId)) throw new RequestError(422, 'organization.require_membership');
  }

  /** Logto's userProfileResponseGuard fields, in its order. */
  function userProfile(userId) {
    const u = d.findUser(userId);
    if (!u) throw new RequestError(404, 'entity.not_found');
    return {
      id: u.id,
      username: u.username ?? null,
      primaryEmail: u.primary_email ?? null,
      primaryPhone: u.primary_phone ?? null,
      name: u.name ?? null,
      avatar: u.avatar ?? null,
      customData: u.custom_data ?? {},
      identities: {},
      lastSignInAt: u.last_sign_in_at ?? null,
      createdAt: u.created_at,
      updatedAt: u.updated_at,
      profile: {},
      applicationId: null,
      isSuspended: false,
      hasPassword: Boolean(u.password),
    };
  }

  function send(res, status, body, headers = {}) {
    if (body === undefined) {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      // Koa answers a 201 without a body as "Created".
      res.end(STATUS_CODES[status]);
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  /** Returns true when it answered the request (every path under /api/). */
  return async function handleManagementApi(req, res, pathname, url) {
    if (outage) outage.requests += 1;
    if (outage?.intercept(req, res)) return true;
    const methodRoutes = routes.filter(([, pattern]) => pattern.test(pathname));
    const route = methodRoutes.find(([method]) => method === req.method);
    if (!route) {
      // koa-router: no route, so no koaAuth either; another method of a known path is 405.
      if (methodRoutes.length > 0) {
        res.writeHead(405, { allow: [...new Set(methodRoutes.map(([m]) => m))].join(', '), 'content-type': 'text/plain; charset=utf-8' });
        res.end('Method Not Allowed');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not Found');
      }
      return true;
    }
    const [, pattern, handler] = route;
    try {
      authenticate(req, { keys: keys(), issuer: issuer() });
      const params = pattern.exec(pathname).slice(1).map(decodeURIComponent);
      const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
      const [status, result, headers] = await handler({ params, body, url });
      send(res, status, result, headers ?? {});
    } catch (error) {
      if (error instanceof RequestError) send(res, error.status, error.body());
      else if (error instanceof DirectoryError) {
        send(res, error.status, new RequestError(error.status, error.code, { interpolation: error.interpolation }).body());
      } else if (error.plainStatus) send(res, error.plainStatus, error.plainBody ?? { message: error.message });
      else throw error;
    }
    return true;
  };
}
