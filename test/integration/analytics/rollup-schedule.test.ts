// The `analyticsRollup` schedule: its interval, lateness and retention from the environment, and
// the schedule created once on the Temporal dev server and updated when the configuration changes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../../lib/config.js';
import {
  ANALYTICS_ROLLUP_SCHEDULE_ID,
  analyticsRollupInput,
  ensureAnalyticsRollupSchedule,
} from '../../../workers/schedules.js';
import { ANALYTICS_ROLLUP_DEFAULTS } from '../../../workflows/analytics-types.js';
import { uniqueNames } from '../../helpers/env.js';
import { quietLogger, testClient } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;

beforeAll(async () => {
  temporal = await testClient();
  client = temporal.client;
});

afterAll(async () => {
  await client?.schedule
    .getHandle(ANALYTICS_ROLLUP_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
  await temporal?.close();
});

describe('the analytics-rollup schedule', () => {
  it('takes its interval, lateness and retention from the environment', () => {
    const day = 86_400_000;
    expect(loadConfig({}).analytics).toEqual({
      rollupEveryMs: 60_000,
      latenessMs: 15_000,
      retention: { rawMs: 7 * day, minuteMs: 2 * day, hourMs: 90 * day, dayMs: 730 * day },
    });
    expect(
      loadConfig({
        ANALYTICS_ROLLUP_EVERY: '120',
        ANALYTICS_ROLLUP_LATENESS: '30',
        ANALYTICS_RETENTION_RAW_DAYS: '0.5',
        ANALYTICS_RETENTION_MINUTE_DAYS: '1',
        ANALYTICS_RETENTION_HOUR_DAYS: '30',
        ANALYTICS_RETENTION_DAY_DAYS: '365',
      }).analytics,
    ).toEqual({
      rollupEveryMs: 120_000,
      latenessMs: 30_000,
      retention: { rawMs: day / 2, minuteMs: day, hourMs: 30 * day, dayMs: 365 * day },
    });
    expect(() => loadConfig({ ANALYTICS_RETENTION_HOUR_DAYS: '1' })).toThrow(
      'ANALYTICS_RETENTION_HOUR_DAYS must be a number of days (at least 2: hours feed the daily roll-ups), got "1"',
    );
    expect(() => loadConfig({ ANALYTICS_ROLLUP_EVERY: '5' })).toThrow(
      'ANALYTICS_ROLLUP_EVERY must be a number of seconds from 10 to 3600, got "5"',
    );
  });

  it('is created once with the configured input, and updated when the configuration changes', async () => {
    // A queue no worker polls: the schedule is never run against this test's data.
    const taskQueue = `${names.taskQueue}-scheduled`;
    const analytics = {
      rollupEveryMs: 60_000,
      latenessMs: 15_000,
      retention: {
        rawMs: 7 * 86_400_000,
        minuteMs: 2 * 86_400_000,
        hourMs: 90 * 86_400_000,
        dayMs: 730 * 86_400_000,
      },
    };
    const input = analyticsRollupInput(analytics);
    expect(input).toEqual({ ...ANALYTICS_ROLLUP_DEFAULTS, retention: analytics.retention });
    try {
      await ensureAnalyticsRollupSchedule(client, { intervalMs: 60_000, taskQueue, input }, quietLogger);
      await ensureAnalyticsRollupSchedule(client, { intervalMs: 60_000, taskQueue, input }, quietLogger);
      const handle = client.schedule.getHandle(ANALYTICS_ROLLUP_SCHEDULE_ID);
      let described = await handle.describe();
      expect(described.spec.intervals?.[0]?.every).toBe(60_000);
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'analyticsRollup',
        taskQueue,
      });
      expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([input]);

      const longer = analyticsRollupInput({
        ...analytics,
        rollupEveryMs: 300_000,
        retention: { ...analytics.retention, rawMs: 86_400_000 },
      });
      expect(longer.catchUpMs).toBe(600_000);
      await ensureAnalyticsRollupSchedule(
        client,
        { intervalMs: 300_000, taskQueue, input: longer },
        quietLogger,
      );
      described = await handle.describe();
      expect(described.spec.intervals?.[0]?.every).toBe(300_000);
      expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([longer]);
    } finally {
      await client.schedule
        .getHandle(ANALYTICS_ROLLUP_SCHEDULE_ID)
        .delete()
        .catch(() => undefined);
    }
  });
});
