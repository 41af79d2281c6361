// Temporal Schedules of the platform, created or brought up to date when a worker starts, so a
// fresh cluster gets them without a manual step and a changed interval takes effect.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import {
  ANALYTICS_ROLLUP_DEFAULTS,
  ANALYTICS_ROLLUP_WORKFLOW,
  type AnalyticsRollupInput,
} from '../workflows/analytics-types.js';
import { HOUSEKEEPING_WORKFLOW } from '../workflows/housekeeping-types.js';

export const HOUSEKEEPING_SCHEDULE_ID = 'housekeeping';

export async function ensureHousekeepingSchedule(
  client: Client,
  opts: { intervalMs: number; taskQueue: string },
  logger: Logger,
): Promise<void> {
  const spec = { intervals: [{ every: opts.intervalMs }] };
  try {
    await client.schedule.create({
      scheduleId: HOUSEKEEPING_SCHEDULE_ID,
      spec,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      action: {
        type: 'startWorkflow',
        workflowType: HOUSEKEEPING_WORKFLOW,
        taskQueue: opts.taskQueue,
        workflowExecutionTimeout: '10 minutes',
      },
    });
    logger.info({ scheduleId: HOUSEKEEPING_SCHEDULE_ID, everyMs: opts.intervalMs }, 'created schedule');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID);
    const current = await handle.describe();
    const everyMs = current.spec.intervals?.[0]?.every;
    const queue = current.action.type === 'startWorkflow' ? current.action.taskQueue : undefined;
    if (everyMs !== opts.intervalMs || queue !== opts.taskQueue) {
      await handle.update((prev) => ({
        ...prev,
        spec,
        action: { ...prev.action, taskQueue: opts.taskQueue } as typeof prev.action,
      }));
      logger.info({ scheduleId: HOUSEKEEPING_SCHEDULE_ID, everyMs: opts.intervalMs }, 'updated schedule');
    }
  }
}

export const ANALYTICS_ROLLUP_SCHEDULE_ID = 'analytics-rollup';

/** The roll-up workflow's input from the configuration (lib/config.ts `analytics`). */
export function analyticsRollupInput(cfg: Config['analytics']): AnalyticsRollupInput {
  return {
    ...ANALYTICS_ROLLUP_DEFAULTS,
    intervalMs: cfg.rollupEveryMs,
    latenessMs: cfg.latenessMs,
    // Two runs' worth at least of late events; skipped runs' minutes are caught up from the watermark.
    catchUpMs: Math.max(ANALYTICS_ROLLUP_DEFAULTS.catchUpMs, 2 * cfg.rollupEveryMs),
    retention: { ...cfg.retention },
  };
}

/** The `analytics-rollup` schedule: created once, brought up to date when its interval, queue or input change. */
export async function ensureAnalyticsRollupSchedule(
  client: Client,
  opts: { intervalMs: number; taskQueue: string; input: AnalyticsRollupInput },
  logger: Logger,
): Promise<void> {
  const spec = { intervals: [{ every: opts.intervalMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: ANALYTICS_ROLLUP_WORKFLOW,
    args: [opts.input] as [AnalyticsRollupInput],
    taskQueue: opts.taskQueue,
    workflowExecutionTimeout: '10 minutes',
  };
  const log = { scheduleId: ANALYTICS_ROLLUP_SCHEDULE_ID, everyMs: opts.intervalMs };
  try {
    await client.schedule.create({
      scheduleId: ANALYTICS_ROLLUP_SCHEDULE_ID,
      spec,
      // A run that is still going when the next is due is not doubled: the next run goes on from
      // the watermark, whatever was skipped or missed.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      action,
    });
    logger.info(log, 'created schedule');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(ANALYTICS_ROLLUP_SCHEDULE_ID);
    const current = await handle.describe();
    const same =
      current.spec.intervals?.[0]?.every === opts.intervalMs &&
      current.action.type === 'startWorkflow' &&
      current.action.taskQueue === opts.taskQueue &&
      JSON.stringify(current.action.args) === JSON.stringify(action.args);
    if (!same) {
      await handle.update((prev) => ({
        ...prev,
        spec,
        action: { ...prev.action, taskQueue: opts.taskQueue, args: action.args } as typeof prev.action,
      }));
      logger.info(log, 'updated schedule');
    }
  }
}
