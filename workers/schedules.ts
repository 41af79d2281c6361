// Temporal Schedules of the platform, created or brought up to date when a worker starts, so a
// fresh cluster gets them without a manual step and a changed interval takes effect.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Logger } from '../lib/logger.js';
import { housekeeping } from '../workflows/housekeeping.js';

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
        workflowType: housekeeping,
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
