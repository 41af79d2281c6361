// HTTPS from the relying party's side: trust the dev CA and, for mTLS, present a client certificate.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';

export function tlsFetch(opts: { ca: string; cert?: string; key?: string }): typeof fetch {
  const dispatcher = new Agent({
    connect: { ca: opts.ca, ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}) },
  });
  return ((url: string | URL, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1])) as unknown as typeof fetch;
}

/** A PS256 key pair for private_key_jwt: the public JWK to register, the private CryptoKey to sign with. */
export async function ps256KeyPair(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'PS256', use: 'sig' };
  const key = await webcrypto.subtle.importKey(
    'jwk',
    { ...privateKey.export({ format: 'jwk' }), alg: 'PS256' },
    { name: 'RSA-PSS', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return { publicJwk: jwk, privateKey: { kid, key } };
}
