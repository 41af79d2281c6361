// The worker for the `housekeeping` task queue: the housekeeping sweeps and the analytics roll-ups.
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { createAnalyticsActivities } from '../activities/analytics.js';
import { createHousekeepingActivities } from '../activities/housekeeping.js';
import type { Models } from '../db/models/index.js';
import { TASK_QUEUES } from '../workflows/task-queues.js';

export const housekeepingWorkflowsPath = fileURLToPath(
  new URL('../workflows/housekeeping-queue.ts', import.meta.url),
);

export function housekeepingWorker(deps: { models: Models }, taskQueue: string = TASK_QUEUES.housekeeping) {
  return {
    taskQueue,
    workflowsPath: housekeepingWorkflowsPath,
    activities: { ...createHousekeepingActivities(deps), ...createAnalyticsActivities(deps) },
  } satisfies Partial<WorkerOptions>;
}
