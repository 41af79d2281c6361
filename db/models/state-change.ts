// A journal of changes to the records the gateway checks on every call (consents, applications),
// so its replicas can keep those states cached and drop exactly what changed. One counter document
// (`_id: 'generation'`) numbers the changes; change n is written to the ring slot `slot:<n % RING>`,
// which a later change overwrites; `claim:<n>` says number n is taken (recordStateChange). Every
// document is read and written by `_id`, the one filter FerretDB v1 pushes down to SQLite. A reader
// that finds a slot not yet written, or overwritten, cannot tell what changed and forgets everything
// it cached (state-cache.ts).
import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from '../insert-once.js';

/** How many changes the ring keeps: a reader that falls further behind forgets everything. */
const STATE_CHANGE_RING = 256;
export const GENERATION_ID = 'generation';
export const slotId = (n: number) => `slot:${n % STATE_CHANGE_RING}`;

/** What changed: one record of a kind, or (`id: '*'`) records the writer could not name. */
export interface StateChangeDoc {
  _id: string;
  /** The counter document: the number of the latest change. A slot: the change it holds. */
  n: number;
  kind?: string;
  id?: string;
}

const stateChangeSchema = new Schema<StateChangeDoc>(
  {
    _id: { type: String, required: true },
    n: { type: Number, required: true },
    kind: { type: String },
    id: { type: String },
  },
  { collection: 'state_changes', versionKey: false },
);

export type StateChangeModel = Model<StateChangeDoc>;

export function stateChangeModel(connection: Connection): StateChangeModel {
  return connection.model<StateChangeDoc>('StateChange', stateChangeSchema);
}

/** The document saying change `n`'s number is taken (see recordStateChange). */
export const claimId = (n: number) => `claim:${n}`;

const DUPLICATE_KEY = 11000;

/**
 * Record that `kind`'s record `id` changed (after the write: a reader then reads the new state).
 *
 * FerretDB v1 applies `$inc` as an unlocked read then write, on SQLite and on PostgreSQL alike, so
 * two writers at once (two workers, or two writes in one process) can both be handed the same
 * number; the second's slot would then hide the first's change from every gateway replica until
 * STATE_MAX_AGE_MS. Each number is therefore claimed by an insert, which the `_id` index makes
 * exclusive, and a writer that loses its number takes the next one. Claims are kept for one turn of
 * the ring, longer than any writer holds a number it was handed.
 */
export async function recordStateChange(model: StateChangeModel, kind: string, id: string): Promise<void> {
  for (;;) {
    const n = await nextNumber(model);
    if (!(await insertOnce(model, { _id: claimId(n), n }))) continue;
    await model.replaceOne({ _id: slotId(n) }, { _id: slotId(n), n, kind, id }, { upsert: true });
    // A late write of a lost `$inc` may have set the counter back below n: readers stop at the
    // counter, so it is put back before this change counts as journaled.
    const counter = async () => (await model.findById(GENERATION_ID, { n: 1 }).lean())?.n;
    for (let at = await counter(); at !== undefined && at < n; at = await counter())
      await model.updateOne({ _id: GENERATION_ID, n: { $lt: n } }, { $set: { n } });
    await model.deleteOne({ _id: claimId(n - STATE_CHANGE_RING) });
    return;
  }
}

async function nextNumber(model: StateChangeModel): Promise<number> {
  for (;;) {
    try {
      const counter = await model
        .findOneAndUpdate(
          { _id: GENERATION_ID },
          { $inc: { n: 1 } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean();
      return counter!.n;
    } catch (err) {
      // Two first writers both inserted the counter (FerretDB's upsert is a read then an insert).
      if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
    }
  }
}

const QUERY_WRITES = [
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
] as const;

/**
 * A schema plugin: every write through the model journals the record it changed, so no writer can
 * forget to. A write whose filter names no single `_id` journals `*` (readers forget that kind).
 */
export function journalsStateChanges(kind: string) {
  return (schema: Schema) => {
    const journal = async (connection: Connection, id: unknown) =>
      recordStateChange(
        (connection.models.StateChange as StateChangeModel | undefined) ?? stateChangeModel(connection),
        kind,
        typeof id === 'string' || typeof id === 'number' ? String(id) : '*',
      );
    for (const op of QUERY_WRITES)
      schema.post(op, async function (this: { model: Model<unknown>; getFilter(): Record<string, unknown> }) {
        await journal(this.model.db, this.getFilter()._id);
      });
    schema.post('save', async function (this: { _id: unknown; db: Connection }) {
      await journal(this.db, this._id);
    });
    schema.post('insertMany', async function (this: Model<unknown>) {
      await journal(this.db, '*');
    });
  };
}
