// Workflows of earlier versions that no worker serves any more, ended when a worker starts so none
// waits forever on a task queue nobody polls. Idempotent: a second run finds nothing to end.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../lib/logger.js';

/**
 * `dataSession` (task queue `data-fetch`) served each consent's reads as workflow updates; reads
 * now call the connector in process (connectors/reads.ts), and no worker runs that type.
 */
export const RETIRED_DATA_SESSION_QUERY = 'WorkflowType="dataSession" AND ExecutionStatus="Running"';

export const DATA_SESSION_RETIRED_REASON =
  'retired: the gateway reads the bank through the connector in process; data sessions are no longer used';

/** Terminates every running `dataSession`; answers how many it ended. */
export async function retireDataSessions(client: Client, logger: Logger): Promise<number> {
  let ended = 0;
  for await (const wf of client.workflow.list({ query: RETIRED_DATA_SESSION_QUERY })) {
    try {
      await client.workflow.getHandle(wf.workflowId, wf.runId).terminate(DATA_SESSION_RETIRED_REASON);
      ended++;
    } catch (err) {
      // Ended meanwhile (by its idle timer, or by another worker starting at the same time).
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  if (ended) logger.info({ ended }, 'terminated retired dataSession workflows');
  return ended;
}
