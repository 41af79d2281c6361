// HTTPS from the relying party's side: trust the dev CA and, for mTLS, present a client certificate.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
export { tlsFetch } from '../../lib/http/tls-fetch.js';

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
