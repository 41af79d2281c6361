// The FDX consent API on the gateway (`/fdx/v6/consents`), over HTTPS with mTLS against the real AS,
// Temporal and database: a consent lodged at PAR and granted by the customer reads as an ACTIVE
// ConsentGrant; revocation answers 204 then 409 and leaves its history; TIME_BOUND and ONE_TIME
// grants end as EXPIRED.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { eventually } from '../../helpers/eventually.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { recordHistory } from '../../helpers/histories.js';
import {
  customerJourney,
  pushFdxAuthorization,
  registerFdxRecipient,
  startOfbStack,
  type FdxRecipient,
  type OfbStack,
} from '../../helpers/ofb-journey.js';

const [ana] = DEMO_CUSTOMERS;
const DAY_MS = 5000;
let stack: OfbStack;
let gw: TestGateway;
let fdx: FdxRecipient;

beforeAll(async () => {
  // A "day" of durationPeriod lasts 5 s and ONE_TIME access 5 s: long enough for the token exchange
  // on a loaded machine, short enough that the expiries happen within the test.
  stack = await startOfbStack(import.meta.url, 'unused-ofb-recipient', {
    fdx: { dayMs: DAY_MS, oneTimeAccessMs: 5000 },
  });
  gw = await startTestGateway(stack);
  fdx = await registerFdxRecipient(
    stack.as,
    'FDX Consents Recipient',
    'CN=fdx-consents,O=Recipient Inc,C=US',
  );
});

afterAll(async () => {
  await gw?.stop();
  await stack?.stop();
});

const request = (durationType: string, durationPeriod?: number) => ({
  durationType,
  ...(durationPeriod ? { durationPeriod } : {}),
  lookbackPeriod: 60,
  resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED', 'TRANSACTIONS'] }],
});

/** PAR, login and consent: the granted consent's id and tokens. */
async function grant(consentRequest: ReturnType<typeof request>) {
  const { url, checks } = await pushFdxAuthorization(fdx, [{ type: 'fdx_v1.0', consentRequest }]);
  const { callback } = await customerJourney(stack.as, stack.db, url, ana!);
  const tokens = await oidc.authorizationCodeGrant(fdx.config, callback, checks);
  return { consentId: String(tokens.grant_id), tokens };
}

async function api(method: string, route: string, opts: { bearer?: string; body?: unknown } = {}) {
  const bearer = opts.bearer ?? (await oidc.clientCredentialsGrant(fdx.config, {})).access_token;
  const res = await gw.fetcher(fdx.cert)(`${gw.url}/fdx/v6${route}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      'x-fapi-interaction-id': 'c770aef3-6784-41f7-8e0e-ff5f97bddb3a',
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
}

describe('FDX consent API', () => {
  it('reads a granted consent as ACTIVE, revokes it with 204, then answers 409 and keeps the revocation', async () => {
    const { consentId, tokens } = await grant(request('PERSISTENT'));
    const read = await api('GET', `/consents/${consentId}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('x-fapi-interaction-id')).toBe('c770aef3-6784-41f7-8e0e-ff5f97bddb3a');
    expect(read.body).toMatchObject({
      id: consentId,
      status: 'ACTIVE',
      durationType: 'PERSISTENT',
      lookbackPeriod: 60,
      resources: [
        {
          resourceType: 'ACCOUNT',
          resourceId: 'acc-ana-checking',
          dataClusters: ['ACCOUNT_DETAILED', 'TRANSACTIONS'],
        },
      ],
    });
    expect(read.body.parties.map((p: { type: string }) => p.type)).toEqual([
      'DATA_RECIPIENT',
      'DATA_PROVIDER',
    ]);
    expect(read.body.parties[0]).toMatchObject({
      name: 'FDX Consents Recipient',
      registeredEntityId: fdx.config.clientMetadata().client_id,
    });
    expect(read.body.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The consent's own token reads it too.
    expect((await api('GET', `/consents/${consentId}`, { bearer: tokens.access_token })).status).toBe(200);

    const bad = await api('PUT', `/consents/${consentId}/revocation`, {
      body: { reason: 'BORED', initiator: 'INDIVIDUAL' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 401, message: 'Invalid Input' });
    expect(bad.body.debugMessage).toMatch(/reason must be BUSINESS_RULE or USER_ACTION/);
    expect((await api('GET', `/consents/${consentId}`)).body.status).toBe('ACTIVE');

    const revoked = await api('PUT', `/consents/${consentId}/revocation`, {
      body: { reason: 'USER_ACTION', initiator: 'INDIVIDUAL' },
    });
    expect(revoked.status).toBe(204);
    expect((await api('GET', `/consents/${consentId}`)).body.status).toBe('REVOKED');
    const again = await api('PUT', `/consents/${consentId}/revocation`, {
      body: { reason: 'USER_ACTION', initiator: 'INDIVIDUAL' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 409 });

    const history = await api('GET', `/consents/${consentId}/revocation`);
    expect(history.status).toBe(200);
    expect(history.body.revocations).toEqual([
      {
        status: 'REVOKED',
        reason: 'USER_ACTION',
        initiator: 'INDIVIDUAL',
        updatedTime: expect.stringMatching(/Z$/),
      },
    ]);
    // The grant's own tokens stop working at once, at the gateway and at the AS.
    expect((await api('GET', `/consents/${consentId}`, { bearer: tokens.access_token })).status).toBe(401);
    await eventually(
      async () => expect((await oidc.tokenIntrospection(fdx.config, tokens.access_token)).active).toBe(false),
      60_000,
    );
  });

  it('ends a TIME_BOUND grant as EXPIRED after durationPeriod, and refuses to revoke it (409)', async () => {
    const before = Date.now();
    const { consentId } = await grant(request('TIME_BOUND', 2));
    const after = Date.now();
    const active = await api('GET', `/consents/${consentId}`);
    expect(active.body).toMatchObject({ status: 'ACTIVE', durationType: 'TIME_BOUND', durationPeriod: 2 });
    // Two "days" from a moment of the grant, however long the journey took on a loaded machine
    // (the times are in whole seconds, hence the second either side).
    const expiration = Date.parse(active.body.expirationTime);
    expect(expiration).toBeGreaterThanOrEqual(before + 2 * DAY_MS - 1000);
    expect(expiration).toBeLessThanOrEqual(after + 2 * DAY_MS + 1000);
    await eventually(
      async () => expect((await api('GET', `/consents/${consentId}`)).body.status).toBe('EXPIRED'),
      60_000,
    );
    const revoke = await api('PUT', `/consents/${consentId}/revocation`, {
      body: { reason: 'BUSINESS_RULE', initiator: 'DATA_RECIPIENT' },
    });
    expect(revoke.status).toBe(409);
    expect((await api('GET', `/consents/${consentId}/revocation`)).body).toEqual({ revocations: [] });
    await stack.client.workflow.getHandle(consentId).result();
    await recordHistory('consent-fdx-time-bound-expired', stack.client.workflow.getHandle(consentId));
  });

  it('ends a ONE_TIME grant as EXPIRED once its single access session is over', async () => {
    const { consentId } = await grant(request('ONE_TIME'));
    expect((await api('GET', `/consents/${consentId}`)).body).toMatchObject({
      status: 'ACTIVE',
      durationType: 'ONE_TIME',
    });
    await eventually(
      async () => expect((await api('GET', `/consents/${consentId}`)).body.status).toBe('EXPIRED'),
      60_000,
    );
  });

  it("answers 404 for a consent not yet granted, unknown, or another recipient's", async () => {
    await pushFdxAuthorization(fdx, [{ type: 'fdx_v1.0', consentRequest: request('PERSISTENT') }]);
    const pending = await stack.db.models.Consent.findOne({
      standard: 'FDX',
      status: 'AWAITING_AUTHORISATION',
    }).lean();
    expect((await api('GET', `/consents/${pending!._id}`)).status).toBe(404);
    const unknown = await api('GET', '/consents/0123456789abcdef01234567');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 1107 });

    const { consentId } = await grant(request('PERSISTENT'));
    const other = await registerFdxRecipient(
      stack.as,
      'Other FDX Recipient',
      'CN=other-fdx,O=Other Inc,C=US',
    );
    const otherToken = (await oidc.clientCredentialsGrant(other.config, {})).access_token;
    const res = await gw.fetcher(other.cert)(`${gw.url}/fdx/v6/consents/${consentId}`, {
      headers: { authorization: `Bearer ${otherToken}` },
    });
    expect(res.status).toBe(404);
  });

  it('refuses a call without a client certificate in the FDX error format', async () => {
    const res = await gw.fetcher()(`${gw.url}/fdx/v6/consents/0123456789abcdef01234567`, {
      headers: { authorization: 'Bearer whatever' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 1205, message: 'Unauthorized' });
  });
});
