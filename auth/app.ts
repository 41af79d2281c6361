// The authorization server's HTTP app: health routes, then oidc-provider. Interaction routes (the
// bank's login and consent pages) mount in front of the provider as they are added.
import type { Express } from 'express';
import type Provider from 'oidc-provider';
import type { Database } from '../db/connection.js';
import { pingDatabase } from '../db/connection.js';
import { createComponentApp } from '../lib/http/server.js';
import type { Logger } from '../lib/logger.js';

export function createAuthApp(deps: { provider: Provider; db: Database; logger: Logger }): Express {
  const app = createComponentApp({
    logger: deps.logger,
    readiness: [{ name: 'database', check: () => pingDatabase(deps.db.connection) }],
  });
  // No body parser in front: oidc-provider reads the raw request itself.
  app.use(deps.provider.callback());
  return app;
}
