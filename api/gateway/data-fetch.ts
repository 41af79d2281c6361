// How the gateway reads the bank's data: each call is a `fetch` update on the consent's
// `dataSession` workflow (update-with-start), on the data-fetch task queue. The request carries the
// consent's scope; the worker filters at source.
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { dataSession, fetchUpdate } from '../../workflows/data-fetch.js';
import type { FetchOperation, FetchRequest, FetchResult } from '../../workflows/data-fetch-types.js';
import { ClientId } from '../../workflows/search-attributes.js';
import type { Response } from 'express';
import { consentOf, type ConsentRecord } from './security/access-token.js';

export type DataFetcher = (req: FetchRequest) => Promise<FetchResult>;

/** The bank's core could not answer (connector down, circuit open, timeout): 503/504 upstream. */
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
      if (err instanceof WorkflowUpdateFailedError)
        throw new BankDataUnavailable(err.cause?.message ?? err.message);
      // The session was just ending as the update arrived: the next call starts a new one.
      if (err instanceof WorkflowNotFoundError) return fetchOnce(req);
      throw err;
    }
  };
}

/** The fetch request for a consent: its customer and selected accounts bound the result. */
export function fetchFor(consent: ConsentRecord, operation: FetchOperation): FetchRequest {
  return {
    consentId: consent._id,
    clientId: consent.clientId,
    customerId: consent.customerId ?? '',
    accountIds: consent.accountIds ?? [],
    operation,
  };
}

/**
 * Run a fetch under the token's consent. A resource outside it (or unknown) and an unavailable
 * core are answered by the standard's own writers; the result otherwise.
 */
export async function fetchInScope<K extends FetchResult['kind']>(
  fetchData: DataFetcher,
  res: Response,
  operation: FetchOperation,
  expected: K,
  answer: { notFound(res: Response): void; unavailable(res: Response): void },
): Promise<Extract<FetchResult, { kind: K }> | undefined> {
  let result: FetchResult;
  try {
    result = await fetchData(fetchFor(consentOf(res), operation));
  } catch (err) {
    if (!(err instanceof BankDataUnavailable)) throw err;
    answer.unavailable(res);
    return undefined;
  }
  if (result.kind !== expected) {
    answer.notFound(res);
    return undefined;
  }
  return result as Extract<FetchResult, { kind: K }>;
}
