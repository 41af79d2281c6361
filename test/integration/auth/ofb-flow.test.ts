// The Open Finance Brasil authorisation journey, end to end over HTTPS with mTLS: a client
// credentials token, a lodged consent, PAR with a signed request object, login with a second
// factor, the consent page, the hybrid callback validated by openid-client, a token by
// private_key_jwt bound to the certificate, introspection — and revocation ending it all.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { compactDecrypt, decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { revokeUpdate } from '../../../workflows/consent-types.js';
import type { TestAuthServer } from '../../helpers/auth-server.js';
import { tlsFetch } from '../../helpers/tls-client.js';
import {
  customerJourney,
  pushAuthorization,
  registerRecipient,
  startOfbStack,
  type OfbStack,
  type Recipient,
} from '../../helpers/ofb-journey.js';

const [ana, bruno] = DEMO_CUSTOMERS;
let stack: OfbStack;
let db: OfbStack['db'];
let client: Client;
let as: TestAuthServer;
let rp: Recipient;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'ofb-recipient');
  ({ db, client, as, rp } = stack);
});

afterAll(() => stack?.stop());

const lodge = (clientId: string, loggedUserDocument = ana!.cpf, expirationDateTime?: Date) =>
  stack.lodge({ clientId, loggedUserDocument, ...(expirationDateTime ? { expirationDateTime } : {}) });

describe('OFB authorisation journey', () => {
  it('takes a lodged consent to tokens bound to it, and revocation kills them', async () => {
    const clientId = rp.config.clientMetadata().client_id;
    const cc = await oidc.clientCredentialsGrant(rp.config, { scope: 'consents' });
    expect(cc.scope).toBe('consents');
    const consent = await lodge(clientId);

    const { url, checks } = await pushAuthorization(rp, consent.consentId);
    const { callback, consentPage } = await customerJourney(as, db, url, ana!);
    expect(consentPage).toContain('Share your data with ofb-recipient?');
    expect(consentPage).toContain('Your account balances');
    expect(consentPage).toContain('Checking 0001 / ****-1234');

    // openid-client checks the hybrid response: id_token signature, nonce, c_hash and s_hash.
    const tokens = await oidc.authorizationCodeGrant(rp.config, callback, checks);
    expect(tokens.grant_id).toBe(consent.consentId);
    expect(tokens.expires_in).toBeGreaterThanOrEqual(300);
    expect(tokens.expires_in).toBeLessThanOrEqual(900);
    expect(tokens.claims()).toMatchObject({ sub: ana!._id, acr: 'urn:brasil:openbanking:loa3' });

    // The login and the tokens left analytics events: client ids and outcomes, nobody's identity.
    await as.events.flush();
    const events = await db.models.AnalyticsEvent.find({ clientId, type: /^auth\./ }).lean();
    expect(events.map((e) => `${e.type} ${e.code ?? ''}`.trim()).sort()).toEqual(
      expect.arrayContaining([
        'auth.login_succeeded',
        'auth.token_issued authorization_code',
        'auth.token_issued client_credentials',
      ]),
    );
    expect(JSON.stringify(events)).not.toContain(ana!.cpf);

    const info = await oidc.tokenIntrospection(rp.config, tokens.access_token);
    expect(info).toMatchObject({
      active: true,
      client_id: clientId,
      consent_id: consent.consentId,
      sub: ana!._id,
    });
    // The API token carries the resource server's scopes, and `openid` for the customer's userinfo.
    expect(String(info.scope).split(' ').sort()).toEqual([
      'accounts',
      `consent:${consent.consentId}`,
      'openid',
      'resources',
    ]);
    expect(info.cnf).toHaveProperty(['x5t#S256']);

    expect(await db.models.Consent.findById(consent.consentId).lean()).toMatchObject({
      status: 'AUTHORISED',
      customerId: ana!._id,
      accountIds: ['acc-ana-checking'],
    });

    // The customer revokes: the consent workflow ends the grant, and the token with it.
    await client.workflow
      .getHandle(consent.consentId)
      .executeUpdate(revokeUpdate, { args: [{ rejectedBy: 'USER', actor: 'customer' }] });
    await client.workflow.getHandle(consent.consentId).result();
    expect((await oidc.tokenIntrospection(rp.config, tokens.access_token)).active).toBe(false);
  });

  it('records a rejection on the consent page and tells the recipient access_denied', async () => {
    const consent = await lodge(rp.config.clientMetadata().client_id);
    const { url } = await pushAuthorization(rp, consent.consentId);
    const { callback } = await customerJourney(as, db, url, ana!, () => ({ decision: 'reject' }));
    const params = new URLSearchParams(callback.hash.slice(1));
    expect(params.get('error')).toBe('access_denied');
    const record = await db.models.Consent.findById(consent.consentId).lean();
    expect(record).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REJECTED' },
    });
  });

  it('refuses a consent lodged for another person', async () => {
    const consent = await lodge(rp.config.clientMetadata().client_id, bruno!.cpf);
    const { url } = await pushAuthorization(rp, consent.consentId);
    const { callback } = await customerJourney(as, db, url, ana!);
    expect(new URLSearchParams(callback.hash.slice(1)).get('error')).toBe('access_denied');
    expect((await db.models.Consent.findById(consent.consentId).lean())!.status).toBe(
      'AWAITING_AUTHORISATION',
    );
  });

  it("refuses a consent scope for another client's consent, or for a consent no longer awaiting authorisation", async () => {
    const other = await registerRecipient(as, 'other-recipient');
    const theirs = await lodge(other.config.clientMetadata().client_id);
    await expect(pushAuthorization(rp, theirs.consentId)).rejects.toMatchObject({ error: 'invalid_scope' });

    const mine = await lodge(rp.config.clientMetadata().client_id);
    await client.workflow
      .getHandle(mine.consentId)
      .executeUpdate(revokeUpdate, { args: [{ rejectedBy: 'TPP', actor: 'tpp' }] });
    await expect(pushAuthorization(rp, mine.consentId)).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('ends the refresh token with the consent, and does not rotate it', async () => {
    const expiry = new Date(Date.now() + 3600_000);
    const consent = await lodge(rp.config.clientMetadata().client_id, ana!.cpf, expiry);
    const { url, checks } = await pushAuthorization(rp, consent.consentId);
    const { callback } = await customerJourney(as, db, url, ana!);
    const tokens = await oidc.authorizationCodeGrant(rp.config, callback, checks);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const info = await oidc.tokenIntrospection(rp.config, tokens.refresh_token!);
    expect(info.active).toBe(true);
    expect(info.exp).toBeLessThanOrEqual(Math.floor(expiry.getTime() / 1000));
    expect(info.exp).toBeGreaterThan(Math.floor(expiry.getTime() / 1000) - 30);

    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.grant_id).toBe(consent.consentId);
    expect(refreshed.refresh_token ?? tokens.refresh_token).toBe(tokens.refresh_token);
  });

  it('encrypts the id_token to a recipient that registered an encryption key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'enc-1', use: 'enc', alg: 'RSA-OAEP' };
    const encRp = await registerRecipient(as, 'encrypting-recipient', {
      metadata: { id_token_encrypted_response_alg: 'RSA-OAEP', id_token_encrypted_response_enc: 'A256GCM' },
      keys: [encJwk],
    });
    const decryptKey = await webcrypto.subtle.importKey(
      'jwk',
      privateKey.export({ format: 'jwk' }),
      { name: 'RSA-OAEP', hash: 'SHA-1' },
      false,
      ['decrypt'],
    );
    oidc.enableDecryptingResponses(encRp.config, ['A256GCM'], {
      key: decryptKey,
      kid: 'enc-1',
      alg: 'RSA-OAEP',
    } as never);

    const consent = await lodge(encRp.config.clientMetadata().client_id);
    const { url, checks } = await pushAuthorization(encRp, consent.consentId, {
      claims: JSON.stringify({ id_token: { cpf: { essential: true } } }),
    });
    const { callback } = await customerJourney(as, db, url, ana!);
    const frontChannelIdToken = new URLSearchParams(callback.hash.slice(1)).get('id_token')!;
    expect(frontChannelIdToken.split('.')).toHaveLength(5); // a JWE, not a JWS
    // Encrypted, the id_token may carry the CPF asked for through the browser too (OFB 5.2.2.1).
    const { plaintext } = await compactDecrypt(frontChannelIdToken, privateKey);
    expect(decodeJwt(new TextDecoder().decode(plaintext))).toMatchObject({ cpf: ana!.cpf });

    const tokens = await oidc.authorizationCodeGrant(encRp.config, callback, checks);
    expect(tokens.id_token!.split('.')).toHaveLength(5);
    expect(tokens.claims()).toMatchObject({ sub: ana!._id });
  });
});

describe('OFB security profile: acr, cpf and cnpj claims, and userinfo', () => {
  const LOA2 = 'urn:brasil:openbanking:loa2';
  const LOA3 = 'urn:brasil:openbanking:loa3';
  /** The journey for `customer` with a claims parameter (and no acr_values), to the callback. */
  async function journeyAsking(claims: object | undefined, customer = ana!, accountIds = 'acc-ana-checking') {
    const consent = await stack.lodge({
      clientId: rp.config.clientMetadata().client_id,
      loggedUserDocument: customer.cpf,
      ...(customer.cnpj ? { businessEntityDocument: customer.cnpj } : {}),
    });
    const { url, checks } = await pushAuthorization(rp, consent.consentId, {
      acr_values: undefined,
      claims: claims && JSON.stringify(claims),
    });
    const { callback } = await customerJourney(as, db, url, customer, () => ({
      decision: 'authorise',
      accountIds,
    }));
    const hash = new URLSearchParams(callback.hash.slice(1));
    const frontChannel = hash.get('id_token');
    return { callback, checks, hash, frontChannel: frontChannel ? decodeJwt(frontChannel) : undefined };
  }

  it('puts acr in every id_token: asked for through the claims parameter, or not asked for', async () => {
    const asked = await journeyAsking({ id_token: { acr: { essential: true, values: [LOA2, LOA3] } } });
    expect(asked.frontChannel).toMatchObject({ acr: LOA3 });
    const tokens = await oidc.authorizationCodeGrant(rp.config, asked.callback, asked.checks);
    expect(tokens.claims()).toMatchObject({ sub: ana!._id, acr: LOA3 });

    const unasked = await journeyAsking(undefined);
    expect(unasked.frontChannel).toMatchObject({ acr: LOA3 });
    const more = await oidc.authorizationCodeGrant(rp.config, unasked.callback, unasked.checks);
    expect(more.claims()).toMatchObject({ acr: LOA3 });
  });

  it("releases the customer's CPF, and a business customer's CNPJs, to the recipient that asks, never in clear through the browser", async () => {
    const personal = await journeyAsking({
      id_token: { acr: { essential: true }, cpf: { essential: true }, cnpj: null },
    });
    // The hybrid response's id_token passes through the browser: no personal data unless encrypted.
    expect(personal.frontChannel).not.toHaveProperty('cpf');
    const tokens = await oidc.authorizationCodeGrant(rp.config, personal.callback, personal.checks);
    expect(tokens.claims()).toMatchObject({ sub: ana!._id, cpf: ana!.cpf });
    expect(tokens.claims()).not.toHaveProperty('cnpj'); // a person acting for no company

    const business = await journeyAsking(
      { id_token: { cpf: null, cnpj: { essential: true, value: bruno!.cnpj } } },
      bruno!,
      'acc-bruno-business',
    );
    const theirs = await oidc.authorizationCodeGrant(rp.config, business.callback, business.checks);
    expect(theirs.claims()).toMatchObject({ sub: bruno!._id, cpf: bruno!.cpf, cnpj: [bruno!.cnpj] });

    // Not asked for: not released.
    const unasked = await journeyAsking(undefined);
    const plain = await oidc.authorizationCodeGrant(rp.config, unasked.callback, unasked.checks);
    expect(plain.claims()).not.toHaveProperty('cpf');
  });

  it('treats an essential cpf or cnpj the customer cannot meet as a failed authentication', async () => {
    const otherCpf = await journeyAsking({ id_token: { cpf: { essential: true, value: bruno!.cpf } } });
    expect(otherCpf.hash.get('error')).toBe('access_denied');
    expect(otherCpf.hash.get('error_description')).not.toContain(ana!.cpf);
    const noCompany = await journeyAsking({ id_token: { cnpj: { essential: true } } });
    expect(noCompany.hash.get('error')).toBe('access_denied');
  });

  it("answers /me for the customer's consent token, only with the certificate it is bound to", async () => {
    const { callback, checks } = await journeyAsking(undefined);
    const tokens = await oidc.authorizationCodeGrant(rp.config, callback, checks);
    const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, ana!._id);
    expect(userinfo).toEqual({ sub: ana!._id });

    const me = `${as.issuer}/me`;
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const withoutCert = tlsFetch({ ca: as.pki.ca.cert });
    const stolen = await withoutCert(me, bearer(tokens.access_token));
    expect(stolen.status).toBe(401);
    expect(await stolen.json()).toMatchObject({ error: 'invalid_token' });
    // A client-credentials token acts for no customer.
    const cc = await oidc.clientCredentialsGrant(rp.config, { scope: 'consents' });
    const noCustomer = await rp.config[oidc.customFetch]!(me, bearer(cc.access_token) as never);
    expect(noCustomer.status).toBe(401);
  });
});

describe('the bank’s limit of consents per customer and recipient', () => {
  let limited: OfbStack;
  beforeAll(async () => {
    limited = await startOfbStack(import.meta.url, 'limited-recipient', { maxConsentsPerRecipient: 1 });
  });
  afterAll(() => limited?.stop());

  it('refuses to authorise one more consent than the limit, and says why', async () => {
    const first = await limited.lodge();
    const one = await pushAuthorization(limited.rp, first.consentId);
    await customerJourney(limited.as, limited.db, one.url, ana!);
    expect((await limited.db.models.Consent.findById(first.consentId).lean())!.status).toBe('AUTHORISED');

    const second = await limited.lodge();
    const two = await pushAuthorization(limited.rp, second.consentId);
    const { refusal } = await customerJourney(limited.as, limited.db, two.url, ana!);
    expect(refusal?.status).toBe(409);
    expect(refusal?.text).toContain(
      'You already share data with this application through 1 consent, the most this bank allows.',
    );
    expect((await limited.db.models.Consent.findById(second.consentId).lean())!.status).toBe(
      'AWAITING_AUTHORISATION',
    );
  });
});
