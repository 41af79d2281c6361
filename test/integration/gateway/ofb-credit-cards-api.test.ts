// OFB credit-cards-accounts 2.3.1 through the gateway: Ana consents to share her Visa card, then the
// recipient reads its identification, limits, transactions, bills and each bill's transactions —
// every answer, errors included, checked against the official file — read in process through the
// guarded mock core banking connector.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { loadOpenApi } from '../../helpers/openapi.js';
import { authorisedConsent, startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';

const SPEC = loadOpenApi(
  path.resolve(new URL('../../../specs/ofb/credit-cards/2.3.1.yml', import.meta.url).pathname),
);
const BASE = '/open-banking/credit-cards-accounts/v2';
const [ana] = DEMO_CUSTOMERS;
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/**
 * The file's `links` pattern wants a host with a 2–6 letter top-level domain, which the test
 * gateway's `https://localhost:<port>` is not (a real GATEWAY_URL is): links are checked against
 * the file under this origin instead, and against the test gateway's own below.
 */
const PUBLISHED = 'https://api.bank.example';

let stack: OfbStack;
let gw: TestGateway;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'cards-recipient');
  gw = await startTestGateway(stack);
});

afterAll(async () => {
  await gw?.stop();
  await stack?.stop();
});

const LIMITS = ['CREDIT_CARDS_ACCOUNTS_READ', 'CREDIT_CARDS_ACCOUNTS_LIMITS_READ', 'RESOURCES_READ'];
const TRANSACTIONS = [
  'CREDIT_CARDS_ACCOUNTS_READ',
  'CREDIT_CARDS_ACCOUNTS_TRANSACTIONS_READ',
  'RESOURCES_READ',
];
const BILLS = [
  'CREDIT_CARDS_ACCOUNTS_READ',
  'CREDIT_CARDS_ACCOUNTS_BILLS_READ',
  'CREDIT_CARDS_ACCOUNTS_BILLS_TRANSACTIONS_READ',
  'RESOURCES_READ',
];
const ALL = [...new Set([...LIMITS, ...TRANSACTIONS, ...BILLS])];

/** A consent Ana authorises for `accountIds` (the consent page's choice), and its access token. */
const authorised = (permissions: string[], accountIds = 'card-ana-visa') =>
  authorisedConsent(stack, {
    customer: ana!,
    request: { permissions },
    scopes: 'credit-cards-accounts accounts resources',
    accountIds,
  });

/** The body with its links under the published origin, after checking they point at this gateway. */
function published(body: unknown): unknown {
  const links = (body as { links?: Record<string, string> } | undefined)?.links;
  if (!links) return body;
  for (const link of Object.values(links)) expect(link.startsWith(`${gw.url}${BASE}/`)).toBe(true);
  return {
    ...(body as object),
    links: Object.fromEntries(Object.entries(links).map(([k, v]) => [k, PUBLISHED + v.slice(gw.url.length)])),
  };
}

async function get(token: string, route: string, template: string) {
  const res = await gw.fetcher(stack.rp.cert)(`${gw.url}${BASE}${route}`, {
    headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': randomUUID() },
  });
  const body: unknown = await res.json();
  SPEC.assertResponse('GET', template, { status: res.status, headers: res.headers, body: published(body) });
  expect(res.headers.get('x-v')).toBe('2.3.1');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: body as any };
}

const cents = (amount: string) => Math.round(Number(amount) * 100);
const ACCOUNT = '/accounts/{creditCardAccountId}';
const TX = `${ACCOUNT}/transactions`;
const BILL_TX = `${ACCOUNT}/bills/{billId}/transactions`;

describe('OFB credit cards', () => {
  it('serves the selected card, its limits, bills, bill transactions and recent transactions', async () => {
    const { token, consentPage } = await authorised(ALL);
    // Credit-card permissions only: the consent page offered the card, not the deposit accounts.
    expect(consentPage).toContain('card-ana-visa');
    expect(consentPage).not.toContain('acc-ana-checking');

    const list = await get(token, '/accounts', '/accounts');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      {
        creditCardAccountId: 'card-ana-visa',
        brandName: 'Test Bank',
        companyCnpj: '12345678000195',
        name: 'Visa Gold',
        productType: 'GOLD',
        creditCardNetwork: 'VISA',
      },
    ]);
    expect(list.body.meta).toMatchObject({ totalRecords: 1, totalPages: 1 });

    const one = await get(token, '/accounts/card-ana-visa', ACCOUNT);
    expect(one.body.data).toEqual({
      name: 'Visa Gold',
      productType: 'GOLD',
      creditCardNetwork: 'VISA',
      paymentMethod: [{ identificationNumber: '4821', isMultipleCreditCard: true }],
    });

    const limits = await get(token, '/accounts/card-ana-visa/limits', `${ACCOUNT}/limits`);
    expect(limits.body.data).toHaveLength(1);
    const [limit] = limits.body.data;
    expect(limit).toMatchObject({
      creditLineLimitType: 'LIMITE_CREDITO_TOTAL',
      isLimitFlexible: false,
      limitAmount: { amount: '10000.00', currency: 'BRL' },
    });
    expect(cents(limit.usedAmount.amount) + cents(limit.availableAmount.amount)).toBe(1_000_000);

    // The last twelve months' bills, newest first; the paid ones show their payment.
    const bills = await get(token, '/accounts/card-ana-visa/bills', `${ACCOUNT}/bills`);
    expect(bills.status).toBe(200);
    expect(bills.body.data.length).toBeGreaterThanOrEqual(11);
    const paid = bills.body.data.filter((b: { dueDate: string }) => b.dueDate < isoDay(Date.now()));
    expect(paid.length).toBeGreaterThan(0);
    for (const b of paid)
      expect(b.payments).toEqual([
        expect.objectContaining({ paymentDate: b.dueDate, amount: b.billTotalAmount.amount }),
      ]);

    // A bill's transactions add up to its total.
    const latest = bills.body.data[0];
    const billed = await get(
      token,
      `/accounts/card-ana-visa/bills/${latest.billId}/transactions?page-size=1000`,
      BILL_TX,
    );
    expect(billed.status).toBe(200);
    expect(billed.body.data.length).toBeGreaterThan(0);
    expect(billed.body.meta.totalRecords).toBe(billed.body.data.length);
    let sum = 0;
    for (const t of billed.body.data) {
      expect(t).toMatchObject({ billId: latest.billId, identificationNumber: '4821' });
      sum += (t.creditDebitType === 'DEBITO' ? 1 : -1) * cents(t.amount.amount);
    }
    expect(Math.max(0, sum)).toBe(cents(latest.billTotalAmount.amount));
    // Purchases in instalments say which one they are.
    // One bill after another, as a recipient pages through them.
    const everyBill = [];
    for (const b of bills.body.data as { billId: string }[]) {
      const page = await get(
        token,
        `/accounts/card-ana-visa/bills/${b.billId}/transactions?page-size=1000`,
        BILL_TX,
      );
      expect(page.status).toBe(200);
      everyBill.push(
        ...(page.body.data as { paymentType: string; chargeIdentificator: number; chargeNumber: number }[]),
      );
    }
    const instalments = everyBill.filter((t) => t.paymentType === 'A_PRAZO');
    expect(instalments.length).toBeGreaterThan(0);
    for (const t of instalments) expect(t.chargeIdentificator).toBeLessThanOrEqual(t.chargeNumber);
    // Filters narrow the bill and travel in its links.
    const refunds = await get(
      token,
      `/accounts/card-ana-visa/bills/${latest.billId}/transactions?transactionType=ESTORNO`,
      BILL_TX,
    );
    expect(refunds.body.data.every((t: { transactionType: string }) => t.transactionType === 'ESTORNO')).toBe(
      true,
    );
    expect(refunds.body.links.self).toContain('transactionType=ESTORNO');
    const mcc = billed.body.data[0].payeeMCC;
    const sameMcc = await get(
      token,
      `/accounts/card-ana-visa/bills/${latest.billId}/transactions?payeeMCC=${mcc}&page-size=1000`,
      BILL_TX,
    );
    expect(sameMcc.body.data.length).toBeGreaterThan(0);
    expect(sameMcc.body.data.every((t: { payeeMCC: number }) => t.payeeMCC === mcc)).toBe(true);

    const current = await get(
      token,
      '/accounts/card-ana-visa/transactions-current',
      `${ACCOUNT}/transactions-current`,
    );
    expect(current.status).toBe(200);
    for (const t of current.body.data)
      expect(t.transactionDateTime.slice(0, 10) >= isoDay(Date.now() - 6 * DAY)).toBe(true);

    // Bruno's card and Bruno's bill, even under Ana's card, are not there.
    expect((await get(token, '/accounts/card-bruno-business', ACCOUNT)).status).toBe(404);
    expect((await get(token, '/accounts/card-bruno-business/bills', `${ACCOUNT}/bills`)).status).toBe(404);
    const brunoBill = latest.billId.replace('card-ana-visa', 'card-bruno-business');
    const foreign = await get(token, `/accounts/card-ana-visa/bills/${brunoBill}/transactions`, BILL_TX);
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0].title).toBe('Fatura não encontrada');
  });

  it('pages transactions by transaction date with pagination-key, each transaction once', async () => {
    const { token } = await authorised(TRANSACTIONS);
    const to = isoDay(Date.now());
    const from = isoDay(Date.now() - 60 * DAY);
    const seen: string[] = [];
    let route: string | undefined =
      `/accounts/card-ana-visa/transactions?fromTransactionDate=${from}&toTransactionDate=${to}&page-size=25`;
    let pages = 0;
    while (route && pages < 50) {
      const page = await get(token, route, TX);
      expect(page.status).toBe(200);
      for (const t of page.body.data as { transactionId: string; transactionDateTime: string }[]) {
        expect(seen).not.toContain(t.transactionId);
        seen.push(t.transactionId);
        const day = t.transactionDateTime.slice(0, 10);
        expect(day >= from && day <= to).toBe(true);
      }
      const next: string | undefined = page.body.links.next;
      route = next ? next.slice(`${gw.url}${BASE}`.length) : undefined;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen.length).toBeGreaterThan(25);
    // The same transactions, in the same order, as one big page.
    const whole = await get(
      token,
      `/accounts/card-ana-visa/transactions?fromTransactionDate=${from}&toTransactionDate=${to}&page-size=1000`,
      TX,
    );
    expect(whole.body.links.next).toBeUndefined();
    expect(whole.body.data.map((t: { transactionId: string }) => t.transactionId)).toEqual(seen);
  });

  it('refuses bad dates and filters (400, 422), a card not selected (404) and a missing permission (403)', async () => {
    const { token } = await authorised(ALL);
    const tx = '/accounts/card-ana-visa/transactions';
    const status = async (route: string, template: string) => (await get(token, route, template)).status;
    const today = isoDay(Date.now());
    expect(await status(`${tx}?fromTransactionDate=${today}`, TX)).toBe(400);
    expect(await status(`${tx}?fromTransactionDate=2026-02-30&toTransactionDate=${today}`, TX)).toBe(400);
    expect(await status(`${tx}?fromTransactionDate=2000-01-01&toTransactionDate=2000-01-31`, TX)).toBe(422);
    expect(
      await status(`${tx}?fromTransactionDate=${today}&toTransactionDate=${isoDay(Date.now() - DAY)}`, TX),
    ).toBe(422);
    expect(await status(`${tx}?transactionType=COMPRA`, TX)).toBe(400);
    expect(await status(`${tx}?payeeMCC=abc`, TX)).toBe(400);
    expect(await status(`${tx}?page-size=1001`, TX)).toBe(422);
    const recent = `/accounts/card-ana-visa/transactions-current?fromTransactionDate=${isoDay(Date.now() - 30 * DAY)}&toTransactionDate=${today}`;
    expect(await status(recent, `${ACCOUNT}/transactions-current`)).toBe(422);
    const bills = '/accounts/card-ana-visa/bills';
    expect(await status(`${bills}?fromDueDate=yesterday`, `${ACCOUNT}/bills`)).toBe(400);
    expect(await status(`${bills}?fromDueDate=2026-10-10&toDueDate=2026-09-10`, `${ACCOUNT}/bills`)).toBe(
      422,
    );
    const narrowed = await get(
      token,
      `${bills}?fromDueDate=${isoDay(Date.now() - 70 * DAY)}&toDueDate=${today}`,
      `${ACCOUNT}/bills`,
    );
    expect(narrowed.body.data.length).toBeGreaterThanOrEqual(2);
    expect(narrowed.body.data.length).toBeLessThanOrEqual(3);
    expect(narrowed.body.links.self).toContain('fromDueDate=');

    // Ana chose her checking account only: her card is as unknown as any other.
    const { token: accountOnly } = await authorised(
      [...LIMITS, 'ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ'],
      'acc-ana-checking',
    );
    const none = await get(accountOnly, '/accounts', '/accounts');
    expect(none.status).toBe(200);
    expect(none.body.data).toEqual([]);
    expect((await get(accountOnly, '/accounts/card-ana-visa', ACCOUNT)).status).toBe(404);
    expect((await get(accountOnly, '/accounts/card-ana-visa/limits', `${ACCOUNT}/limits`)).status).toBe(404);

    // Limits only: no transactions, no bills.
    const { token: limitsOnly } = await authorised(LIMITS);
    expect((await get(limitsOnly, '/accounts/card-ana-visa/limits', `${ACCOUNT}/limits`)).status).toBe(200);
    const refused = await get(limitsOnly, tx, TX);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].detail).toContain('CREDIT_CARDS_ACCOUNTS_TRANSACTIONS_READ');
    expect((await get(limitsOnly, bills, `${ACCOUNT}/bills`)).status).toBe(403);
    expect((await get(limitsOnly, `${bills}/any-bill/transactions`, BILL_TX)).status).toBe(403);
  });
});
