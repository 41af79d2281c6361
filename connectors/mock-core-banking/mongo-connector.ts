// The mock core's data read from its MongoDB collections (models.ts), as a BankConnector: what the
// core banking service answers with when CORE_BANKING_SOURCE=mongodb. Pages are cut by the same
// code as in memory (paging.ts), from the month buckets the range touches; every read is by `_id`.
import type { BankConnector, PageRequest, TimeRange } from '../sdk/connector.js';
import type {
  Account,
  Balance,
  Bill,
  CardTransaction,
  CreditCardAccount,
  Customer,
  Page,
  Statement,
  Transaction,
} from '../sdk/model.js';
import { startOfMonth } from './calendar.js';
import { bucketId, type CoreModels } from './models.js';
import { dayInBounds, pageNewestFirst, parseRange, type Bounds } from './paging.js';

/** The stored document without the storage's own fields. */
function canonical<T>(doc: object | null, ...drop: string[]): T | undefined {
  if (!doc) return undefined;
  const copy: Record<string, unknown> = { ...doc };
  for (const key of ['_id', ...drop]) delete copy[key];
  return copy as T;
}

const monthTouches = (month: string, b: Bounds) => {
  const start = Date.parse(`${month}-01T00:00:00Z`);
  return start <= b.toMs && startOfMonth(start, 1) - 1 >= b.fromMs;
};

type Owned = { _id: string; customerId: string; ledgerMonths: string[] };

export class MongoCoreBanking implements BankConnector {
  readonly name = 'mock-core-banking-mongodb';

  constructor(private readonly models: CoreModels) {}

  // Every read is by `_id` (models.ts says why): an account or card is found by its id and then
  // checked to be the customer's, and a customer's lists start from the ids its document holds.

  private async account(customerId: string, accountId: string): Promise<Owned | undefined> {
    const doc = await this.models.Account.findById(accountId).lean<Owned>();
    return doc?.customerId === customerId ? doc : undefined;
  }

  private async card(customerId: string, creditCardAccountId: string): Promise<Owned | undefined> {
    const doc = await this.models.CreditCard.findById(creditCardAccountId).lean<Owned>();
    return doc?.customerId === customerId ? doc : undefined;
  }

  /** The customer's documents of `model` whose ids the customer's document lists under `key`. */
  private async owned(
    customerId: string,
    key: 'accountIds' | 'creditCardAccountIds',
    model: CoreModels['Account'] | CoreModels['CreditCard'],
  ): Promise<Owned[]> {
    const customer = await this.models.Customer.findById(customerId).lean();
    const docs = await Promise.all((customer?.[key] ?? []).map((id) => model.findById(id).lean<Owned>()));
    return docs.filter((d): d is Owned => d?.customerId === customerId);
  }

  /** Newest-first items of the buckets the bounds touch; undefined when the owner is not the customer's. */
  private async items<T extends { bookedAt: string; transactionId: string }>(
    owner: Owned | undefined,
    buckets: CoreModels['Transactions'],
    bounds: Bounds,
  ): Promise<T[] | undefined> {
    if (!owner) return undefined;
    const months = owner.ledgerMonths.filter((m) => monthTouches(m, bounds));
    const docs = await Promise.all(months.map((m) => buckets.findById(bucketId(owner._id, m)).lean()));
    return docs.flatMap((d) => (d ? (JSON.parse(d.items) as T[]) : []));
  }

  /** An owner's whole list (statements, bills), newest first. */
  private async list<T>(model: CoreModels['Statements'], ownerId: string): Promise<T[]> {
    const doc = await model.findById(ownerId).lean();
    return doc ? (JSON.parse(doc.items) as T[]) : [];
  }

  async getCustomer(customerId: string) {
    return canonical<Customer>(
      await this.models.Customer.findById(customerId).lean(),
      'accountIds',
      'creditCardAccountIds',
    );
  }

  async listAccounts(customerId: string) {
    const docs = await this.owned(customerId, 'accountIds', this.models.Account);
    return docs.map((d) => canonical<Account>(d, 'balance', 'ledgerMonths')!);
  }

  async getBalance(customerId: string, accountId: string) {
    return ((await this.account(customerId, accountId)) as { balance?: Balance } | undefined)?.balance;
  }

  async listTransactions(
    customerId: string,
    accountId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<Transaction>> {
    const bounds = parseRange(range);
    const account = await this.account(customerId, accountId);
    const items = await this.items<Transaction>(account, this.models.Transactions, bounds);
    return items ? pageNewestFirst(items, bounds, page) : { items: [], total: 0 };
  }

  async listStatements(customerId: string, accountId: string, range: TimeRange) {
    const bounds = parseRange(range);
    if (!(await this.account(customerId, accountId))) return [];
    const statements = await this.list<Statement>(this.models.Statements, accountId);
    return statements.filter((s) => dayInBounds(s.endDate, bounds));
  }

  async listCreditCardAccounts(customerId: string) {
    const docs = await this.owned(customerId, 'creditCardAccountIds', this.models.CreditCard);
    return docs.map((d) => canonical<CreditCardAccount>(d, 'ledgerMonths')!);
  }

  async listBills(customerId: string, creditCardAccountId: string, range: TimeRange) {
    const bounds = parseRange(range);
    if (!(await this.card(customerId, creditCardAccountId))) return [];
    const bills = await this.list<Bill>(this.models.Bills, creditCardAccountId);
    return bills.filter((b) => dayInBounds(b.dueDate, bounds));
  }

  async listCardTransactions(
    customerId: string,
    creditCardAccountId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<CardTransaction>> {
    const bounds = parseRange(range);
    const card = await this.card(customerId, creditCardAccountId);
    const items = await this.items<CardTransaction>(card, this.models.CardTransactions, bounds);
    return items ? pageNewestFirst(items, bounds, page) : { items: [], total: 0 };
  }
}
