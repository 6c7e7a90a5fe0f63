// In-memory storage adapter for oidc-provider, shared by every Provider instance the stand-in
// builds (a key rotation builds a new Provider; sessions, grants and tokens must survive it).
//
// It reproduces Logto's refresh-token reuse leeway: Logto's oidc_model_instances query reports a
// consumed RefreshToken as consumed only once `consumedAt + 3 s` has passed
// (packages/core/src/queries/oidc-model-instance.ts, refreshTokenReuseInterval). During that
// window the previous refresh token can be exchanged again; after it, oidc-provider's refresh
// grant sees `consumed`, revokes the whole grant and answers invalid_grant.
import { errors } from 'oidc-provider';

/** Models whose entries belong to a grant and are removed by revokeByGrantId. */
const GRANTABLE = new Set([
  'AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode', 'ClientCredentials',
]);

export class MemoryStore {
  /** @param {{ graceSeconds: number }} options */
  constructor({ graceSeconds }) {
    this.graceMs = graceSeconds * 1000;
    this.entries = new Map(); // "Model:id" -> { payload, expiresAt, consumedAt }
    this.uids = new Map(); // session uid -> "Session:id"
    this.userCodes = new Map(); // user code -> key
  }

  get(key) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Counts per model, for GET /__test/state. */
  stats() {
    const counts = {};
    for (const key of this.entries.keys()) {
      if (!this.get(key)) continue;
      const model = key.slice(0, key.indexOf(':'));
      counts[model] = (counts[model] ?? 0) + 1;
    }
    return counts;
  }

  /** True when a consumed entry must be reported as consumed to oidc-provider. */
  isConsumed(model, entry) {
    if (!entry.consumedAt) return false;
    if (model !== 'RefreshToken') return true;
    return entry.consumedAt + this.graceMs < Date.now();
  }
}

class StandInAdapter {
  constructor(model, store) {
    this.model = model;
    this.store = store;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined;
    const previous = this.store.get(this.key(id));
    this.store.entries.set(this.key(id), { payload, expiresAt, consumedAt: previous?.consumedAt });
    if (this.model === 'Session' && payload.uid) this.store.uids.set(payload.uid, this.key(id));
    if (payload.userCode) this.store.userCodes.set(payload.userCode, this.key(id));
  }

  async find(id) {
    // The only client is static (from the fixture), so oidc-provider asks the adapter only for
    // unknown ids. Logto's Client adapter throws here, which makes an unknown client_id a
    // 400 invalid_client (oidc-provider alone would answer 401).
    if (this.model === 'Client') throw new errors.InvalidClient(`invalid client ${id}`);
    return this.#read(this.key(id));
  }

  async findByUid(uid) {
    const key = this.store.uids.get(uid);
    return key ? this.#read(key) : undefined;
  }

  async findByUserCode(userCode) {
    const key = this.store.userCodes.get(userCode);
    return key ? this.#read(key) : undefined;
  }

  async consume(id) {
    const entry = this.store.get(this.key(id));
    // Like Logto's `update ... set consumed_at = now()`: a reuse inside the leeway restarts it.
    if (entry) entry.consumedAt = Date.now();
  }

  async destroy(id) {
    this.store.entries.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    if (!GRANTABLE.has(this.model)) return;
    const prefix = `${this.model}:`;
    for (const [key, entry] of this.store.entries) {
      if (key.startsWith(prefix) && entry.payload.grantId === grantId) this.store.entries.delete(key);
    }
  }

  #read(key) {
    const entry = this.store.get(key);
    if (!entry) return undefined;
    // A copy: oidc-provider must not change stored state except through upsert/consume.
    const payload = structuredClone(entry.payload);
    if (this.store.isConsumed(this.model, entry)) payload.consumed = Math.floor(entry.consumedAt / 1000);
    return payload;
  }
}

/** The `adapter` option for oidc-provider. */
export function adapterFor(store) {
  return (model) => new StandInAdapter(model, store);
}
