// Loads a dataset into the mock core's collections. Idempotent: every document is replaced by id
// and documents the dataset no longer has are removed, so running it twice leaves the same data.
// No transactions (FerretDB has none): the marker is written last, so an interrupted seed is
// simply seeded again.
import type { Model, mongo } from 'mongoose';
import { replaceManyById } from '../../lib/mongo/replace-by-id.js';
import type { Dataset } from './dataset.js';
import { bucketId, CORE_LAYOUT, type CoreModels } from './models.js';

const DATASET_MARKER = 'demo';

interface SeedCounts {
  customers: number;
  accounts: number;
  transactions: number;
  statements: number;
  creditCards: number;
  bills: number;
  cardTransactions: number;
}

type Doc = mongo.Document & { _id: string };

/** Month buckets of a newest-first list, newest month first. */
function buckets<T extends { bookedAt: string }>(ownerId: string, newestFirst: readonly T[]): Doc[] {
  const byMonth = new Map<string, T[]>();
  for (const item of newestFirst) {
    const month = item.bookedAt.slice(0, 7);
    const list = byMonth.get(month);
    if (list) list.push(item);
    else byMonth.set(month, [item]);
  }
  return [...byMonth].map(([month, items]) => ({
    _id: bucketId(ownerId, month),
    ownerId,
    month,
    count: items.length,
    items: JSON.stringify(items),
  }));
}

// Buckets are up to a few hundred kilobytes each: replaceManyById's commands of ten documents keep
// every message well under 16 MB (and FerretDB's pool out of reach, see db/replace-by-id.ts).
async function replaceAll(model: Model<never>, docs: Doc[]): Promise<void> {
  const collection = model.collection as unknown as mongo.Collection<Doc>;
  await replaceManyById(collection, docs);
  await collection.deleteMany({ _id: { $nin: docs.map((d) => d._id) } });
}

/** One owner's list as one document, newest first by `date`. */
function list<T>(ownerId: string, items: readonly T[], date: (item: T) => string): Doc {
  const newestFirst = [...items].sort((a, b) => (date(a) < date(b) ? 1 : date(a) > date(b) ? -1 : 0));
  return { _id: ownerId, count: items.length, items: JSON.stringify(newestFirst) };
}

/** The ids of what each customer owns, in id order (the order lists are answered in). */
function idsByCustomer<T extends { customerId: string }>(items: readonly T[], idOf: (item: T) => string) {
  const ids = new Map<string, string[]>();
  for (const item of items) ids.set(item.customerId, [...(ids.get(item.customerId) ?? []), idOf(item)]);
  return (customerId: string) => (ids.get(customerId) ?? []).sort();
}

export async function isSeeded(models: CoreModels, dataset: Dataset): Promise<boolean> {
  const marker = await models.Dataset.findById(DATASET_MARKER).lean();
  return (
    marker?.layout === CORE_LAYOUT &&
    marker.version === dataset.version &&
    marker.seed === dataset.seed &&
    marker.asOf === dataset.asOf &&
    marker.months === dataset.months
  );
}

export async function seedCoreBanking(models: CoreModels, dataset: Dataset): Promise<SeedCounts> {
  const accounts: Doc[] = [];
  const statements: Doc[] = [];
  const transactions: Doc[] = [];
  for (const account of dataset.accounts) {
    const ledger = dataset.ledger(account.accountId)!;
    const months = buckets(account.accountId, ledger.transactions);
    transactions.push(...months);
    accounts.push({
      _id: account.accountId,
      ...account,
      balance: ledger.balance,
      ledgerMonths: months.map((b) => b.month),
    });
    statements.push(list(account.accountId, ledger.statements, (s) => s.endDate));
  }
  const cards: Doc[] = [];
  const bills: Doc[] = [];
  const cardTransactions: Doc[] = [];
  for (const card of dataset.creditCards) {
    const ledger = dataset.cardLedger(card.creditCardAccountId)!;
    const months = buckets(card.creditCardAccountId, ledger.transactions);
    cardTransactions.push(...months);
    cards.push({ _id: card.creditCardAccountId, ...card, ledgerMonths: months.map((b) => b.month) });
    bills.push(list(card.creditCardAccountId, ledger.bills, (b) => b.dueDate));
  }
  const accountIds = idsByCustomer(dataset.accounts, (a) => a.accountId);
  const cardIds = idsByCustomer(dataset.creditCards, (c) => c.creditCardAccountId);
  const customers: Doc[] = dataset.customers.map((c) => ({
    _id: c.customerId,
    ...c,
    accountIds: accountIds(c.customerId),
    creditCardAccountIds: cardIds(c.customerId),
  }));

  const m = models as unknown as Record<keyof CoreModels, Model<never>>;
  await replaceAll(m.Customer, customers);
  await replaceAll(m.Account, accounts);
  await replaceAll(m.Statements, statements);
  await replaceAll(m.Transactions, transactions);
  await replaceAll(m.CreditCard, cards);
  await replaceAll(m.Bills, bills);
  await replaceAll(m.CardTransactions, cardTransactions);

  const sum = (docs: Doc[]) => docs.reduce((s, d) => s + (d.count as number), 0);
  const counts: SeedCounts = {
    customers: customers.length,
    accounts: accounts.length,
    transactions: sum(transactions),
    statements: sum(statements),
    creditCards: cards.length,
    bills: sum(bills),
    cardTransactions: sum(cardTransactions),
  };
  const { version, seed, asOf, months } = dataset;
  await models.Dataset.replaceOne(
    { _id: DATASET_MARKER },
    { version, seed, asOf, months, counts, layout: CORE_LAYOUT, seededAt: new Date() },
    { upsert: true },
  );
  return counts;
}
