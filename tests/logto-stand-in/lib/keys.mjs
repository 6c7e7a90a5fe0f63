// Signing keys, generated in memory at start and on rotation. Private keys never touch disk.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A Logto-like id: lowercase alphanumerics (kids, like other Logto ids, look like this). */
export function standardId(length = 21) {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

const GENERATORS = {
  ES384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  EdDSA: () => generateKeyPairSync('ed25519'),
};

export const SUPPORTED_KEY_ALGS = Object.keys(GENERATORS);

/** A private JWK for oidc-provider's `jwks` option. */
export function generateSigningKey(alg = 'ES384') {
  const generate = GENERATORS[alg];
  if (!generate) throw new Error(`unsupported key algorithm ${alg} (use ${SUPPORTED_KEY_ALGS.join(', ')})`);
  const { privateKey } = generate();
  return { ...privateKey.export({ format: 'jwk' }), kid: standardId(), alg, use: 'sig' };
}

/** Public part of a private JWK, for /__test/state. */
export function publicJwk({ d, p, q, dp, dq, qi, ...rest }) {
  return rest;
}
