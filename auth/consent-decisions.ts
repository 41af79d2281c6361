// The consent page's decisions, delivered to the consent workflows as updates: the workflow's
// validators have the last word on whether a transition is allowed.
import type { Client } from '@temporalio/client';
import { authoriseUpdate, revokeUpdate } from '../workflows/consent.js';
import type { ConsentDecisions } from './interactions/consent.js';

export function temporalConsentDecisions(client: Client): ConsentDecisions {
  return {
    async authorise(consentId, a) {
      await client.workflow.getHandle(consentId).executeUpdate(authoriseUpdate, { args: [a] });
    },
    async reject(consentId, r) {
      await client.workflow.getHandle(consentId).executeUpdate(revokeUpdate, { args: [r] });
    },
  };
}
