// The developer marketplace's HTTP app (pages and JSON API). Built from its dependencies so tests
// run it in-process against real Temporal and a real database.
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import type { Database } from '../../db/connection.js';
import { pingDatabase } from '../../db/connection.js';
import { problemErrorHandler, sendProblem } from '../../lib/http/problem.js';
import { createComponentApp } from '../../lib/http/server.js';
import type { Logger } from '../../lib/logger.js';
import { organizationsRouter, type OrganizationsDeps } from './routes/organizations.js';

export interface MarketplaceDeps {
  logger: Logger;
  client: Client;
  db: Database;
  taskQueues: { onboarding: string };
  onboarding: OrganizationsDeps['onboarding'];
}

export function createMarketplaceApp(deps: MarketplaceDeps): Express {
  const app = createComponentApp({
    logger: deps.logger,
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db.connection) },
      { name: 'temporal', check: async () => void (await deps.client.workflowService.getSystemInfo({})) },
    ],
  });
  app.use(
    organizationsRouter({
      client: deps.client,
      models: deps.db.models,
      taskQueue: deps.taskQueues.onboarding,
      onboarding: deps.onboarding,
    }),
  );
  app.use((_req, res) => sendProblem(res, 404, 'Not found'));
  app.use(problemErrorHandler);
  return app;
}
