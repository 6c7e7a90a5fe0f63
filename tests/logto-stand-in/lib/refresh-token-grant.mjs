// The refresh_token grant with Logto's organization tokens (Logto RFC 0001).
//
// Like Logto's packages/core/src/oidc/grants/refresh-token.ts this is a fork of oidc-provider's
// lib/actions/grants/refresh_token.js (9.13.3), with the same order of checks, plus:
//  - `organization_id`: membership check (403 access_denied), the refresh token must hold
//    urn:logto:scope:organizations (403 insufficient_scope), then, without `resource`, an
//    organization token (aud urn:logto:organization:<id>, scope = requested organization scopes
//    the user's roles grant). With `resource`, a normal resource token whose scopes come from the
//    organization roles (see getResourceServerInfo) and an `organization_id` claim.
//  - the ID token carries at_hash, as on Logto 1.37 (its oidc-provider fork still set it).
// Left out because the stand-in's single public client never uses them: mTLS, DPoP, attested
// client auth and rich authorization requests.
import difference from 'oidc-provider/lib/helpers/_/difference.js';
import { resourceServer as validateResourceServer } from 'oidc-provider/lib/helpers/configuration_result.js';
import { AccessDenied, InsufficientScope, InvalidGrant, InvalidScope } from 'oidc-provider/lib/helpers/errors.js';
import * as formatters from 'oidc-provider/lib/helpers/formatters.js';
import {
  checkAccountMismatch, createAccessToken, issueIdToken, validateAccount,
} from 'oidc-provider/lib/helpers/grant_common.js';
import { buildTokenResponse, validateGrant } from 'oidc-provider/lib/helpers/grants.js';
import resolveResource from 'oidc-provider/lib/helpers/resolve_resource.js';
import revoke from 'oidc-provider/lib/helpers/revoke.js';
import presence from 'oidc-provider/lib/helpers/validate_presence.js';
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

import { ORGANIZATIONS_SCOPE, organizationUrn } from './directory.mjs';

const gty = 'refresh_token';

export const parameters = ['refresh_token', 'scope', 'organization_id', 'resource'];
export const allowedDuplicateParameters = ['resource'];

function accessDenied(description) {
  const error = new AccessDenied(description);
  error.status = 403;
  error.statusCode = 403;
  return error;
}

/** RFC 0001 access check (Logto grants/utils.ts checkOrganizationAccess). */
function checkOrganizationAccess(ctx, directory, accountId) {
  const organizationId = ctx.oidc.params.organization_id
    ? String(ctx.oidc.params.organization_id) : undefined;
  if (organizationId && !directory.isMember(accountId, organizationId)) {
    throw accessDenied('user is not a member of the organization');
  }
  return organizationId;
}

async function findUsableRefreshToken(provider, ctx) {
  const { client } = ctx.oidc;
  const refreshToken = await provider.RefreshToken.find(ctx.oidc.params.refresh_token, { ignoreExpiration: true });
  if (!refreshToken) throw new InvalidGrant('refresh token not found');
  if (refreshToken.clientId !== client.clientId) throw new InvalidGrant('client mismatch');
  if (refreshToken.isExpired) throw new InvalidGrant('refresh token is expired');
  return refreshToken;
}

function checkRequestedScopes(ctx, refreshToken) {
  if (!ctx.oidc.params.scope) return;
  const missing = difference([...ctx.oidc.requestParamScopes], [...refreshToken.scopes]);
  if (missing.length !== 0) {
    throw new InvalidScope(`refresh token missing requested ${formatters.pluralize('scope', missing.length)}`, missing.join(' '));
  }
}

/** Consume the presented token and save its successor (always: Logto rotates by default). */
async function rotate(provider, ctx, refreshToken) {
  await refreshToken.consume();
  ctx.oidc.entity('RotatedRefreshToken', refreshToken);
  const next = new provider.RefreshToken({
    accountId: refreshToken.accountId,
    acr: refreshToken.acr,
    amr: refreshToken.amr,
    authTime: refreshToken.authTime,
    claims: refreshToken.claims,
    client: ctx.oidc.client,
    expiresWithSession: refreshToken.expiresWithSession,
    iiat: refreshToken.iiat,
    grantId: refreshToken.grantId,
    gty: refreshToken.gty && !refreshToken.gty.endsWith(gty) ? `${refreshToken.gty} ${gty}` : refreshToken.gty,
    nonce: refreshToken.nonce,
    resource: refreshToken.resource,
    rotations: typeof refreshToken.rotations === 'number' ? refreshToken.rotations + 1 : 1,
    scope: refreshToken.scope,
    sessionUid: refreshToken.sessionUid,
    sid: refreshToken.sid,
  });
  ctx.oidc.entity('RefreshToken', next);
  return { refreshToken: next, value: await next.save() };
}

/** Logto grants/utils.ts handleOrganizationToken. */
function makeOrganizationToken(at, { organizationId, availableScopes, requested, signingAlg }) {
  const audience = organizationUrn(organizationId);
  at.resourceServer = {
    accessTokenFormat: 'jwt',
    accessTokenTTL: 3600,
    audience,
    scope: availableScopes.join(' '),
    jwt: { sign: { alg: signingAlg() } },
    identifier: () => audience,
    get scopes() { return new Set(availableScopes); },
  };
  at.scope = availableScopes.filter((name) => requested.has(name)).join(' ');
}

async function makeResourceOrOidcToken(provider, ctx, { at, refreshToken, grant, scope }) {
  const { features: { userinfo, resourceIndicators } } = instance(provider).configuration;
  const resource = await resolveResource(ctx, refreshToken, { userinfo, resourceIndicators }, scope);
  if (resource) {
    const info = validateResourceServer(
      await resourceIndicators.getResourceServerInfo(ctx, resource, ctx.oidc.client),
    );
    at.resourceServer = new provider.ResourceServer(resource, info);
    at.scope = grant.getResourceScopeFiltered(
      resource,
      [...scope].filter(Set.prototype.has.bind(at.resourceServer.scopes)),
    );
  } else {
    at.claims = refreshToken.claims;
    at.scope = grant.getOIDCScopeFiltered(scope);
  }
}

/**
 * @param {import('oidc-provider').default} provider
 * @param {{ directory: import('./directory.mjs').Directory, signingAlg: () => string }} deps
 */
export function refreshTokenHandler(provider, { directory, signingAlg }) {
  return async function refreshTokenGrant(ctx) {
    presence(ctx, 'refresh_token');
    let refreshToken = await findUsableRefreshToken(provider, ctx);
    const grant = await validateGrant(provider, ctx, refreshToken.grantId);
    checkRequestedScopes(ctx, refreshToken);

    ctx.oidc.entity('RefreshToken', refreshToken);
    ctx.oidc.entity('Grant', grant);
    const account = await validateAccount(provider, ctx, refreshToken, 'refresh token');
    checkAccountMismatch(refreshToken, grant);
    ctx.oidc.entity('Account', account);

    // Reuse after the leeway: the adapter reports `consumed`; the whole grant goes.
    if (refreshToken.consumed) {
      await Promise.all([refreshToken.destroy(), revoke(ctx, refreshToken.grantId)]);
      throw new InvalidGrant('refresh token already used');
    }

    const organizationId = checkOrganizationAccess(ctx, directory, account.accountId);
    if (organizationId && !refreshToken.scopes.has(ORGANIZATIONS_SCOPE)) {
      throw new InsufficientScope('refresh token missing required scope', ORGANIZATIONS_SCOPE);
    }

    let refreshTokenValue;
    ({ refreshToken, value: refreshTokenValue } = await rotate(provider, ctx, refreshToken));

    const at = createAccessToken(provider, ctx, {
      accountId: account.accountId,
      expiresWithSession: refreshToken.expiresWithSession,
      grantId: refreshToken.grantId,
      sessionUid: refreshToken.sessionUid,
      sid: refreshToken.sid,
    }, refreshToken.gty);
    if (at.gty && !at.gty.endsWith(gty)) at.gty = `${at.gty} ${gty}`;

    const scope = ctx.oidc.params.scope ? ctx.oidc.requestParamScopes : refreshToken.scopes;
    if (organizationId && !ctx.oidc.params.resource) {
      makeOrganizationToken(at, {
        organizationId,
        availableScopes: directory.organizationScopesOf(account.accountId, organizationId),
        requested: scope,
        signingAlg,
      });
    } else {
      await makeResourceOrOidcToken(provider, ctx, { at, refreshToken, grant, scope });
    }

    ctx.oidc.entity('AccessToken', at);
    const accessToken = await at.save();
    const idToken = await issueIdToken(provider, ctx, refreshToken, at, grant, scope);

    ctx.body = buildTokenResponse(provider, {
      accessToken,
      expiresIn: at.expiration,
      idToken,
      refreshToken: refreshTokenValue,
      scope: at.scope,
      tokenType: at.tokenType,
    });
  };
}
