// The mock core's demo dataset: the same options give the same data, fast, and the data adds up
// (statements chain, balances follow the transactions, bills total their card transactions).
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { listAccounts } from '../../connectors/mock-core-banking/accounts.js';
import { generateDataset, type Dataset } from '../../connectors/mock-core-banking/dataset.js';
import { normalizeCnpj, normalizeCpf, normalizeEin } from '../../lib/validation/tax-id.js';

// A month's first day: the last statement then closes at the dataset's "now".
const AS_OF = new Date('2026-11-01T00:00:00Z');
const cents = (amount: string) => Math.round(Number(amount) * 100);
const signed = (t: { direction: string; amount: string }) =>
  (t.direction === 'CREDIT' ? 1 : -1) * cents(t.amount);

/** Everything a dataset holds, hashed. */
function fingerprint(d: Dataset): string {
  const hash = createHash('sha256').update(JSON.stringify([d.customers, d.accounts, d.creditCards]));
  for (const a of d.accounts) hash.update(JSON.stringify(d.ledger(a.accountId)));
  for (const c of d.creditCards) hash.update(JSON.stringify(d.cardLedger(c.creditCardAccountId)));
  return hash.digest('hex');
}

describe('mock core dataset', () => {
  it('is the same for the same options, and differs with the seed or the date', () => {
    const started = performance.now();
    const standard = fingerprint(generateDataset({ asOf: AS_OF }));
    console.info(`generated and hashed the whole dataset in ${(performance.now() - started).toFixed(0)} ms`);
    expect(fingerprint(generateDataset({ asOf: AS_OF }))).toBe(standard);
    expect(fingerprint(generateDataset({ asOf: AS_OF, seed: 7 }))).not.toBe(standard);
    expect(fingerprint(generateDataset({ asOf: new Date('2026-12-01T00:00:00Z') }))).not.toBe(standard);
  });

  it('keeps the demo customers and accounts the consent page lists', async () => {
    const ana = 'c0a80001-0000-4000-8000-000000000001';
    const bruno = 'c0a80001-0000-4000-8000-000000000002';
    expect((await listAccounts(ana)).map(({ accountId, label }) => ({ accountId, label }))).toEqual([
      { accountId: 'acc-ana-checking', label: 'Checking 0001 / ****-1234' },
      { accountId: 'acc-ana-savings', label: 'Savings 0001 / ****-5678' },
    ]);
    expect(await listAccounts(bruno)).toEqual([
      expect.objectContaining({
        accountId: 'acc-bruno-business',
        label: 'Business checking 0002 / ****-9012',
      }),
    ]);
    const d = generateDataset({ asOf: AS_OF });
    expect(d.customers.find((c) => c.customerId === ana)).toMatchObject({
      name: 'Ana Souza',
      taxId: '52998224725',
    });
    expect(d.customers.find((c) => c.customerId === bruno)).toMatchObject({
      personType: 'BUSINESS',
      taxId: '11222333000181',
    });
    for (const c of d.customers.filter((x) => x.address?.country === 'BR'))
      expect((c.personType === 'PERSONAL' ? normalizeCpf : normalizeCnpj)(c.taxId)).toBe(c.taxId);
    const us = d.customers.filter((x) => x.address?.country === 'US');
    expect(us.map((c) => c.personType).sort()).toEqual(['BUSINESS', 'PERSONAL']);
    expect(normalizeEin(us.find((c) => c.personType === 'BUSINESS')!.taxId)).toBeDefined();
    expect(new Set(d.accounts.map((a) => a.currency))).toEqual(new Set(['BRL', 'USD']));
  });

  it('gives every account a history that adds up to its statements and balance', () => {
    const d = generateDataset({ asOf: AS_OF });
    const asOf = Date.parse(d.asOf);
    const ids = new Set<string>();
    for (const account of d.accounts) {
      const { transactions, statements, balance } = d.ledger(account.accountId)!;
      // One expect per account, not per transaction: there are tens of thousands.
      const odd = transactions.filter(
        (t, i) =>
          !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t.bookedAt) ||
          ids.has(t.transactionId) ||
          !ids.add(t.transactionId) ||
          (t.status === 'FUTURE') !== Date.parse(t.bookedAt) >= asOf ||
          (i > 0 && transactions[i - 1]!.bookedAt < t.bookedAt),
      );
      expect(odd).toEqual([]);
      if (account.type === 'CHECKING') {
        const sixMonths = transactions.filter((t) => Date.parse(t.bookedAt) >= asOf - 183 * 86_400_000);
        expect(sixMonths.length).toBeGreaterThan(2000);
        expect(transactions.some((t) => t.status === 'PENDING')).toBe(true);
        expect(transactions.some((t) => t.status === 'FUTURE')).toBe(true);
      }

      expect(statements.length).toBe(12);
      for (const s of statements) {
        const booked = transactions.filter(
          (t) =>
            t.status === 'BOOKED' &&
            t.bookedAt.slice(0, 10) >= s.startDate &&
            t.bookedAt.slice(0, 10) <= s.endDate,
        );
        expect(cents(s.openingBalance) + booked.reduce((sum, t) => sum + signed(t), 0)).toBe(
          cents(s.closingBalance),
        );
      }
      for (let i = 1; i < statements.length; i++)
        expect(statements[i - 1]!.openingBalance).toBe(statements[i]!.closingBalance);

      const pendingDebits = transactions.filter((t) => t.status === 'PENDING' && t.direction === 'DEBIT');
      expect(cents(balance.blocked)).toBe(pendingDebits.reduce((s, t) => s + cents(t.amount), 0));
      expect(cents(balance.available) + cents(balance.blocked)).toBe(cents(statements[0]!.closingBalance));
      expect(cents(balance.available)).toBeGreaterThanOrEqual(0);
    }
  });

  it('bills each closed cycle with the card transactions it holds, some in installments', () => {
    const d = generateDataset({ asOf: AS_OF });
    for (const card of d.creditCards) {
      const { bills, transactions } = d.cardLedger(card.creditCardAccountId)!;
      expect(bills.length).toBe(12);
      for (const bill of bills) {
        const billed = transactions.filter((t) => t.billId === bill.billId);
        expect(billed.length).toBeGreaterThan(0);
        expect(cents(bill.total)).toBe(
          Math.max(
            0,
            billed.reduce((s, t) => s - signed(t), 0),
          ),
        );
        expect(bill.closingDate < bill.dueDate).toBe(true);
      }
      expect(cents(card.used) + cents(card.available)).toBe(cents(card.limit));
      expect(cents(card.available)).toBeGreaterThan(0);
      if (card.currency === 'BRL')
        expect(transactions.some((t) => t.installments && t.installments.of > 1)).toBe(true);
    }
  });
});
