// Helpers for self-test.mjs: TAP output, the stand-in and driver processes, a loopback
// receiver standing in for the app's libsoup callback server, PKCE, and JWT checks.
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export const b64url = (buffer) => Buffer.from(buffer).toString('base64url');

/** Minimal TAP producer; the plan line is printed at the end. */
export class Tap {
  count = 0;
  failed = 0;

  ok(condition, name, diagnostics) {
    this.count += 1;
    const pass = Boolean(condition);
    if (!pass) this.failed += 1;
    process.stdout.write(`${pass ? 'ok' : 'not ok'} ${this.count} - ${name}\n`);
    if (!pass && diagnostics !== undefined) this.diag(typeof diagnostics === 'string' ? diagnostics : JSON.stringify(diagnostics));
    return pass;
  }

  equal(actual, expected, name) {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    return this.ok(a === e, name, `expected ${e}\n got      ${a}`);
  }

  diag(text) {
    for (const line of String(text).split('\n')) process.stdout.write(`# ${line}\n`);
  }

  bail(reason) {
    process.stdout.write(`Bail out! ${reason}\n`);
  }

  finish() {
    process.stdout.write(`1..${this.count}\n`);
    return this.failed === 0;
  }
}

/** Children to kill and temporary directories to remove on the way out, whatever happens. */
const children = new Set();
const tempDirs = new Set();
export function removeOnExit(path) {
  tempDirs.add(path);
  return path;
}
export function killChildren() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  for (const path of tempDirs) rmSync(path, { recursive: true, force: true });
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    process.stdout.write(`Bail out! interrupted by ${signal}\n`);
    // Give the browser drivers a moment to close Chromium before the directories go.
    for (const child of children) child.kill('SIGTERM');
    setTimeout(() => { killChildren(); process.exit(1); }, 1000).unref();
    Promise.all([...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', r)))))
      .then(() => { killChildren(); process.exit(1); });
  });
}

export async function startStandIn({ serverPath, readyFile, args = [] }) {
  const child = spawn(process.execPath, [serverPath, '--port', '0', '--ready-file', readyFile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 200; i += 1) {
    if (existsSync(readyFile)) {
      const { endpoint } = JSON.parse(readFileSync(readyFile, 'utf8'));
      return { child, endpoint, output: () => output, exited };
    }
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`stand-in did not become ready:\n${output}`);
}

export async function stopProcess(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(5000).then(() => 'timeout')]);
  if (code === 'timeout') child.kill('SIGKILL');
  children.delete(child);
  return code;
}

/** Runs the browser driver; resolves with its exit status, stderr and run time. */
export function runDriver(driverPath, url, env) {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [driverPath, url], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => {
    child.once('exit', (status) => {
      children.delete(child);
      resolve({ status, stderr, ms: Date.now() - startedAt });
    });
  });
}

/** Stand-in for the app's loopback receiver: answers GET /callback with a small page. */
export async function startReceiver() {
  const hits = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/callback') hits.push(Object.fromEntries(url.searchParams));
    res.writeHead(url.pathname === '/callback' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><title>Orgdesk</title><h1>Signed in</h1><p>You can return to Orgdesk.</p>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    redirectUri: `http://127.0.0.1:${server.address().port}/callback`,
    hits,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

export function pkcePair() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

export function decodeJwt(token) {
  const [header, payload, signature] = String(token).split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url')),
    payload: JSON.parse(Buffer.from(payload, 'base64url')),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

const DIGEST = { ES384: 'sha384', ES256: 'sha256', RS256: 'sha256', PS256: 'sha256', EdDSA: null };

/** Verifies a JWS against a JWKS document; returns false when no key or a bad signature. */
export function verifyJwt(token, jwks) {
  const { header, signingInput, signature } = decodeJwt(token);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || !(header.alg in DIGEST)) return false;
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const options = header.alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key;
  return verify(DIGEST[header.alg], Buffer.from(signingInput), options, signature);
}

/** at_hash: left half of the hash of the access token, base64url (OIDC Core 3.1.3.6). */
export function atHash(accessToken, alg) {
  const digest = createHash(DIGEST[alg] ?? 'sha512').update(accessToken).digest();
  return b64url(digest.subarray(0, digest.length / 2));
}

export async function getJson(url, init = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export function postForm(url, fields, init = {}) {
  return getJson(url, {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

export function postJson(url, body) {
  return getJson(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
