// Every task queue and how to build its worker: each queue's worker is workers/<queue>.ts, running
// the workflows of workflows/<queue>-queue.ts. A new domain adds one line here.
import type { WorkerOptions } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import type { DiscoveryAgentDeps } from '../activities/provisioning.js';
import type { Models } from '../db/models/index.js';
import type { TaskQueueName } from '../workflows/task-queues.js';
import { consentWorker } from './consent.js';
import { housekeepingWorker } from './housekeeping.js';
import { onboardingWorker } from './onboarding.js';
import { provisioningWorker } from './provisioning.js';

export interface WorkerDeps {
  models: Models;
  /** The worker's metrics registry. */
  registry?: Registry;
  /** The Discovery Agent's link to the authorization server, for the provisioning activities. */
  discoveryAgent: DiscoveryAgentDeps;
}

export const WORKERS: Record<
  TaskQueueName,
  (deps: WorkerDeps) => Pick<WorkerOptions, 'taskQueue' | 'workflowsPath' | 'activities'>
> = {
  onboarding: onboardingWorker,
  housekeeping: housekeepingWorker,
  consent: consentWorker,
  provisioning: provisioningWorker,
};
