// The API gateway's HTTP app: the OFB and FDX APIs behind certificate, token and consent checks.
// Built from its dependencies so tests run it in-process against the real AS, Temporal and database.
import type { Client } from '@temporalio/client';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Database } from '../../db/connection.js';
import { checkDatabaseReads } from '../../lib/mongo/connection.js';
import { budgetAnswered, isDependencyFailure } from '../../lib/http/deadline.js';
import { clientError } from '../../lib/http/client-errors.js';
import { sendClientError } from './client-errors.js';
import { Gauge } from 'prom-client';
import { createMetrics, type Metrics } from '../../lib/http/metrics.js';
import { createComponentApp } from '../../lib/http/server.js';
import type { Logger } from '../../lib/logger.js';
import {
  consentTransitions,
  lodgeOfbConsent,
  type ConsentTransitions,
  type LodgeOptions,
} from '../../workflows/consent-client.js';
import { fdxConsentsRouter, FDX_BASE } from './fdx/consents/routes.js';
import { fdxCoreRouter } from './fdx/core/routes.js';
import type { PartyInfo } from './fdx/consents/mappers.js';
import { invalidInput, sendFdxError } from './fdx/errors.js';
import { echoInteractionId, interactionId } from './interaction-id.js';
import { CONSENTS_BASE, ofbConsentsRouter } from './ofb/consents/routes.js';
import { sendOfbError } from './ofb/errors.js';
import type { AccessDeps } from './security/access-token.js';
import type { EventBuffer } from '../../lib/analytics/event-buffer.js';
import { recordCalls, type GatewayCallEvent } from './analytics.js';
import type { DataFetcher } from '../../connectors/reads.js';
import { ACCOUNTS_BASE, ofbAccountsRouter } from './ofb/accounts/routes.js';
import { CREDIT_CARDS_BASE, ofbCreditCardsRouter } from './ofb/credit-cards/routes.js';
import { CUSTOMERS_BASE, ofbCustomersRouter } from './ofb/customers/routes.js';
import { ofbResourcesRouter, RESOURCES_BASE } from './ofb/resources/routes.js';
import type { OfbDataDeps } from './ofb/data-api.js';
import type { GatewayTraffic } from './traffic.js';

interface GatewayDeps {
  logger: Logger;
  client: Client;
  db: Database;
  access: AccessDeps;
  lodging: Omit<LodgeOptions, 'client'>;
  /** Public base URL of the gateway, for `links`. */
  baseUrl: string;
  provider: PartyInfo['provider'];
  /** Reads of the bank's data: the connector in process, guarded (connectors/reads.ts). */
  fetchData: DataFetcher;
  bank: OfbDataDeps['bank'] & { routingNumber: string };
  /** Where each call's analytics event goes (bounded, written in the background). */
  events: EventBuffer<GatewayCallEvent>;
  /** How long a call may take before the gateway answers 504 itself (HTTP_REQUEST_BUDGET). */
  requestBudgetMs?: number;
  /** The gateway's metrics, when the server registers its own (the connector's calls) beforehand. */
  metrics?: Metrics;
  /** Traffic limits (traffic.ts); without them, none. */
  traffic?: GatewayTraffic;
}

/** The gateway's 503 (a dependency is away) and 504 (the budget ran out), in each standard's shape. */
function sendUnavailable(req: Request, res: Response, status: 503 | 504, fdx: boolean): void {
  echoInteractionId(req, res);
  const detail =
    status === 503
      ? 'a system the gateway depends on is unavailable; try again later'
      : 'the request could not be completed in time; try again later';
  if (fdx) sendFdxError(res, status, 501, 'Subsystem unavailable', detail);
  else
    sendOfbError(
      res,
      status,
      status === 503
        ? { code: 'SERVICE_UNAVAILABLE', title: 'Serviço indisponível', detail }
        : { code: 'GATEWAY_TIMEOUT', title: 'Tempo de resposta esgotado', detail },
    );
}

// The original URL: inside a mounted router (where the budget may expire) `path` is relative to it.
const fdx = (req: Request) => req.originalUrl.startsWith(FDX_BASE);

export function createGatewayApp(deps: GatewayDeps): Express {
  const metrics = deps.metrics ?? createMetrics('gateway');
  // The analytics buffer, as a scraper sees it: what waits, what was written, what was dropped.
  new Gauge({
    name: 'gateway_analytics_events',
    help: 'Analytics events of gateway calls by state (buffered now; written and dropped since start)',
    labelNames: ['state'],
    registers: [metrics.registry],
    collect() {
      const s = deps.events.stats();
      this.set({ state: 'buffered' }, s.buffered);
      this.set({ state: 'written' }, s.written);
      this.set({ state: 'dropped' }, s.dropped);
    },
  });
  const app = createComponentApp({
    logger: deps.logger,
    metrics,
    readiness: [
      { name: 'database', check: () => checkDatabaseReads(deps.db.connection) },
      { name: 'temporal', check: async () => void (await deps.client.workflowService.getSystemInfo({})) },
    ],
    budget: {
      budgetMs: deps.requestBudgetMs ?? 10_000,
      onExpired: (req, res) => sendUnavailable(req, res, 504, fdx(req)),
    },
  });
  app.use(recordCalls(deps.events));
  // Refused calls are calls too: recorded above, then the global ceiling before any other work.
  if (deps.traffic) app.use(deps.traffic.ceiling);
  const afterAccess = deps.traffic?.afterAccess;
  const transitions = forgettingTransitions(consentTransitions(deps.client), deps.access.forgetConsent);
  app.use(
    CONSENTS_BASE,
    ofbConsentsRouter({
      access: deps.access,
      models: deps.db.models,
      lodge: (req) => lodgeOfbConsent({ client: deps.client, ...deps.lodging }, req),
      transitions,
      baseUrl: deps.baseUrl,
      logger: deps.logger,
      afterAccess,
    }),
  );
  const ofbData: OfbDataDeps = {
    access: deps.access,
    fetchData: deps.fetchData,
    baseUrl: deps.baseUrl,
    bank: deps.bank,
    afterAccess,
  };
  app.use(ACCOUNTS_BASE, ofbAccountsRouter(ofbData));
  app.use(CREDIT_CARDS_BASE, ofbCreditCardsRouter(ofbData));
  app.use(CUSTOMERS_BASE, ofbCustomersRouter(ofbData));
  app.use(RESOURCES_BASE, ofbResourcesRouter(ofbData));
  // FDX: the interaction id is optional, and echoed.
  app.use(
    FDX_BASE,
    interactionId({ required: false, refuse: (_q, res, detail) => invalidInput(res, detail) }),
  );
  app.use(
    FDX_BASE,
    fdxCoreRouter({
      access: deps.access,
      fetchData: deps.fetchData,
      baseUrl: deps.baseUrl,
      routingNumber: deps.bank.routingNumber,
      afterAccess,
    }),
  );
  app.use(
    FDX_BASE,
    fdxConsentsRouter({
      access: deps.access,
      models: deps.db.models,
      transitions,
      provider: deps.provider,
      afterAccess,
    }),
  );

  // Anything else: each standard's own "not found" and "internal error" bodies.
  app.use((req: Request, res: Response) =>
    fdx(req)
      ? sendFdxError(res, 404, 1107, 'Not found', `no endpoint ${req.method} ${req.path}`)
      : sendOfbError(res, 404, { code: 'NOT_FOUND', title: 'Não encontrado', detail: 'no such endpoint' }),
  );
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (budgetAnswered(res)) return;
    if (res.headersSent) return next(err);
    // The database or Temporal is away or silent: the caller may retry, so 503, not 500.
    if (isDependencyFailure(err)) {
      req.log.warn({ err }, 'gateway request failed: a dependency is unavailable');
      return sendUnavailable(req, res, 503, fdx(req));
    }
    // A request it could not read (body, charset, encoding, path): the caller's 4xx.
    const unreadable = clientError(err);
    if (unreadable) return sendClientError(req, res, unreadable, fdx(req));
    deps.logger.error({ err }, 'gateway request failed');
    if (fdx(req)) sendFdxError(res, 500, 500, 'Internal server error');
    else
      sendOfbError(res, 500, {
        code: 'INTERNAL_SERVER_ERROR',
        title: 'Erro interno',
        detail: 'internal error',
      });
  });
  return app;
}

/** Transitions after which this replica reads the consent afresh: its own callers see them at once. */
function forgettingTransitions(
  t: ConsentTransitions,
  forget: ((consentId: string) => void) | undefined,
): ConsentTransitions {
  if (!forget) return t;
  const after =
    <A>(transition: (id: string, a: A) => ReturnType<ConsentTransitions['revoke']>) =>
    async (id: string, a: A) => {
      try {
        return await transition(id, a);
      } finally {
        forget(id);
      }
    };
  return {
    authorise: after((id, a) => t.authorise(id, a)),
    revoke: after((id, r) => t.revoke(id, r)),
    extend: after((id, e) => t.extend(id, e)),
    hold: after((id, h) => t.hold(id, h)),
  };
}
