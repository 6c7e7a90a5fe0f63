// Logto's error body for OIDC errors: oidc-provider's {error, error_description[, scope]} plus
// Logto's `code` ("oidc.<error>") and an English `message` (packages/core/src/middleware/
// koa-oidc-error-handler.ts and packages/phrases/src/locales/en/errors/oidc.ts).
//
// Logto translates with i18next passing only {code}; a phrase with another placeholder keeps it
// verbatim (i18next's skipOnVariables), e.g. "Token missing scope `{{scope}}`.". The stand-in
// copies that. Only invalid_grant and access_denied were observed on a real Logto (LOGTO.md).

const MESSAGES = {
  'oidc.aborted': 'The end-user aborted interaction.',
  'oidc.invalid_scope': 'Invalid scope: {{error_description}}.',
  'oidc.invalid_token': 'Invalid token provided.',
  'oidc.invalid_client_metadata': 'Invalid client metadata provided.',
  'oidc.insufficient_scope': 'Token missing scope `{{scope}}`.',
  'oidc.invalid_request': 'Request is invalid.',
  'oidc.invalid_grant': 'Grant request is invalid.',
  'oidc.invalid_issuer': 'Invalid issuer.',
  'oidc.invalid_redirect_uri': "`redirect_uri` did not match any of the client's registered `redirect_uris`.",
  'oidc.access_denied': 'Access denied.',
  'oidc.invalid_target': 'Invalid resource indicator.',
  'oidc.unsupported_grant_type': 'Unsupported `grant_type` requested.',
  'oidc.unsupported_response_mode': 'Unsupported `response_mode` requested.',
  'oidc.unsupported_response_type': 'Unsupported `response_type` requested.',
  'oidc.server_error': 'An unknown OIDC error occurred. Please try again later.',
  'session.not_found': 'Session not found. Please go back and sign in again.',
};

/** Logto maps "session ... not found" and expired interactions to session.not_found. */
function isSessionNotFound(description = '') {
  return (description.includes('session') && description.includes('not found'))
    || description.includes('authorization request has expired');
}

export function logtoErrorBody(body) {
  const code = isSessionNotFound(body.error_description) ? 'session.not_found' : `oidc.${body.error}`;
  const message = MESSAGES[code] ?? `An OIDC error occurred: ${code}.`;
  return { code, message, ...body };
}

function isOidcErrorBody(body) {
  return body !== null && typeof body === 'object' && !Buffer.isBuffer(body)
    && typeof body.error === 'string' && !('code' in body);
}

/** Koa middleware for the Provider app: decorate every error body on the way out. */
export async function logtoErrorBodies(ctx, next) {
  await next();
  if (ctx.status >= 400 && isOidcErrorBody(ctx.body)) {
    ctx.body = logtoErrorBody(ctx.body);
  }
}

/**
 * oidc-provider `renderError`: Logto answers JSON even to browsers (init.ts sets
 * `ctx.body = out`), so an invalid redirect_uri is a 400 JSON page, not an HTML page.
 */
export function renderErrorAsJson(ctx, out) {
  ctx.type = 'application/json';
  ctx.body = logtoErrorBody(out);
}
