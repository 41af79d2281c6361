// The gateway's side of a data read: the consent's scope on every request, and the standard's
// answers for a resource outside it or an unavailable core.
import type { Response } from 'express';
import {
  BankDataRequestRefused,
  BankDataUnavailable,
  type DataFetcher,
  type FetchOperation,
  type FetchRequest,
  type FetchResult,
} from '../../connectors/reads.js';
import { consentOf, type ConsentRecord } from './security/access-token.js';

/** The fetch request for a consent: its customer and selected accounts bound the result. */
function fetchFor(consent: ConsentRecord, operation: FetchOperation): FetchRequest {
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
  answer: {
    notFound(res: Response): void;
    unavailable(res: Response): void;
    refused(res: Response, detail: string): void;
  },
): Promise<Extract<FetchResult, { kind: K }> | undefined> {
  let result: FetchResult;
  try {
    result = await fetchData(fetchFor(consentOf(res), operation));
  } catch (err) {
    if (err instanceof BankDataRequestRefused) answer.refused(res, err.message);
    else if (err instanceof BankDataUnavailable) answer.unavailable(res);
    else throw err;
    return undefined;
  }
  if (result.kind !== expected) {
    answer.notFound(res);
    return undefined;
  }
  return result as Extract<FetchResult, { kind: K }>;
}
