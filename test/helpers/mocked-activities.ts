// Activities that stand in for a workflow's real ones in the workflow rule tests: each call is
// recorded (name and input, in order) and answered by the test's own implementation.
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { startTestWorker, testClient } from './platform.js';

export interface ActivityCall {
  name: string;
  input: unknown;
}

type Activities = Record<string, (...args: never[]) => Promise<unknown>>;

/** `impl` as activities that record every call in `calls` (emptied by the caller between tests). */
export function recordedActivities<A extends Activities>(impl: A) {
  const calls: ActivityCall[] = [];
  const activities = Object.fromEntries(
    Object.entries(impl).map(([name, fn]) => [
      name,
      (...args: never[]) => {
        calls.push({ name, input: args[0] });
        return fn(...args);
      },
    ]),
  ) as A;
  return { activities, calls };
}

/** The names of the calls, in order: the shape of a run. */
export const callNames = (calls: ActivityCall[]) => calls.map((c) => c.name);

/**
 * A worker for one workflow bundle whose activities are `impl`, recorded, on this file's own task
 * queue of the test Temporal server: started before the file's tests, stopped after, its calls
 * emptied before each test. `temporal()` is the client to start the workflows with.
 */
export function workerWithMockedActivities<A extends Activities>(o: {
  taskQueue: string;
  workflowsPath: string;
  activities: A;
}) {
  const { activities, calls } = recordedActivities(o.activities);
  let connection: Awaited<ReturnType<typeof testClient>> | undefined;
  let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  beforeAll(async () => {
    connection = await testClient();
    worker = await startTestWorker({ taskQueue: o.taskQueue, workflowsPath: o.workflowsPath, activities });
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });
  beforeEach(() => {
    calls.length = 0;
  });
  return {
    calls,
    temporal(): Client {
      if (!connection) throw new Error('the worker starts in beforeAll: use temporal() inside a test');
      return connection.client;
    },
  };
}
