// Workflows the data-fetch benchmark compares: the platform's per-consent `dataSession` (fetches
// as updates) and the alternative it was measured against, one short workflow per call.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { DataFetchActivities } from '../../activities/data-fetch.js';
import type { FetchRequest, FetchResult } from '../../workflows/data-fetch-types.js';

export { dataSession, fetchUpdate } from '../../workflows/data-fetch.js';

const { fetchBankData } = proxyLocalActivities<DataFetchActivities>({ startToCloseTimeout: '5 seconds' });

export async function dataFetch(request: FetchRequest): Promise<FetchResult> {
  return fetchBankData(request);
}
