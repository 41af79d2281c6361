// Keys of the authorization server, generated on first start and kept in the database so every
// replica and every restart signs with the same keys. Rotation adds a new key that signs from the
// next start on, while the old one stays published until the tokens it signed have expired.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { open, seal } from '../../lib/crypto/secret-box.js';
import type { Models } from '../../db/models/index.js';

type Jwk = Record<string, unknown> & { kid: string; kty: string };

interface KeySet {
  /** Private JWKs, the active signing key first (oidc-provider signs with the first that fits). */
  jwks: { keys: Jwk[] };
  /** Cookie signing secrets, newest first (older ones still verify). */
  cookieKeys: string[];
}

type AuthKeyModel = Models['AuthKey'];

function rsaJwk(kid: string, use: 'sig' | 'enc', alg: string): Jwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as Jwk), kid, use, alg };
}

function newKey(use: 'sig' | 'enc' | 'cookie', id: string, kek: Buffer, now: Date) {
  const material =
    use === 'cookie'
      ? randomBytes(32).toString('base64url')
      : JSON.stringify(use === 'sig' ? rsaJwk(id, 'sig', 'PS256') : rsaJwk(id, 'enc', 'RSA-OAEP-256'));
  return {
    _id: id,
    use,
    alg: use === 'sig' ? 'PS256' : use === 'enc' ? 'RSA-OAEP-256' : undefined,
    material: seal(kek, material),
    createdAt: now,
  };
}

async function ensureInitialKeys(AuthKey: AuthKeyModel, kek: Buffer, now: Date): Promise<void> {
  for (const use of ['sig', 'enc', 'cookie'] as const) {
    const initial = newKey(use, `${use}-initial`, kek, now);
    await AuthKey.updateOne({ _id: initial._id }, { $setOnInsert: initial }, { upsert: true });
  }
}

/**
 * Load the key set, creating the first key of each use when there is none. The first keys have
 * fixed ids, so replicas starting together agree on one set.
 */
export async function loadKeySet(AuthKey: AuthKeyModel, kek: Buffer, now = new Date()): Promise<KeySet> {
  await ensureInitialKeys(AuthKey, kek, now);
  // Retired keys are left out; the sweep deletes them.
  const keys = (await AuthKey.find().lean()).filter((k) => !k.retireAt || k.retireAt > now);
  // Newest first; among keys of one use, the newest is the active one.
  keys.sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || String(b._id).localeCompare(String(a._id)),
  );
  let decrypted: { use: string; value: string }[];
  try {
    decrypted = keys.map((k) => ({ use: k.use, value: open(kek, k.material) }));
  } catch {
    throw new Error(
      'cannot decrypt the authorization server keys: AUTH_KEY_ENCRYPTION_KEY is not the key they were stored with',
    );
  }
  return {
    jwks: { keys: decrypted.filter((k) => k.use !== 'cookie').map((k) => JSON.parse(k.value) as Jwk) },
    cookieKeys: decrypted.filter((k) => k.use === 'cookie').map((k) => k.value),
  };
}

/**
 * Add a new key of `use` and schedule the current ones to retire after `retireAfterMs` (at least
 * the lifetime of the longest-lived token they signed). Replicas sign with it from their next start.
 */
export async function rotateKey(
  AuthKey: AuthKeyModel,
  kek: Buffer,
  use: 'sig' | 'enc' | 'cookie',
  retireAfterMs: number,
  now = new Date(),
): Promise<string> {
  // On a fresh database the first keys come first, so the rotated key is the newer one.
  await ensureInitialKeys(AuthKey, kek, new Date(now.getTime() - 1));
  const id = `${use}-${now.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  await AuthKey.updateMany(
    { use, retireAt: { $exists: false } },
    { $set: { retireAt: new Date(now.getTime() + retireAfterMs) } },
  );
  await AuthKey.create(newKey(use, id, kek, now));
  return id;
}

/** Delete keys whose retirement time has passed. */
export async function sweepRetiredKeys(AuthKey: AuthKeyModel, now = new Date()): Promise<number> {
  const { deletedCount } = await AuthKey.deleteMany({ retireAt: { $lte: now } });
  return deletedCount;
}
