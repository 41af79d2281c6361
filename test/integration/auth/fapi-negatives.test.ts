// What the authorization server must refuse, each with the OAuth error a recipient's library can
// act on: FAPI 1.0 Advanced as Open Finance Brasil profiles it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, type CryptoKey as JoseKey } from 'jose';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import type { TestAuthServer } from '../../helpers/auth-server.js';
import {
  authorizationParams,
  customerJourney,
  startOfbStack,
  type OfbStack,
  type Recipient,
} from '../../helpers/ofb-journey.js';
import { ps256KeyPair, tlsFetch } from '../../helpers/tls-client.js';

const [ana] = DEMO_CUSTOMERS;
let stack: OfbStack;
let db: OfbStack['db'];
let as: TestAuthServer;
let rp: Recipient;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'negatives-recipient');
  ({ db, as, rp } = stack);
});

afterAll(() => stack?.stop());

const clientId = () => rp.config.clientMetadata().client_id;
const lodge = async () => (await stack.lodge({ permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'] })).consentId;

/** A request object with full control over its claims, header and key. */
async function requestObject(
  claims: Record<string, unknown>,
  opts: { key?: { kid: string; key: JoseKey }; alg?: string; omit?: string[] } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const base: Record<string, unknown> = {
    iss: clientId(),
    aud: as.issuer,
    client_id: clientId(),
    response_type: 'code id_token',
    jti: crypto.randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 300,
    ...claims,
  };
  for (const k of opts.omit ?? []) delete base[k];
  const key = opts.key ?? (rp.key as unknown as { kid: string; key: JoseKey });
  if (opts.alg === 'none') {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${enc({ alg: 'none' })}.${enc(base)}.`;
  }
  return new SignJWT(base)
    .setProtectedHeader({ alg: 'PS256', kid: key.kid, typ: 'oauth-authz-req+jwt' })
    .sign(key.key);
}

/** POST to the PAR endpoint, authenticated with private_key_jwt over mTLS. */
async function par(body: Record<string, string>) {
  try {
    const url = await oidc.buildAuthorizationUrlWithPAR(rp.config, body);
    return { ok: true as const, url };
  } catch (err) {
    const e = err as { error?: string; error_description?: string };
    return { ok: false as const, error: e.error, description: e.error_description };
  }
}

async function parWith(claims: Record<string, unknown>, opts?: Parameters<typeof requestObject>[1]) {
  const { params } = await authorizationParams(await lodge());
  return par({ request: await requestObject({ ...params, ...claims }, opts) });
}

/** Token endpoint call with full control over the form and the client. */
async function tokenRequest(form: Record<string, string>, fetcher = rp.config[oidc.customFetch]!) {
  const res = await fetcher(`${as.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  } as never);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('pushed authorization requests', () => {
  it('need a signed request object', async () => {
    const { params } = await authorizationParams(await lodge());
    expect(await par(params)).toMatchObject({ ok: false, error: 'invalid_request' });
  });

  it.each([
    ['unsigned (alg none)', {}, { alg: 'none' }],
    ['expired', { exp: Math.floor(Date.now() / 1000) - 60, nbf: Math.floor(Date.now() / 1000) - 120 }, {}],
    ['living longer than 60 minutes', { exp: Math.floor(Date.now() / 1000) + 7200 }, {}],
    ['without exp', {}, { omit: ['exp'] }],
    ['without nbf', {}, { omit: ['nbf'] }],
    ['without aud', {}, { omit: ['aud'] }],
    ['for another audience', { aud: 'https://other-bank.example' }, {}],
    ['without jti', {}, { omit: ['jti'] }],
  ])('refuse a request object %s', async (_name, claims, opts) => {
    expect(await parWith(claims, opts as Parameters<typeof requestObject>[1])).toMatchObject({
      ok: false,
      error: 'invalid_request_object',
    });
  });

  it('refuse a request object signed with a key the client did not register', async () => {
    const stranger = await ps256KeyPair(rp.key.kid);
    expect(
      await parWith({}, { key: stranger.privateKey as unknown as { kid: string; key: JoseKey } }),
    ).toMatchObject({
      ok: false,
      error: 'invalid_request_object',
    });
  });

  it('refuse a replayed request object', async () => {
    const { params } = await authorizationParams(await lodge());
    const jwt = await requestObject(params);
    expect((await par({ request: jwt })).ok).toBe(true);
    expect(await par({ request: jwt })).toMatchObject({
      ok: false,
      error: 'invalid_request_object',
      description: 'Request Object jti was already used',
    });
  });

  it('refuse an id_token_hint, inside the request object or beside it (OFB 5.2.2-21)', async () => {
    // A genuine one: the id_token the bank gave this recipient for Ana in an earlier journey.
    const earlier = await parWith({});
    const { callback } = await customerJourney(as, db, (earlier as { url: URL }).url, ana!);
    const hint = new URLSearchParams(callback.hash.slice(1)).get('id_token')!;
    expect(hint).toEqual(expect.any(String));
    expect(await parWith({ id_token_hint: hint })).toMatchObject({
      ok: false,
      error: 'invalid_request',
      description: 'id_token_hint is not accepted',
    });
    const { params } = await authorizationParams(await lodge());
    expect(await par({ request: await requestObject(params), id_token_hint: hint })).toMatchObject({
      ok: false,
      error: 'invalid_request',
      description: 'id_token_hint is not accepted',
    });
  });

  it.each([
    [
      'without PKCE',
      { code_challenge: undefined, code_challenge_method: undefined },
      'invalid_request',
      /PKCE/,
    ],
    ['with plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request', /code_challenge_method/],
    [
      'with an unregistered redirect URI',
      { redirect_uri: 'https://attacker.example/cb' },
      'invalid_request',
      /redirect_uri/,
    ],
    [
      'with response type code but no JARM',
      { response_type: 'code' },
      'invalid_request',
      /response_mode|response_type/,
    ],
    ['with an unsupported response type', { response_type: 'id_token' }, 'unsupported_response_type', /./],
    ['without a nonce', { nonce: undefined }, 'invalid_request', /nonce/],
  ])('refuse a request %s', async (_name, claims, error, description) => {
    const result = await parWith(claims);
    expect(result).toMatchObject({ ok: false, error });
    expect((result as { description?: string }).description).toMatch(description);
  });
});

describe('token endpoint', () => {
  /** A full journey up to the callback, returning what the token request needs. */
  async function codeFor() {
    const consentId = await lodge();
    const { params, checks } = await authorizationParams(consentId);
    const url = await oidc.buildAuthorizationUrlWithPAR(rp.config, { request: await requestObject(params) });
    const { callback } = await customerJourney(as, db, url, ana!);
    const code = new URLSearchParams(callback.hash.slice(1)).get('code')!;
    return { code, checks, callback, consentId };
  }

  it('refuses a reused authorization code, and revokes what the first use issued', async () => {
    const { callback, checks } = await codeFor();
    const tokens = await oidc.authorizationCodeGrant(rp.config, callback, checks);
    await expect(oidc.authorizationCodeGrant(rp.config, callback, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await oidc.tokenIntrospection(rp.config, tokens.access_token)).active).toBe(false);
  });

  it('refuses a wrong PKCE verifier', async () => {
    const { callback, checks } = await codeFor();
    await expect(
      oidc.authorizationCodeGrant(rp.config, callback, {
        ...checks,
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses client_secret_basic', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials', scope: 'consents' }, ((
      url: string,
      init: RequestInit,
    ) =>
      rp.config[oidc.customFetch]!(url, {
        ...init,
        headers: {
          ...(init.headers as object),
          authorization: `Basic ${Buffer.from(`${clientId()}:secret`).toString('base64')}`,
        },
      } as never)) as never);
    expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses a client assertion signed with an unregistered key', async () => {
    const stranger = await ps256KeyPair(rp.key.kid);
    const config = new oidc.Configuration(
      rp.config.serverMetadata(),
      clientId(),
      {},
      oidc.PrivateKeyJwt(stranger.privateKey),
    );
    config[oidc.customFetch] = rp.config[oidc.customFetch]!;
    await expect(oidc.clientCredentialsGrant(config, { scope: 'consents' })).rejects.toMatchObject({
      error: 'invalid_client',
    });
  });

  it('refuses a token request without the client certificate its tokens must be bound to', async () => {
    const config = new oidc.Configuration(
      rp.config.serverMetadata(),
      clientId(),
      {},
      oidc.PrivateKeyJwt(rp.key),
    );
    config[oidc.customFetch] = tlsFetch({ ca: as.pki.ca.cert });
    await expect(oidc.clientCredentialsGrant(config, { scope: 'consents' })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
