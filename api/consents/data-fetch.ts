// Reading the bank's data through Temporal: each read is a `fetch` update on the consent's
// `dataSession` workflow (update-with-start) on the data-fetch task queue. The gateway reads the
// consented data this way, and the consent page the accounts a customer may choose from.
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { dataSession, fetchUpdate } from '../../workflows/data-fetch.js';
import type { FetchRequest, FetchResult } from '../../workflows/data-fetch-types.js';
import { ClientId } from '../../workflows/search-attributes.js';

export type DataFetcher = (req: FetchRequest) => Promise<FetchResult>;

/** The bank's core could not answer (connector down, circuit open, timeout): 503/504 upstream. */
/** The core refused the request as malformed (e.g. a paging key it never issued): the caller's 400. */
export class BankDataRequestRefused extends Error {
  override name = 'BankDataRequestRefused';
}

export class BankDataUnavailable extends Error {
  override name = 'BankDataUnavailable';
}

export function temporalDataFetcher(
  client: Client,
  taskQueue: string,
  sessionIdleMs = 5 * 60_000,
): DataFetcher {
  const fetchOnce = (req: FetchRequest) =>
    client.workflow.executeUpdateWithStart(fetchUpdate, {
      args: [req],
      startWorkflowOperation: new WithStartWorkflowOperation(dataSession, {
        workflowId: `data-session-${req.consentId}`,
        taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ consentId: req.consentId, idleMs: sessionIdleMs }],
        typedSearchAttributes: [{ key: ClientId, value: req.clientId }],
      }),
    });
  return async (req) => {
    try {
      return await fetchOnce(req);
    } catch (err) {
      // The fetch itself failed (connector down, circuit open, timeout).
      if (err instanceof WorkflowUpdateFailedError) {
        const refusal = causes(err).find(
          (c) => c instanceof ApplicationFailure && c.type === 'RequestRefused',
        );
        if (refusal) throw new BankDataRequestRefused(refusal.message);
        throw new BankDataUnavailable(err.cause?.message ?? err.message);
      }
      // The session was just ending as the update arrived: the next call starts a new one.
      if (err instanceof WorkflowNotFoundError) return fetchOnce(req);
      throw err;
    }
  };
}

/** An error and its causes, outermost first (update → activity → application failure). */
function causes(err: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = err; e instanceof Error && chain.length < 10; e = e.cause) chain.push(e);
  return chain;
}
