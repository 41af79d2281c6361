// OFB accounts 2.4.2 through the gateway: a customer's consent, then the recipient reads the
// selected account's identification, balances, limits and transactions — every answer checked
// against the official file — read in process through the guarded mock core banking connector.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { issueCertificate } from '../../../lib/pki/dev-pki.js';
import { eventually } from '../../helpers/eventually.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { loadOpenApi } from '../../helpers/openapi.js';
import { authorisedConsent, startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';

const SPEC = loadOpenApi(
  path.resolve(new URL('../../../specs/ofb/accounts/2.4.2.yml', import.meta.url).pathname),
);
const RESOURCES = loadOpenApi(
  path.resolve(new URL('../../../specs/ofb/resources/3.1.0.yml', import.meta.url).pathname),
);
const BASE = '/open-banking/accounts/v2';
const [ana] = DEMO_CUSTOMERS;

let stack: OfbStack;
let gw: TestGateway;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'accounts-recipient');
  gw = await startTestGateway(stack);
});

afterAll(async () => {
  await gw?.stop();
  await stack?.stop();
});

/** A consent authorised by Ana for her checking account only, and its access token. */
const authorised = (permissions: string[]) =>
  authorisedConsent(stack, { customer: ana!, request: { permissions } });

async function get(token: string, route: string, template: string, cert = stack.rp.cert) {
  const res = await gw.fetcher(cert)(`${gw.url}${BASE}${route}`, {
    headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': randomUUID() },
  });
  const body: unknown = await res.json();
  SPEC.assertResponse('GET', template, { status: res.status, headers: res.headers, body });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: body as any };
}

const ALL = [
  'ACCOUNTS_READ',
  'ACCOUNTS_BALANCES_READ',
  'ACCOUNTS_TRANSACTIONS_READ',
  'ACCOUNTS_OVERDRAFT_LIMITS_READ',
  'RESOURCES_READ',
];

describe('OFB accounts', () => {
  it('serves the selected account, its balances, limits and transactions, and nothing else', async () => {
    const { consentId, token } = await authorised(ALL);
    const list = await get(token, '/accounts', '/accounts');
    expect(list.status).toBe(200);
    expect(list.body.data.map((a: { accountId: string }) => a.accountId)).toEqual(['acc-ana-checking']);
    expect(list.body.meta).toMatchObject({ totalRecords: 1, totalPages: 1 });

    const one = await get(token, '/accounts/acc-ana-checking', '/accounts/{accountId}');
    expect(one.body.data).toMatchObject({ type: 'CONTA_DEPOSITO_A_VISTA', currency: 'BRL' });
    const balances = await get(
      token,
      '/accounts/acc-ana-checking/balances',
      '/accounts/{accountId}/balances',
    );
    expect(balances.body.data.availableAmount).toMatchObject({
      currency: 'BRL',
      amount: expect.stringMatching(/^\d+\.\d{2}$/),
    });
    const limits = await get(
      token,
      '/accounts/acc-ana-checking/overdraft-limits',
      '/accounts/{accountId}/overdraft-limits',
    );
    expect(limits.status).toBe(200);

    // The savings account exists but was not selected: as if it did not exist.
    const other = await get(token, '/accounts/acc-ana-savings/balances', '/accounts/{accountId}/balances');
    expect(other.status).toBe(404);
    // Bruno's account, even less.
    expect((await get(token, '/accounts/acc-bruno-business', '/accounts/{accountId}')).status).toBe(404);

    // Each call left one analytics event: its route template and outcome, ids only. The gateway
    // records a call once its answer has gone out, so the last one may reach the buffer just after
    // the client has read the answer: poll.
    const events = await eventually(async () => {
      await gw.events.flush();
      const found = await stack.db.models.AnalyticsEvent.find({ type: 'gateway.call', consentId }).lean();
      expect(found.map((e) => `${e.endpoint} ${e.status}`).sort()).toEqual(
        [
          `${BASE}/accounts 200`,
          `${BASE}/accounts/:accountId 200`,
          `${BASE}/accounts/:accountId 404`,
          `${BASE}/accounts/:accountId/balances 200`,
          `${BASE}/accounts/:accountId/balances 404`,
          `${BASE}/accounts/:accountId/overdraft-limits 200`,
        ].sort(),
      );
      return found;
    });
    expect(events[0]).toMatchObject({
      standard: 'OFB',
      clientId: stack.rp.config.clientMetadata().client_id,
      productId: 'ofb-accounts',
    });
  });

  it('pages transactions by booking date with pagination-key, each transaction once', async () => {
    const { token } = await authorised(ALL);
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
    const seen = new Set<string>();
    let route: string | undefined =
      `/accounts/acc-ana-checking/transactions?fromBookingDate=${from}&toBookingDate=${to}&page-size=100`;
    let pages = 0;
    while (route && pages < 50) {
      const page = await get(token, route, '/accounts/{accountId}/transactions');
      expect(page.status).toBe(200);
      for (const t of page.body.data as { transactionId: string; transactionDateTime: string }[]) {
        expect(seen.has(t.transactionId)).toBe(false);
        seen.add(t.transactionId);
        expect(t.transactionDateTime.slice(0, 10) >= from && t.transactionDateTime.slice(0, 10) <= to).toBe(
          true,
        );
      }
      const next: string | undefined = page.body.links.next;
      route = next ? next.slice(`${gw.url}${BASE}`.length) : undefined;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen.size).toBeGreaterThan(100);

    // transactions-current: the last 7 days, D-6 to today.
    const current = await get(
      token,
      '/accounts/acc-ana-checking/transactions-current?page-size=1000',
      '/accounts/{accountId}/transactions-current',
    );
    expect(current.status).toBe(200);
    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    expect(current.body.data.length).toBeGreaterThan(0);
    for (const t of current.body.data as { transactionDateTime: string }[])
      expect(
        t.transactionDateTime.slice(0, 10) >= sixDaysAgo && t.transactionDateTime.slice(0, 10) <= to,
      ).toBe(true);

    // A paging key the bank never issued is the caller's mistake (400), not an outage.
    const forged = await get(
      token,
      `/accounts/acc-ana-checking/transactions?fromBookingDate=${from}&toBookingDate=${to}&pagination-key=forged`,
      '/accounts/{accountId}/transactions',
    );
    expect(forged.status).toBe(400);

    const bad = await get(
      token,
      `/accounts/acc-ana-checking/transactions?fromBookingDate=${from}`,
      '/accounts/{accountId}/transactions',
    );
    expect(bad.status).toBe(400);
    const old = await get(
      token,
      '/accounts/acc-ana-checking/transactions?fromBookingDate=2000-01-01&toBookingDate=2000-01-31',
      '/accounts/{accountId}/transactions',
    );
    expect(old.status).toBe(422);
  });

  it('refuses a missing permission (403), a token bound to another certificate (401) and a revoked consent (401)', async () => {
    const { consentId, token } = await authorised([
      'ACCOUNTS_READ',
      'ACCOUNTS_BALANCES_READ',
      'RESOURCES_READ',
    ]);
    expect(
      (await get(token, '/accounts/acc-ana-checking/balances', '/accounts/{accountId}/balances')).status,
    ).toBe(200);
    const noTx = await get(
      token,
      '/accounts/acc-ana-checking/transactions',
      '/accounts/{accountId}/transactions',
    );
    expect(noTx.status).toBe(403);

    const thief = await issueCertificate(stack.as.pki.ca, {
      subject: 'CN=thief,O=Elsewhere',
      usage: 'client',
    });
    expect((await get(token, '/accounts', '/accounts', thief)).status).toBe(401);

    await stack.client.workflow
      .getHandle(consentId)
      .signal('revokeSignal', { rejectedBy: 'USER', actor: 'customer:test' });
    const revokedAt = Date.now();
    await eventually(
      async () => expect((await get(token, '/accounts', '/accounts')).status).toBe(401),
      60_000,
    );
    console.info(
      `the gateway refused the revoked consent's token ${Date.now() - revokedAt} ms after the revocation`,
    );
  });

  it("lists the consent's resources (resources 3.1.0), and refuses a consent without RESOURCES_READ", async () => {
    const { token } = await authorised(ALL);
    const res = await gw.fetcher(stack.rp.cert)(`${gw.url}/open-banking/resources/v3/resources`, {
      headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': randomUUID() },
    });
    const body = (await res.json()) as { data: unknown[] };
    RESOURCES.assertResponse('GET', '/resources', { status: res.status, headers: res.headers, body });
    expect(res.headers.get('x-v')).toBe('3.1.0');
    expect(body.data).toEqual([{ resourceId: 'acc-ana-checking', type: 'ACCOUNT', status: 'AVAILABLE' }]);

    const { token: narrow } = await authorised(['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ']);
    const refused = await gw.fetcher(stack.rp.cert)(`${gw.url}/open-banking/resources/v3/resources`, {
      headers: { authorization: `Bearer ${narrow}`, 'x-fapi-interaction-id': randomUUID() },
    });
    const refusal = await refused.json();
    RESOURCES.assertResponse('GET', '/resources', {
      status: refused.status,
      headers: refused.headers,
      body: refusal,
    });
    expect(refused.status).toBe(403);
  });
});
