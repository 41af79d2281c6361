// The mock core's data read from its MongoDB collections (models.ts), as a BankConnector: what the
// core banking service answers with when CORE_BANKING_SOURCE=mongodb. Pages are cut by the same
// code as in memory (paging.ts), from the month buckets the range touches.
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

export class MongoCoreBanking implements BankConnector {
  readonly name = 'mock-core-banking-mongodb';

  constructor(private readonly models: CoreModels) {}

  /** Newest-first items of the buckets the bounds touch; undefined when the owner is not the customer's. */
  private async items<T extends { bookedAt: string; transactionId: string }>(
    owner: { ledgerMonths: string[]; _id: string } | null,
    buckets: CoreModels['Transactions'],
    bounds: Bounds,
  ): Promise<T[] | undefined> {
    if (!owner) return undefined;
    const months = owner.ledgerMonths.filter((m) => monthTouches(m, bounds));
    const docs = await Promise.all(months.map((m) => buckets.findById(bucketId(owner._id, m)).lean()));
    return docs.flatMap((d) => (d ? (JSON.parse(d.items) as T[]) : []));
  }

  async getCustomer(customerId: string) {
    return canonical<Customer>(await this.models.Customer.findById(customerId).lean());
  }

  async listAccounts(customerId: string) {
    const docs = await this.models.Account.find({ customerId }).sort({ _id: 1 }).lean();
    return docs.map((d) => canonical<Account>(d, 'balance', 'ledgerMonths')!);
  }

  async getBalance(customerId: string, accountId: string) {
    const doc = await this.models.Account.findOne({ _id: accountId, customerId }).lean();
    return (doc as { balance?: Balance } | null)?.balance;
  }

  async listTransactions(
    customerId: string,
    accountId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<Transaction>> {
    const bounds = parseRange(range);
    const account = await this.models.Account.findOne({ _id: accountId, customerId }).lean();
    const items = await this.items<Transaction>(account, this.models.Transactions, bounds);
    return items ? pageNewestFirst(items, bounds, page) : { items: [], total: 0 };
  }

  async listStatements(customerId: string, accountId: string, range: TimeRange) {
    const bounds = parseRange(range);
    if (!(await this.models.Account.exists({ _id: accountId, customerId }))) return [];
    const docs = await this.models.Statement.find({ accountId }).lean();
    return docs
      .map((d) => canonical<Statement>(d)!)
      .filter((s) => dayInBounds(s.endDate, bounds))
      .sort((a, b) => (a.endDate < b.endDate ? 1 : -1));
  }

  async listCreditCardAccounts(customerId: string) {
    const docs = await this.models.CreditCard.find({ customerId }).sort({ _id: 1 }).lean();
    return docs.map((d) => canonical<CreditCardAccount>(d, 'ledgerMonths')!);
  }

  async listBills(customerId: string, creditCardAccountId: string, range: TimeRange) {
    const bounds = parseRange(range);
    if (!(await this.models.CreditCard.exists({ _id: creditCardAccountId, customerId }))) return [];
    const docs = await this.models.Bill.find({ creditCardAccountId }).lean();
    return docs
      .map((d) => canonical<Bill>(d)!)
      .filter((b) => dayInBounds(b.dueDate, bounds))
      .sort((a, b) => (a.dueDate < b.dueDate ? 1 : -1));
  }

  async listCardTransactions(
    customerId: string,
    creditCardAccountId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<CardTransaction>> {
    const bounds = parseRange(range);
    const card = await this.models.CreditCard.findOne({ _id: creditCardAccountId, customerId }).lean();
    const items = await this.items<CardTransaction>(card, this.models.CardTransactions, bounds);
    return items ? pageNewestFirst(items, bounds, page) : { items: [], total: 0 };
  }
}
