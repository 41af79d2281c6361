// The mock core's own collections (core_*), beside but apart from the platform's (db/models/).
// Customers, accounts and cards are stored with the canonical model's fields (connectors/sdk/
// model.ts is their schema, hence `strict: false`) plus the storage's own lists of what they own.
// FerretDB v1 on SQLite pushes down only a filter that is exactly `{_id}`: any other query scans
// and decodes every document of the collection, so every read here is an `_id` lookup, owners
// first: a customer lists its accounts' and cards' ids, and an account's statements (a card's
// bills) are one document keyed by the account (card). Transactions are stored in monthly buckets
// whose items are one JSON string: 30 000 small documents cost ~1 s per query and upserting them
// grows quadratically (measured: 4 000 upserts took 39 s), while a hundred buckets fetched by
// `_id` answer a page in tens of milliseconds and seed in seconds. On MongoDB the same layout is
// the usual bucket pattern.
import { Schema, type Connection } from 'mongoose';

const id = { _id: { type: String, required: true } };
const options = (collection: string) => ({ collection, versionKey: false as const, strict: false as const });
const owner = { type: String, required: true };

/** What the storage adds to a customer: the ids of what it owns, so lists start from one `_id`. */
const customerSchema = new Schema(
  {
    ...id,
    accountIds: { type: [String], required: true },
    creditCardAccountIds: { type: [String], required: true },
  },
  options('core_customers'),
);

/** An account with its current balance and the months its transaction buckets cover. */
const accountSchema = new Schema(
  { ...id, customerId: owner, ledgerMonths: { type: [String], required: true } },
  options('core_accounts'),
);

const creditCardSchema = new Schema(
  { ...id, customerId: owner, ledgerMonths: { type: [String], required: true } },
  options('core_credit_cards'),
);

/** All of one account's statements (one card's bills): `_id` is the account's (card's) id. */
const listSchema = (collection: string) =>
  new Schema(
    {
      ...id,
      count: { type: Number, required: true },
      /** JSON array, newest first. */
      items: { type: String, required: true },
    },
    { collection, versionKey: false },
  );

/** One month of one account's (or card's) transactions: `_id` is `<ownerId>|<YYYY-MM>`. */
const bucketSchema = (collection: string) =>
  new Schema(
    {
      ...id,
      ownerId: owner,
      month: { type: String, required: true },
      count: { type: Number, required: true },
      /** JSON array, newest first. */
      items: { type: String, required: true },
    },
    { collection, versionKey: false },
  );

/** What was seeded, written last: a server finding it current skips seeding. */
const datasetSchema = new Schema(
  {
    ...id,
    version: { type: Number, required: true },
    seed: { type: Number, required: true },
    asOf: { type: String, required: true },
    months: { type: Number, required: true },
    counts: { type: Schema.Types.Mixed, required: true },
    /** CORE_LAYOUT when seeded; absent in databases seeded before the layout had a number. */
    layout: { type: Number },
    seededAt: { type: Date, required: true },
  },
  { collection: 'core_datasets', versionKey: false },
);

/** The collections' shape: bump it when it changes, so a database seeded before is seeded again. */
export const CORE_LAYOUT = 2;

export const bucketId = (ownerId: string, month: string) => `${ownerId}|${month}`;

export function coreModels(connection: Connection) {
  return {
    Customer: connection.model('CoreCustomer', customerSchema),
    Account: connection.model('CoreAccount', accountSchema),
    CreditCard: connection.model('CoreCreditCard', creditCardSchema),
    Statements: connection.model('CoreStatementList', listSchema('core_statements')),
    Bills: connection.model('CoreBillList', listSchema('core_bills')),
    Transactions: connection.model('CoreTransactionBucket', bucketSchema('core_transactions')),
    CardTransactions: connection.model('CoreCardTransactionBucket', bucketSchema('core_card_transactions')),
    Dataset: connection.model('CoreDataset', datasetSchema),
  };
}

export type CoreModels = ReturnType<typeof coreModels>;

export async function createCoreIndexes(models: CoreModels): Promise<void> {
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
}
