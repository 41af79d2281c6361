// The change journal on the real database when writers race, as two workers (or two writes in one
// process) do: FerretDB applies `$inc` as a read then a write (40 at once on one document left it
// at 7 here), yet every change keeps a number of
// its own and a reader finds each of them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GENERATION_ID, recordStateChange, slotId } from '../../../db/models/state-change.js';
import { testDatabase } from '../../helpers/platform.js';
import { uniqueNames } from '../../helpers/env.js';

let db: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  db = await testDatabase(uniqueNames(import.meta.url).database);
});

afterAll(async () => {
  await db?.drop();
  await db?.close();
});

describe('the state change journal under racing writers', () => {
  it('journals each of 40 changes written at once in a slot a reader reaches', async () => {
    const model = db.models.StateChange;
    const before = (await model.findById(GENERATION_ID).lean())?.n ?? 0;
    const ids = Array.from({ length: 40 }, () => `urn:bank:${randomUUID()}`);
    await Promise.all(ids.map((id) => recordStateChange(model, 'Consent', id)));

    const generation = (await model.findById(GENERATION_ID).lean())!.n;
    const slots = await Promise.all(
      Array.from({ length: generation - before }, (_, i) => model.findById(slotId(before + 1 + i)).lean()),
    );
    const journaled = slots.filter((s) => s && s.n > before && s.n <= generation).map((s) => s!.id);
    expect(journaled.sort()).toEqual([...ids].sort());
  });
});
