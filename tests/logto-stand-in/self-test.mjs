#!/usr/bin/env node
// Self-test of the Logto stand-in and the browser driver, as TAP. Run through self-test.sh.
// It starts the stand-in (port 0, --test-hooks, --grace-seconds 1), signs in with the driver
// like the app would (loopback receiver + PKCE), and checks the behaviours README.md promises.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  Tap, atHash, b64url, decodeJwt, getJson, killChildren, pkcePair, postForm, postJson, removeOnExit, runDriver,
  startReceiver, startStandIn, stopProcess, verifyJwt,
} from './self-test-lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, 'server.mjs');
const DRIVER = join(HERE, '..', 'browser', 'sign-in-driver.mjs');
const fixture = JSON.parse(readFileSync(join(HERE, 'fixtures.json'), 'utf8'));

const CLIENT_ID = fixture.client.client_id;
const DB = 'https://orgdesk.example.com/db';
const ORG_RESOURCE = 'urn:logto:resource:organizations';
const FULL_SCOPE = 'openid offline_access profile email urn:logto:scope:organizations urn:logto:scope:organization_roles data:read data:write';
const user = (name) => fixture.users.find((u) => u.username === name);
const alice = user('alice');
const bob = user('bob');
const [acme, globex] = alice.organizations.map((m) => m.id);
const bobsOrg = bob.organizations[0].id;
const carol = user('carol');
const [m2m] = fixture.machine_to_machine_applications;
const MANAGEMENT_API = 'https://default.logto.app/api';
const roleId = (name) => fixture.organization_roles.find((r) => r.name === name).id;

const LOGTO_INVALID_GRANT = {
  code: 'oidc.invalid_grant', message: 'Grant request is invalid.', error: 'invalid_grant', error_description: 'grant request is invalid',
};
const LOGTO_NOT_MEMBER = {
  code: 'oidc.access_denied', message: 'Access denied.', error: 'access_denied', error_description: 'user is not a member of the organization',
};

const t = new Tap();
const work = removeOnExit(mkdtempSync(join(tmpdir(), 'orgdesk-stand-in-test-')));
const profile = join(work, 'profile');
const driverLog = join(work, 'driver.log');
let standIn;
let receiver;
let ep; // endpoint, e.g. http://127.0.0.1:1234
let oidc; // ep + /oidc
let jwks;

const token = (fields) => postForm(`${oidc}/token`, { client_id: CLIENT_ID, ...fields });
const refresh = (refreshToken, extra = {}, init = {}) => postForm(`${oidc}/token`,
  { client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, init);

function authUrl({ scope = FULL_SCOPE, resources = [ORG_RESOURCE, DB], prompt = 'consent' } = {}) {
  const pkce = pkcePair();
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const url = new URL(`${oidc}/auth`);
  const params = {
    client_id: CLIENT_ID, response_type: 'code', redirect_uri: receiver.redirectUri, scope,
    code_challenge: pkce.challenge, code_challenge_method: 'S256', state, nonce, prompt,
  };
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  for (const r of resources) url.searchParams.append('resource', r);
  return { url: url.href, pkce, state, nonce };
}

/** Browser sign-in through the driver, then the PKCE code exchange. */
async function signIn(name, password, options = {}) {
  const request = authUrl(options);
  const before = receiver.hits.length;
  const run = await runDriver(DRIVER, request.url, {
    ORGDESK_TEST_USER: name, ORGDESK_TEST_PASSWORD: password,
    ORGDESK_TEST_BROWSER_PROFILE: options.profile ?? profile, ORGDESK_TEST_BROWSER_LOG: driverLog,
  });
  const callback = receiver.hits[before];
  if (run.status !== 0 || !callback?.code) return { run, callback };
  const exchange = await token({
    grant_type: 'authorization_code', code: callback.code, redirect_uri: receiver.redirectUri, code_verifier: request.pkce.verifier,
  });
  return { run, callback, request, exchange };
}

async function checkDiscovery() {
  const { status, body } = await getJson(`${oidc}/.well-known/openid-configuration`);
  t.equal(status, 200, 'discovery answers 200');
  t.equal(body.issuer, oidc, 'issuer is <endpoint>/oidc');
  const endpoints = ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint', 'revocation_endpoint', 'introspection_endpoint'];
  t.equal(endpoints.map((e) => body[e]), ['/auth', '/token', '/me', '/jwks', '/session/end', '/token/revocation', '/token/introspection'].map((p) => oidc + p), 'endpoints as Logto');
  t.ok(body.authorization_response_iss_parameter_supported === true
    && JSON.stringify(body.code_challenge_methods_supported) === '["S256"]'
    && JSON.stringify(body.id_token_signing_alg_values_supported) === '["ES384"]'
    && body.token_endpoint_auth_methods_supported.includes('none'), 'iss parameter, S256, ES384, auth method none', body);
  const scopes = 'openid offline_access profile email phone address custom_data identities roles urn:logto:scope:organizations urn:logto:scope:organization_roles'.split(' ');
  t.ok(scopes.every((s) => body.scopes_supported.includes(s)), 'scopes_supported as Logto', body.scopes_supported);
  jwks = (await getJson(`${oidc}/jwks`)).body;
  t.ok(jwks.keys.length === 1 && jwks.keys[0].alg === 'ES384' && jwks.keys[0].crv === 'P-384' && jwks.keys[0].kid && !jwks.keys[0].d, 'JWKS: one public ES384 key with kid', jwks);
}

async function checkRedirectUris() {
  const port = 5555;
  for (const bad of [`http://localhost:${port}/callback`, `http://[::1]:${port}/callback`, `http://127.0.0.1:${port}/cb`, `https://127.0.0.1:${port}/callback`]) {
    const url = new URL(`${oidc}/auth`);
    Object.entries({ client_id: CLIENT_ID, response_type: 'code', scope: 'openid', redirect_uri: bad, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })
      .forEach(([k, v]) => url.searchParams.set(k, v));
    const res = await getJson(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    t.ok(res.status === 400 && res.body?.code === 'oidc.invalid_redirect_uri', `redirect_uri ${bad} -> 400 oidc.invalid_redirect_uri`, res.text);
  }
}

async function checkAliceSignIn() {
  const { run, callback, request, exchange } = await signIn('alice', alice.password);
  t.ok(run.status === 0 && callback?.code, `driver signs alice in and reaches the loopback callback (${run.ms} ms)`, run.stderr);
  t.diag(`sign-in round trip via the driver: ${run.ms} ms`);
  if (!exchange) return null;
  t.ok(callback.state === request.state && callback.iss === oidc, 'callback carries state and iss');
  t.ok(!/code=|access_token|refresh_token/.test(run.stderr), 'driver log holds no code or token');
  const body = exchange.body;
  t.equal(Object.keys(body).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type'], 'token response keys as Logto');
  t.ok(body.expires_in === 3600 && body.token_type === 'Bearer' && body.access_token.length === 43 && !body.access_token.includes('.'), 'opaque 43-char access token, 3600 s, Bearer', body);
  const id = decodeJwt(body.id_token);
  const p = id.payload;
  t.ok(id.header.alg === 'ES384' && id.header.typ === 'JWT' && id.header.kid === jwks.keys[0].kid && verifyJwt(body.id_token, jwks), 'ID token ES384 with kid, signature verifies', id.header);
  t.ok(p.sub === alice.id && p.aud === CLIENT_ID && p.iss === oidc && p.exp - p.iat === 3600 && p.nonce === request.nonce, 'ID token sub, aud, iss, exp = iat + 3600, nonce', p);
  t.ok(p.name === alice.name && p.picture === null && p.username === 'alice' && p.email === alice.primary_email && p.email_verified === true
    && p.created_at === alice.created_at && p.updated_at === alice.updated_at, 'ID token profile/email claims (epoch ms times, picture null)', p);
  t.equal([p.organizations, p.organization_roles], [[acme, globex], [`${acme}:admin`, `${globex}:member`]], 'ID token organizations and organization_roles');
  t.equal(p.at_hash, atHash(body.access_token, 'ES384'), 'ID token at_hash matches the access token');
  t.equal(Object.keys(p).sort(), ['at_hash', 'aud', 'created_at', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'nonce',
    'organization_roles', 'organizations', 'picture', 'sub', 'updated_at', 'username'], 'ID token claims exactly as LOGTO.md (no organization_data)');
  const me = await getJson(`${oidc}/me`, { headers: { authorization: `Bearer ${body.access_token}` } });
  t.equal(me.body?.organization_data?.map((o) => [o.id, o.name]), [[acme, 'Acme Corporation'], [globex, 'Globex']], 'userinfo has organization_data');
  t.ok(me.body?.sub === alice.id && me.body.organizations?.length === 2 && typeof me.body.organization_data[0].description === 'string', 'userinfo user claims', me.body);
  return body;
}

async function checkRefreshAndOrganizations(first) {
  const r1 = await refresh(first.refresh_token);
  t.ok(r1.status === 200 && r1.body.refresh_token && r1.body.refresh_token !== first.refresh_token, 'refresh rotates the refresh token', r1.body);
  const idFirst = decodeJwt(first.id_token).payload;
  const idNew = decodeJwt(r1.body.id_token).payload;
  t.ok(idNew.sub === idFirst.sub && idNew.nonce === idFirst.nonce && idNew.iat >= idFirst.iat, 'refresh returns a new ID token (same sub and nonce)', idNew);
  const again = await refresh(first.refresh_token);
  t.ok(again.status === 200 && again.body.refresh_token, 'previous refresh token still works inside the grace period');

  let rt = again.body.refresh_token;
  const orgToken = async (extra) => {
    const res = await refresh(rt, extra);
    if (res.status === 200) {
      t.ok(res.body.refresh_token !== rt, `rotated by ${JSON.stringify(extra)}`);
      rt = res.body.refresh_token;
    }
    return res;
  };
  for (const [org, label] of [[acme, 'Acme'], [globex, 'Globex']]) {
    const res = await orgToken({ organization_id: org });
    const jwt = res.status === 200 && decodeJwt(res.body.access_token);
    t.ok(jwt && jwt.header.typ === 'at+jwt' && jwt.payload.aud === `urn:logto:organization:${org}` && jwt.payload.sub === alice.id
      && jwt.payload.scope === '' && jwt.payload.client_id === CLIENT_ID && jwt.payload.jti && jwt.payload.exp - jwt.payload.iat === 3600
      && verifyJwt(res.body.access_token, jwks), `organization token for ${label}: aud urn:logto:organization:<id>, scope ""`, jwt?.payload ?? res.body);
  }
  const admin = await orgToken({ resource: DB, organization_id: acme });
  const a = admin.status === 200 && decodeJwt(admin.body.access_token).payload;
  t.ok(a && a.aud === DB && a.organization_id === acme && a.scope === 'data:read data:write', 'db token for Acme (admin): organization_id, data:read data:write', a || admin.body);
  const member = await orgToken({ resource: DB, organization_id: globex });
  const m = member.status === 200 && decodeJwt(member.body.access_token).payload;
  t.ok(m && m.aud === DB && m.organization_id === globex && m.scope === 'data:read', 'db token for Globex (member): data:read', m || member.body);
  const plain = await orgToken({ resource: DB });
  const pl = plain.status === 200 && decodeJwt(plain.body.access_token).payload;
  t.ok(pl && pl.aud === DB && !('organization_id' in pl) && pl.scope === 'data:read data:write', 'db token without organization: user scopes', pl || plain.body);
  const me = await getJson(`${oidc}/me`, { headers: { authorization: `Bearer ${admin.body.access_token}` } });
  t.ok(me.status === 401 && me.body.error === 'invalid_token' && /^Bearer /.test(me.headers.get('www-authenticate') ?? ''), 'resource token at userinfo -> 401 invalid_token + WWW-Authenticate', me);

  const orgResource = await orgToken({ resource: ORG_RESOURCE, organization_id: acme });
  t.ok(orgResource.status === 200 && decodeJwt(orgResource.body.access_token).payload.aud === ORG_RESOURCE, 'resource=urn:logto:resource:organizations + organization_id -> 200, aud is that URN', orgResource.body);
  const badScope = await refresh(rt, { scope: 'openid data:admin' });
  t.ok(badScope.status === 400 && badScope.body.error === 'invalid_scope' && badScope.body.error_description === 'refresh token missing requested scope', 'scope not granted at sign-in -> 400 invalid_scope', badScope.body);
  const notMember = await refresh(rt, { organization_id: bobsOrg });
  t.ok(notMember.status === 403, "bob's organization -> 403");
  t.equal(notMember.body, LOGTO_NOT_MEMBER, '403 body as Logto');
  const unknown = await refresh(rt, { organization_id: 'nosuchorganization00' });
  t.ok(unknown.status === 403 && unknown.body.code === 'oidc.access_denied', 'unknown organization -> 403 access_denied');
  const badClient = await postForm(`${oidc}/token`, { client_id: 'no-such-app', grant_type: 'refresh_token', refresh_token: rt });
  t.ok(badClient.status === 400 && badClient.body.error === 'invalid_client', 'unknown client_id -> 400 invalid_client', badClient.body);

  await postJson(`${ep}/__test/memberships/remove`, { userId: alice.id, organizationId: globex });
  const removed = await refresh(rt, { organization_id: globex });
  t.ok(removed.status === 403 && removed.body.error_description === 'user is not a member of the organization', 'after the membership removal hook -> 403', removed.body);
  await postJson(`${ep}/__test/memberships/add`, { userId: alice.id, organizationId: globex, roles: ['admin'] });
  const readded = await orgToken({ resource: DB, organization_id: globex });
  t.ok(readded.status === 200 && decodeJwt(readded.body.access_token).payload.scope === 'data:read data:write', 'after the membership add hook (admin) -> data:read data:write', readded.body);
  return rt;
}

/** POST /__test/token/hold: late and dropped token answers, processed all the same. */
async function checkTokenHold(rt) {
  const state = async () => (await getJson(`${ep}/__test/state`)).body;
  const holdOf = (s, id) => s.tokenHolds.find((h) => h.id === id);
  const bad = await Promise.all([{ seconds: -1 }, { seconds: 1, count: 0 }, {}, { drop: 'yes' }].map((b) => postJson(`${ep}/__test/token/hold`, b)));
  t.ok(bad.every((r) => r.status === 400 && typeof r.body.error === 'string'), 'token hold: bad bodies -> 400', bad.map((r) => r.body));

  const before = await state();
  const hold = await postJson(`${ep}/__test/token/hold`, { seconds: 1, refreshToken: rt });
  const started = Date.now();
  const late = await refresh(rt);
  const ms = Date.now() - started;
  const after = await state();
  t.ok(hold.status === 200 && late.status === 200 && late.body.refresh_token && late.body.refresh_token !== rt && ms >= 950,
    `token hold 1 s: the answer (rotated) comes after ${ms} ms`, { hold: hold.body, late: late.body });
  t.ok(after.tokenRequests === before.tokenRequests + 1 && holdOf(after, hold.body.id)?.held === 1 && holdOf(after, hold.body.id)?.seen === 1,
    'state counts one token request, held once by that hold', after);
  rt = late.body.refresh_token;

  // The client gives up first: the request was processed and rt rotated all the same, so the
  // client must reuse rt inside the grace period (1 s here) to get a token it can keep.
  const stored = (s) => s.storage.RefreshToken ?? 0;
  const gone = await postJson(`${ep}/__test/token/hold`, { seconds: 1.5, refreshToken: rt });
  const aborted = await refresh(rt, {}, { signal: AbortSignal.timeout(300) }).then(() => 'answered', (e) => e.name);
  const again = await refresh(rt);
  const during = await state();
  t.ok(gone.status === 200 && aborted === 'TimeoutError' && again.status === 200 && stored(during) === stored(after) + 2
    && holdOf(during, gone.body.id)?.held === 1 && holdOf(during, gone.body.id)?.seen === 2,
  'client timeout during a hold: the refresh was processed (rotated); a hold takes only the next request', { aborted, again: again.body, during });
  await sleep(1500); // the held answer now goes to a closed connection
  const later = await state();
  t.ok(later.tokenRequests === during.tokenRequests, 'stand-in survives writing a held answer to a closed connection');
  rt = again.body.refresh_token;

  const dropHold = await postJson(`${ep}/__test/token/hold`, { drop: true, refreshToken: rt });
  const dropped = await refresh(rt).then((r) => `answered ${r.status}`, (e) => e.cause?.code ?? e.message);
  const afterDrop = await state();
  t.ok(dropHold.status === 200 && /ECONNRESET|UND_ERR_SOCKET|other side closed/.test(dropped) && afterDrop.tokenRequests === later.tokenRequests + 1
    && stored(afterDrop) === stored(later) + 1, `token hold drop: connection closed without an answer (${dropped}), the refresh processed`, { dropped, afterDrop });
  const retry = await refresh(rt);
  t.ok(retry.status === 200 && retry.body.refresh_token, 'after the drop, rt still works inside the grace period', retry.body);
  return retry.body.refresh_token;
}

async function checkReuseAfterGrace(rt) {
  const next = await refresh(rt);
  await sleep(1300); // --grace-seconds 1
  const reuse = await refresh(rt);
  t.ok(reuse.status === 400, 'reuse after the grace period -> 400');
  t.equal(reuse.body, LOGTO_INVALID_GRANT, 'invalid_grant body as Logto');
  const current = await refresh(next.body.refresh_token);
  t.ok(current.status === 400 && current.body.error === 'invalid_grant', 'the reuse revoked the grant: the current refresh token fails too', current.body);
}

async function checkSecondSignInAndScopes() {
  // Same browser profile: the Logto session persists, so no form this time.
  const { run, exchange } = await signIn('alice', alice.password, { scope: 'openid offline_access profile', resources: [] });
  t.ok(run.status === 0 && /no sign-in form/.test(run.stderr) && exchange?.status === 200, 'second authorization in the same browser needs no sign-in', run.stderr);
  if (!exchange) return null;
  t.ok(!('organizations' in decodeJwt(exchange.body.id_token).payload), 'no organization claims without the organization scopes');
  const res = await refresh(exchange.body.refresh_token, { organization_id: acme });
  t.ok(res.status === 403 && res.body.error === 'insufficient_scope' && res.body.error_description === 'refresh token missing required scope', 'refresh token without urn:logto:scope:organizations -> 403 insufficient_scope', res.body);
  return exchange.body;
}

async function checkNoOfflineWithoutConsent() {
  const { run, exchange } = await signIn('alice', alice.password, { prompt: 'login consent', resources: [] });
  // prompt=login forces the form even with a session.
  t.ok(run.status === 0 && /sign-in form/.test(run.stderr), 'prompt=login shows the sign-in form again', run.stderr);
  const noConsent = await signIn('alice', alice.password, { prompt: '', resources: [] });
  t.ok(noConsent.exchange?.status === 200 && !noConsent.exchange.body.refresh_token, 'offline_access without prompt=consent: no refresh token',
    { callback: noConsent.callback, body: noConsent.exchange?.body, log: noConsent.run.stderr });
  return exchange?.body;
}

/** A live refresh token of the grant `tokens` belongs to (rotated once, so it is the newest). */
async function freshRefreshToken(tokens) {
  const r = await refresh(tokens.refresh_token);
  return r.status === 200 ? r.body.refresh_token : undefined;
}

async function checkRevocation(tokens, sameGrant) {
  const active = await postForm(`${oidc}/token/introspection`, { client_id: CLIENT_ID, token: tokens.refresh_token });
  t.ok(active.status === 200 && active.body.active === true, 'introspection with client_id only: active refresh token', active.body);
  const revoked = await postForm(`${oidc}/token/revocation`, { client_id: CLIENT_ID, token: tokens.refresh_token });
  t.ok(revoked.status === 200 && revoked.text === '', 'revocation -> 200 with an empty body', revoked.text);
  const after = await postForm(`${oidc}/token/introspection`, { client_id: CLIENT_ID, token: tokens.refresh_token });
  t.equal(after.body, { active: false }, 'introspection after revocation -> {"active":false}');
  // Logto reuses the session's grant when the same browser authorizes the app again, and
  // revoking a refresh token revokes its grant: tokens of the other sign-in die too.
  const shared = await refresh(sameGrant.refresh_token);
  t.ok(shared.status === 400 && shared.body.error === 'invalid_grant', 'revocation also ends refresh tokens of other sign-ins in the same browser session (shared grant)', shared.body);
}

async function checkWrongPassword() {
  const request = authUrl();
  const run = await runDriver(DRIVER, request.url, { ORGDESK_TEST_USER: 'bob', ORGDESK_TEST_PASSWORD: 'wrong-password' });
  t.ok(run.status !== 0 && /sign-in rejected: The username or password is incorrect/.test(run.stderr), 'wrong password: form re-shown with an error, driver fails', run.stderr);
}

async function checkKeyRotation(tokens) {
  const rotated = await postJson(`${ep}/__test/keys/rotate`, { alg: 'RS256' });
  const keys = (await getJson(`${oidc}/jwks`)).body;
  t.ok(rotated.status === 200 && keys.keys.length === 2 && keys.keys[0].alg === 'RS256' && keys.keys[1].kid === jwks.keys[0].kid, 'key rotation hook: new RS256 key first, previous ES384 key kept', keys);
  const res = await refresh(tokens.refresh_token);
  const id = res.status === 200 && decodeJwt(res.body.id_token);
  t.ok(id && id.header.alg === 'RS256' && id.header.kid === keys.keys[0].kid && verifyJwt(res.body.id_token, keys), 'after rotation: ID token signed by the new key; session and grant survived', id?.header ?? res.body);
  await postJson(`${ep}/__test/keys/rotate`, { alg: 'ES384' });
  const three = (await getJson(`${oidc}/jwks`)).body;
  t.ok(three.keys.length === 2 && three.keys[0].alg === 'ES384' && three.keys[1].alg === 'RS256', 'at most two keys after another rotation');
  const again = await refresh(res.body.refresh_token);
  const header = again.status === 200 && decodeJwt(again.body.id_token).header;
  t.ok(header && header.alg === 'ES384' && header.kid === three.keys[0].kid && verifyJwt(again.body.id_token, three), 'ID token signed by the newest ES384 key', header || again.body);
  return again.body;
}

async function checkSignOut(tokens) {
  const url = new URL(`${oidc}/session/end`);
  url.searchParams.set('id_token_hint', tokens.id_token);
  url.searchParams.set('client_id', CLIENT_ID);
  const run = await runDriver(DRIVER, url.href, { ORGDESK_TEST_BROWSER_PROFILE: profile, ORGDESK_TEST_BROWSER_LOG: driverLog });
  t.ok(run.status === 0 && /signed out/.test(run.stderr), 'end session: auto-submitted confirmation, signed out', run.stderr);
  const { run: again, exchange } = await signIn('alice', alice.password);
  t.ok(again.status === 0 && /sign-in form at/.test(again.stderr) && exchange?.status === 200, 'after sign-out the next authorization shows the sign-in form', again.stderr);
  return exchange?.body;
}

/** client_credentials for the machine-to-machine app, HTTP Basic unless `post`. */
function m2mToken(fields, { secret = m2m.client_secret, post = false } = {}) {
  const auth = post ? {} : { authorization: `Basic ${Buffer.from(`${m2m.client_id}:${secret}`).toString('base64')}` };
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(post ? { client_id: m2m.client_id, client_secret: secret } : {}), ...fields });
  return getJson(`${oidc}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth }, body });
}

function api(bearer, method, path, body) {
  const headers = bearer ? { authorization: `Bearer ${bearer}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  return getJson(`${ep}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const FK_NOT_FOUND = {
  code: 'entity.relation_foreign_key_not_found',
  message: 'Cannot find one or more foreign keys. Please check the input and ensure that all referenced entities exist.',
};

async function checkMachineToMachineToken() {
  const res = await m2mToken({ resource: MANAGEMENT_API, scope: 'all' });
  const jwt = res.status === 200 && decodeJwt(res.body.access_token);
  const p = jwt?.payload;
  t.ok(res.status === 200 && JSON.stringify(Object.keys(res.body).sort()) === '["access_token","expires_in","scope","token_type"]'
    && res.body.scope === 'all' && res.body.token_type === 'Bearer' && res.body.expires_in === 3600, 'm2m: client_credentials with HTTP Basic -> 200, scope all, 3600 s', res.body);
  t.ok(jwt && jwt.header.typ === 'at+jwt' && jwt.header.alg === 'ES384' && verifyJwt(res.body.access_token, jwks)
    && p.aud === MANAGEMENT_API && p.iss === oidc && p.sub === m2m.client_id && p.client_id === m2m.client_id && p.scope === 'all'
    && p.exp - p.iat === 3600 && p.jti, 'm2m: JWT access token, aud = Management API, sub = client_id, signed like other tokens', jwt);
  const post = await m2mToken({ resource: MANAGEMENT_API, scope: 'all' }, { post: true });
  t.ok(post.status === 200 && post.body.scope === 'all', 'm2m: client_secret_post works too', post.body);
  const wrong = await m2mToken({ resource: MANAGEMENT_API, scope: 'all' }, { secret: 'not-the-secret' });
  t.ok(wrong.status === 401 && wrong.body.error === 'invalid_client' && wrong.body.code === 'oidc.invalid_client'
    && /^Basic /.test(wrong.headers.get('www-authenticate') ?? ''), 'm2m: wrong secret -> 401 invalid_client, WWW-Authenticate Basic', wrong.body);
  const unknown = await m2mToken({ resource: 'https://api.example.com/other', scope: 'all' });
  t.equal(unknown.body, { code: 'oidc.invalid_target', message: 'Invalid resource indicator.', error: 'invalid_target', error_description: 'resource indicator is missing, or unknown' },
    'm2m: unknown resource -> 400 invalid_target (Logto body)');
  t.ok(unknown.status === 400, 'm2m: unknown resource status 400');
  const none = await m2mToken({ scope: 'all' });
  t.ok(none.status === 400 && none.body.error_description === 'both `resource` and `organization_id` are not provided', 'm2m: no resource -> 400 invalid_target', none.body);
  const db = await m2mToken({ resource: DB, scope: 'all data:read' });
  t.ok(db.status === 200 && !('scope' in db.body) && decodeJwt(db.body.access_token).payload.aud === DB && !('scope' in decodeJwt(db.body.access_token).payload),
    'm2m: another known API the app has no role for -> token without scope', db.body);
  const org = await m2mToken({ organization_id: acme });
  t.ok(org.status === 403 && org.body.error_description === 'app has not associated with the organization', 'm2m: organization_id -> 403 access_denied', org.body);
  const noScope = await m2mToken({ resource: MANAGEMENT_API });
  return { token: res.body.access_token, dbToken: db.body.access_token, noScopeToken: noScope.body.access_token };
}

async function checkManagementAuth({ token, dbToken, noScopeToken }, userToken) {
  const missing = await api(undefined, 'GET', '/organization-roles');
  t.ok(missing.status === 401, 'Management API without a token -> 401');
  t.equal(missing.body, { code: 'auth.authorization_header_missing', message: 'Authorization header is missing.' }, '401 body as Logto (header missing)');
  const basic = await getJson(`${ep}/api/organization-roles`, { headers: { authorization: 'Basic eDp5' } });
  t.ok(basic.status === 401 && basic.body.code === 'auth.authorization_token_type_not_supported', 'Basic instead of Bearer -> 401 token type not supported', basic.body);
  const garbage = await api('not-a-jwt', 'GET', '/organization-roles');
  t.ok(garbage.status === 401 && garbage.body.code === 'auth.unauthorized' && garbage.body.message === 'Unauthorized. Please check credentials and its scope.', 'bad token -> 401 auth.unauthorized', garbage.body);
  const [h, p] = token.split('.');
  const forged = await api(`${h}.${p}.${b64url(randomBytes(96))}`, 'GET', '/organization-roles');
  t.ok(forged.status === 401 && forged.body.code === 'auth.unauthorized', 'bad signature -> 401', forged.body);
  const wrongAud = await api(dbToken, 'GET', '/organization-roles');
  t.ok(wrongAud.status === 401 && wrongAud.body.code === 'auth.unauthorized' && wrongAud.body.data?.claim === 'aud', 'token for another API -> 401 (aud)', wrongAud.body);
  if (userToken) {
    const user = await api(userToken, 'GET', '/organization-roles');
    t.ok(user.status === 401, "a user's database token -> 401", user.body);
  }
  const noAll = await api(noScopeToken, 'GET', '/organization-roles');
  t.ok(noAll.status === 403, 'Management API token without scope all -> 403');
  t.equal(noAll.body, { code: 'auth.forbidden', message: 'Forbidden. Please check your user roles and permissions.' }, '403 body as Logto');
  const unknown = await api(token, 'GET', '/no-such-route');
  t.ok(unknown.status === 404, 'unknown /api/ route -> 404');
}

async function checkManagementCalls(token) {
  const roles = await api(token, 'GET', '/organization-roles');
  t.ok(roles.status === 200 && roles.headers.get('total-number') === '2', 'GET /api/organization-roles -> 200, Total-Number 2', roles);
  const admin = roles.body?.find((r) => r.name === 'admin');
  t.equal(roles.body?.map((r) => [r.id, r.name, r.type]), [[roleId('admin'), 'admin', 'User'], [roleId('member'), 'member', 'User']], 'organization roles by name with fixture ids, type User');
  t.ok(admin && JSON.stringify(Object.keys(admin)) === '["tenantId","id","name","description","type","scopes","resourceScopes"]'
    && admin.tenantId === 'default' && admin.scopes.map((s) => s.name).join(' ') === 'read:organization manage:members'
    && admin.resourceScopes.map((s) => `${s.resource.name}:${s.name}`).join(' ') === 'Orgdesk database:data:read Orgdesk database:data:write',
  'admin role with its organization and API scopes', admin);
  const byName = await api(token, 'GET', '/organization-roles?q=admin');
  t.equal(byName.body?.map((r) => r.name), ['admin'], 'organization roles ?q=admin');

  const requestId = b64url(randomBytes(9));
  const created = await api(token, 'POST', '/organizations', { name: "Carol Example's organization", description: 'Default organization', customData: { orgdeskRequestId: requestId } });
  const o = created.body;
  t.ok(created.status === 201 && /^[a-z0-9]{12}$/.test(o?.id ?? ''), 'POST /api/organizations -> 201, 12-character id', created.body);
  t.equal(o && Object.keys(o), ['tenantId', 'id', 'name', 'description', 'customData', 'isMfaRequired', 'color', 'branding', 'customCss', 'createdAt'], 'organization JSON keys as Logto');
  t.ok(o && o.tenantId === 'default' && o.description === 'Default organization' && o.customData.orgdeskRequestId === requestId && o.isMfaRequired === false
    && JSON.stringify([o.color, o.branding, o.customCss]) === '[{},{},null]' && Math.abs(o.createdAt - Date.now()) < 60000, 'organization fields (createdAt epoch ms)', o);
  const bare = await api(token, 'POST', '/organizations', { name: 'No description' });
  t.ok(bare.status === 201 && bare.body.description === null && JSON.stringify(bare.body.customData) === '{}', 'POST without description/customData -> null, {}', bare.body);
  const bad = await api(token, 'POST', '/organizations', { name: '', description: 5 });
  t.ok(bad.status === 400 && bad.body.code === 'guard.invalid_input' && bad.body.message === 'The request body is invalid.'
    && bad.body.data?.issues?.length === 2 && /key path "name"/.test(bad.body.details), 'POST with a bad body -> 400 guard.invalid_input', bad.body);
  const get = await api(token, 'GET', `/organizations/${o.id}`);
  t.equal(get.body, o, 'GET /api/organizations/{id}');
  const get404 = await api(token, 'GET', '/organizations/nosuchorg000');
  t.ok(get404.status === 404 && get404.body.code === 'entity.not_exists_with_id', 'GET unknown organization -> 404', get404.body);
  const search = await api(token, 'GET', `/organizations?q=${encodeURIComponent("carol example's")}`);
  t.ok(search.status === 200 && search.body.length === 1 && search.body[0].id === o.id && search.headers.get('total-number') === '1',
    'GET /api/organizations?q= finds it by name (id or name, case-insensitive)', search.body);
  const list = await api(token, 'GET', '/organizations?page=4&page_size=20');
  t.ok(list.status === 200 && list.body.length === fixture.organizations.length + 2 - 60 && list.headers.get('total-number') === String(fixture.organizations.length + 2)
    && /rel="prev"/.test(list.headers.get('link')), 'GET /api/organizations pages (page_size 20, Total-Number, Link)', { n: list.body?.length, h: list.headers.get('link') });

  const addUnknownUser = await api(token, 'POST', `/organizations/${o.id}/users`, { userIds: [carol.id, 'nosuchuser00'] });
  t.ok(addUnknownUser.status === 422, 'add an unknown user -> 422');
  t.equal(addUnknownUser.body, FK_NOT_FOUND, '422 body as Logto');
  const addToUnknown = await api(token, 'POST', '/organizations/nosuchorg000/users', { userIds: [carol.id] });
  t.ok(addToUnknown.status === 422 && addToUnknown.body.code === FK_NOT_FOUND.code, 'add to an unknown organization -> 422 (Logto checks no organization first)', addToUnknown.body);
  const empty = await api(token, 'POST', `/organizations/${o.id}/users`, { userIds: [] });
  t.ok(empty.status === 400 && empty.body.code === 'guard.invalid_input', 'empty userIds -> 400', empty.body);
  const beforeRoles = await api(token, 'POST', `/organizations/${o.id}/users/${carol.id}/roles`, { organizationRoleIds: [roleId('admin')] });
  t.ok(beforeRoles.status === 422 && beforeRoles.body.code === 'organization.require_membership'
    && beforeRoles.body.message === 'The user must be a member of the organization to proceed.', 'roles before membership -> 422 require_membership (and the failed add added no one)', beforeRoles.body);
  const added = await api(token, 'POST', `/organizations/${o.id}/users`, { userIds: [carol.id] });
  t.ok(added.status === 201 && added.text === 'Created', 'POST /api/organizations/{id}/users -> 201 (no JSON body)', added.text);
  const again = await api(token, 'POST', `/organizations/${o.id}/users`, { userIds: [carol.id] });
  t.ok(again.status === 201, 'adding the same member again -> 201 (ON CONFLICT DO NOTHING)');
  const unknownRole = await api(token, 'POST', `/organizations/${o.id}/users/${carol.id}/roles`, { organizationRoleIds: ['nosuchrole'] });
  t.ok(unknownRole.status === 422 && unknownRole.body.code === FK_NOT_FOUND.code, 'unknown role id -> 422', unknownRole.body);
  const unknownName = await api(token, 'POST', `/organizations/${o.id}/users/${carol.id}/roles`, { organizationRoleNames: ['owner'] });
  t.equal([unknownName.status, unknownName.body], [422, { code: 'organization.role_names_not_found', message: 'Invalid role names detected: owner. Please create these roles first before proceeding.' }], 'unknown role name -> 422 role_names_not_found');
  const byId = await api(token, 'POST', `/organizations/${o.id}/users/${carol.id}/roles`, { organizationRoleIds: [admin.id] });
  t.ok(byId.status === 201, 'POST /api/organizations/{id}/users/{userId}/roles by id -> 201', byId.body);
  const byRoleName = await api(token, 'POST', `/organizations/${bare.body.id}/users`, { userIds: [carol.id] })
    .then(() => api(token, 'POST', `/organizations/${bare.body.id}/users/${carol.id}/roles`, { organizationRoleNames: ['member'] }));
  t.ok(byRoleName.status === 201, 'roles by organizationRoleNames -> 201', byRoleName.body);
  const memberRoles = await api(token, 'GET', `/organizations/${o.id}/users/${carol.id}/roles`);
  t.equal(memberRoles.body?.map((r) => r.name), ['admin'], "GET the member's roles");

  const profile = await api(token, 'GET', `/users/${carol.id}`);
  t.ok(profile.status === 200 && profile.body.id === carol.id && profile.body.username === 'carol' && profile.body.primaryEmail === carol.primary_email
    && profile.body.name === carol.name && profile.body.createdAt === carol.created_at && profile.body.hasPassword === true && !('password' in profile.body),
  'GET /api/users/{id} -> the profile', profile.body);
  const noUser = await api(token, 'GET', '/users/nosuchuser00');
  t.equal([noUser.status, noUser.body], [404, { code: 'entity.not_found', message: 'The resource does not exist.' }], 'GET unknown user -> 404');
  const orgs = await api(token, 'GET', `/users/${carol.id}/organizations`);
  t.equal(orgs.body?.map((x) => [x.id, x.organizationRoles]), [[o.id, [{ id: admin.id, name: 'admin' }]], [bare.body.id, [{ id: roleId('member'), name: 'member' }]]],
    'GET /api/users/{id}/organizations -> organizations with organizationRoles');
  t.ok(orgs.body?.[0]?.customData?.orgdeskRequestId === requestId, '... with the customData it was created with');
  const aliceOrgs = await api(token, 'GET', `/users/${alice.id}/organizations`);
  t.ok(aliceOrgs.body?.length === 2 && aliceOrgs.body.every((x) => x.organizationRoles.length === 1), "fixture memberships show the same way (alice's two)", aliceOrgs.body);
  return o;
}

async function checkManagementOutage(token) {
  const bad = await Promise.all([{}, { status: 200, count: 1 }, { count: 0 }, { seconds: 1000 }].map((b) => postJson(`${ep}/__test/management/outage`, b)));
  t.ok(bad.every((r) => r.status === 400 && typeof r.body.error === 'string'), 'outage hook: bad bodies -> 400', bad.map((r) => r.body));
  const start = await postJson(`${ep}/__test/management/outage`, { status: 503, count: 2, retryAfter: 1 });
  const a = await api(token, 'GET', '/organization-roles');
  const b = await api(token, 'POST', '/organizations', { name: 'During the outage' });
  const c = await api(token, 'GET', '/organization-roles');
  t.ok(start.status === 200 && a.status === 503 && a.text === 'Service Unavailable' && a.headers.get('retry-after') === '1' && b.status === 503 && c.status === 200,
    'outage {status 503, count 2}: the next two requests get 503 (Retry-After), the third works', { start: start.body, a: a.status, b: b.status, c: c.status });
  const found = await api(token, 'GET', `/organizations?q=${encodeURIComponent('During the outage')}`);
  t.ok(found.body?.length === 0, 'a request failed by the outage changed nothing');
  await postJson(`${ep}/__test/management/outage`, { status: 500, seconds: 0.4, token: true });
  const d = await api(token, 'GET', '/organization-roles');
  const tok = await m2mToken({ resource: MANAGEMENT_API, scope: 'all' });
  await sleep(500);
  const e = await api(token, 'GET', '/organization-roles');
  const tok2 = await m2mToken({ resource: MANAGEMENT_API, scope: 'all' });
  t.ok(d.status === 500 && tok.status === 500 && e.status === 200 && tok2.status === 200, 'outage {seconds, token: true}: API and m2m token requests fail, then recover', [d.status, tok.status, e.status, tok2.status]);
  await postJson(`${ep}/__test/management/outage`, { drop: true, count: 1 });
  const dropped = await api(token, 'GET', '/organization-roles').then((r) => `answered ${r.status}`, (err) => err.cause?.code ?? err.message);
  t.ok(/ECONNRESET|UND_ERR_SOCKET|other side closed/.test(dropped), `outage {drop}: connection closed without an answer (${dropped})`);
  await postJson(`${ep}/__test/management/outage`, { status: 502, count: 5 });
  const restored = await postJson(`${ep}/__test/management/restore`, {});
  const f = await api(token, 'GET', '/organization-roles');
  const state = (await getJson(`${ep}/__test/state`)).body;
  t.ok(restored.body.stopped === true && f.status === 200 && state.managementOutages.length === 4 && state.managementOutages[0].failed === 2
    && state.managementRequests >= 8 && state.managementOutages.every((x) => !x.active), 'restore ends an outage; state lists outages and counts requests', { restored: restored.body, state: state.managementOutages });
}

/** A user added to a new organization through the Management API sees it at the next refresh. */
async function checkProvisionedOrganization(token) {
  const signedIn = await signIn('carol', carol.password, { profile: join(work, 'profile-carol') });
  t.ok(signedIn.exchange?.status === 200, 'carol signs in (no organization yet)', signedIn.run?.stderr);
  if (!signedIn.exchange) return;
  const first = decodeJwt(signedIn.exchange.body.id_token).payload;
  t.equal([first.organizations, first.organization_roles], [[], []], "carol's ID token: no organizations");
  const dbBefore = await refresh(signedIn.exchange.body.refresh_token, { resource: DB });
  let rt = dbBefore.body.refresh_token;

  const o = await checkManagementCalls(token);
  const r = await refresh(rt);
  rt = r.body.refresh_token;
  const id = r.status === 200 && decodeJwt(r.body.id_token).payload;
  const others = (await api(token, 'GET', `/users/${carol.id}/organizations`)).body.map((x) => x.id);
  t.ok(id && id.organizations.includes(o.id) && id.organization_roles.includes(`${o.id}:admin`) && JSON.stringify(id.organizations) === JSON.stringify(others),
    "next refresh: the new organization is in the ID token's organizations and organization_roles", id || r.body);
  const me = await getJson(`${oidc}/me`, { headers: { authorization: `Bearer ${r.body.access_token}` } });
  t.ok(me.status === 200 && me.body.organization_data?.some((x) => x.id === o.id && x.name === o.name && x.description === o.description),
    'userinfo organization_data has the new organization', me.body);
  // Carol consented to data:read only (all she had at sign-in); Logto's refresh grant filters
  // resource scopes by the grant, so the new admin role's data:write needs a new authorization.
  const db = await refresh(rt, { resource: DB, organization_id: o.id });
  rt = db.body.refresh_token;
  const p = db.status === 200 && decodeJwt(db.body.access_token).payload;
  t.ok(p && p.aud === DB && p.organization_id === o.id && p.scope === 'data:read' && p.sub === carol.id && verifyJwt(db.body.access_token, jwks),
    'database token for the new organization after a refresh: organization_id, scopes the role grants within the grant (data:read)', p || db.body);
  const orgToken = await refresh(rt, { organization_id: o.id });
  t.ok(orgToken.status === 200 && decodeJwt(orgToken.body.access_token).payload.aud === `urn:logto:organization:${o.id}`, 'organization token for the new organization', orgToken.body);
  const again = await signIn('carol', carol.password, { profile: join(work, 'profile-carol') });
  t.ok(again.exchange?.status === 200 && /no sign-in form/.test(again.run.stderr), 'carol authorizes again (same browser session: no sign-in form)', again.run?.stderr);
  const db2 = again.exchange && await refresh(again.exchange.body.refresh_token, { resource: DB, organization_id: o.id });
  const p2 = db2?.status === 200 && decodeJwt(db2.body.access_token).payload;
  t.ok(p2 && p2.organization_id === o.id && p2.scope === 'data:read data:write', "after the new authorization: the admin role's data:read data:write", p2 || db2?.body);

  // A user whose grant already holds data:write (alice, admin of Acme at sign-in) gets the new
  // organization's role scopes with a refresh alone.
  const added = await api(token, 'POST', `/organizations/${o.id}/users`, { userIds: [alice.id] });
  const role = await api(token, 'POST', `/organizations/${o.id}/users/${alice.id}/roles`, { organizationRoleNames: ['admin'] });
  t.ok(added.status === 201 && role.status === 201, 'alice added to the new organization as admin');
  return { userDbToken: dbBefore.body.access_token, organization: o };
}

async function checkAliceRefreshSeesNewOrganization(rt, o) {
  const r = await refresh(rt);
  const id = r.status === 200 && decodeJwt(r.body.id_token).payload;
  t.ok(id && id.organizations.includes(o.id) && id.organization_roles.includes(`${o.id}:admin`), "alice's next refresh: the new organization in the ID token", id || r.body);
  const db = await refresh(r.body.refresh_token, { resource: DB, organization_id: o.id });
  const p = db.status === 200 && decodeJwt(db.body.access_token).payload;
  t.ok(p && p.organization_id === o.id && p.scope === 'data:read data:write', "alice's database token for it: data:read data:write by refresh alone", p || db.body);
}

async function checkManagementApi(aliceRt) {
  jwks = (await getJson(`${oidc}/jwks`)).body; // keys were rotated since the start
  const tokens = await checkMachineToMachineToken();
  if (!tokens.token) return;
  const provisioned = await checkProvisionedOrganization(tokens.token);
  if (provisioned && aliceRt) await checkAliceRefreshSeesNewOrganization(aliceRt, provisioned.organization);
  await checkManagementAuth(tokens, provisioned?.userDbToken);
  await checkManagementOutage(tokens.token);
}

async function main() {
  try {
    standIn = await startStandIn({ serverPath: SERVER, readyFile: join(work, 'ready.json'), args: ['--test-hooks', '--grace-seconds', '1'] });
    ep = standIn.endpoint;
    oidc = `${ep}/oidc`;
    t.ok(/orgdesk-logto-stand-in listening on http:\/\/127\.0\.0\.1:\d+/.test(standIn.output()), 'stand-in prints its ready line');
    receiver = await startReceiver();
    await checkDiscovery();
    await checkRedirectUris();
    const first = await checkAliceSignIn();
    if (!first) throw new Error('sign-in failed; later checks need its tokens');
    const rt = await checkTokenHold(await checkRefreshAndOrganizations(first));
    // The wrong-password run uses its own browser profile; it overlaps the grace-period wait.
    await Promise.all([checkReuseAfterGrace(rt), checkWrongPassword()]);
    const second = await checkSecondSignInAndScopes();
    const third = await checkNoOfflineWithoutConsent();
    const latest = third ? await checkKeyRotation(third) : null;
    const afterSignOut = latest ? await checkSignOut(latest) : null;
    if (second && latest) await checkRevocation(second, latest);
    // alice's sign-in after the sign-out: a new session and grant, untouched by the revocation.
    await checkManagementApi(afterSignOut && await freshRefreshToken(afterSignOut));
  } catch (error) {
    t.ok(false, `self-test aborted: ${error.message}`);
    if (standIn) t.diag(standIn.output());
  } finally {
    await receiver?.close();
    if (standIn) {
      const code = await stopProcess(standIn.child, standIn.exited);
      t.ok(code === 0, 'stand-in exits cleanly on SIGTERM', `exit ${code}`);
    }
    killChildren();
  }
  process.exitCode = t.finish() ? 0 : 1;
}

await main();
