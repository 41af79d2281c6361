// `analyticsRollup`: turns the raw analytics events into the roll-ups the insights pages read. Run
// every minute by the `analytics-rollup` Temporal Schedule (workers/schedules.ts). A minute closes
// `latenessMs` after its end (so events still in a component's buffer count). Each run rolls up the
// closed minutes from the watermark kept in the database (`analytics_state`), or from the catch-up
// window when that reaches further back (late events, and the first run, which has no watermark);
// never from before the raw events' retention. It goes in chunks of at most `chunkMs` (ending on
// multiples of it), each followed by the hours and days that chunk closed, built from the minutes
// and hours, and then by the watermark's advance; at most `maxChunksPerRun` chunks, the next runs
// continue. So an outage or a deploy loses nothing the raw events still hold. Once per
// `retentionEveryMs` it deletes what is past its retention. Recomputing is idempotent, so
// overlapping windows and retries are safe. Every duration is an input; time is the workflow's own
// clock (or `at`), and the watermark is read by an activity, so runs replay.
import { patched, proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { AnalyticsActivities, RollUpResult } from '../activities/analytics.js';
import { ceilTo, closedBuckets, floorTo, GRANULARITY_MS } from '../lib/analytics/buckets.js';
import {
  ANALYTICS_ROLLUP_DEFAULTS,
  type AnalyticsRollupInput,
  type AnalyticsRollupResult,
} from './analytics-types.js';

/** Runs started before the watermark (histories without this marker) replay the earlier commands. */
export const ROLLUP_WATERMARK_PATCH = 'analytics-rollup-watermark';

const MINUTE = GRANULARITY_MS.minute;
const HOUR = GRANULARITY_MS.hour;
const iso = (ms: number) => new Date(ms).toISOString();

/** Two results of the same granularity as one: the first's start, the second's end, summed counts. */
const joined = (a: RollUpResult | undefined, b: RollUpResult): RollUpResult =>
  a ? { ...a, to: b.to, sources: a.sources + b.sources, documents: a.documents + b.documents } : b;

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
  // Minutes that have closed (lateness included), and the catch-up window recomputed every run.
  const closed = floorTo(now - input.latenessMs, MINUTE);
  const recent = closed - Math.max(MINUTE, ceilTo(input.catchUpMs, MINUTE));
  if (!patched(ROLLUP_WATERMARK_PATCH)) return withoutWatermark(activities, input, now, closed, recent);

  // From the watermark when it is behind the catch-up window, but never from before the oldest
  // whole hour whose raw events are all still kept: an hour is then recomputed from all its minutes.
  const watermark = await activities.readRollupWatermark();
  const oldest = ceilTo(now - input.retention.rawMs, HOUR);
  const from = Math.max(
    oldest,
    Math.min(watermark === null ? recent : floorTo(Date.parse(watermark), MINUTE), recent),
  );
  const chunk = Math.max(MINUTE, floorTo(input.chunkMs ?? ANALYTICS_ROLLUP_DEFAULTS.chunkMs, MINUTE));
  const maxChunks = Math.max(1, input.maxChunksPerRun ?? ANALYTICS_ROLLUP_DEFAULTS.maxChunksPerRun);

  let minutes: RollUpResult | undefined;
  let hoursDone: RollUpResult | undefined;
  let daysDone: RollUpResult | undefined;
  let mark = watermark;
  let start = from;
  for (let n = 0; n < maxChunks && start < closed; n++) {
    const end = Math.min(closed, floorTo(start, chunk) + chunk);
    minutes = joined(
      minutes,
      await activities.rollUp({ granularity: 'minute', from: iso(start), to: iso(end) }),
    );
    // Hours, then days, that ended in this chunk: built from the minutes and hours before them.
    const hours = closedBuckets(start, end, GRANULARITY_MS.hour);
    if (hours)
      hoursDone = joined(
        hoursDone,
        await activities.rollUp({ granularity: 'hour', from: iso(hours.from), to: iso(hours.to) }),
      );
    const days = closedBuckets(start, end, GRANULARITY_MS.day);
    if (days)
      daysDone = joined(
        daysDone,
        await activities.rollUp({ granularity: 'day', from: iso(days.from), to: iso(days.to) }),
      );
    // Recorded after each chunk, so a run cut short keeps what it did.
    if (mark === null || end > Date.parse(mark))
      mark = await activities.advanceRollupWatermark({ to: iso(end) });
    start = end;
  }

  const result: AnalyticsRollupResult = {
    minutes: minutes ?? { granularity: 'minute', from: iso(from), to: iso(from), sources: 0, documents: 0 },
  };
  if (hoursDone) result.hours = hoursDone;
  if (daysDone) result.days = daysDone;
  result.watermark = { from: watermark, to: mark };
  result.caughtUp = start >= closed;
  if (closedBuckets(closed - Math.max(MINUTE, input.intervalMs), closed, input.retentionEveryMs))
    result.retention = await activities.applyRetention({ ...input.retention, now: iso(now) });
  return result;
}

/** The run as it was before the watermark: the catch-up window only. Remove with the patch. */
async function withoutWatermark(
  activities: ActivityInterfaceFor<AnalyticsActivities>,
  input: AnalyticsRollupInput,
  now: number,
  closed: number,
  from: number,
): Promise<AnalyticsRollupResult> {
  const result: AnalyticsRollupResult = {
    minutes: await activities.rollUp({ granularity: 'minute', from: iso(from), to: iso(closed) }),
  };
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
