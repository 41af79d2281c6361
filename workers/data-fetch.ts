// The worker for the `data-fetch` task queue: the gateway's reads of the bank's core.
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { createDataFetchActivities, type BreakerOptions } from '../activities/data-fetch.js';
import type { Registry } from 'prom-client';
import type { BankConnector } from '../connectors/sdk/connector.js';
import { TASK_QUEUES } from '../workflows/task-queues.js';

export const dataFetchWorkflowsPath = fileURLToPath(
  new URL('../workflows/data-fetch-queue.ts', import.meta.url),
);

export function dataFetchWorker(
  deps: { connector: BankConnector; breaker?: Partial<BreakerOptions>; registry?: Registry },
  taskQueue: string = TASK_QUEUES.dataFetch,
) {
  return {
    taskQueue,
    workflowsPath: dataFetchWorkflowsPath,
    activities: createDataFetchActivities(deps),
  } satisfies Partial<WorkerOptions>;
}
