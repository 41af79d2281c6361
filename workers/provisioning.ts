// The worker for the `provisioning` task queue: the Discovery Agent's workflow and its activities.
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { createProvisioningActivities, type DiscoveryAgentDeps } from '../activities/provisioning.js';
import { TASK_QUEUES } from '../workflows/task-queues.js';

export const provisioningWorkflowsPath = fileURLToPath(
  new URL('../workflows/provisioning-queue.ts', import.meta.url),
);

export function provisioningWorker(
  deps: { discoveryAgent: DiscoveryAgentDeps },
  taskQueue: string = TASK_QUEUES.provisioning,
) {
  return {
    taskQueue,
    workflowsPath: provisioningWorkflowsPath,
    activities: createProvisioningActivities(deps.discoveryAgent),
  } satisfies Partial<WorkerOptions>;
}
