// A journal of changes to the records the gateway checks on every call (consents, applications),
// so its replicas can keep those states cached and drop exactly what changed. One counter document
// (`_id: 'generation'`) numbers the changes; change n is written to the ring slot `slot:<n % RING>`,
// which a later change overwrites. Every document is read and written by `_id`, the one filter
// FerretDB v1 pushes down to SQLite. A reader that finds a slot not yet written, or overwritten,
// cannot tell what changed and forgets everything it cached (state-cache.ts).
import { Schema, type Connection, type Model } from 'mongoose';

/** How many changes the ring keeps: a reader that falls further behind forgets everything. */
export const STATE_CHANGE_RING = 256;
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

/** Record that `kind`'s record `id` changed (after the write: a reader then reads the new state). */
export async function recordStateChange(model: StateChangeModel, kind: string, id: string): Promise<void> {
  const counter = await model
    .findOneAndUpdate({ _id: GENERATION_ID }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' })
    .lean();
  const n = counter!.n;
  await model.replaceOne({ _id: slotId(n) }, { _id: slotId(n), n, kind, id }, { upsert: true });
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
