// `mock-core-banking`: the demo dataset in this process, no network. Unit and workflow tests use
// it, and so can a development worker without the core service. `unavailable: 'true'` makes every
// call fail as a core that is down would, for circuit-breaker tests.
import {
  ConnectorUnavailable,
  type BankConnector,
  type PageRequest,
  type TimeRange,
} from '../sdk/connector.js';
import type { Page, Transaction, CardTransaction } from '../sdk/model.js';
import { registerConnector } from '../sdk/registry.js';
import { defaultDataset, generateDataset, type Dataset } from './dataset.js';
import { dayInBounds, pageNewestFirst, parseRange } from './paging.js';

const EMPTY = { items: [], total: 0 };

export class MockCoreBankingConnector implements BankConnector {
  readonly name = 'mock-core-banking';

  constructor(
    readonly dataset: Dataset = defaultDataset(),
    private readonly options: { unavailable?: boolean } = {},
  ) {}

  private check(): void {
    if (this.options.unavailable)
      throw new ConnectorUnavailable('mock core banking is down (unavailable: true)');
  }

  /** The account's ledger, only when it is this customer's. */
  private ledger(customerId: string, accountId: string) {
    this.check();
    const own = this.dataset.accounts.some((a) => a.accountId === accountId && a.customerId === customerId);
    return own ? this.dataset.ledger(accountId) : undefined;
  }

  private cardLedger(customerId: string, creditCardAccountId: string) {
    this.check();
    const own = this.dataset.creditCards.some(
      (c) => c.creditCardAccountId === creditCardAccountId && c.customerId === customerId,
    );
    return own ? this.dataset.cardLedger(creditCardAccountId) : undefined;
  }

  async getCustomer(customerId: string) {
    this.check();
    return this.dataset.customers.find((c) => c.customerId === customerId);
  }

  async listAccounts(customerId: string) {
    this.check();
    return this.dataset.accounts
      .filter((a) => a.customerId === customerId)
      .sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  }

  async getBalance(customerId: string, accountId: string) {
    return this.ledger(customerId, accountId)?.balance;
  }

  async listTransactions(
    customerId: string,
    accountId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<Transaction>> {
    const bounds = parseRange(range);
    const ledger = this.ledger(customerId, accountId);
    return ledger ? pageNewestFirst(ledger.transactions, bounds, page) : EMPTY;
  }

  async listStatements(customerId: string, accountId: string, range: TimeRange) {
    const bounds = parseRange(range);
    return (this.ledger(customerId, accountId)?.statements ?? []).filter((s) =>
      dayInBounds(s.endDate, bounds),
    );
  }

  async listCreditCardAccounts(customerId: string) {
    this.check();
    return this.dataset.creditCards
      .filter((c) => c.customerId === customerId)
      .sort((a, b) => (a.creditCardAccountId < b.creditCardAccountId ? -1 : 1));
  }

  async listBills(customerId: string, creditCardAccountId: string, range: TimeRange) {
    const bounds = parseRange(range);
    return (this.cardLedger(customerId, creditCardAccountId)?.bills ?? []).filter((b) =>
      dayInBounds(b.dueDate, bounds),
    );
  }

  async listCardTransactions(
    customerId: string,
    creditCardAccountId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<CardTransaction>> {
    const bounds = parseRange(range);
    const ledger = this.cardLedger(customerId, creditCardAccountId);
    return ledger ? pageNewestFirst(ledger.transactions, bounds, page) : EMPTY;
  }
}

registerConnector(
  'mock-core-banking',
  (options) =>
    new MockCoreBankingConnector(
      options.asOf ? generateDataset({ asOf: new Date(options.asOf) }) : defaultDataset(),
      {
        unavailable: options.unavailable === 'true',
      },
    ),
);
