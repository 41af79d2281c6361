// `analyticsRollup`: turns the raw analytics events into the roll-ups the insights pages read. Run
// every minute by the `analytics-rollup` Temporal Schedule (workers/schedules.ts). Each run
// recomputes the minutes that closed within the catch-up window (a minute closes `latenessMs`
// after its end, so events still in a component's buffer count), then every hour and day that
// closed in that window, from the minutes and hours; and once per `retentionEveryMs` it deletes what
// is past its retention. Recomputing is idempotent, so overlapping windows and retries are safe.
// Every duration is an input; time is the workflow's own clock (or `at`), so runs replay.
import { proxyActivities } from '@temporalio/workflow';
import type {
  AnalyticsActivities,
  RetentionInput,
  RetentionResult,
  RollUpResult,
} from '../activities/analytics.js';
import { ceilTo, closedBuckets, floorTo, GRANULARITY_MS } from '../lib/analytics/buckets.js';

export interface AnalyticsRollupInput {
  /** The schedule's interval: minutes that closed within the last interval are new to this run. */
  intervalMs: number;
  /** How long after its end a minute is rolled up: events may reach the database that late. */
  latenessMs: number;
  /** How far back closed minutes are recomputed on every run (at least a minute): late events, skipped runs. */
  catchUpMs: number;
  /** Retention runs when a multiple of this (UTC) has passed since the previous run. */
  retentionEveryMs: number;
  retention: Omit<RetentionInput, 'now'>;
  activity: {
    startToCloseTimeoutMs: number;
    retryInitialIntervalMs: number;
    retryMaximumIntervalMs: number;
    maximumAttempts: number;
  };
  /** The instant the run counts from (ISO), instead of its start: for backfills and tests. */
  at?: string;
}

export interface AnalyticsRollupResult {
  minutes: RollUpResult;
  hours?: RollUpResult;
  days?: RollUpResult;
  retention?: RetentionResult;
}

/** Inputs besides the retention ages, as the schedule passes them unless configured otherwise. */
export const ANALYTICS_ROLLUP_DEFAULTS: Omit<AnalyticsRollupInput, 'retention'> = {
  intervalMs: 60_000,
  latenessMs: 15_000,
  catchUpMs: 5 * 60_000,
  retentionEveryMs: 3_600_000,
  activity: {
    startToCloseTimeoutMs: 2 * 60_000,
    retryInitialIntervalMs: 5_000,
    retryMaximumIntervalMs: 60_000,
    maximumAttempts: 5,
  },
};

const MINUTE = GRANULARITY_MS.minute;
const iso = (ms: number) => new Date(ms).toISOString();

export async function analyticsRollup(input: AnalyticsRollupInput): Promise<AnalyticsRollupResult> {
  const activities = proxyActivities<AnalyticsActivities>({
    startToCloseTimeout: input.activity.startToCloseTimeoutMs,
    retry: {
      initialInterval: input.activity.retryInitialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: input.activity.retryMaximumIntervalMs,
      maximumAttempts: input.activity.maximumAttempts,
    },
  });
  const now = input.at ? Date.parse(input.at) : Date.now();
  // Minutes that have closed (lateness included), and the window recomputed this run.
  const closed = floorTo(now - input.latenessMs, MINUTE);
  const from = closed - Math.max(MINUTE, ceilTo(input.catchUpMs, MINUTE));

  const result: AnalyticsRollupResult = {
    minutes: await activities.rollUp({ granularity: 'minute', from: iso(from), to: iso(closed) }),
  };
  // Hours, then days, that ended in the window: built from the minutes and hours just recomputed.
  const hours = closedBuckets(from, closed, GRANULARITY_MS.hour);
  if (hours)
    result.hours = await activities.rollUp({ granularity: 'hour', from: iso(hours.from), to: iso(hours.to) });
  const days = closedBuckets(from, closed, GRANULARITY_MS.day);
  if (days)
    result.days = await activities.rollUp({ granularity: 'day', from: iso(days.from), to: iso(days.to) });

  if (closedBuckets(closed - Math.max(MINUTE, input.intervalMs), closed, input.retentionEveryMs))
    result.retention = await activities.applyRetention({ ...input.retention, now: iso(now) });
  return result;
}
