// The authorization server's HTTP app: health routes, then oidc-provider. Interaction routes (the
// bank's login and consent pages) mount in front of the provider as they are added.
import type { Express } from 'express';
import type Provider from 'oidc-provider';
import type { Database } from '../db/connection.js';
import { pingDatabase } from '../db/connection.js';
import { createComponentApp } from '../lib/http/server.js';
import type { Logger } from '../lib/logger.js';
import { loginRouter } from './interactions/login.js';
import { messagePage } from './interactions/views.js';

export function createAuthApp(deps: {
  provider: Provider & { csrfSecret: string };
  db: Database;
  logger: Logger;
}): Express {
  const app = createComponentApp({
    logger: deps.logger,
    readiness: [{ name: 'database', check: () => pingDatabase(deps.db.connection) }],
  });
  app.use(
    loginRouter({
      provider: deps.provider,
      models: deps.db.models,
      csrfSecret: deps.provider.csrfSecret,
      logger: deps.logger,
    }),
  );
  app.get('/interaction/:uid', (_req, res) => {
    res
      .status(503)
      .type('html')
      .send(
        messagePage(
          'Not available',
          'Consent review is not available on this server yet. Go back to the application.',
        ),
      );
  });
  // No body parser in front: oidc-provider reads the raw request itself.
  app.use(deps.provider.callback());
  return app;
}
