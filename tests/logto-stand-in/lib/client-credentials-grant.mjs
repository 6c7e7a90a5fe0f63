// The client_credentials grant of a machine-to-machine application, as Logto 1.37's
// packages/core/src/oidc/grants/client-credentials.ts has it (itself a fork of
// oidc-provider's lib/actions/grants/client_credentials.js): the same checks and errors, on
// oidc-provider 9.13.3's helpers.
//
// Logto's organization tokens for applications (RFC 0006, `organization_id`) need
// application-organization relations, which the fixture has none of: an `organization_id`
// always gets Logto's 403 "app has not associated with the organization". mTLS and DPoP
// bindings are left out (the stand-in's applications never use them).
import { AccessDenied, InvalidScope, InvalidTarget } from 'oidc-provider/lib/helpers/errors.js';
import { resolveRequestedResources } from 'oidc-provider/lib/shared/check_resource.js';
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

export const parameters = ['scope', 'organization_id', 'resource'];
export const allowedDuplicateParameters = ['resource'];

export function handler(provider) {
  return async function clientCredentialsGrant(ctx) {
    const { client, params } = ctx.oidc;
    const { ClientCredentials } = provider;
    const { scopes: statics } = instance(provider).configuration;

    const organizationId = params.organization_id ? String(params.organization_id) : undefined;
    if (organizationId) {
      const error = new AccessDenied('app has not associated with the organization');
      error.statusCode = 403;
      error.status = 403;
      throw error;
    }

    const resourceServers = await resolveRequestedResources(provider, ctx);
    const { 0: resourceServer, length } = resourceServers;
    if (length === 0) {
      throw new InvalidTarget('both `resource` and `organization_id` are not provided');
    }

    const scopes = params.scope ? [...new Set(String(params.scope).split(' '))] : [];
    if (client.scope) {
      const allowList = new Set(client.scope.split(' '));
      for (const scope of scopes.filter((s) => statics.has(s))) {
        if (!allowList.has(scope)) throw new InvalidScope('requested scope is not allowed', scope);
      }
    }

    const token = new ClientCredentials({ client, scope: scopes.join(' ') || undefined });
    if (length !== 1) {
      throw new InvalidTarget('only a single resource indicator value is supported for this grant type');
    }
    token.resourceServer = resourceServer;
    // Requested scopes the application's roles grant; none -> no `scope` at all (Logto).
    const granted = new Set(resourceServer.scope.split(' '));
    token.scope = scopes.filter((s) => granted.has(s)).join(' ') || undefined;

    ctx.oidc.entity('ClientCredentials', token);
    const value = await token.save();

    ctx.body = {
      access_token: value,
      expires_in: token.expiration,
      token_type: token.tokenType,
      scope: token.scope,
    };
  };
}
