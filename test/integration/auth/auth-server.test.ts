// The authorization server over real HTTPS with mTLS, on a real MongoDB-wire database, driven by
// openid-client as the Discovery Agent and data recipients drive it.
import { createHash, X509Certificate } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { sweepExpired, createAdapterClass } from '../../../auth/adapter.js';
import { createAuthApp } from '../../../auth/app.js';
import {
  ensureDevDirectory,
  issueSoftwareStatement,
  type DevDirectory,
} from '../../../auth/directory/dev-directory.js';
import { rotateKey } from '../../../auth/keys/key-store.js';
import { ensureDevPki, issueCertificate, type DevPki, type Pem } from '../../../lib/pki/dev-pki.js';
import { createProvider } from '../../../auth/provider.js';
import { closeServer } from '../../../lib/http/server.js';
import { uniqueNames } from '../../helpers/env.js';
import {
  NO_DECISIONS,
  inProcessShareable,
  startTestAuthServer,
  TEST_KEK,
  TEST_RESOURCE,
  type TestAuthServer,
} from '../../helpers/auth-server.js';
import { quietLogger, testDatabase } from '../../helpers/platform.js';
import { ps256KeyPair, tlsFetch } from '../../helpers/tls-client.js';

const names = uniqueNames(import.meta.url);
const kek = TEST_KEK;
const RESOURCE = TEST_RESOURCE;
const pkiDir = mkdtempSync(path.join(os.tmpdir(), 'obp-pki-'));
let db: Awaited<ReturnType<typeof testDatabase>>;
let as: TestAuthServer;
let pki: DevPki;
let recipientCert: Pem;
let otherCert: Pem;
let issuer: string;
let registrationToken: string;
let directory: DevDirectory;

const withCert = () => tlsFetch({ ca: pki.ca.cert, cert: recipientCert.cert, key: recipientCert.key });
const withoutCert = () => tlsFetch({ ca: pki.ca.cert });

function thumbprint(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
}

async function register(
  metadata: Record<string, unknown>,
  token: string | null = registrationToken,
  fetcher: typeof fetch = withCert(),
) {
  const res = await fetcher(`${issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(metadata),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const recipientSubject = 'CN=fdx-recipient-1,O=Exemplo Recipient,C=US';

beforeAll(async () => {
  db = await testDatabase(names.database);
  as = await startTestAuthServer(db, pkiDir);
  ({ pki, directory, issuer, registrationToken } = as);
  recipientCert = await issueCertificate(pki.ca, { subject: recipientSubject, usage: 'client' });
  otherCert = await issueCertificate(pki.ca, { subject: 'CN=someone-else,O=Other', usage: 'client' });
});

afterAll(async () => {
  await as.stop();
  await db.drop();
  rmSync(pkiDir, { recursive: true, force: true });
});

describe('discovery', () => {
  it('advertises the FAPI shape and nothing weaker', async () => {
    const meta = (await (await withoutCert()(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(meta.issuer).toBe(issuer);
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt', 'tls_client_auth']);
    expect(meta.token_endpoint_auth_signing_alg_values_supported).toEqual(['PS256']);
    expect(meta.id_token_signing_alg_values_supported).toEqual(['PS256']);
    expect(meta.request_object_signing_alg_values_supported).toEqual(['PS256']);
    expect(meta.response_types_supported).toEqual(['code id_token', 'code']);
    expect(meta.require_pushed_authorization_requests).toBe(true);
    expect(meta.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    // OFB 5.2.2-3 to -7: the claims parameter, the CPF and CNPJ claims, both levels of assurance.
    expect(meta.claims_parameter_supported).toBe(true);
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['sub', 'acr', 'cpf', 'cnpj']));
    expect(meta.acr_values_supported).toEqual(['urn:brasil:openbanking:loa2', 'urn:brasil:openbanking:loa3']);
    expect(meta.userinfo_endpoint).toBe(`${issuer}/me`);
    expect(meta).toHaveProperty('registration_endpoint', `${issuer}/reg`);
    expect(meta).toHaveProperty('introspection_endpoint');
    expect(meta).toHaveProperty('revocation_endpoint');
    expect(meta).not.toHaveProperty('dpop_signing_alg_values_supported');
    expect(meta.mtls_endpoint_aliases).toEqual({
      token_endpoint: meta.token_endpoint,
      introspection_endpoint: meta.introspection_endpoint,
      revocation_endpoint: meta.revocation_endpoint,
      pushed_authorization_request_endpoint: meta.pushed_authorization_request_endpoint,
      userinfo_endpoint: meta.userinfo_endpoint,
      registration_endpoint: meta.registration_endpoint,
    });
    // `implicit` is listed only because the hybrid `code id_token` response type needs it.
    expect([...(meta.grant_types_supported as string[])].sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'implicit',
      'refresh_token',
    ]);
  });

  it('publishes public signing and encryption keys only', async () => {
    const jwks = (await (await withoutCert()(`${issuer}/jwks`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(['enc-initial', 'sig-initial']);
    for (const k of jwks.keys) expect(k).not.toHaveProperty('d');
  });
});

describe('dynamic client registration (RFC 7591/7592)', () => {
  it('registers a private_key_jwt client that then gets a certificate-bound client-credentials token', async () => {
    const { publicJwk, privateKey } = await ps256KeyPair('ofb-1');
    const config = await oidc.dynamicClientRegistration(
      new URL(issuer),
      {
        client_name: 'OFB recipient',
        redirect_uris: ['https://recipient.example/cb'],
        grant_types: ['client_credentials', 'authorization_code', 'implicit', 'refresh_token'],
        response_types: ['code id_token'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'PS256',
        jwks: { keys: [publicJwk] },
      },
      oidc.PrivateKeyJwt(privateKey),
      { initialAccessToken: registrationToken, [oidc.customFetch]: withCert() },
    );
    config[oidc.customFetch] = withCert();
    expect(config.clientMetadata().client_id).toEqual(expect.any(String));
    expect(config.clientMetadata()).toHaveProperty('registration_access_token');

    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'consents' });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'consents', expires_in: 300 });

    const info = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(info).toMatchObject({
      active: true,
      client_id: config.clientMetadata().client_id,
      scope: 'consents',
      aud: RESOURCE,
    });
    expect(info.cnf).toEqual({ 'x5t#S256': thumbprint(recipientCert.cert) });

    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('authenticates a tls_client_auth client by its certificate subject and binds its tokens', async () => {
    const reg = await register({
      client_name: 'FDX recipient',
      redirect_uris: ['https://fdx-recipient.example/cb'],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: recipientSubject,
    });
    expect(reg.status).toBe(201);
    const clientId = reg.body.client_id as string;

    const token = async (fetcher: typeof fetch) => {
      const res = await fetcher(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          scope: 'fdx:accountbasic:read',
        }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    const ok = await token(withCert());
    expect(ok.status).toBe(200);
    const config = new oidc.Configuration(
      (
        await oidc.discovery(new URL(issuer), clientId, undefined, oidc.TlsClientAuth(), {
          [oidc.customFetch]: withCert(),
        })
      ).serverMetadata(),
      clientId,
      {},
      oidc.TlsClientAuth(),
    );
    config[oidc.customFetch] = withCert();
    const info = await oidc.tokenIntrospection(config, ok.body.access_token as string);
    expect(info).toMatchObject({ active: true, client_id: clientId, scope: 'fdx:accountbasic:read' });
    expect(info.cnf).toEqual({ 'x5t#S256': thumbprint(recipientCert.cert) });

    // Another client may not read this client's token.
    const other = await register({
      redirect_uris: ['https://other.example/cb'],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=someone-else,O=Other',
    });
    const otherFetch = tlsFetch({ ca: pki.ca.cert, cert: otherCert.cert, key: otherCert.key });
    const peek = await otherFetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: ok.body.access_token as string,
        client_id: other.body.client_id as string,
      }),
    });
    expect(peek.status).toBe(200);
    expect(await peek.json()).toEqual({ active: false });
    // …nor revoke it.
    const revoke = await otherFetch(`${issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: ok.body.access_token as string,
        client_id: other.body.client_id as string,
      }),
    });
    expect(revoke.status).toBe(200); // RFC 7009: the answer does not tell whether the token was theirs
    expect((await oidc.tokenIntrospection(config, ok.body.access_token as string)).active).toBe(true);

    expect(await token(withoutCert())).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const stranger = tlsFetch({ ca: pki.ca.cert, cert: otherCert.cert, key: otherCert.key });
    expect(await token(stranger)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses a forged initial access token, and without one asks for a software statement', async () => {
    const metadata = {
      redirect_uris: ['https://x.example/cb'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=x',
    };
    // Without a token, the OFB profile's open registration: the directory's statement is required (OFB DCR 7.1-2).
    expect(await register(metadata, null)).toMatchObject({
      status: 400,
      body: { error: 'invalid_software_statement' },
    });
    expect(await register(metadata, 'forged-token')).toMatchObject({
      status: 401,
      body: { error: 'invalid_token' },
    });
  });

  it.each([
    [
      'an http redirect URI',
      {
        redirect_uris: ['http://recipient.example/cb'],
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=x',
      },
      'invalid_redirect_uri',
    ],
    [
      'client_secret_basic',
      { redirect_uris: ['https://recipient.example/cb'], token_endpoint_auth_method: 'client_secret_basic' },
      'invalid_client_metadata',
    ],
    [
      'private_key_jwt without keys',
      { redirect_uris: ['https://recipient.example/cb'], token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
    ],
    [
      'tls_client_auth without a subject',
      { redirect_uris: ['https://recipient.example/cb'], token_endpoint_auth_method: 'tls_client_auth' },
      'invalid_client_metadata',
    ],
    [
      'unbound access tokens',
      {
        redirect_uris: ['https://recipient.example/cb'],
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=x',
        tls_client_certificate_bound_access_tokens: false,
      },
      'invalid_client_metadata',
    ],
    [
      'an RS256 assertion algorithm',
      {
        redirect_uris: ['https://recipient.example/cb'],
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=x',
        token_endpoint_auth_signing_alg: 'RS256',
      },
      'invalid_client_metadata',
    ],
  ])('refuses a client with %s', async (_name, metadata, error) => {
    const before = await db.models.OidcRecord.countDocuments({ model: 'Client' });
    expect(await register(metadata)).toMatchObject({ status: 400, body: { error } });
    expect(await db.models.OidcRecord.countDocuments({ model: 'Client' })).toBe(before);
  });

  it('reads and deletes a client with its registration access token (RFC 7592)', async () => {
    const reg = await register({
      redirect_uris: ['https://gone.example/cb'],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: recipientSubject,
    });
    const uri = reg.body.registration_client_uri as string;
    const auth = { authorization: `Bearer ${reg.body.registration_access_token as string}` };
    expect((await withoutCert()(uri, { headers: auth })).status).toBe(200);
    expect((await withoutCert()(uri, { method: 'DELETE', headers: auth })).status).toBe(204);
    const after = await withCert()(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: reg.body.client_id as string,
      }),
    });
    expect(after.status).toBe(401);
  });
});

describe('OFB software statements', () => {
  const statement = (
    over: Partial<Parameters<typeof issueSoftwareStatement>[1]> = {},
    dir = directory,
    at?: Date,
  ) =>
    issueSoftwareStatement(
      dir,
      {
        orgId: '74e929d9-33b6-4d85-8ba7-c146c867a817',
        softwareId: 'c2bd5f46-9f3b-4d57-9c56-42a4d2b8e0a1',
        clientName: 'Recipient from the directory',
        redirectUris: ['https://ssa-recipient.example/cb'],
        ...over,
      },
      at,
    );
  const metadata = (software_statement: string) => ({
    software_statement,
    redirect_uris: ['https://ssa-recipient.example/cb'],
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: recipientSubject,
  });

  it('registers a client the directory vouches for, with its software and organization ids', async () => {
    const reg = await register(metadata(await statement()));
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({
      software_id: 'c2bd5f46-9f3b-4d57-9c56-42a4d2b8e0a1',
      org_id: '74e929d9-33b6-4d85-8ba7-c146c867a817',
      client_name: 'Recipient from the directory',
    });
  });

  it('refuses a forged statement, a stale one, and redirect URIs it does not list', async () => {
    const forger = ensureDevDirectory(mkdtempSync(path.join(os.tmpdir(), 'obp-forger-')));
    expect(await register(metadata(await statement({}, forger)))).toMatchObject({
      status: 400,
      body: { error: 'invalid_software_statement' },
    });
    const stale = await statement({}, directory, new Date(Date.now() - 10 * 60_000));
    expect(await register(metadata(stale))).toMatchObject({
      status: 400,
      body: { error: 'invalid_software_statement' },
    });
    const other = await statement({ redirectUris: ['https://elsewhere.example/cb'] });
    expect(await register(metadata(other))).toMatchObject({
      status: 400,
      body: { error: 'invalid_redirect_uri' },
    });
    expect(await register(metadata('not-a-jwt'))).toMatchObject({
      status: 400,
      body: { error: 'invalid_software_statement' },
    });
  });
});

describe('OFB registration profile (OFB DCR 7.1, the Brazil DCR plan)', () => {
  let n = 0;
  // Each statement its own software: one registration per statement.
  const statement = (over: Partial<Parameters<typeof issueSoftwareStatement>[1]> = {}) =>
    issueSoftwareStatement(directory, {
      orgId: '0b7d9f0e-3f3c-4a39-9d5c-7f3c8b7f1e01',
      softwareId: `open-reg-${++n}`,
      clientName: 'Recipient registering openly',
      redirectUris: ['https://open-recipient.example/cb'],
      ...over,
    });
  const metadata = (software_statement: string, over: Record<string, unknown> = {}) => ({
    software_statement,
    redirect_uris: ['https://open-recipient.example/cb'],
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: recipientSubject,
    ...over,
  });
  const clients = () => db.models.OidcRecord.countDocuments({ model: 'Client' });

  it('registers without an initial access token, with a statement and a trusted certificate; the registration access token stays on update', async () => {
    const reg = await register(metadata(await statement()), null);
    expect(reg).toMatchObject({ status: 201, body: { client_name: 'Recipient registering openly' } });
    const uri = reg.body.registration_client_uri as string;
    const rat = reg.body.registration_access_token as string;
    const auth = { authorization: `Bearer ${rat}`, 'content-type': 'application/json' };

    // The update is held to the same profile: a fresh statement, over mTLS.
    const update = (fetcher: typeof fetch, body: Record<string, unknown>) =>
      fetcher(uri, { method: 'PUT', headers: auth, body: JSON.stringify(body) });
    const stale = await update(withCert(), {
      client_id: reg.body.client_id,
      ...metadata(reg.body.software_statement as string),
    });
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({ error: 'invalid_software_statement' });
    const changed = await update(withCert(), {
      client_id: reg.body.client_id,
      ...metadata(await statement(), { client_name: 'Renamed recipient' }),
    });
    expect(changed.status).toBe(200);
    // The current profile keeps the registration access token for the client's life.
    expect(await changed.json()).toMatchObject({
      client_name: 'Renamed recipient',
      registration_access_token: rat,
    });
    const read = await withCert()(uri, { headers: auth });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_name: 'Renamed recipient' });
  });

  it('refuses a registration without a client certificate or with one the bank does not trust (7.1-1)', async () => {
    const before = await clients();
    expect(await register(metadata(await statement()), null, withoutCert())).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    const stranger = await ensureDevPki(mkdtempSync(path.join(os.tmpdir(), 'obp-untrusted-')));
    const untrusted = await issueCertificate(stranger.ca, { subject: recipientSubject, usage: 'client' });
    const withUntrusted = tlsFetch({ ca: pki.ca.cert, cert: untrusted.cert, key: untrusted.key });
    expect(await register(metadata(await statement()), null, withUntrusted)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    // Under the bank's initial access token too.
    expect(await register(metadata(await statement()), registrationToken, withUntrusted)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await clients()).toBe(before);
  });

  it('refuses keys by value beside the software_jwks_uri of the statement (7.1-4)', async () => {
    const { publicJwk } = await ps256KeyPair('by-value');
    const keyed = (ssa: string) =>
      metadata(ssa, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] } });
    const jwksUri = 'https://open-recipient.example/jwks';
    const before = await clients();
    for (const token of [null, registrationToken])
      expect(await register(keyed(await statement({ jwksUri })), token)).toMatchObject({
        status: 400,
        body: { error: 'invalid_client_metadata' },
      });
    expect(await clients()).toBe(before);
    // By reference, the directory's keys are the client's.
    const ok = await register(
      metadata(await statement({ jwksUri }), { token_endpoint_auth_method: 'private_key_jwt' }),
      null,
    );
    expect(ok).toMatchObject({ status: 201, body: { jwks_uri: jwksUri } });
  });

  it('answers malformed redirect URIs beside a valid statement with an OAuth error, not a 500', async () => {
    expect(
      await register(
        metadata(await statement(), { redirect_uris: 'https://open-recipient.example/cb' }),
        null,
      ),
    ).toMatchObject({ status: 400, body: { error: 'invalid_redirect_uri' } });
  });

  it('registers once per software statement (§9.3.1-5)', async () => {
    const ssa = await statement();
    expect((await register(metadata(ssa), null)).status).toBe(201);
    const before = await clients();
    expect(await register(metadata(ssa), null)).toMatchObject({
      status: 400,
      body: { error: 'invalid_software_statement' },
    });
    expect(await register(metadata(ssa), registrationToken)).toMatchObject({
      status: 400,
      body: { error: 'invalid_software_statement' },
    });
    expect(await clients()).toBe(before);
  });
});

describe('behind a TLS-terminating proxy', () => {
  it('takes the client certificate from the proxy header, only when the proxy sends it', async () => {
    const proxied = await createProvider({
      issuer,
      models: db.models,
      keyEncryptionKey: kek,
      resourceServer: RESOURCE,
      certificates: { proxyHeader: 'x-ssl-client-cert', trustedProxies: ['127.0.0.1'] },
      registration: { directoryJwks: directory.jwks, requireSoftwareStatement: false },
      proxy: true,
      logger: quietLogger,
    });
    const app = createAuthApp({
      provider: proxied,
      db,
      decisions: NO_DECISIONS,
      listShareable: inProcessShareable(),
      logger: quietLogger,
    });
    const plain = await new Promise<http.Server>((resolve) => {
      const s = app.listen(0, '0.0.0.0', () => resolve(s));
    });
    try {
      const reg = await register({
        redirect_uris: ['https://proxied.example/cb'],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: recipientSubject,
      });
      // Node's own client, because it honours localAddress: the request comes from `from`.
      const tokenVia = (from: string, certPem?: string) =>
        new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
          const body = new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: reg.body.client_id as string,
          }).toString();
          const req = http.request(
            {
              host: '127.0.0.1',
              port: (plain.address() as AddressInfo).port,
              path: '/token',
              method: 'POST',
              localAddress: from,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-forwarded-proto': 'https',
                ...(certPem ? { 'x-ssl-client-cert': encodeURIComponent(certPem) } : {}),
              },
            },
            (res) => {
              let text = '';
              res.on('data', (d: Buffer) => (text += d.toString()));
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
              );
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      expect(await tokenVia('127.0.0.1', recipientCert.cert)).toMatchObject({
        status: 200,
        body: { token_type: 'Bearer' },
      });
      expect(await tokenVia('127.0.0.1')).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      // The same header from an address that is not the proxy is ignored.
      expect(await tokenVia('127.0.0.2', recipientCert.cert)).toMatchObject({
        status: 401,
        body: { error: 'invalid_client' },
      });
    } finally {
      await closeServer(plain);
    }
  });
});

describe('keys and storage', () => {
  it('keeps keys and clients across a restart, and a rotation keeps old tokens and keys valid', async () => {
    const reg = await register({
      redirect_uris: ['https://rotate.example/cb'],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: recipientSubject,
    });
    const clientId = reg.body.client_id as string;
    const issueToken = async () => {
      const res = await withCert()(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          scope: 'consents',
        }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const introspect = async (token: string) => {
      const res = await withCert()(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: clientId }),
      });
      return ((await res.json()) as { active: boolean }).active;
    };
    const kids = async () =>
      ((await (await withoutCert()(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      );
    const before = await issueToken();
    const kidsBefore = await kids();

    const rotated = await rotateKey(db.models.AuthKey, kek, 'sig', 60_000);
    await as.restart();

    expect(await kids()).toEqual([rotated, ...kidsBefore]);
    expect(await introspect(before)).toBe(true);
    expect(await introspect(await issueToken())).toBe(true);
  });

  it('finds a session by its uid through a pointer record, by `_id` alone', async () => {
    const Adapter = createAdapterClass(db.models.OidcRecord);
    const sessions = new Adapter('Session');
    const uid = `uid-${Date.now()}`;
    await sessions.upsert('first-id', { uid, accountId: 'ana' } as never, 3600);
    expect(await db.models.OidcRecord.findById(`uid:Session:${uid}`).lean()).toMatchObject({
      model: 'pointer',
      payload: 'Session:first-id',
    });
    expect(await sessions.findByUid(uid)).toMatchObject({ uid, accountId: 'ana' });
    // The session's id rotates (login, logout): the pointer follows, the old record goes.
    await sessions.upsert('second-id', { uid, accountId: 'bruno' } as never, 3600);
    await sessions.destroy('first-id');
    expect(await sessions.findByUid(uid)).toMatchObject({ accountId: 'bruno' });
    await sessions.destroy('second-id');
    expect(await sessions.findByUid(uid)).toBeUndefined();
    expect(await sessions.findByUid('never-seen')).toBeUndefined();
  });

  it('hides expired records and sweeps them', async () => {
    const Adapter = createAdapterClass(db.models.OidcRecord);
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('short', { grantId: 'g1', 'https://keys.with/dots': 1 } as never, 1);
    await codes.upsert('long', { grantId: 'g1' } as never, 3600);
    expect(await codes.find('short')).toMatchObject({ 'https://keys.with/dots': 1 });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await codes.find('short')).toBeUndefined();
    expect(await sweepExpired(db.models.OidcRecord)).toBeGreaterThanOrEqual(1);
    expect(await db.models.OidcRecord.findById('AuthorizationCode:short')).toBeNull();
    await codes.consume('long');
    expect(await codes.find('long')).toMatchObject({ consumed: expect.any(Number) });
    await codes.revokeByGrantId('g1');
    expect(await codes.find('long')).toBeUndefined();
  });
});
