// The embedded database under the load that once wedged it. FerretDB v1 on SQLite stopped
// answering queries (while still answering ping) when one `update` command matched about 100
// documents — the analytics roll-up re-running a busy window — or when enough updates from all the
// platform's processes were in flight together: its pool of 100 SQLite connections waited on
// itself. Here the real roll-up activity recomputes windows of several hundred documents twice
// while five clients (as many as `npm start` runs processes, each with the embedded default's
// connection string) update, insert and read large documents through cursors. Every operation
// must finish, and afterwards the database must still answer a query. A FerretDB of this test's
// own, so a regression cannot wedge the database the other test files share.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { createAnalyticsActivities } from '../../../activities/analytics.js';
import { connectDatabase, type Database } from '../../../db/connection.js';
import { startOwnFerretDb, type OwnFerretDb } from '../../helpers/ferretdb.js';
import { quietLogger } from '../../helpers/platform.js';

/** Distinct dimensions in the busy minute: each becomes one minute roll-up document. */
const CLIENTS = 40;
const ENDPOINTS = 8;
const EVENTS = 1600;
const PROCESSES = 5;
/** Operations each client keeps asking for at once (its pool lets 8 through). */
const IN_FLIGHT = 40;
const ROUNDS = 4;
/** A wedge never ends: anything slower than this is reported as one, not left to hang the run. */
const WEDGE_MS = 180_000;

let dir: string;
let ferret: OwnFerretDb;
let db: Database;
const clients: mongoose.Connection[] = [];

/** Fails with `what` when `work` has not finished in WEDGE_MS: the database is then wedged. */
async function finishes<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const wedged = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`FerretDB wedged: ${what} unfinished`)), WEDGE_MS);
  });
  try {
    return await Promise.race([work, wedged]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-ferret-stress-'));
  ferret = await startOwnFerretDb(dir);
  // Deadlines far above what a loaded machine needs: only a wedge may fail this test.
  db = await connectDatabase(
    { uri: ferret.uri, database: 'stress', connectTimeoutMs: 30_000, operationTimeoutMs: WEDGE_MS },
    quietLogger,
  );
  for (let i = 0; i < PROCESSES; i++)
    clients.push(
      await mongoose.createConnection(ferret.uri, { dbName: 'stress', retryWrites: false }).asPromise(),
    );
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close(true).catch(() => undefined)));
  await db?.close().catch(() => undefined);
  // A wedged FerretDB does not stop on SIGTERM in time: the grace ends in SIGKILL.
  await ferret?.stop(3000);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the embedded database under concurrent load', () => {
  it(
    'the roll-up replaces busy windows while every client updates, inserts and reads',
    async () => {
      const minute = new Date('2026-12-01T10:07:00.000Z');
      await db.models.AnalyticsEvent.insertMany(
        Array.from({ length: EVENTS }, (_, i) => ({
          _id: `stress-${i}`,
          type: 'gateway.call',
          at: new Date(minute.getTime() + (i % 60) * 1000),
          standard: 'OFB',
          clientId: `client-${i % CLIENTS}`,
          method: 'GET',
          endpoint: `/open-banking/accounts/v2/endpoint-${Math.floor(i / CLIENTS) % ENDPOINTS}`,
          status: 200,
          latencyMs: i % 700,
          bytes: 384,
        })),
      );
      const large = 'x'.repeat(16 * 1024);
      for (const c of clients)
        await c
          .db!.collection('records')
          .insertMany(
            Array.from({ length: 50 }, (_, i) => ({ _id: `${c.id}-${i}`, n: 0, large })) as never[],
          );

      const activities = createAnalyticsActivities({ models: db.models });
      const window = { from: minute.toISOString(), to: new Date(minute.getTime() + 60_000).toISOString() };
      const hour = { from: '2026-12-01T10:00:00.000Z', to: '2026-12-01T11:00:00.000Z' };
      const rollUps = (async () => {
        const results = [];
        // The second run of each window replaces every document the first one wrote.
        for (let run = 0; run < 2; run++) {
          results.push(await activities.rollUp({ granularity: 'minute', ...window }));
          results.push(await activities.rollUp({ granularity: 'hour', ...hour }));
        }
        return results;
      })();

      const load = clients.map(async (c, p) => {
        const records = c.db!.collection<{ _id: string; n: number; large: string }>('records');
        let operations = 0;
        for (let round = 0; round < ROUNDS; round++) {
          await Promise.all(
            Array.from({ length: IN_FLIGHT }, async (_, i) => {
              const id = `${c.id}-${i % 50}`;
              if (i === 0)
                // A cursor over large documents, read in several batches, as the console's export does.
                for await (const doc of records.find({}, { batchSize: 10 })) void doc;
              else if (i % 3 === 0) await records.findOneAndUpdate({ _id: id }, { $inc: { n: 1 } });
              else if (i % 3 === 1) await records.updateOne({ _id: id }, { $inc: { n: 1 } });
              else await c.db!.collection('events').insertOne({ _id: `p${p}-r${round}-${i}` } as never);
              operations++;
            }),
          );
        }
        return operations;
      });

      const [results, done] = await Promise.all([
        finishes('the roll-ups', rollUps),
        finishes('the clients’ operations', Promise.all(load)),
      ]);

      expect(done).toEqual(Array(PROCESSES).fill(ROUNDS * IN_FLIGHT));
      const [firstMinute, firstHour, againMinute, againHour] = results;
      expect(firstMinute!.sources).toBe(EVENTS);
      // One document per client and endpoint; more than a FerretDB pool's worth of matches.
      expect(firstMinute!.documents).toBe(CLIENTS * ENDPOINTS);
      expect(againMinute).toEqual(firstMinute);
      expect(againHour).toEqual(firstHour);
      const written = await finishes(
        'counting the roll-ups',
        db.models.AnalyticsRollup.countDocuments({ granularity: 'minute' }),
      );
      expect(written).toBe(CLIENTS * ENDPOINTS);

      // Still answering queries, not only ping.
      const probe = await finishes('a query after the load', db.models.AnalyticsRollup.findOne().lean());
      expect(probe).not.toBeNull();
    },
    WEDGE_MS + 60_000,
  );
});
