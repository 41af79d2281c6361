// The `analyticsRollup` workflow on a real worker and the Temporal dev server: it reproduces the
// roll-ups the activities compute from the known raw events (test/helpers/analytics-rollups.ts),
// applies retention at the hour's end, keeps a watermark, and catches up after an outage in
// bounded chunks.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { createAnalyticsActivities } from '../../../activities/analytics.js';
import {
  analyticsQueries,
  type AnalyticsRange,
  type AnalyticsScope,
} from '../../../lib/analytics/queries.js';
import { housekeepingWorker } from '../../../workers/housekeeping.js';
import { analyticsRollup } from '../../../workflows/analytics.js';
import { ANALYTICS_ROLLUP_DEFAULTS } from '../../../workflows/analytics-types.js';
import { stats } from '../../helpers/analytics-events.js';
import {
  ACCOUNTS,
  allRollups,
  at,
  BALANCES,
  expectKnownAggregates,
  knownEvents,
  M1,
  M2,
  rollUpAll,
  watermark,
} from '../../helpers/analytics-rollups.js';
import { uniqueNames } from '../../helpers/env.js';
import { recordHistory } from '../../helpers/histories.js';
import { startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
const known = knownEvents(names.prefix);
const { call, EVENTS } = known;
let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

const activities = () => createAnalyticsActivities({ models: db.models });

/** The roll-ups the activities computed, which the workflow must reproduce. */
let reference: Awaited<ReturnType<typeof allRollups>> = [];

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  client = temporal.client;
  worker = await startTestWorker(housekeepingWorker({ models: db.models }, names.taskQueue));
  // Written as stored, so that the organization id the gateway may record is kept too.
  await db.connection.collection('analytics_events').insertMany(EVENTS as never[]);
  // The activities' roll-ups of the known events are the reference; the workflow computes them
  // again from the raw events alone.
  await rollUpAll(db.models);
  reference = await allRollups(db.models);
  await db.models.AnalyticsRollup.deleteMany({});
});

afterAll(async () => {
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
});

describe('the analyticsRollup workflow', () => {
  it('rolls up the closed minutes, the hour and the day that closed, and applies retention', async () => {
    const day = 86_400_000;
    // Past their retention at the run's time: one raw event and one minute roll-up.
    await db.models.AnalyticsEvent.create({
      _id: `${names.prefix}-stale`,
      type: 'gateway.call',
      at: new Date('2026-03-01T00:00:00Z'),
    });
    await db.models.AnalyticsRollup.create({
      _id: 'minute|2026-03-10T00:00|call|stale||||||',
      granularity: 'minute',
      bucket: new Date('2026-03-10T00:00:00Z'),
      kind: 'call',
      key: 'call|stale||||||',
      count: 1,
      errorCount: 0,
    });
    const input = {
      ...ANALYTICS_ROLLUP_DEFAULTS,
      retention: { rawMs: 7 * day, minuteMs: 2 * day, hourMs: 90 * day, dayMs: 730 * day },
      // 20 s after midnight, with 15 s of lateness: the minutes up to midnight have closed.
      at: '2026-03-15T00:00:20Z',
    };
    // The first run finds no watermark: it rolls up the catch-up window, and records one.
    expect(await watermark(db.models)).toBeNull();
    const handle = await client.workflow.start(analyticsRollup, {
      taskQueue: names.taskQueue,
      workflowId: `${names.prefix}-rollup`,
      args: [input],
    });
    const result = await handle.result();
    const minuteDocs = reference.filter((d) => d.granularity === 'minute').length;
    const hourDocs = reference.filter((d) => d.granularity === 'hour').length;
    expect(result).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-14T23:55:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        sources: EVENTS.length,
        documents: minuteDocs,
      },
      hours: {
        granularity: 'hour',
        from: '2026-03-14T23:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        sources: minuteDocs,
        documents: hourDocs,
      },
      days: {
        granularity: 'day',
        from: '2026-03-14T00:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        sources: hourDocs,
        documents: hourDocs,
      },
      watermark: { from: null, to: '2026-03-15T00:00:00.000Z' },
      caughtUp: true,
      retention: { raw: 1, minute: 1, hour: 0, day: 0 },
    });
    expect(await watermark(db.models)).toBe('2026-03-15T00:00:00.000Z');
    // The same documents as the activities computed, and so the same answers.
    expect(await allRollups(db.models)).toEqual(reference);
    await expectKnownAggregates(db.models, known);
    await recordHistory('analyticsRollup-closed-day', handle);

    // A run in the middle of an hour rolls up minutes only, and leaves retention for the hour's end.
    // It counts from before the watermark: its catch-up window is recomputed, the watermark stays.
    const mid = await client.workflow.execute(analyticsRollup, {
      taskQueue: names.taskQueue,
      workflowId: `${names.prefix}-rollup-mid`,
      args: [{ ...input, at: '2026-03-14T23:59:30Z' }],
    });
    expect(mid).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-14T23:54:00.000Z',
        to: '2026-03-14T23:59:00.000Z',
        sources: EVENTS.filter((e) => e.at < new Date(`${M2}:00Z`)).length,
        documents: reference.filter((d) => d.granularity === 'minute' && d._id.includes(M1)).length,
      },
      watermark: { from: '2026-03-15T00:00:00.000Z', to: '2026-03-15T00:00:00.000Z' },
      caughtUp: true,
    });
    expect(await allRollups(db.models)).toEqual(reference);
    expect(await watermark(db.models)).toBe('2026-03-15T00:00:00.000Z');
  });

  it('catches up after an outage from the watermark, in bounded chunks, with the exact numbers', async () => {
    // The worker was down from midnight to 01:10: C's calls of 00:30 to 00:39 (an error in every
    // odd minute) are older than the catch-up window; one call of 01:07 is within it.
    const C = `${names.prefix}-c`;
    const ONLY_C: AnalyticsScope = { clientIds: [C] };
    const outage = [
      ...Array.from({ length: 10 }, (_, i) => {
        const minute = `2026-03-15T00:${30 + i}`;
        const ok = call(at(minute, 5), C, ACCOUNTS, 200, 10, 100);
        return i % 2 ? [ok, call(at(minute, 6), C, BALANCES, 500, 200, 0)] : [ok];
      }).flat(),
      call(at('2026-03-15T01:07', 10), C, ACCOUNTS, 200, 10, 100),
    ];
    await db.connection.collection('analytics_events').insertMany(outage as never[]);
    const day = 86_400_000;
    const input = {
      ...ANALYTICS_ROLLUP_DEFAULTS,
      retention: { rawMs: 7 * day, minuteMs: 2 * day, hourMs: 90 * day, dayMs: 730 * day },
      // 01:10 has closed; not on the hour, so no retention.
      at: '2026-03-15T01:10:20Z',
    };
    const run = (workflowId: string, args: typeof input) =>
      client.workflow.execute(analyticsRollup, {
        taskQueue: names.taskQueue,
        workflowId: `${names.prefix}-${workflowId}`,
        args: [args],
      });
    const inFirstHour = outage.filter((e) => e.at < new Date('2026-03-15T01:00:00Z')).length;
    expect(inFirstHour).toBe(15);

    // One chunk per run at most: the hour from midnight, and the hour that closed; not caught up.
    expect(await watermark(db.models)).toBe('2026-03-15T00:00:00.000Z');
    expect(await run('outage-1', { ...input, maxChunksPerRun: 1 })).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-15T00:00:00.000Z',
        to: '2026-03-15T01:00:00.000Z',
        sources: 15,
        // A 2xx document every minute, a 5xx one every odd minute.
        documents: 15,
      },
      hours: {
        granularity: 'hour',
        from: '2026-03-15T00:00:00.000Z',
        to: '2026-03-15T01:00:00.000Z',
        sources: 15,
        documents: 2,
      },
      watermark: { from: '2026-03-15T00:00:00.000Z', to: '2026-03-15T01:00:00.000Z' },
      caughtUp: false,
    });
    expect(await watermark(db.models)).toBe('2026-03-15T01:00:00.000Z');

    // The next run goes on from there to the last closed minute.
    expect(await run('outage-2', input)).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-15T01:00:00.000Z',
        to: '2026-03-15T01:10:00.000Z',
        sources: 1,
        documents: 1,
      },
      watermark: { from: '2026-03-15T01:00:00.000Z', to: '2026-03-15T01:10:00.000Z' },
      caughtUp: true,
    });
    expect(await watermark(db.models)).toBe('2026-03-15T01:10:00.000Z');

    // Read at the runs' time: the closed hour from its roll-up, the open one from its minutes.
    const q = analyticsQueries(db.models, { now: () => Date.parse(input.at) });
    const afterMidnight = (granularity: AnalyticsRange['granularity']): AnalyticsRange => ({
      from: new Date('2026-03-15T00:00:00Z'),
      to: new Date('2026-03-15T02:00:00Z'),
      granularity,
    });
    // 16 calls (5 errors), 1100 bytes; latencies 11 × 10 ms and 5 × 200 ms.
    const C_TOTAL = stats(16, 5, 0.3125, 1100, 69.4, 10, 250);
    expect(await q.callSummary(ONLY_C, afterMidnight('minute'))).toEqual(C_TOTAL);
    expect(await q.callSummary(ONLY_C, afterMidnight('hour'))).toEqual(C_TOTAL);
    const counted = (buckets: { bucket: string; calls: number; errors: number }[]) =>
      buckets.filter((b) => b.calls > 0).map((b) => [b.bucket, b.calls, b.errors]);
    expect(counted(await q.calls(ONLY_C, afterMidnight('minute')))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => [`2026-03-15T00:${30 + i}:00.000Z`, 1 + (i % 2), i % 2]),
      ['2026-03-15T01:07:00.000Z', 1, 0],
    ]);
    expect(counted(await q.calls(ONLY_C, afterMidnight('hour')))).toEqual([
      ['2026-03-15T00:00:00.000Z', 15, 5],
      ['2026-03-15T01:00:00.000Z', 1, 0],
    ]);
    // The bank's numbers of the day before are as they were.
    await expectKnownAggregates(db.models, known);

    // Set back by an operator to long ago: recomputed from the oldest whole hour whose raw events
    // are all kept (23:00 with 2.4 hours of them), in three chunks, into the very same documents.
    const before = await allRollups(db.models);
    await db.models.AnalyticsState.updateOne(
      { _id: 'rollup' },
      { $set: { rolledUpTo: new Date('2026-03-14T00:00:00Z') } },
    );
    const shortRaw = { ...input, retention: { ...input.retention, rawMs: 0.1 * day } };
    const minuteDocs = reference.filter((d) => d.granularity === 'minute').length;
    const hourDocs = reference.filter((d) => d.granularity === 'hour').length;
    const handle = await client.workflow.start(analyticsRollup, {
      taskQueue: names.taskQueue,
      workflowId: `${names.prefix}-outage-reset`,
      args: [shortRaw],
    });
    expect(await handle.result()).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-14T23:00:00.000Z',
        to: '2026-03-15T01:10:00.000Z',
        sources: EVENTS.length + outage.length,
        documents: minuteDocs + 16,
      },
      hours: {
        granularity: 'hour',
        from: '2026-03-14T23:00:00.000Z',
        to: '2026-03-15T01:00:00.000Z',
        sources: minuteDocs + 15,
        documents: hourDocs + 2,
      },
      days: {
        granularity: 'day',
        from: '2026-03-14T00:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        sources: hourDocs,
        documents: hourDocs,
      },
      watermark: { from: '2026-03-14T00:00:00.000Z', to: '2026-03-15T01:10:00.000Z' },
      caughtUp: true,
    });
    expect(await allRollups(db.models)).toEqual(before);
    expect(await watermark(db.models)).toBe('2026-03-15T01:10:00.000Z');
    await recordHistory('analyticsRollup-caught-up', handle);

    // The watermark only moves forward, to whole minutes.
    const act = activities();
    expect(await act.advanceRollupWatermark({ to: '2026-03-15T00:00:00Z' })).toBe('2026-03-15T01:10:00.000Z');
    await expect(act.advanceRollupWatermark({ to: '2026-03-15T01:11:30Z' })).rejects.toThrow(
      /not a whole minute/,
    );
    expect(await act.readRollupWatermark()).toBe('2026-03-15T01:10:00.000Z');
  });
});
