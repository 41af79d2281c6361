// The worker for the `onboarding` task queue: its workflows and the activities they call.
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { createOnboardingActivities } from '../activities/onboarding.js';
import type { Models } from '../db/models/index.js';
import { TASK_QUEUES } from '../workflows/task-queues.js';

export const onboardingWorkflowsPath = fileURLToPath(
  new URL('../workflows/onboarding-queue.ts', import.meta.url),
);

export function onboardingWorker(deps: { models: Models }, taskQueue: string = TASK_QUEUES.onboarding) {
  return {
    taskQueue,
    workflowsPath: onboardingWorkflowsPath,
    activities: createOnboardingActivities(deps),
  } satisfies Partial<WorkerOptions>;
}
