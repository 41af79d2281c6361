// The authorization server's HTTP app: health routes, the bank's login and consent pages, then
// oidc-provider itself.
import type { Express } from 'express';
import type Provider from 'oidc-provider';
import type { Database } from '../db/connection.js';
import { checkDatabaseReads } from '../lib/mongo/connection.js';
import { authDependencyErrorHandler, sendAuthUnavailable } from './unavailable.js';
import { answerUnknownRoutes, authErrorHandler } from './client-errors.js';
import { DEFAULT_BRANDING, type Branding } from '../lib/config.js';
import { createMetrics, type Metrics } from '../lib/http/metrics.js';
import { createComponentApp } from '../lib/http/server.js';
import type { Logger } from '../lib/logger.js';
import { consentRouter, type ConsentDecisions } from './interactions/consent.js';
import { loginRouter } from './interactions/login.js';
import { showReturning } from './interactions/returning.js';
import type { ListShareable } from './shareable-resources.js';
import type { EventBuffer } from '../lib/analytics/event-buffer.js';
import { authEventRecorder, recordTokenEvents, type AuthEvent } from './analytics.js';
import { authTraffic, type AuthTrafficDeps } from './traffic.js';

interface AuthAppDeps {
  provider: Provider & { csrfSecret: string };
  db: Database;
  decisions: ConsentDecisions;
  /** The bank's limit of authorised consents per customer and recipient (default 10). */
  maxConsentsPerRecipient?: number;
  listShareable: ListShareable;
  /** Analytics events of tokens and logins (bounded, written in the background). */
  events?: EventBuffer<AuthEvent>;
  logger: Logger;
  /** How long a request may take before the AS answers for it (HTTP_REQUEST_BUDGET). */
  requestBudgetMs?: number;
  /** The AS's metrics, when the server registers its own (the connector's calls) beforehand. */
  metrics?: Metrics;
  /** Traffic limits on its endpoints and pages (traffic.ts); without them, none. */
  traffic?: AuthTrafficDeps;
  /** The bank's brand on the customer's pages (BANK_* settings); the defaults without it. */
  branding?: Branding;
}

export function createAuthApp(deps: AuthAppDeps): Express {
  const branding = deps.branding ?? DEFAULT_BRANDING;
  const app = createComponentApp({
    logger: deps.logger,
    metrics: deps.metrics ?? createMetrics('auth'),
    readiness: [{ name: 'database', check: () => checkDatabaseReads(deps.db.connection) }],
    budget: {
      budgetMs: deps.requestBudgetMs ?? 10_000,
      onExpired: (req, res) => sendAuthUnavailable(req, res, 504, branding),
    },
    // Browsers apply form-action to the redirects that follow a form post: the consent form ends
    // at the recipient's (https) redirect URI.
    // The recipient's logo comes from its (https) logo URI; the bank's may be one too.
    csp: { 'form-action': ["'self'", 'https:'], 'img-src': ["'self'", 'data:', 'https:'] },
  });
  const { provider, db, logger } = deps;
  // Counted before anything else is done for the request.
  if (deps.traffic) app.use(authTraffic({ ...deps.traffic, branding }));
  const recordEvent = deps.events ? authEventRecorder(deps.events) : undefined;
  if (recordEvent) recordTokenEvents(provider, recordEvent);
  app.use(
    loginRouter({
      provider,
      models: db.models,
      csrfSecret: provider.csrfSecret,
      branding,
      logger,
      ...(recordEvent ? { recordEvent } : {}),
    }),
  );
  app.use(
    consentRouter({
      provider,
      models: db.models,
      decisions: deps.decisions,
      csrfSecret: provider.csrfSecret,
      branding,
      logger,
      maxConsentsPerRecipient: deps.maxConsentsPerRecipient ?? 10,
      listShareable: deps.listShareable,
    }),
  );
  // No body parser in front: oidc-provider reads the raw request itself.
  answerUnknownRoutes(provider, branding);
  showReturning(provider, branding, provider.issuer);
  app.use(provider.callback());
  app.use(authDependencyErrorHandler(branding));
  app.use(authErrorHandler(branding));
  return app;
}
