// Builds the oidc-provider instance configured the way Logto 1.37 configures it
// (packages/core/src/oidc/init.ts), with the fixture as its data.
import Provider, { errors } from 'oidc-provider';
import * as JWT from 'oidc-provider/lib/helpers/jwt.js';
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

import { adapterFor } from './adapter.mjs';
import { ORGANIZATION_RESOURCE, ORGANIZATION_ROLES_SCOPE, ORGANIZATIONS_SCOPE } from './directory.mjs';
import { logtoErrorBodies, renderErrorAsJson } from './logto-errors.mjs';
import { logoutPage, logoutSuccessPage } from './pages.mjs';
import { allowedDuplicateParameters, parameters, refreshTokenHandler } from './refresh-token-grant.mjs';
import * as clientCredentials from './client-credentials-grant.mjs';

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Logto's scope -> claims map (@logto/core-kit userClaims), as far as the stand-in has data. */
export const CLAIMS = {
  profile: ['name', 'picture', 'username', 'created_at', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  custom_data: ['custom_data'],
  identities: ['identities', 'sso_identities'],
  roles: ['roles'],
  [ORGANIZATIONS_SCOPE]: ['organizations', 'organization_data'],
  [ORGANIZATION_ROLES_SCOPE]: ['organization_roles'],
};

/** Claims Logto only returns from userinfo, never in the ID token (by default settings). */
const USERINFO_ONLY = new Set(['custom_data', 'identities', 'sso_identities', 'organization_data']);

/** Logto's signing algorithms for ID tokens and JWTs (init.ts, plus EdDSA for rotation tests). */
const SIGNING_ALGS = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function claimValues(directory, user, scopes) {
  const orgIds = directory.organizationIdsOf(user.id);
  return {
    profile: () => ({
      name: user.name ?? null,
      picture: user.avatar ?? null,
      username: user.username ?? null,
      created_at: user.created_at,
      updated_at: user.updated_at,
    }),
    email: () => ({ email: user.primary_email ?? null, email_verified: Boolean(user.email_verified) }),
    phone: () => ({ phone_number: user.primary_phone ?? null, phone_number_verified: false }),
    address: () => ({}),
    custom_data: () => ({ custom_data: user.custom_data ?? {} }),
    identities: () => ({ identities: {}, sso_identities: [] }),
    roles: () => ({ roles: [...(user.roles ?? [])] }),
    [ORGANIZATIONS_SCOPE]: () => ({
      organizations: orgIds,
      organization_data: orgIds.map((id) => {
        const { name, description = null } = directory.organizations.get(id);
        return { id, name, description };
      }),
    }),
    [ORGANIZATION_ROLES_SCOPE]: () => ({
      organization_roles: orgIds.flatMap((id) => directory.rolesIn(user.id, id).map((role) => `${id}:${role}`)),
    }),
  }[scopes] ?? (() => ({}));
}

function findAccountIn(directory) {
  return async (_ctx, sub) => {
    const user = directory.findUser(sub);
    // Logto: "The user may be deleted after the token is issued".
    if (!user) throw new errors.InvalidGrant('user not found');
    return {
      accountId: sub,
      async claims(use, scope) {
        const result = { sub };
        for (const name of String(scope ?? '').split(' ')) {
          Object.assign(result, claimValues(directory, user, name)());
        }
        if (use === 'id_token') for (const claim of USERINFO_ONLY) delete result[claim];
        return result;
      },
    };
  };
}

/** Logto init.ts getResourceServerInfo + resource.ts findResourceScopes. */
function resourceServerInfo(directory, signingAlg) {
  return async (ctx, indicator) => {
    const userId = ctx.oidc.entities.Account?.accountId ?? ctx.oidc.session?.accountId;
    const clientId = ctx.oidc.client?.clientId;
    const organizationId = typeof ctx.oidc.params?.organization_id === 'string'
      ? ctx.oidc.params.organization_id : undefined;
    let scopes;
    if (indicator === ORGANIZATION_RESOURCE) {
      scopes = directory.allOrganizationScopes();
    } else if (directory.resources.has(indicator)) {
      // Before sign-in the user is unknown and Logto finds no scopes; after it the authorization
      // is re-checked with the session's account, which decides what consent grants.
      // Logto findResourceScopes: the user's scopes when there is a user, else the
      // application's (its machine-to-machine roles; client_credentials).
      if (userId) scopes = directory.userResourceScopes(userId, indicator, organizationId);
      else if (directory.machineToMachineApps.has(clientId)) scopes = directory.applicationApiScopesOf(clientId, indicator);
      else scopes = [];
    } else {
      throw new errors.InvalidTarget();
    }
    return {
      scope: scopes.join(' '),
      accessTokenFormat: 'jwt',
      accessTokenTTL: directory.resources.get(indicator)?.access_token_ttl ?? HOUR,
      jwt: { sign: { alg: signingAlg() } },
    };
  };
}

/**
 * Logto extra-token-claims.ts getExtraTokenClaimsForOrganizationApiResource: an access token
 * asked for with both `resource` and `organization_id` carries the organization's id.
 */
async function extraTokenClaims(ctx, token) {
  const organizationId = ctx.oidc.params?.organization_id;
  if (!organizationId || !ctx.oidc.params?.resource || token.kind !== 'AccessToken') return undefined;
  return { organization_id: String(organizationId) };
}

/**
 * Logto answers `scope: ""` in organization tokens when no organization scope was requested;
 * oidc-provider's JWT format would drop an empty scope claim.
 */
async function keepEmptyScope(_ctx, token, jwt) {
  // Only user tokens: a client_credentials token without scopes has no scope claim in Logto.
  if (token.kind === 'AccessToken' && jwt.payload.scope === undefined) jwt.payload.scope = token.scope ?? '';
}

function clientMetadata(client, alg) {
  const { client_name, ...metadata } = client;
  return { ...metadata, client_name, id_token_signed_response_alg: alg };
}

/**
 * A machine-to-machine application as Logto's getConstantClientMetadata describes one
 * (client_secret_basic, which oidc-provider also accepts as client_secret_post).
 */
function machineToMachineMetadata({ client_id, client_secret, client_name }, alg) {
  return {
    client_id,
    client_secret,
    client_name,
    application_type: 'web',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: alg,
  };
}

function configuration({ directory, store, keys, cookieKeys, signingAlg }) {
  const cookie = { sameSite: 'lax', path: '/', signed: true, overwrite: true };
  return {
    adapter: adapterFor(store),
    clients: [
      clientMetadata(directory.client, signingAlg()),
      ...[...directory.machineToMachineApps.values()].map((app) => machineToMachineMetadata(app, signingAlg())),
    ],
    jwks: { keys },
    enabledJWA: {
      idTokenSigningAlgValues: SIGNING_ALGS,
      userinfoSigningAlgValues: SIGNING_ALGS,
      introspectionSigningAlgValues: SIGNING_ALGS,
      authorizationSigningAlgValues: SIGNING_ALGS,
    },
    conformIdTokenClaims: false,
    renderError: renderErrorAsJson,
    cookies: { keys: cookieKeys, long: cookie, short: cookie },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => { ctx.type = 'html'; ctx.body = logoutPage(form); },
        postLogoutSuccessSource: (ctx) => { ctx.type = 'html'; ctx.body = logoutSuccessPage(); },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => undefined,
        useGrantedResource: async () => false,
        getResourceServerInfo: resourceServerInfo(directory, signingAlg),
      },
    },
    scopes: ['openid', 'offline_access', ...Object.keys(CLAIMS)],
    claims: CLAIMS,
    findAccount: findAccountIn(directory),
    extraTokenClaims,
    formats: { customizers: { jwt: keepEmptyScope } },
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: true,
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/sign-in/${interaction.uid}` },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? HOUR,
      // Logto keeps oidc-provider's default here: the resource's TTL, else 10 minutes.
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL || 600,
      AuthorizationCode: 60,
      IdToken: HOUR,
      RefreshToken: 14 * DAY,
      Interaction: HOUR,
      Session: 14 * DAY,
      Grant: 180 * DAY,
    },
  };
}

/**
 * Logto 1.37 signs ID tokens with the header {"alg","typ":"JWT","kid"}; oidc-provider 9 leaves
 * typ out. Re-sign the finished token with the same key and claims, adding typ.
 */
async function addTypJwt(provider, compact) {
  const [encodedHeader, encodedPayload] = compact.split('.');
  const header = JSON.parse(Buffer.from(encodedHeader, 'base64url'));
  if (header.typ || header.alg.startsWith('HS')) return compact;
  const { keystore } = instance(provider);
  const [jwk] = keystore.selectForSign({ alg: header.alg, use: 'sig', kid: header.kid });
  const payload = JSON.parse(Buffer.from(encodedPayload, 'base64url'));
  return JWT.sign(payload, keystore.getKeyObject(jwk), header.alg, { typ: 'JWT', fields: { kid: header.kid } });
}

/**
 * ID tokens as Logto 1.37 issues them: with typ "JWT" (above) and, from the code and refresh
 * grants, with at_hash (Logto's oidc-provider v8 fork still set it; oidc-provider 9 dropped it).
 * Each saved access token's value is remembered so the ID token of the same request can hash it.
 */
function patchIdTokens(provider) {
  const { AccessToken, IdToken } = provider;
  const save = AccessToken.prototype.save;
  AccessToken.prototype.save = async function saveAndRemember() {
    const value = await save.call(this);
    this.issuedValue = value;
    return value;
  };
  const issue = IdToken.prototype.issue;
  IdToken.prototype.issue = async function issueLikeLogto(options) {
    const at = this.ctx?.oidc.entities.AccessToken;
    if (options?.use === 'idtoken' && this.ctx?.oidc.route === 'token' && at?.issuedValue) {
      this.set('at_hash', at.issuedValue);
    }
    const token = await issue.call(this, options);
    return options?.use === 'idtoken' ? addTypJwt(provider, token) : token;
  };
}

/**
 * @param {object} options
 * @param {string} options.issuer e.g. http://127.0.0.1:1234/oidc
 * @param {import('./directory.mjs').Directory} options.directory
 * @param {import('./adapter.mjs').MemoryStore} options.store shared across rebuilds
 * @param {object[]} options.keys private JWKs, the current signing key first
 * @param {string[]} options.cookieKeys
 * @param {Function[]} [options.middleware] Koa middleware inside the error decoration (test hooks)
 */
export function buildProvider({ issuer, directory, store, keys, cookieKeys, middleware = [] }) {
  const signingAlg = () => keys[0].alg;
  const provider = new Provider(issuer, configuration({ directory, store, keys, cookieKeys, signingAlg }));
  provider.proxy = false;
  provider.use(logtoErrorBodies);
  for (const fn of middleware) provider.use(fn);
  provider.registerGrantType(
    'refresh_token',
    refreshTokenHandler(provider, { directory, signingAlg }),
    parameters,
    allowedDuplicateParameters,
  );
  provider.registerGrantType(
    'client_credentials',
    clientCredentials.handler(provider),
    clientCredentials.parameters,
    clientCredentials.allowedDuplicateParameters,
  );
  patchIdTokens(provider);
  return provider;
}
