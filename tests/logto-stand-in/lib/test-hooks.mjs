// JSON endpoints under /__test/, mounted only with --test-hooks. They change what a real Logto
// would change through its Management API or console (memberships, signing keys), or make the
// token endpoint misbehave the way a network does (a late answer, a dropped connection).
import { setTimeout as sleep } from 'node:timers/promises';

import { SUPPORTED_KEY_ALGS, publicJwk } from './keys.mjs';

const MAX_BODY = 64 * 1024;

export async function readBody(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req) {
  const text = await readBody(req);
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw Object.assign(new Error('body is not JSON'), { status: 400 });
  }
}

function requireStrings(body, ...names) {
  for (const name of names) {
    if (typeof body[name] !== 'string' || !body[name]) {
      throw Object.assign(new Error(`"${name}" must be a non-empty string`), { status: 400 });
    }
  }
}

const MAX_HOLD_SECONDS = 600;

/**
 * Counts token-endpoint requests and holds back or drops the answers of the next few, after
 * oidc-provider has processed them (a refresh token is rotated all the same). `middleware` is
 * a Koa middleware for the Provider (it sees ctx.path "/token" under the /oidc mount).
 */
export class TokenGate {
  requests = 0;
  holds = []; // { id, seconds, count, drop, refreshToken, held, seen }

  /** Validates a POST /__test/token/hold body and queues the hold. */
  add(body) {
    const { seconds = 0, count = 1, drop = false, refreshToken } = body;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_HOLD_SECONDS) {
      throw Object.assign(new Error(`"seconds" must be a number from 0 to ${MAX_HOLD_SECONDS}`), { status: 400 });
    }
    if (!Number.isInteger(count) || count < 1) {
      throw Object.assign(new Error('"count" must be a positive integer'), { status: 400 });
    }
    if (typeof drop !== 'boolean') throw Object.assign(new Error('"drop" must be a boolean'), { status: 400 });
    if (refreshToken !== undefined && (typeof refreshToken !== 'string' || !refreshToken)) {
      throw Object.assign(new Error('"refreshToken" must be a non-empty string'), { status: 400 });
    }
    if (!drop && seconds === 0) {
      throw Object.assign(new Error('give "seconds" > 0 or "drop": true'), { status: 400 });
    }
    const hold = { id: this.holds.length + 1, seconds, count, drop, refreshToken, held: 0, seen: 0 };
    this.holds.push(hold);
    return this.describe(hold);
  }

  describe({ refreshToken, ...hold }) {
    return { ...hold, refreshToken: refreshToken !== undefined };
  }

  state() {
    return { tokenRequests: this.requests, tokenHolds: this.holds.map((h) => this.describe(h)) };
  }

  /** The first hold that still has requests to hold and whose filter the request matches. */
  #take(params) {
    let taken;
    for (const hold of this.holds) {
      if (hold.refreshToken !== undefined && hold.refreshToken !== params?.refresh_token) continue;
      hold.seen += 1;
      if (!taken && hold.held < hold.count) {
        hold.held += 1;
        taken = hold;
      }
    }
    return taken;
  }

  middleware = async (ctx, next) => {
    if (ctx.path !== '/token' || ctx.method !== 'POST') {
      await next();
      return;
    }
    this.requests += 1;
    await next();
    // After next() the grant has run and ctx.body holds the answer Koa is about to write.
    const hold = this.#take(ctx.oidc?.body);
    if (!hold) return;
    if (hold.seconds > 0) await sleep(hold.seconds * 1000);
    if (hold.drop) {
      ctx.respond = false;
      ctx.req.socket.destroy();
    }
    // Otherwise Koa writes the answer now, unless the client has gone (ctx.writable is false).
  };
}

/**
 * @param {object} app
 * @param {import('./directory.mjs').Directory} app.directory
 * @param {TokenGate} app.tokenGate
 * @param {import('./management-api.mjs').ManagementOutage} app.outage
 * @param {(alg: string) => object} app.rotateKeys makes a new current key, returns it
 * @param {() => object[]} app.keys the private JWKs in use, current first
 * @param {() => object} app.info endpoint, grace period, storage counts
 */
export function testHooks({ directory, tokenGate, outage, rotateKeys, keys, info }) {
  const routes = {
    'POST /__test/memberships/remove': async (req) => {
      const body = await readJson(req);
      requireStrings(body, 'userId', 'organizationId');
      return { removed: directory.removeMembership(body.userId, body.organizationId) };
    },
    'POST /__test/memberships/add': async (req) => {
      const body = await readJson(req);
      requireStrings(body, 'userId', 'organizationId');
      const roles = body.roles ?? ['member'];
      if (!Array.isArray(roles)) throw Object.assign(new Error('"roles" must be an array'), { status: 400 });
      try {
        directory.addMembership(body.userId, body.organizationId, roles);
      } catch (error) {
        throw Object.assign(error, { status: 400 });
      }
      return { added: true, roles };
    },
    'POST /__test/users/profile': async (req) => {
      const body = await readJson(req);
      requireStrings(body, 'userId');
      const user = directory.findUser(body.userId);
      if (!user) throw Object.assign(new Error(`unknown user ${body.userId}`), { status: 404 });
      for (const key of ['name', 'primary_email']) {
        if (!(key in body)) continue;
        if (body[key] !== null && typeof body[key] !== 'string') {
          throw Object.assign(new Error(`"${key}" must be a string or null`), { status: 400 });
        }
        user[key] = body[key];
      }
      return { name: user.name ?? null, primary_email: user.primary_email ?? null };
    },
    'POST /__test/keys/rotate': async (req) => {
      const { alg = 'ES384' } = await readJson(req);
      if (!SUPPORTED_KEY_ALGS.includes(alg)) {
        throw Object.assign(new Error(`"alg" must be one of ${SUPPORTED_KEY_ALGS.join(', ')}`), { status: 400 });
      }
      const key = rotateKeys(alg);
      return { current: { kid: key.kid, alg: key.alg }, keys: keys().map(({ kid, alg: a }) => ({ kid, alg: a })) };
    },
    'POST /__test/token/hold': async (req) => tokenGate.add(await readJson(req)),
    'POST /__test/management/outage': async (req) => outage.start(await readJson(req)),
    'POST /__test/management/restore': async () => outage.stop(),
    'GET /__test/state': async () => ({
      ...info(),
      ...tokenGate.state(),
      ...outage.state(),
      keys: keys().map(publicJwk),
      memberships: Object.fromEntries([...directory.users.values()].map((u) => [
        u.username,
        { userId: u.id, organizations: Object.fromEntries(directory.organizationIdsOf(u.id).map((id) => [id, directory.rolesIn(u.id, id)])) },
      ])),
    }),
  };

  /** Returns true when it answered the request. */
  return async function handleTestHook(req, res, pathname) {
    const route = routes[`${req.method} ${pathname}`];
    if (!route) return false;
    try {
      sendJson(res, 200, await route(req));
    } catch (error) {
      sendJson(res, error.status ?? 500, { error: error.message });
    }
    return true;
  };
}
