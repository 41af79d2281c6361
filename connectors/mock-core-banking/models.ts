// The mock core's own collections (core_*), beside but apart from the platform's (db/models/).
// Customers, accounts, cards, statements and bills are stored with the canonical model's fields
// (connectors/sdk/model.ts is their schema, hence `strict: false`). Transactions are stored in
// monthly buckets whose items are one JSON string: FerretDB v1 on SQLite decodes every document a
// query scans, except for `_id` lookups, so 30 000 small documents cost ~1 s per query and
// upserting them grows quadratically (measured: 4 000 upserts took 39 s), while a hundred buckets
// fetched by `_id` answer a page in tens of milliseconds and seed in seconds. On MongoDB the same
// layout is the usual bucket pattern.
import { Schema, type Connection } from 'mongoose';

const id = { _id: { type: String, required: true } };
const options = (collection: string) => ({ collection, versionKey: false as const, strict: false as const });
const owner = { type: String, required: true };

const customerSchema = new Schema({ ...id }, options('core_customers'));

/** An account with its current balance and the months its transaction buckets cover. */
const accountSchema = new Schema(
  { ...id, customerId: owner, ledgerMonths: { type: [String], required: true } },
  options('core_accounts'),
);
accountSchema.index({ customerId: 1 });

const creditCardSchema = new Schema(
  { ...id, customerId: owner, ledgerMonths: { type: [String], required: true } },
  options('core_credit_cards'),
);
creditCardSchema.index({ customerId: 1 });

const statementSchema = new Schema({ ...id, accountId: owner }, options('core_statements'));
statementSchema.index({ accountId: 1, endDate: -1 });

const billSchema = new Schema({ ...id, creditCardAccountId: owner }, options('core_bills'));
billSchema.index({ creditCardAccountId: 1, dueDate: -1 });

/** One month of one account's (or card's) transactions: `_id` is `<ownerId>|<YYYY-MM>`. */
const bucketSchema = (collection: string) => {
  const schema = new Schema(
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
  schema.index({ ownerId: 1, month: -1 });
  return schema;
};

/** What was seeded, written last: a server finding it current skips seeding. */
const datasetSchema = new Schema(
  {
    ...id,
    version: { type: Number, required: true },
    seed: { type: Number, required: true },
    asOf: { type: String, required: true },
    months: { type: Number, required: true },
    counts: { type: Schema.Types.Mixed, required: true },
    seededAt: { type: Date, required: true },
  },
  { collection: 'core_datasets', versionKey: false },
);

export const bucketId = (ownerId: string, month: string) => `${ownerId}|${month}`;

export function coreModels(connection: Connection) {
  return {
    Customer: connection.model('CoreCustomer', customerSchema),
    Account: connection.model('CoreAccount', accountSchema),
    CreditCard: connection.model('CoreCreditCard', creditCardSchema),
    Statement: connection.model('CoreStatement', statementSchema),
    Bill: connection.model('CoreBill', billSchema),
    Transactions: connection.model('CoreTransactionBucket', bucketSchema('core_transactions')),
    CardTransactions: connection.model('CoreCardTransactionBucket', bucketSchema('core_card_transactions')),
    Dataset: connection.model('CoreDataset', datasetSchema),
  };
}

export type CoreModels = ReturnType<typeof coreModels>;

export async function createCoreIndexes(models: CoreModels): Promise<void> {
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
}
