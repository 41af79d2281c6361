// What the subscription and application pages need, and the one way they find an application: the
// developer's own organization's, or none.
import type { Models } from '../../../../db/models/index.js';
import type { Application } from '../../../../db/models/application.js';
import type { ApplicationService } from '../../applications/service.js';
import { MarketplaceError } from '../../errors.js';
import type { SubscriptionService } from '../../subscriptions/service.js';
import type { DeveloperAccess, DeveloperIdentity } from '../access.js';

export interface AppRouteDeps {
  models: Pick<Models, 'Organization' | 'Subscription' | 'Application' | 'AnalyticsEvent'>;
  access: DeveloperAccess;
  subscriptions: SubscriptionService;
  applications: ApplicationService;
  authIssuer: string;
  gatewayUrl: string;
}

export type AppRecord = Application & { _id: string };

/** The application of this developer's organization, or a 404 (another organization's app is not found). */
export async function ownApplication(
  models: Pick<Models, 'Application'>,
  developer: DeveloperIdentity,
  id: string,
) {
  const app = await models.Application.findById(id).lean<AppRecord>();
  if (!app || !developer.organizationId || app.organizationId !== developer.organizationId)
    throw new MarketplaceError(404, 'Application not found');
  return app;
}
