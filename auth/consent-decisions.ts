// How the authorization server talks to the consent workflows: the consent page's decisions as
// updates (the workflow's validators have the last word), and FDX consents lodged at PAR.
import type { Client } from '@temporalio/client';
import { consentTransitions, lodgeFdxConsent, type LodgeOptions } from '../workflows/consent-client.js';
import type { FdxConsentTerms } from '../workflows/consent-types.js';
import type { ConsentDecisions } from './interactions/consent.js';

export function temporalConsentDecisions(client: Client): ConsentDecisions {
  const transitions = consentTransitions(client);
  return {
    authorise: transitions.authorise,
    async reject(consentId, r) {
      await transitions.revoke(consentId, r);
    },
  };
}

export function temporalFdxLodging(o: Omit<LodgeOptions, 'bankId'>) {
  return async (clientId: string, terms: FdxConsentTerms): Promise<string> =>
    (await lodgeFdxConsent(o, { clientId, terms })).consentId;
}
