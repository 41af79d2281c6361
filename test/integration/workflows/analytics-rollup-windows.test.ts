// The `analyticsRollup` workflow's windows with its activities mocked, on the test Temporal server:
// which minutes, hours and days a run rolls up, from the catch-up window or the watermark (never
// from before the raw events' retention), in bounded chunks with the watermark advanced after
// each, a run cut short at maxChunksPerRun continued by the next, and retention at the hour's end.
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { AnalyticsActivities } from '../../../activities/analytics.js';
import { housekeepingWorkflowsPath } from '../../../workers/housekeeping.js';
import { ANALYTICS_ROLLUP_DEFAULTS, type AnalyticsRollupInput } from '../../../workflows/analytics-types.js';
import { analyticsRollup } from '../../../workflows/analytics.js';
import { uniqueNames } from '../../helpers/env.js';
import { workerWithMockedActivities } from '../../helpers/mocked-activities.js';

const names = uniqueNames(import.meta.url);
const DAY = 86_400_000;

/** The watermark as the database keeps it: it only moves forward. */
let stored: string | null = null;
const mocked: AnalyticsActivities = {
  rollUp: async ({ granularity, from, to }) => ({ granularity, from, to, sources: 0, documents: 0 }),
  readRollupWatermark: async () => stored,
  advanceRollupWatermark: async ({ to }) => {
    const at = new Date(to).toISOString();
    if (stored === null || at > stored) stored = at;
    return stored;
  },
  applyRetention: async () => ({ raw: 0, minute: 0, hour: 0, day: 0 }),
};
const worker = workerWithMockedActivities({
  taskQueue: names.taskQueue,
  workflowsPath: housekeepingWorkflowsPath,
  activities: mocked,
});
const { calls } = worker;
let runs = 0;

beforeEach(() => {
  stored = null;
});

const run = (over: Partial<AnalyticsRollupInput>) =>
  worker.temporal().workflow.execute(analyticsRollup, {
    taskQueue: names.taskQueue,
    workflowId: `${names.prefix}-rollup-${++runs}`,
    args: [
      {
        ...ANALYTICS_ROLLUP_DEFAULTS,
        retention: { rawMs: 7 * DAY, minuteMs: 2 * DAY, hourMs: 90 * DAY, dayMs: 730 * DAY },
        ...over,
      },
    ],
  });

/** The roll-up windows asked for, in order, as `granularity from–to` (times of day on the 14th/15th). */
const windows = () =>
  calls
    .filter((c) => c.name === 'rollUp')
    .map((c) => {
      const { granularity, from, to } = c.input as { granularity: string; from: string; to: string };
      return `${granularity} ${from.slice(8, 16)}–${to.slice(8, 16)}`;
    });

describe('a run', () => {
  it('with no watermark rolls up the catch-up window, the hour and the day it closed, and applies retention', async () => {
    const result = await run({ at: '2026-03-15T00:00:20Z' });
    expect(windows()).toEqual([
      'minute 14T23:55–15T00:00',
      'hour 14T23:00–15T00:00',
      'day 14T00:00–15T00:00',
    ]);
    expect(result).toMatchObject({
      watermark: { from: null, to: '2026-03-15T00:00:00.000Z' },
      caughtUp: true,
      retention: { raw: 0 },
    });
    expect(calls.find((c) => c.name === 'applyRetention')!.input).toMatchObject({
      rawMs: 7 * DAY,
      now: '2026-03-15T00:00:20.000Z',
    });
  });

  it('in the middle of an hour rolls up minutes only, and leaves retention for the hour', async () => {
    stored = '2026-03-15T00:29:00.000Z';
    const result = await run({ at: '2026-03-15T00:30:20Z' });
    expect(windows()).toEqual(['minute 15T00:25–15T00:30']);
    expect(result.retention).toBeUndefined();
    expect(result.watermark).toEqual({ from: '2026-03-15T00:29:00.000Z', to: '2026-03-15T00:30:00.000Z' });
  });
});

describe('after an outage', () => {
  it('goes on from the watermark in chunks, at most maxChunksPerRun a run, the next run continuing', async () => {
    stored = '2026-03-15T00:00:00.000Z';
    const input = { at: '2026-03-15T03:10:20Z', chunkMs: 3_600_000, maxChunksPerRun: 2 };
    const first = await run(input);
    expect(windows()).toEqual([
      'minute 15T00:00–15T01:00',
      'hour 15T00:00–15T01:00',
      'minute 15T01:00–15T02:00',
      'hour 15T01:00–15T02:00',
    ]);
    // The watermark advanced after each chunk: a run cut short keeps what it did.
    expect(calls.filter((c) => c.name === 'advanceRollupWatermark').map((c) => c.input)).toEqual([
      { to: '2026-03-15T01:00:00.000Z' },
      { to: '2026-03-15T02:00:00.000Z' },
    ]);
    expect(first).toMatchObject({
      minutes: { from: '2026-03-15T00:00:00.000Z', to: '2026-03-15T02:00:00.000Z' },
      watermark: { from: '2026-03-15T00:00:00.000Z', to: '2026-03-15T02:00:00.000Z' },
      caughtUp: false,
    });

    calls.length = 0;
    const next = await run(input);
    expect(windows()).toEqual([
      'minute 15T02:00–15T03:00',
      'hour 15T02:00–15T03:00',
      'minute 15T03:00–15T03:10',
    ]);
    expect(next).toMatchObject({ watermark: { to: '2026-03-15T03:10:00.000Z' }, caughtUp: true });
  });

  it('never starts before the oldest whole hour whose raw events are all kept', async () => {
    stored = '2026-03-01T00:00:00.000Z';
    await run({
      at: '2026-03-15T00:30:20Z',
      maxChunksPerRun: 1,
      retention: { rawMs: DAY, minuteMs: 2 * DAY, hourMs: 90 * DAY, dayMs: 730 * DAY },
    });
    expect(windows()).toEqual(['minute 14T01:00–14T02:00', 'hour 14T01:00–14T02:00']);
  });
});
