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
    if (latest) await checkSignOut(latest);
    if (second && latest) await checkRevocation(second, latest);
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
