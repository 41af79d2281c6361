// The connector conformance kit: jest tests every BankConnector must pass, declared by one call
// in a test file. The fixtures default to the mock core's demo dataset; a bank testing its own
// connector against its test core passes fixtures of its own test customers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ConnectorUnavailable,
  type BankConnector,
  type PageRequest,
  type TimeRange,
} from './sdk/connector.js';
import type { Page } from './sdk/model.js';

interface ConformanceFixtures {
  /** A customer with accounts, a credit card and plenty of transactions in `range`. */
  customerId: string;
  accountIds: string[];
  /** One of `accountIds`, with transactions and statements in `range`. */
  accountId: string;
  creditCardAccountId: string;
  /** Another customer's account and card: this customer must never see them. */
  foreignAccountId: string;
  foreignCreditCardAccountId: string;
  /** A window (dates, inclusive) with hundreds of transactions, statements and bills. */
  range: TimeRange;
}

export const DEMO_FIXTURES: ConformanceFixtures = {
  customerId: 'c0a80001-0000-4000-8000-000000000001',
  accountIds: ['acc-ana-checking', 'acc-ana-savings'],
  accountId: 'acc-ana-checking',
  creditCardAccountId: 'card-ana-visa',
  foreignAccountId: 'acc-bruno-business',
  foreignCreditCardAccountId: 'card-bruno-business',
  range: { from: '2026-08-01', to: '2026-10-31' },
};

interface ConnectorUnderTest {
  connector: BankConnector;
  close(): Promise<void>;
}

interface ConformanceOptions {
  fixtures?: ConformanceFixtures;
  /** The same connector with its backend down (a closed port, a stopped core). */
  makeUnavailable?: () => Promise<ConnectorUnderTest>;
}

const DECIMAL = /^-?\d+\.\d{2}$/;
const DATE_TIME_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A date range's bounds as the SDK defines them: whole UTC days, inclusive. */
const bounds = (r: TimeRange) => ({
  from: Date.parse(r.from.length === 10 ? `${r.from}T00:00:00Z` : r.from),
  to: r.to.length === 10 ? Date.parse(`${r.to}T00:00:00Z`) + DAY_MS - 1 : Date.parse(r.to),
});

type Booked = { transactionId: string; bookedAt: string; amount: string; status: string; direction: string };

/** Every page from the first to the one without nextCursor, checking each against the limit. */
async function allPages<T extends Booked>(fetch: (page: PageRequest) => Promise<Page<T>>, limit: number) {
  const items: T[] = [];
  const totals = new Set<number>();
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await fetch({ limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.items.length).toBe(limit);
    totals.add(page.total);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  expect(cursor).toBeUndefined();
  expect([...totals]).toHaveLength(1);
  return { items, total: [...totals][0]! };
}

/** In range, newest first, each exactly once, all of them, well-formed. */
function expectWellPaged<T extends Booked>(paged: { items: T[]; total: number }, range: TimeRange) {
  const { from, to } = bounds(range);
  const ids = paged.items.map((t) => t.transactionId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBe(paged.total);
  paged.items.forEach((t, i) => {
    expect(t.bookedAt).toMatch(DATE_TIME_MS);
    expect(t.amount).toMatch(DECIMAL);
    expect(['BOOKED', 'PENDING', 'FUTURE']).toContain(t.status);
    expect(['CREDIT', 'DEBIT']).toContain(t.direction);
    const ms = Date.parse(t.bookedAt);
    expect(ms >= from && ms <= to).toBe(true);
    if (i > 0) expect(ms).toBeLessThanOrEqual(Date.parse(paged.items[i - 1]!.bookedAt));
  });
}

export function describeConformance(
  name: string,
  makeConnector: () => Promise<ConnectorUnderTest>,
  options: ConformanceOptions = {},
): void {
  const fx = options.fixtures ?? DEMO_FIXTURES;

  describe(`connector conformance: ${name}`, () => {
    let under: ConnectorUnderTest;
    let c: BankConnector;
    beforeAll(async () => {
      under = await makeConnector();
      c = under.connector;
    });
    afterAll(() => under?.close());

    it("finds the customer and the customer's accounts", async () => {
      const customer = await c.getCustomer(fx.customerId);
      expect(customer).toMatchObject({ customerId: fx.customerId });
      expect(['PERSONAL', 'BUSINESS']).toContain(customer!.personType);
      expect(customer!.name).toBeTruthy();
      expect(customer!.customerSince).toMatch(DATE);
      const accounts = await c.listAccounts(fx.customerId);
      expect(accounts.map((a) => a.accountId)).toEqual(expect.arrayContaining(fx.accountIds));
      for (const a of accounts) {
        expect(a.customerId).toBe(fx.customerId);
        expect(['BRL', 'USD']).toContain(a.currency);
        expect(a.label).toBeTruthy();
      }
    });

    it("answers nothing about another customer's account or card", async () => {
      const { customerId: me, foreignAccountId: acc, foreignCreditCardAccountId: card, range } = fx;
      expect((await c.listAccounts(me)).map((a) => a.accountId)).not.toContain(acc);
      expect(await c.getBalance(me, acc)).toBeUndefined();
      expect(await c.listTransactions(me, acc, range, { limit: 10 })).toEqual({ items: [], total: 0 });
      expect(await c.listStatements(me, acc, range)).toEqual([]);
      expect((await c.listCreditCardAccounts(me)).map((x) => x.creditCardAccountId)).not.toContain(card);
      expect(await c.listBills(me, card, range)).toEqual([]);
      expect(await c.listCardTransactions(me, card, range, { limit: 10 })).toEqual({ items: [], total: 0 });
    });

    it('answers undefined or empty for unknown ids', async () => {
      const { customerId: me, range } = fx;
      expect(await c.getCustomer('no-such-customer')).toBeUndefined();
      expect(await c.listAccounts('no-such-customer')).toEqual([]);
      expect(await c.listCreditCardAccounts('no-such-customer')).toEqual([]);
      expect(await c.getBalance(me, 'no-such-account')).toBeUndefined();
      expect(await c.listTransactions(me, 'no-such-account', range, { limit: 10 })).toEqual({
        items: [],
        total: 0,
      });
      expect(await c.listStatements(me, 'no-such-account', range)).toEqual([]);
      expect(await c.listBills(me, 'no-such-card', range)).toEqual([]);
      expect(await c.listCardTransactions(me, 'no-such-card', range, { limit: 10 })).toEqual({
        items: [],
        total: 0,
      });
    });

    it('gives balances as decimal strings in the account currency', async () => {
      for (const a of await c.listAccounts(fx.customerId)) {
        const b = await c.getBalance(fx.customerId, a.accountId);
        expect(b).toMatchObject({ accountId: a.accountId, currency: a.currency });
        for (const amount of [b!.available, b!.blocked, b!.automaticallyInvested])
          expect(amount).toMatch(DECIMAL);
        if (b!.overdraftLimit !== undefined) expect(b!.overdraftLimit).toMatch(DECIMAL);
        if (b!.overdraftUsed !== undefined) expect(b!.overdraftUsed).toMatch(DECIMAL);
        expect(Number.isNaN(Date.parse(b!.updatedAt))).toBe(false);
      }
    });

    it('pages transactions in range, newest first, each exactly once whatever the page size', async () => {
      const fetch = (page: PageRequest) => c.listTransactions(fx.customerId, fx.accountId, fx.range, page);
      const big = await allPages(fetch, 500);
      expect(big.total).toBeGreaterThan(500);
      expectWellPaged(big, fx.range);
      for (const t of big.items) expect(t).toMatchObject({ accountId: fx.accountId });
      const small = await allPages(fetch, 173);
      expect(small.items.map((t) => t.transactionId)).toEqual(big.items.map((t) => t.transactionId));
    });

    it('respects the limit, and serves at most 500 per page', async () => {
      const seven = await c.listTransactions(fx.customerId, fx.accountId, fx.range, { limit: 7 });
      expect(seven.items).toHaveLength(7);
      expect(seven.nextCursor).toBeDefined();
      const many = await c.listTransactions(fx.customerId, fx.accountId, fx.range, { limit: 5000 });
      expect(many.items.length).toBeLessThanOrEqual(500);
      expect(many.items.length).toBe(Math.min(500, many.total));
    });

    it('takes date-times as well as dates', async () => {
      const day = bounds(fx.range).to - DAY_MS + 1;
      const range = {
        from: new Date(day + 9 * 3_600_000).toISOString(),
        to: new Date(day + 15 * 3_600_000).toISOString(),
      };
      const paged = await allPages((p) => c.listTransactions(fx.customerId, fx.accountId, range, p), 500);
      expect(paged.total).toBeGreaterThan(0);
      expectWellPaged(paged, range);
    });

    it('lists statements whose period ends in the range', async () => {
      const statements = await c.listStatements(fx.customerId, fx.accountId, fx.range);
      expect(statements.length).toBeGreaterThan(0);
      const { from, to } = bounds(fx.range);
      for (const s of statements) {
        expect(s.accountId).toBe(fx.accountId);
        expect(s.startDate <= s.endDate).toBe(true);
        const end = Date.parse(`${s.endDate}T00:00:00Z`);
        expect(end + DAY_MS - 1 >= from && end <= to).toBe(true);
        expect(s.openingBalance).toMatch(DECIMAL);
        expect(s.closingBalance).toMatch(DECIMAL);
      }
    });

    it('lists credit cards, their bills due in the range, and their transactions page by page', async () => {
      const cards = await c.listCreditCardAccounts(fx.customerId);
      const card = cards.find((x) => x.creditCardAccountId === fx.creditCardAccountId);
      expect(card).toMatchObject({ customerId: fx.customerId });
      for (const amount of [card!.limit, card!.used, card!.available]) expect(amount).toMatch(DECIMAL);

      const bills = await c.listBills(fx.customerId, fx.creditCardAccountId, fx.range);
      expect(bills.length).toBeGreaterThan(0);
      const { from, to } = bounds(fx.range);
      for (const b of bills) {
        expect(b.creditCardAccountId).toBe(fx.creditCardAccountId);
        const due = Date.parse(`${b.dueDate}T00:00:00Z`);
        expect(due + DAY_MS - 1 >= from && due <= to).toBe(true);
        expect(b.total).toMatch(DECIMAL);
        expect(b.minimumPayment).toMatch(DECIMAL);
      }

      const paged = await allPages(
        (p) => c.listCardTransactions(fx.customerId, fx.creditCardAccountId, fx.range, p),
        25,
      );
      expect(paged.total).toBeGreaterThan(25);
      expectWellPaged(paged, fx.range);
      for (const t of paged.items) {
        expect(t.creditCardAccountId).toBe(fx.creditCardAccountId);
        expect(t.merchant).toBeTruthy();
        if (t.installments) expect(t.installments.number).toBeLessThanOrEqual(t.installments.of);
      }
    });

    const whenDown = options.makeUnavailable ? it : it.skip;
    whenDown('fails with ConnectorUnavailable when its backend is down', async () => {
      const down = await options.makeUnavailable!();
      try {
        await expect(down.connector.getCustomer(fx.customerId)).rejects.toBeInstanceOf(ConnectorUnavailable);
        await expect(
          down.connector.listTransactions(fx.customerId, fx.accountId, fx.range, { limit: 10 }),
        ).rejects.toBeInstanceOf(ConnectorUnavailable);
      } finally {
        await down.close();
      }
    });
  });
}
