// Deletions the housekeeping schedule runs. Each is a single idempotent deleteMany.
import { sweepExpired } from '../auth/adapter.js';
import { sweepRetiredKeys } from '../auth/keys/key-store.js';
import type { Models } from '../db/models/index.js';

export function createHousekeepingActivities({ models }: { models: Pick<Models, 'OidcRecord' | 'AuthKey'> }) {
  return {
    sweepExpiredOidcRecords: () => sweepExpired(models.OidcRecord),
    sweepRetiredKeys: () => sweepRetiredKeys(models.AuthKey),
  };
}

export type HousekeepingActivities = ReturnType<typeof createHousekeepingActivities>;
