// The consent's and the client's state as the gateway checks them on every call: read from the
// records their workflows write, so an ended consent or a suspended client stops its tokens at once.
import { applicationIdOfClient } from '../../../db/models/application.js';
import type { Models } from '../../../db/models/index.js';

export function consentStateReader(models: Pick<Models, 'Consent'>) {
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
