// Every gateway call whose client is known counts as that client's, refused ones too: after the
// customer revokes a consent, the recipient's calls end in 401 (first for the consent, then for a
// token the authorization server no longer knows) and each still names the recipient — its
// consumer insights show those errors, not "0 errors". And one endpoint has one label, its route
// template with the full base path, also when an error ends the call in the app's error handler.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { revokeConsent } from '../../../api/bank-console/consents/actions.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { eventually } from '../../helpers/eventually.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  authorisedConsent,
  registerFdxRecipient,
  startOfbStack,
  type OfbStack,
} from '../../helpers/ofb-journey.js';

const [ana] = DEMO_CUSTOMERS;
const ACCOUNTS = '/open-banking/accounts/v2/accounts';

let stack: OfbStack;
/** Introspects every call: once the revocation removed the tokens, they are inactive at once. */
let gw: TestGateway;
/** Keeps introspection answers for a minute: a revoked consent's token is still known, and refused. */
let cached: TestGateway;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'attribution');
  gw = await startTestGateway(stack, { introspectionCacheMs: 0 });
  cached = await startTestGateway(stack, { introspectionCacheMs: 60_000 });
});
afterAll(async () => {
  await cached?.stop();
  await gw?.stop();
  await stack?.stop();
});

/** The gateways' call events so far, once their buffers have written them. */
async function callEvents(filter: Record<string, unknown>) {
  await gw.events.flush();
  await cached.events.flush();
  return stack.db.models.AnalyticsEvent.find({ type: 'gateway.call', ...filter }).lean();
}

describe('a recipient whose consent was revoked', () => {
  it('sees its refused calls counted as its own', async () => {
    const clientId = stack.rp.config.clientMetadata().client_id;
    const consent = await authorisedConsent(stack, {
      customer: ana!,
      request: { permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'] },
    });
    const { token } = consent;
    const read = async (via: TestGateway, headers: Record<string, string>) => {
      const res = await via.fetcher(stack.rp.cert)(`${via.url}${ACCOUNTS}`, {
        headers: { 'x-fapi-interaction-id': randomUUID(), ...headers },
      });
      return { status: res.status, interactionId: res.headers.get('x-fapi-interaction-id')! };
    };
    const bearer = { authorization: `Bearer ${token}` };
    for (const via of [gw, cached]) expect((await read(via, bearer)).status).toBe(200);

    const revoked = await revokeConsent(stack.client, consent.consentId, {
      rejectedBy: 'USER',
      code: 'CUSTOMER_MANUALLY_REVOKED',
      actor: `customer:${ana!._id}`,
    });
    expect(revoked.ok).toBe(true);
    // The token still known, refused for its consent.
    const forConsent = await read(cached, bearer);
    expect(forConsent.status).toBe(401);
    // The token gone from the authorization server; then no token at all: the certificate says who.
    await eventually(async () => {
      const introspected = await oidc.tokenIntrospection(stack.rp.config, token).catch(() => undefined);
      expect(introspected?.active).not.toBe(true);
    });
    const inactive = await read(gw, bearer);
    const tokenless = await read(gw, {});
    expect([inactive.status, tokenless.status]).toEqual([401, 401]);

    const refused = await eventually(async () => {
      const found = await callEvents({
        interactionId: { $in: [forConsent, inactive, tokenless].map((r) => r.interactionId) },
      });
      expect(found).toHaveLength(3);
      return new Map(found.map((e) => [e.interactionId, e]));
    });
    expect(refused.get(forConsent.interactionId)).toMatchObject({
      status: 401,
      endpoint: ACCOUNTS,
      clientId,
      consentId: consent.consentId,
    });
    for (const r of [inactive, tokenless])
      expect(refused.get(r.interactionId)).toMatchObject({ status: 401, endpoint: ACCOUNTS, clientId });
  });

  it('leaves a call of a certificate no token was bound to nobody\u2019s', async () => {
    const stranger = await registerFdxRecipient(stack.as, 'Stranger', 'CN=stranger-attribution,O=Elsewhere');
    const res = await gw.fetcher(stranger.cert)(`${gw.url}${ACCOUNTS}`, {
      headers: { 'x-fapi-interaction-id': randomUUID() },
    });
    expect(res.status).toBe(401);
    const interactionId = res.headers.get('x-fapi-interaction-id')!;
    const [event] = await eventually(async () => {
      const found = await callEvents({ interactionId });
      expect(found).toHaveLength(1);
      return found;
    });
    expect(event!.clientId ?? undefined).toBeUndefined();
  });
});

describe('the endpoint of a call', () => {
  it('has one label, with its base path, however the call ended', async () => {
    const fdx = await registerFdxRecipient(stack.as, 'FDX Labels', 'CN=fdx-labels-attribution,O=Recipient');
    const bearer = (await oidc.clientCredentialsGrant(fdx.config, {})).access_token;
    const put = (body: string) =>
      gw.fetcher(fdx.cert)(`${gw.url}/fdx/v6/consents/${'0'.repeat(24)}/revocation`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body,
      });
    // Unknown consent: answered by the route; malformed body: by the router's error handler; a body
    // over the limit: by the app's error handler, once the error has left the router.
    expect((await put(JSON.stringify({ reason: 'USER_ACTION', initiator: 'INDIVIDUAL' }))).status).toBe(404);
    expect((await put('{not json')).status).toBe(400);
    expect((await put(JSON.stringify({ reason: 'x'.repeat(8192) }))).status).toBeGreaterThanOrEqual(400);
    const fdxClientId = fdx.config.clientMetadata().client_id;
    const labels = await eventually(async () => {
      const found = await callEvents({ clientId: fdxClientId, method: 'PUT' });
      expect(found).toHaveLength(3);
      return found.map((e) => e.endpoint);
    });
    expect(labels).toEqual(Array(3).fill('/fdx/v6/consents/:consentId/revocation'));
  });
});
