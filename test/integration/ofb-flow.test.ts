// The Open Finance Brasil authorisation journey, end to end over HTTPS with mTLS: a client
// credentials token, a lodged consent, PAR with a signed request object, login with a second
// factor, the consent page, the hybrid callback validated by openid-client, a token by
// private_key_jwt bound to the certificate, introspection — and revocation ending it all.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../auth/idp/demo-customers.js';
import { revokeUpdate } from '../../workflows/consent.js';
import type { TestAuthServer } from '../helpers/auth-server.js';
import {
  customerJourney,
  pushAuthorization,
  registerRecipient,
  startOfbStack,
  type OfbStack,
  type Recipient,
} from '../helpers/ofb-journey.js';

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
    // The API token carries the resource server's scopes; `openid` stays with the id_token and userinfo.
    expect(String(info.scope).split(' ').sort()).toEqual([
      'accounts',
      `consent:${consent.consentId}`,
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
    const { url, checks } = await pushAuthorization(encRp, consent.consentId);
    const { callback } = await customerJourney(as, db, url, ana!);
    const frontChannelIdToken = new URLSearchParams(callback.hash.slice(1)).get('id_token')!;
    expect(frontChannelIdToken.split('.')).toHaveLength(5); // a JWE, not a JWS

    const tokens = await oidc.authorizationCodeGrant(encRp.config, callback, checks);
    expect(tokens.id_token!.split('.')).toHaveLength(5);
    expect(tokens.claims()).toMatchObject({ sub: ana!._id });
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
