// FDX Core Exchange through the gateway: a consent granted at PAR + RAR, then the recipient reads
// accounts, transactions inside the lookback, statements and their PDF, contact, payment networks
// and the current customer — answers checked against the Core Exchange 6.4 file read from
// ../shared/specs/fdx (never copied into the project).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { projectRoot } from '../../helpers/env.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { loadOpenApi } from '../../helpers/openapi.js';
import {
  customerJourney,
  pushFdxAuthorization,
  registerFdxRecipient,
  startOfbStack,
  type FdxRecipient,
  type OfbStack,
} from '../../helpers/ofb-journey.js';

const SPEC = loadOpenApi(path.resolve(projectRoot, '../shared/specs/fdx/plaid-core-exchange/6.4/corex.yaml'));
const [ana] = DEMO_CUSTOMERS;
let stack: OfbStack;
let gw: TestGateway;
let fdx: FdxRecipient;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'unused-ofb-recipient');
  gw = await startTestGateway(stack);
  fdx = await registerFdxRecipient(stack.as, 'FDX Data Recipient', 'CN=fdx-data,O=Recipient Inc,C=US');
});

afterAll(async () => {
  await gw?.stop();
  await stack?.stop();
});

async function grant(dataClusters: string[], lookbackPeriod = 30) {
  const consentRequest = {
    durationType: 'PERSISTENT',
    lookbackPeriod,
    resources: [{ resourceType: 'ACCOUNT', dataClusters }],
  };
  const { url, checks } = await pushFdxAuthorization(fdx, [{ type: 'fdx_v1.0', consentRequest }]);
  const { callback } = await customerJourney(stack.as, stack.db, url, ana!);
  return (await oidc.authorizationCodeGrant(fdx.config, callback, checks)).access_token;
}

async function get(token: string, route: string, template?: string) {
  const res = await gw.fetcher(fdx.cert)(`${gw.url}/fdx/v6${route}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
  // The file documents successes only; errors are checked for FDX's {code, message} below.
  if (template && res.status === 200)
    SPEC.assertResponse('GET', template, { status: res.status, headers: res.headers, body });
  if (res.status >= 400)
    expect(body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, type, body: body as any };
}

const ALL = ['ACCOUNT_DETAILED', 'TRANSACTIONS', 'STATEMENTS', 'CUSTOMER_CONTACT', 'PAYMENT_SUPPORT'];

describe('FDX core exchange', () => {
  it('serves the granted account with balances, its contact, payment networks and the current customer', async () => {
    const token = await grant(ALL);
    const accounts = await get(token, '/accounts', '/accounts');
    expect(accounts.status).toBe(200);
    expect(accounts.body.accounts.map((a: { accountId: string }) => a.accountId)).toEqual([
      'acc-ana-checking',
    ]);
    const account = await get(token, '/accounts/acc-ana-checking', '/accounts/{accountId}');
    expect(account.body).toMatchObject({
      accountCategory: 'DEPOSIT_ACCOUNT',
      availableBalance: expect.any(Number),
    });
    expect(
      (await get(token, '/accounts/acc-ana-checking/contact', '/accounts/{accountId}/contact')).status,
    ).toBe(200);
    const networks = await get(
      token,
      '/accounts/acc-ana-checking/payment-networks',
      '/accounts/{accountId}/payment-networks',
    );
    expect(networks.body.paymentNetworks[0]).toMatchObject({ type: 'US_ACH' });
    expect((await get(token, '/customers/current', '/customers/current')).body).toEqual({
      customerId: ana!._id,
    });
    const savings = await get(token, '/accounts/acc-ana-savings');
    expect(savings.status).toBe(404);
    expect(savings.body.code).toBe(701);
  });

  it('pages transactions with nextOffset inside the lookback, and refuses dates before it (703)', async () => {
    const token = await grant(ALL, 20);
    const ids = new Set<string>();
    let route: string | undefined = '/accounts/acc-ana-checking/transactions?limit=50';
    let pages = 0;
    const earliest = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    while (route && pages < 40) {
      const page = await get(token, route, '/accounts/{accountId}/transactions');
      expect(page.status).toBe(200);
      for (const t of page.body.transactions as { transactionId: string; transactionTimestamp: string }[]) {
        expect(ids.has(t.transactionId)).toBe(false);
        ids.add(t.transactionId);
        expect(t.transactionTimestamp.slice(0, 10) >= earliest).toBe(true);
      }
      const next: string | undefined = page.body.page.nextOffset;
      route = next
        ? `/accounts/acc-ana-checking/transactions?limit=50&offset=${encodeURIComponent(next)}`
        : undefined;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    const forged = await get(token, '/accounts/acc-ana-checking/transactions?offset=forged');
    expect(forged).toMatchObject({ status: 400, body: { code: 401 } });
    const tooOld = await get(
      token,
      '/accounts/acc-ana-checking/transactions?startTime=2020-01-01&endTime=2020-02-01',
    );
    expect(tooOld).toMatchObject({ status: 400, body: { code: 703 } });
    const backwards = await get(
      token,
      `/accounts/acc-ana-checking/transactions?startTime=${new Date().toISOString().slice(0, 10)}&endTime=${earliest}`,
    );
    expect(backwards).toMatchObject({ status: 400, body: { code: 703 } });
  });

  it('lists statements and serves each as a PDF document', async () => {
    const token = await grant(ALL);
    const list = await get(
      token,
      '/accounts/acc-ana-checking/statements',
      '/accounts/{accountId}/statements',
    );
    expect(list.body.statements.length).toBeGreaterThan(0);
    const id = list.body.statements[0].statementId as string;
    const pdf = await get(token, `/accounts/acc-ana-checking/statements/${encodeURIComponent(id)}`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect((pdf.body as Buffer).toString('latin1')).toContain('%%EOF');
  });

  it('refuses clusters the consent does not grant (403, 602)', async () => {
    const token = await grant(['ACCOUNT_BASIC']);
    expect((await get(token, '/accounts', '/accounts')).status).toBe(200);
    for (const route of [
      '/accounts/acc-ana-checking',
      '/accounts/acc-ana-checking/transactions',
      '/accounts/acc-ana-checking/statements',
      '/accounts/acc-ana-checking/contact',
    ]) {
      const res = await get(token, route);
      expect(res).toMatchObject({ status: 403, body: { code: 602 } });
    }
  });
});
