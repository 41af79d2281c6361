// The API gateway in-process over real HTTPS with mTLS, introspecting at the test AS as its own
// static client, on the stack's database and Temporal task queue, reading the mock core in process.
import https from 'node:https';
import type { GatewayCallEvent } from '../../api/gateway/analytics.js';
import { createGatewayApp } from '../../api/gateway/app.js';
import { answerGatewayUnparsable } from '../../api/gateway/client-errors.js';
import type { EventBuffer } from '../../lib/analytics/event-buffer.js';
import { startEventBuffer } from '../../lib/analytics/write-events.js';
import type { ClientCertificateSource } from '../../lib/http/client-certificate.js';
import { createConnector } from '../../connectors/index.js';
import { connectorReader, type ReaderOptions } from '../../connectors/reads.js';
import type { BankConnector } from '../../connectors/sdk/connector.js';
import { gatewayStateCaches } from '../../api/gateway/security/consent-state.js';
import { createIntrospector } from '../../api/gateway/security/introspection.js';
import { ENDPOINTS } from '../../auth/endpoints.js';
import { closeServer } from '../../lib/http/server.js';
import { fapiServerOptions } from '../../lib/tls.js';
import { freePort } from '../../runtime/ports.js';
import { TEST_GATEWAY_CLIENT_ID, TEST_RESOURCE } from './auth-server.js';
import type { OfbStack } from './ofb-journey.js';
import { quietLogger } from './platform.js';
import { tracked } from './teardown.js';
import { tlsFetch } from './tls-client.js';
import { gatewayTraffic, PLAN_CACHE_MS, subscriptionPlans } from '../../api/gateway/traffic.js';
import type { TrafficLimits } from '../../lib/traffic/limits.js';
import { testCounterStore, type TestCounters } from './traffic.js';

export const OFB_CONSENTS = '/open-banking/consents/v3';

export async function startTestGateway(
  stack: Pick<OfbStack, 'as' | 'db' | 'client' | 'names'>,
  opts: {
    authorisationWindowMs?: number;
    introspectionCacheMs?: number;
    /** GATEWAY_STATE_CACHE in ms (default 0: the consent and client are read on every call). */
    stateCacheMs?: number;
    /** The bank's connector the reads go through (default: the mock core in process). */
    connector?: BankConnector;
    /** The reads' breaker, retries and deadline (default: the platform's). */
    reads?: Omit<ReaderOptions, 'connector'>;
    /** HTTP_REQUEST_BUDGET in ms (default: the gateway's). */
    requestBudgetMs?: number;
    /** Behind a TLS-terminating proxy: the header with the client certificate, and who may set it. */
    certificates?: ClientCertificateSource;
    /**
     * The analytics buffer, instead of one writing to the stack's database. The caller owns it:
     * starts it before and stops it after the gateway.
     */
    events?: EventBuffer<GatewayCallEvent>;
    /** Traffic limits, counted where `counters` says (this replica's own connection); default none. */
    traffic?: { limits: TrafficLimits; counters: TestCounters; planCacheMs?: number };
  } = {},
) {
  const { pki } = stack.as;
  const introspector = createIntrospector({
    endpoint: `${stack.as.issuer}${ENDPOINTS.introspection_endpoint}`,
    clientId: TEST_GATEWAY_CLIENT_ID,
    tls: { cert: pki.gatewayClient.cert, key: pki.gatewayClient.key, ca: pki.ca.cert },
    cacheMs: opts.introspectionCacheMs ?? 2000,
  });
  const closeIntrospector = tracked(() => introspector.close());
  const port = await freePort();
  const url = `https://localhost:${port}`;
  const ownEvents = opts.events === undefined;
  const events =
    opts.events ??
    startEventBuffer<GatewayCallEvent>(stack.db.models.AnalyticsEvent, quietLogger, { flushIntervalMs: 200 });
  const stopEvents = tracked(() => (ownEvents ? events.stop() : undefined));
  const { consents, clients } = gatewayStateCaches(stack.db.models, { ttlMs: opts.stateCacheMs ?? 0 });
  const counters = opts.traffic && (await testCounterStore(opts.traffic.counters));
  const app = createGatewayApp({
    events,
    logger: quietLogger,
    client: stack.client,
    db: stack.db,
    access: {
      introspect: introspector.introspect,
      certificates: opts.certificates ?? { trustedProxies: [] },
      consentState: consents.read,
      forgetConsent: consents.forget,
      clientState: clients.read,
      audience: TEST_RESOURCE,
    },
    lodging: {
      taskQueue: stack.names.taskQueue,
      bankId: 'bank',
      authorisationWindowMs: opts.authorisationWindowMs ?? 60 * 60_000,
    },
    baseUrl: url,
    provider: { name: 'Test Bank', homeUri: 'https://bank.example', id: 'bank' },
    // Reads go to the connector in process, through the same guard as the platform's gateway.
    fetchData: connectorReader({
      connector: opts.connector ?? createConnector('mock-core-banking'),
      ...opts.reads,
    }),
    ...(opts.requestBudgetMs ? { requestBudgetMs: opts.requestBudgetMs } : {}),
    bank: { brandName: 'Test Bank', cnpj: '12345678000195', compeCode: '999', routingNumber: '123456780' },
    ...(opts.traffic && counters
      ? {
          traffic: gatewayTraffic({
            store: counters,
            limits: opts.traffic.limits,
            planLimit: subscriptionPlans(stack.db.models, {
              ttlMs: opts.traffic.planCacheMs ?? PLAN_CACHE_MS,
            }),
          }),
        }
      : {}),
  });
  const server = https.createServer(
    fapiServerOptions({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert }),
    app,
  );
  answerGatewayUnparsable(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url,
    events,
    /** fetch with a client certificate (or none), trusting the dev CA. */
    fetcher: (cert?: { cert: string; key: string }) => tlsFetch({ ca: pki.ca.cert, ...(cert ?? {}) }),
    stop: tracked(async () => {
      await closeServer(server);
      await stopEvents();
      await closeIntrospector();
      await counters?.stop();
    }),
  };
}

export type TestGateway = Awaited<ReturnType<typeof startTestGateway>>;
