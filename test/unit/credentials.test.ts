// Application credentials: generated ones are unique down to the certificate subject (the AS
// matches tls_client_auth by subject, so a rotated-out certificate must not match the new one);
// uploaded ones are refused with a reason unless they are a single public key or a current
// client certificate.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  CredentialError,
  credentialFromCertificate,
  credentialFromJwks,
  generateCredential,
} from '../../api/marketplace/applications/credentials.js';
import { ensureDevPki } from '../../lib/pki/dev-pki.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credentials', () => {
  it('generates a key and a certificate whose subject no other credential of the app shares', async () => {
    const { ca } = await ensureDevPki(dir);
    const one = await generateCredential(ca, 'CN=app-1,O=Fintech');
    const two = await generateCredential(ca, 'CN=app-1,O=Fintech');
    expect(one.credential.subjectDn).toMatch(/^CN=app-1\.[\w-]{8},O=Fintech$/);
    expect(two.credential.subjectDn).not.toBe(one.credential.subjectDn);
    expect(credentialFromCertificate(one.secrets.certificate).subjectDn).toBe(one.credential.subjectDn);
    expect(JSON.parse(one.credential.jwk!)).toMatchObject({ kid: one.secrets.kid, alg: 'PS256' });
    expect(one.credential.jwk).not.toContain('"d"');
  });

  it.each([
    ['null', 'the JWKS must hold exactly one key'],
    ['{"keys":[null]}', 'the JWKS must hold exactly one key'],
    ['not json', 'the JWKS is not valid JSON'],
    ['{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB","d":"x"}]}', 'private key material'],
    ['{"keys":[{"kty":"EC","kid":"k"}]}', 'RSA key'],
  ])('refuses the JWKS %s', (jwks, reason) => {
    expect(() => credentialFromJwks(jwks)).toThrow(CredentialError);
    expect(() => credentialFromJwks(jwks)).toThrow(reason);
  });
});
