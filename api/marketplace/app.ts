// The developer marketplace's HTTP app (pages and JSON API). Built from its dependencies so tests
// run it in-process against real Temporal and a real database.
import type { Client } from '@temporalio/client';
import type { ErrorRequestHandler, Express, Request, Response } from 'express';
import type { DataFetcher } from '../../connectors/reads.js';
import type { Database } from '../../db/connection.js';
import { checkDatabaseReads } from '../../lib/mongo/connection.js';
import {
  budgetAnswered,
  isDependencyFailure,
  sendUnavailablePage,
  wantsHtml,
} from '../../lib/http/deadline.js';
import { problemErrorHandler, sendProblem } from '../../lib/http/problem.js';
import { createMetrics, type Metrics } from '../../lib/http/metrics.js';
import { createComponentApp } from '../../lib/http/server.js';
import type { Logger } from '../../lib/logger.js';
import type { Branding } from '../../lib/config.js';
import { insightsAssetsRouter } from '../../lib/analytics/insights-view.js';
import { bankConsoleRouter } from '../bank-console/index.js';
import { selfServiceRouter } from '../self-service/index.js';
import type { Pem } from '../../lib/pki/dev-pki.js';
import { TASK_QUEUES } from '../../workflows/task-queues.js';
import { applicationService, type ApplicationDeps } from './applications/service.js';
import type { SupportContact } from '../../lib/products.js';
import { catalogRouter } from './catalog/routes.js';
import { portalRouter } from './portal/index.js';
import { organizationEnrolment, type OrganizationsDeps } from './routes/organizations.js';
import { subscriptionService } from './subscriptions/service.js';
import { marketplaceTraffic, type MarketplaceTrafficDeps } from './traffic.js';

/** The bank's bank console (/admin) and the customers' self-service (/my). */
export interface ConsolesOptions {
  /** The consent task queue, where `revokeCustomerConsents` runs. */
  consentTaskQueue: string;
  temporalUiUrl: string;
  /** Off: every /my route answers 404. */
  selfServiceEnabled: boolean;
  /** The bank's data through the configured connector, for self-service's account labels. */
  readBankData: DataFetcher;
  secureCookies: boolean;
  adminSessionTtlMs: number;
  selfServiceSessionTtlMs: number;
  /** The bank's brand and time zone on the customers' pages; the defaults without it. */
  branding?: Branding;
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

interface MarketplaceDeps {
  logger: Logger;
  client: Client;
  db: Database;
  /** The component's metrics, when the caller counts more in them (the connector's calls). */
  metrics?: Metrics;
  taskQueues: { onboarding: string; provisioning?: string };
  onboarding: OrganizationsDeps['onboarding'];
  /** Without it the app serves neither console (tests of other parts). */
  consoles?: ConsolesOptions;
  /** Without it the app serves no developer portal, catalog or enrolment API (tests of other parts). */
  portal?: PortalOptions;
  /** How long a request may take before the marketplace answers 504 itself (HTTP_REQUEST_BUDGET). */
  requestBudgetMs?: number;
  /** Limits on sign-ups, enrolments, log-ins and codes per address (traffic.ts); without them, none. */
  traffic?: MarketplaceTrafficDeps;
}

const PROBLEMS = {
  503: ['Service unavailable', 'A system the marketplace depends on is not answering. Try again later.'],
  504: ['Gateway timeout', 'The request could not be completed in time. Try again later.'],
} as const;

/** 503 or 504: problem+json for the JSON APIs, a short page for a browser on the pages. */
function sendUnavailable(req: Request, res: Response, status: 503 | 504): void {
  // The original URL: inside a mounted router (where the budget may expire) `path` is relative to it.
  const path = req.originalUrl.split('?')[0]!;
  const api = /^\/(admin\/)?api\//.test(path) || path.endsWith('.json');
  if (!api && wantsHtml(req)) return sendUnavailablePage(res, status);
  const [title, detail] = PROBLEMS[status];
  sendProblem(res, status, title, detail);
}

/** A database or Temporal that is away or silent is a 503, never a 500. */
const dependencyErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (budgetAnswered(res)) return;
  if (res.headersSent || !isDependencyFailure(err)) return next(err);
  req.log?.warn({ err }, 'request failed: a dependency is unavailable');
  sendUnavailable(req, res, 503);
};

export function createMarketplaceApp(deps: MarketplaceDeps): Express {
  const app = createComponentApp({
    logger: deps.logger,
    metrics: deps.metrics ?? createMetrics('marketplace'),
    readiness: [
      { name: 'database', check: () => checkDatabaseReads(deps.db.connection) },
      { name: 'temporal', check: async () => void (await deps.client.workflowService.getSystemInfo({})) },
    ],
    budget: {
      budgetMs: deps.requestBudgetMs ?? 10_000,
      onExpired: (req, res) => sendUnavailable(req, res, 504),
    },
    // Served over plain http (development, or HOST=0.0.0.0 in a container), the consoles' form
    // posts must not be rewritten to https by helmet's default upgrade-insecure-requests.
    ...(deps.consoles && !deps.consoles.secureCookies
      ? { csp: { 'upgrade-insecure-requests': null as unknown as string[] } }
      : {}),
  });
  // The charts' scripts and styles, for the bank's dashboard and the developers' insights.
  app.use(insightsAssetsRouter());
  if (deps.traffic) app.use(marketplaceTraffic(deps.traffic));
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
        enrol: organizationEnrolment({
          client: deps.client,
          models: deps.db.models,
          taskQueue: deps.taskQueues.onboarding,
          onboarding: deps.onboarding,
        }),
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
      bankConsoleRouter({
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
          readBankData: consoles.readBankData,
          secureCookies: consoles.secureCookies,
          sessionTtlMs: consoles.selfServiceSessionTtlMs,
          ...(consoles.branding ? { branding: consoles.branding } : {}),
        }),
      );
  }
  app.use((_req, res) => sendProblem(res, 404, 'Not found'));
  app.use(dependencyErrorHandler);
  app.use(problemErrorHandler);
  return app;
}
