// The consent's and the client's state as the gateway checks them on every call: read from the
// records their workflows write, so an ended consent or a suspended client stops its tokens at once.
import { applicationIdOfClient, clientIdFor } from '../../../db/models/application.js';
import type { Models } from '../../../db/models/index.js';
import { stateCache } from './state-cache.js';
import { journalReader, journalWatcher } from './state-journal.js';

function consentStateReader(models: Pick<Models, 'Consent'>) {
  return async (consentId: string) => (await models.Consent.findById(consentId).lean()) ?? undefined;
}

/** A client the marketplace provisioned: whose it is, and its status. */
export interface MarketplaceClient {
  applicationId: string;
  organizationId?: string;
  status: string;
}

/**
 * A marketplace client's status and owner, from the record its provisioning workflow keeps (by
 * `_id`, as cheap as the consent read); undefined for clients the marketplace did not provision.
 * The same read names the application and organization in the call's analytics event.
 */
export function clientStateReader(models: Pick<Models, 'Application'>) {
  return async (clientId: string): Promise<MarketplaceClient | undefined> => {
    const applicationId = applicationIdOfClient(clientId);
    if (!applicationId) return undefined;
    const app = await models.Application.findById(applicationId, {
      organizationId: 1,
      'client.status': 1,
    }).lean();
    return app
      ? { applicationId, organizationId: app.organizationId, status: app.client.status }
      : { applicationId, status: 'DEPROVISIONED' };
  };
}

/**
 * The consent and client state caches of one gateway replica, kept current by the change journal:
 * a state is read again only when its record changed (or after `maxAgeMs`), and every call sees
 * the changes journaled more than `ttlMs` before it (state-cache.ts, state-journal.ts).
 */
export function gatewayStateCaches(
  models: Pick<Models, 'Consent' | 'Application' | 'StateChange'>,
  o: { ttlMs: number; maxEntries?: number; maxAgeMs?: number },
) {
  const watcher = journalWatcher(journalReader(models.StateChange), { intervalMs: o.ttlMs });
  const options = (kind: string, keyOf?: (id: string) => string) => ({
    ttlMs: o.ttlMs,
    maxEntries: o.maxEntries ?? 10_000,
    journal: { watcher, kind, maxAgeMs: o.maxAgeMs ?? STATE_MAX_AGE_MS, ...(keyOf ? { keyOf } : {}) },
  });
  return {
    consents: stateCache(consentStateReader(models), options('Consent')),
    clients: stateCache(clientStateReader(models), options('Application', clientIdFor)),
  };
}

/** Longest a cached state is used without a change being reported: the journal's safety net. */
const STATE_MAX_AGE_MS = 60_000;
