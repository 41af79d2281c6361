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
import { consentAdminRouter } from '../consent-admin/index.js';
import { selfServiceRouter } from '../self-service/index.js';
import { organizationsRouter, type OrganizationsDeps } from './routes/organizations.js';

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

export interface MarketplaceDeps {
  logger: Logger;
  client: Client;
  db: Database;
  taskQueues: { onboarding: string };
  onboarding: OrganizationsDeps['onboarding'];
  /** Without it the app serves neither console (tests of other parts). */
  consoles?: ConsolesOptions;
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
  app.use(
    organizationsRouter({
      client: deps.client,
      models: deps.db.models,
      taskQueue: deps.taskQueues.onboarding,
      onboarding: deps.onboarding,
    }),
  );
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
