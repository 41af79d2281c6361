// Every workflow the Temporal server ran in a chaos run, replayed on the current workflow code:
// what the server recorded — through killed workers, a restarted server and a restarted
// PostgreSQL — must replay without a determinism error, as the dev server's recorded fixtures do
// (test/unit/workflow-replay.test.ts).
import { Connection, Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { consentWorkflowsPath } from '../../../workers/consent.js';
import { housekeepingWorkflowsPath } from '../../../workers/housekeeping.js';
import { onboardingWorkflowsPath } from '../../../workers/onboarding.js';
import { provisioningWorkflowsPath } from '../../../workers/provisioning.js';
import type { TaskQueueName } from '../../../workflows/task-queues.js';

/** One entry per task queue: a new queue without one does not compile. */
const WORKFLOWS_PATH: Record<TaskQueueName, string> = {
  onboarding: onboardingWorkflowsPath,
  housekeeping: housekeepingWorkflowsPath,
  consent: consentWorkflowsPath,
  provisioning: provisioningWorkflowsPath,
};

export interface ReplayFigures {
  /** Histories replayed, by workflow type. */
  byType: Record<string, number>;
  /** Replays that failed, with the cause. */
  failures: { workflowId: string; type: string; error: string }[];
}

export async function replayServerHistories(o: {
  address: string;
  namespace: string;
  dataConverter: DataConverter;
}): Promise<ReplayFigures> {
  const connection = await Connection.connect({ address: o.address });
  const client = new Client({ connection, namespace: o.namespace });
  const figures: ReplayFigures = { byType: {}, failures: [] };
  // One replay worker per workflow bundle (bundling costs seconds), fed every history of its queue.
  const byPath = new Map<string, { workflowId: string; runId: string; type: string }[]>();
  try {
    for await (const wf of client.workflow.list()) {
      const workflowsPath = WORKFLOWS_PATH[wf.taskQueue as TaskQueueName];
      if (!workflowsPath) {
        figures.failures.push({
          workflowId: wf.workflowId,
          type: wf.type,
          error: `no workflow bundle for task queue ${wf.taskQueue}`,
        });
        continue;
      }
      byPath.set(workflowsPath, [
        ...(byPath.get(workflowsPath) ?? []),
        { workflowId: wf.workflowId, runId: wf.runId, type: wf.type },
      ]);
    }
    for (const [workflowsPath, runs] of byPath) {
      const types = new Map(runs.map((r) => [r.workflowId + r.runId, r.type]));
      async function* histories() {
        for (const r of runs)
          yield {
            workflowId: r.workflowId + r.runId,
            history: await client.workflow.getHandle(r.workflowId, r.runId).fetchHistory(),
          };
      }
      for await (const result of Worker.runReplayHistories(
        { workflowsPath, dataConverter: o.dataConverter },
        histories(),
      )) {
        const type = types.get(result.workflowId) ?? 'unknown';
        if (result.error)
          figures.failures.push({ workflowId: result.workflowId, type, error: String(result.error) });
        else figures.byType[type] = (figures.byType[type] ?? 0) + 1;
      }
    }
  } finally {
    await connection.close();
  }
  return figures;
}
