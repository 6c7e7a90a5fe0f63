// JSON endpoints under /__test/, mounted only with --test-hooks. They change what a real Logto
// would change through its Management API or console (memberships, signing keys).
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

/**
 * @param {object} app
 * @param {import('./directory.mjs').Directory} app.directory
 * @param {(alg: string) => object} app.rotateKeys makes a new current key, returns it
 * @param {() => object[]} app.keys the private JWKs in use, current first
 * @param {() => object} app.info endpoint, grace period, storage counts
 */
export function testHooks({ directory, rotateKeys, keys, info }) {
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
    'GET /__test/state': async () => ({
      ...info(),
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
