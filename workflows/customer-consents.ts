// `revokeCustomerConsents`: the bank revokes every authorised consent of one customer (a lost
// device, a deceased customer, fraud). Ops start it from the Temporal UI (later the admin console);
// each consent's own workflow does the revocation and its clean-up.
import { getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { ConsentActivities } from '../activities/consent.js';
import { revokeSignal, type RevokeCustomerConsentsInput } from './consent-types.js';

const activities = proxyActivities<ConsentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
  },
});

export async function revokeCustomerConsents(
  input: RevokeCustomerConsentsInput,
): Promise<{ revoked: string[] }> {
  const consentIds = await activities.listAuthorisedConsents(input.customerId);
  for (const consentId of consentIds) {
    await getExternalWorkflowHandle(consentId).signal(revokeSignal, {
      rejectedBy: 'ASPSP',
      code: input.code,
      actor: input.actor,
      additionalInformation: input.reason,
    });
  }
  return { revoked: consentIds };
}
