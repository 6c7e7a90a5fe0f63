#!/usr/bin/env node
// Orgdesk's Logto stand-in: a test double of a Logto 1.37 tenant, built like Logto on
// oidc-provider. See README.md for usage and for every known difference from real Logto.
//
//   node tests/logto-stand-in/server.mjs [--port N] [--fixtures FILE] [--ready-file FILE]
//                                        [--test-hooks] [--grace-seconds N]
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { MemoryStore } from './lib/adapter.mjs';
import { Directory } from './lib/directory.mjs';
import { generateSigningKey } from './lib/keys.mjs';
import { ManagementOutage, managementApi } from './lib/management-api.mjs';
import { errorPage, signInPage } from './lib/pages.mjs';
import { buildProvider } from './lib/provider.mjs';
import { TokenGate, readBody, sendJson, testHooks } from './lib/test-hooks.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OIDC_PREFIX = '/oidc';
const SIGN_IN_PREFIX = '/sign-in/';
const MAX_KEYS = 2; // Logto keeps the previous signing key listed after a rotation

function parseOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      fixtures: { type: 'string', default: join(HERE, 'fixtures.json') },
      'ready-file': { type: 'string' },
      'test-hooks': { type: 'boolean', default: false },
      'grace-seconds': { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: server.mjs [--port N] [--fixtures FILE] [--ready-file FILE] [--test-hooks] [--grace-seconds N]\n');
    process.exit(0);
  }
  const port = Number(values.port);
  const graceSeconds = Number(values['grace-seconds']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}`);
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0) throw new Error(`bad --grace-seconds ${values['grace-seconds']}`);
  return {
    port,
    graceSeconds,
    fixtures: values.fixtures,
    readyFile: values['ready-file'],
    testHooks: values['test-hooks'],
  };
}

function sendHtml(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

/** Writes the ready file atomically, so a poller never reads half of it. */
function writeReadyFile(path, endpoint) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ endpoint })}\n`);
  renameSync(temp, path);
}

/** The stand-in's own sign-in experience (Logto's is a separate React app at /sign-in). */
function interactionHandler(app) {
  async function autoConsent(provider, req, res, details) {
    // Logto grants first-party apps what they ask for without a consent page.
    const { prompt: { details: missing }, params, session, grantId } = details;
    const grant = (grantId && await provider.Grant.find(grantId))
      || new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const savedId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId: savedId } }, { mergeWithLastSubmission: true });
  }

  async function signIn(provider, req, res, action) {
    const form = new URLSearchParams(await readBody(req));
    const identifier = form.get('identifier') ?? '';
    const user = app.directory.findUserByIdentifier(identifier);
    if (!user || user.password !== form.get('password')) {
      sendHtml(res, 200, signInPage({
        action, appName: app.directory.client.client_name, identifier,
        error: 'The username or password is incorrect.',
      }));
      return;
    }
    user.last_sign_in_at = Date.now(); // Logto's users.last_sign_in_at (Management API lastSignInAt)
    await provider.interactionFinished(req, res, { login: { accountId: user.id, remember: true } }, { mergeWithLastSubmission: false });
  }

  return async function handleInteraction(req, res, pathname) {
    const { provider } = app;
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      sendHtml(res, 400, errorPage('Session not found', 'This sign-in attempt has expired. Go back to the app and try again.'));
      return;
    }
    if (`${SIGN_IN_PREFIX}${details.uid}` !== pathname) {
      sendHtml(res, 400, errorPage('Session mismatch', 'This sign-in page belongs to another attempt.'));
      return;
    }
    if (details.prompt.name === 'consent') {
      await autoConsent(provider, req, res, details);
    } else if (req.method === 'POST') {
      await signIn(provider, req, res, pathname);
    } else {
      sendHtml(res, 200, signInPage({ action: pathname, appName: app.directory.client.client_name }));
    }
  };
}

/** The client id of an `Authorization: Basic` header, if any (client_secret_basic). */
function basicClientId(req) {
  const [scheme, value] = String(req.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i === -1 ? undefined : decodeURIComponent(decoded.slice(0, i));
}

function requestHandler(app, handleInteraction, handleTestHook, handleManagementApi, outage) {
  return async (req, res) => {
    const url = new URL(req.url, app.endpoint ?? 'http://stand-in');
    const { pathname } = url;
    try {
      // A test outage may take the machine-to-machine token requests down too.
      if (outage && pathname === `${OIDC_PREFIX}/token` && req.method === 'POST'
          && app.directory.machineToMachineApps.has(basicClientId(req))
          && outage.intercept(req, res, { tokenRequest: true })) {
        return;
      }
      if (pathname.startsWith('/api/')) {
        await handleManagementApi(req, res, pathname, url);
      } else if (pathname === OIDC_PREFIX || pathname.startsWith(`${OIDC_PREFIX}/`)) {
        // Mount the Provider at /oidc: it derives its mount path from originalUrl.
        req.originalUrl = req.url;
        req.url = req.url.slice(OIDC_PREFIX.length) || '/';
        await app.callback(req, res);
      } else if (pathname.startsWith(SIGN_IN_PREFIX) && ['GET', 'POST'].includes(req.method)) {
        await handleInteraction(req, res, pathname);
      } else if (handleTestHook && pathname.startsWith('/__test/')) {
        if (!await handleTestHook(req, res, pathname)) sendJson(res, 404, { error: 'no such test hook' });
      } else {
        sendJson(res, 404, { error: 'not found' });
      }
    } catch (error) {
      process.stderr.write(`stand-in: ${req.method} ${pathname}: ${error.stack ?? error}\n`);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.end();
    }
  };
}

async function main() {
  const options = parseOptions();
  const directory = Directory.load(options.fixtures);
  const store = new MemoryStore({ graceSeconds: options.graceSeconds });
  const cookieKeys = [randomBytes(32).toString('hex')];
  const app = { directory, keys: [generateSigningKey('ES384')] };
  const tokenGate = options.testHooks ? new TokenGate() : undefined;
  const outage = options.testHooks ? new ManagementOutage() : undefined;
  const handleManagementApi = managementApi({ directory, keys: () => app.keys, issuer: () => app.issuer, outage });

  // Building a new Provider is how a key rotation takes effect; the store and cookie keys are
  // shared, so sessions, grants and tokens survive it.
  app.rebuild = () => {
    app.provider = buildProvider({
      issuer: app.issuer, directory, store, keys: app.keys, cookieKeys, middleware: tokenGate ? [tokenGate.middleware] : [],
    });
    app.callback = app.provider.callback();
  };

  const handleTestHook = options.testHooks && testHooks({
    directory,
    tokenGate,
    outage,
    keys: () => app.keys,
    rotateKeys: (alg) => {
      app.keys = [generateSigningKey(alg), ...app.keys].slice(0, MAX_KEYS);
      app.rebuild();
      return app.keys[0];
    },
    info: () => ({ endpoint: app.endpoint, graceSeconds: options.graceSeconds, storage: store.stats() }),
  });

  const server = createServer(requestHandler(app, interactionHandler(app), handleTestHook, handleManagementApi, outage));
  // The issuer contains the port, so listen first and build the Provider afterwards.
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  app.endpoint = `http://127.0.0.1:${server.address().port}`;
  app.issuer = `${app.endpoint}${OIDC_PREFIX}`;
  app.rebuild();

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  if (options.readyFile) writeReadyFile(options.readyFile, app.endpoint);
  process.stdout.write(`orgdesk-logto-stand-in listening on ${app.endpoint}\n`);
}

main().catch((error) => {
  process.stderr.write(`orgdesk-logto-stand-in: ${error.message}\n`);
  process.exit(1);
});
