// `housekeeping`: what FerretDB's missing TTL indexes would otherwise do. Run by the
// `housekeeping` Temporal Schedule (see workers/schedules.ts): it deletes expired authorization
// server records and keys past their retirement.
import { proxyActivities } from '@temporalio/workflow';
import type { HousekeepingActivities } from '../activities/housekeeping.js';
import type { HousekeepingResult } from './housekeeping-types.js';

const activities = proxyActivities<HousekeepingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
  },
});

export async function housekeeping(): Promise<HousekeepingResult> {
  const expiredOidcRecords = await activities.sweepExpiredOidcRecords();
  const retiredKeys = await activities.sweepRetiredKeys();
  return { expiredOidcRecords, retiredKeys };
}
