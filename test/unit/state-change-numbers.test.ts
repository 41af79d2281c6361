// The journal's numbering when the database applies `$inc` as FerretDB v1 does (read, then write,
// with other writers in between): every change still gets a number of its own and stays readable.
import { describe, expect, it } from '@jest/globals';
import {
  GENERATION_ID,
  claimId,
  recordStateChange,
  slotId,
  type StateChangeDoc,
  type StateChangeModel,
} from '../../db/models/state-change.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A state_changes collection whose updates, like FerretDB v1's, read and write without a lock. */
function ferretLikeJournal() {
  const docs = new Map<string, StateChangeDoc>();
  const duplicate = () => Object.assign(new Error('duplicate key'), { code: 11000 });
  const model = {
    findOneAndUpdate(filter: { _id: string }, update: { $inc: { n: number } }, o: { upsert?: boolean }) {
      return {
        async lean() {
          const before = docs.get(filter._id);
          await tick(); // another writer reads the same value here
          if (!before && !o.upsert) return null;
          if (!before && docs.has(filter._id)) throw duplicate();
          const after = { ...(before ?? { _id: filter._id, n: 0 }), n: (before?.n ?? 0) + update.$inc.n };
          docs.set(filter._id, after);
          return after;
        },
      };
    },
    collection: {
      async insertOne(doc: StateChangeDoc) {
        if (docs.has(doc._id)) throw duplicate();
        docs.set(doc._id, doc);
      },
    },
    async replaceOne(filter: { _id: string }, doc: StateChangeDoc) {
      await tick();
      docs.set(filter._id, doc);
    },
    async deleteOne(filter: { _id: string }) {
      docs.delete(filter._id);
    },
    findById(id: string) {
      return { lean: async () => docs.get(id) ?? null };
    },
    async updateOne(filter: { _id: string; n: { $lt: number } }, update: { $set: { n: number } }) {
      const before = docs.get(filter._id);
      await tick();
      if (before && before.n < filter.n.$lt) docs.set(filter._id, { ...before, ...update.$set });
    },
  };
  return { docs, model: model as unknown as StateChangeModel };
}

describe('numbering the state change journal', () => {
  it('gives each of 40 concurrent changes its own slot when $inc loses updates', async () => {
    const { docs, model } = ferretLikeJournal();
    const ids = Array.from({ length: 40 }, (_, i) => `consent-${i}`);
    await Promise.all(ids.map((id) => recordStateChange(model, 'Consent', id)));

    const generation = docs.get(GENERATION_ID)!.n;
    // A reader reads the slots up to the counter's number. Each change must be in one of them (a
    // number a writer abandoned holds nothing: a reader finding it forgets everything, which is safe).
    const journaled = Array.from({ length: generation }, (_, i) => docs.get(slotId(i + 1)))
      .filter((slot) => slot !== undefined)
      .map((slot) => slot.id);
    expect(journaled.sort()).toEqual([...ids].sort());
    expect(generation).toBeGreaterThanOrEqual(40);
  });

  it('keeps claims for one turn of the ring only', async () => {
    const { docs, model } = ferretLikeJournal();
    for (let i = 0; i < 300; i++) await recordStateChange(model, 'Consent', `consent-${i}`);
    expect(docs.has(claimId(300))).toBe(true);
    expect(docs.has(claimId(300 - 256))).toBe(false);
    expect(docs.get(slotId(300))).toMatchObject({ n: 300, id: 'consent-299' });
  });
});
