// The housekeeping workflow and its schedule, on the real Temporal dev server and database.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { createAdapterClass } from '../../../auth/adapter.js';
import { housekeepingWorker } from '../../../workers/housekeeping.js';
import { ensureHousekeepingSchedule, HOUSEKEEPING_SCHEDULE_ID } from '../../../workers/schedules.js';
import { housekeeping } from '../../../workflows/housekeeping.js';
import { uniqueNames } from '../../helpers/env.js';
import { quietLogger, startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';
import { recordHistory } from '../../helpers/histories.js';

const names = uniqueNames(import.meta.url);
let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  client = temporal.client;
  worker = await startTestWorker(housekeepingWorker({ models: db.models }, names.taskQueue));
});

afterAll(async () => {
  await client.schedule
    .getHandle(HOUSEKEEPING_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
});

describe('housekeeping', () => {
  it('deletes expired authorization-server records and retired keys, and nothing else', async () => {
    const Adapter = createAdapterClass(db.models.OidcRecord);
    const sessions = new Adapter('Session');
    await sessions.upsert('expired', { uid: 'u1' } as never, 1);
    await sessions.upsert('live', { uid: 'u2' } as never, 3600);
    await db.models.AuthKey.create([
      {
        _id: 'sig-old',
        use: 'sig',
        material: 'x',
        createdAt: new Date(0),
        retireAt: new Date(Date.now() - 1000),
      },
      { _id: 'sig-current', use: 'sig', material: 'x', createdAt: new Date() },
    ]);
    await new Promise((r) => setTimeout(r, 1100));

    const handle = await client.workflow.start(housekeeping, {
      taskQueue: names.taskQueue,
      workflowId: `${names.prefix}-run`,
    });
    // The expired session and the pointer that finds it by uid (auth/adapter.ts) go together.
    expect(await handle.result()).toEqual({ expiredOidcRecords: 2, retiredKeys: 1 });
    expect((await db.models.OidcRecord.distinct('_id')).sort()).toEqual(['Session:live', 'uid:Session:u2']);
    expect(await db.models.AuthKey.distinct('_id')).toEqual(['sig-current']);
    await recordHistory('housekeeping-swept', handle);
  });

  it('creates its schedule once, and updates it when the interval changes', async () => {
    await ensureHousekeepingSchedule(client, { intervalMs: 60_000, taskQueue: names.taskQueue }, quietLogger);
    await ensureHousekeepingSchedule(client, { intervalMs: 60_000, taskQueue: names.taskQueue }, quietLogger);
    let described = await client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID).describe();
    expect(described.spec.intervals?.[0]?.every).toBe(60_000);
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'housekeeping',
      taskQueue: names.taskQueue,
    });

    await ensureHousekeepingSchedule(
      client,
      { intervalMs: 120_000, taskQueue: names.taskQueue },
      quietLogger,
    );
    described = await client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID).describe();
    expect(described.spec.intervals?.[0]?.every).toBe(120_000);
  });
});
