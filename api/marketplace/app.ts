// The developer marketplace's HTTP app (pages and JSON API). Built from its dependencies so tests
// run it in-process against real Temporal and a real database.
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import type { Database } from '../../db/connection.js';
import { pingDatabase } from '../../db/connection.js';
import { problemErrorHandler, sendProblem } from '../../lib/http/problem.js';
import { createMetrics } from '../../lib/http/metrics.js';
import { createComponentApp } from '../../lib/http/server.js';
import type { Logger } from '../../lib/logger.js';
import { insightsAssetsRouter } from '../../lib/analytics/insights-view.js';
import { consentAdminRouter } from '../consent-admin/index.js';
import { selfServiceRouter } from '../self-service/index.js';
import type { Pem } from '../../auth/pki/dev-pki.js';
import { TASK_QUEUES } from '../../workflows/task-queues.js';
import { applicationService, type ApplicationDeps } from './applications/service.js';
import type { SupportContact } from './catalog/products.js';
import { catalogRouter } from './catalog/routes.js';
import { portalRouter } from './portal/index.js';
import {
  organizationEnrolment,
  organizationsRouter,
  type OrganizationsDeps,
} from './routes/organizations.js';
import { subscriptionService } from './subscriptions/service.js';

/** The bank's consent console (/admin) and the customers' self-service (/my). */
export interface ConsolesOptions {
  /** The consent task queue, where `revokeCustomerConsents` runs. */
  consentTaskQueue: string;
  temporalUiUrl: string;
  /** Off: every /my route answers 404. */
  selfServiceEnabled: boolean;
  secureCookies: boolean;
  adminSessionTtlMs: number;
  selfServiceSessionTtlMs: number;
}

/** The developer portal, the product catalog and the Discovery Agent's settings. */
export interface PortalOptions {
  marketplaceUrl: string;
  authIssuer: string;
  gatewayUrl: string;
  fdxSpecsDir?: string;
  support: SupportContact;
  /** Issues generated development certificates; undefined: developers upload their own. */
  issuingCa?: Pem;
  provisioning: ApplicationDeps['workflow'];
  secureCookies: boolean;
  sessionTtlMs: number;
  /** The development mailbox page (never in production). */
  devMailbox: boolean;
}

export interface MarketplaceDeps {
  logger: Logger;
  client: Client;
  db: Database;
  taskQueues: { onboarding: string; provisioning?: string };
  onboarding: OrganizationsDeps['onboarding'];
  /** Without it the app serves neither console (tests of other parts). */
  consoles?: ConsolesOptions;
  /** Without it the app serves no developer portal or catalog (tests of other parts). */
  portal?: PortalOptions;
}

export function createMarketplaceApp(deps: MarketplaceDeps): Express {
  const app = createComponentApp({
    logger: deps.logger,
    metrics: createMetrics('marketplace'),
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db.connection) },
      { name: 'temporal', check: async () => void (await deps.client.workflowService.getSystemInfo({})) },
    ],
    // Served over plain http (development, or HOST=0.0.0.0 in a container), the consoles' form
    // posts must not be rewritten to https by helmet's default upgrade-insecure-requests.
    ...(deps.consoles && !deps.consoles.secureCookies
      ? { csp: { 'upgrade-insecure-requests': null as unknown as string[] } }
      : {}),
  });
  const organizations = {
    client: deps.client,
    models: deps.db.models,
    taskQueue: deps.taskQueues.onboarding,
    onboarding: deps.onboarding,
  };
  app.use(organizationsRouter(organizations));
  // The charts' scripts and styles, for the bank's dashboard and the developers' insights.
  app.use(insightsAssetsRouter());
  const portal = deps.portal;
  const services = portal && {
    subscriptions: subscriptionService({ client: deps.client, models: deps.db.models, logger: deps.logger }),
    applications: applicationService({
      client: deps.client,
      models: deps.db.models,
      taskQueue: deps.taskQueues.provisioning ?? TASK_QUEUES.provisioning,
      ...(portal.issuingCa ? { issuingCa: portal.issuingCa } : {}),
      workflow: portal.provisioning,
    }),
  };
  if (portal && services) {
    app.use(
      catalogRouter({
        ...(portal.fdxSpecsDir ? { fdxSpecsDir: portal.fdxSpecsDir } : {}),
        support: portal.support,
        gatewayUrl: portal.gatewayUrl,
        authIssuer: portal.authIssuer,
      }),
    );
    app.use(
      portalRouter({
        models: deps.db.models,
        ...services,
        enrol: organizationEnrolment(organizations),
        marketplaceUrl: portal.marketplaceUrl,
        authIssuer: portal.authIssuer,
        gatewayUrl: portal.gatewayUrl,
        secureCookies: portal.secureCookies,
        sessionTtlMs: portal.sessionTtlMs,
        devMailbox: portal.devMailbox,
      }).router,
    );
  }
  const consoles = deps.consoles;
  if (consoles) {
    const { client } = deps;
    const models = deps.db.models;
    app.use(
      consentAdminRouter({
        client,
        models,
        consentTaskQueue: consoles.consentTaskQueue,
        temporalUiUrl: consoles.temporalUiUrl,
        secureCookies: consoles.secureCookies,
        sessionTtlMs: consoles.adminSessionTtlMs,
        ...(services
          ? { marketplace: { ...services, onboardingTaskQueue: deps.taskQueues.onboarding } }
          : {}),
      }),
    );
    if (consoles.selfServiceEnabled)
      app.use(
        selfServiceRouter({
          client,
          models,
          secureCookies: consoles.secureCookies,
          sessionTtlMs: consoles.selfServiceSessionTtlMs,
        }),
      );
  }
  app.use((_req, res) => sendProblem(res, 404, 'Not found'));
  app.use(problemErrorHandler);
  return app;
}
