// The worker for the `consent` task queue.
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { createConsentActivities } from '../activities/consent.js';
import type { Models } from '../db/models/index.js';
import { TASK_QUEUES } from '../workflows/task-queues.js';

export const consentWorkflowsPath = fileURLToPath(new URL('../workflows/consent-queue.ts', import.meta.url));

export function consentWorker(deps: { models: Models }, taskQueue: string = TASK_QUEUES.consent) {
  return {
    taskQueue,
    workflowsPath: consentWorkflowsPath,
    activities: createConsentActivities(deps),
  } satisfies Partial<WorkerOptions>;
}
