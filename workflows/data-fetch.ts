// `dataSession`: the gateway's reads of the bank's data for one consent. Each gateway call is a
// `fetch` update (sent with update-with-start), served by one local activity, so every fetch is
// traceable in Temporal and the gateway reaches connectors only through it. Measured against a
// workflow per call, an update on a live session answers in a fifth of the time (see
// docs/architecture.md, `npm run bench:data-fetch`). The session ends after `idleMs` without a
// fetch, and continues as new before its history grows large.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineUpdate,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DataFetchActivities } from '../activities/data-fetch.js';
import type { FetchRequest, FetchResult } from './data-fetch-types.js';

export const fetchUpdate = defineUpdate<FetchResult, [FetchRequest]>('fetch');

export interface DataSessionInput {
  consentId: string;
  /** How long the session waits for the next fetch before it ends. */
  idleMs: number;
}

const { fetchBankData } = proxyLocalActivities<DataFetchActivities>({
  startToCloseTimeout: '5 seconds',
  retry: {
    initialInterval: '100 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '1 second',
    maximumAttempts: 3,
    // An open circuit will not close on a retry a few milliseconds later.
    nonRetryableErrorTypes: ['CircuitOpen'],
  },
});

export async function dataSession(input: DataSessionInput): Promise<void> {
  let fetches = 0;
  setHandler(
    fetchUpdate,
    async (req) => {
      fetches++;
      return fetchBankData(req);
    },
    {
      validator: (req) => {
        if (req?.consentId !== input.consentId) throw new Error('this session serves another consent');
      },
    },
  );
  for (;;) {
    const seen = fetches;
    const busy = await condition(
      () => fetches !== seen || workflowInfo().continueAsNewSuggested,
      input.idleMs,
    );
    if (!busy) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof dataSession>(input);
    }
  }
  await condition(allHandlersFinished);
}
