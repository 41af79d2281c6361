// Every task queue and how to build its worker. A new domain adds one line here.
import type { WorkerOptions } from '@temporalio/worker';
import type { Models } from '../db/models/index.js';
import type { TaskQueueName } from '../workflows/task-queues.js';
import { consentWorker } from './consent.js';
import { housekeepingWorker } from './housekeeping.js';
import { onboardingWorker } from './onboarding.js';

export const WORKERS: Record<
  TaskQueueName,
  (deps: { models: Models }) => Pick<WorkerOptions, 'taskQueue' | 'workflowsPath' | 'activities'>
> = {
  onboarding: onboardingWorker,
  housekeeping: housekeepingWorker,
  consent: consentWorker,
};
