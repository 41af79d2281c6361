// API gateway process: HTTPS with mTLS on GATEWAY_PORT. Client certificates are requested, and the
// routes refuse requests without a trusted one in each standard's error format.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { ensureDevPki } from '../../lib/pki/dev-pki.js';
import { connectDatabase } from '../../db/connection.js';
import { loadConfig } from '../../lib/config.js';
import { closeServer, listen } from '../../lib/http/server.js';
import { createLogger } from '../../lib/logger.js';
import { runMain } from '../../lib/main.js';
import { connectClient, platformDataConverter } from '../../lib/temporal.js';
import { tracedClientOptions } from '../../lib/tracing/temporal.js';
import { fapiServerOptions, loadTlsMaterial } from '../../lib/tls.js';
import { TASK_QUEUES } from '../../workflows/task-queues.js';
import { ENDPOINTS } from '../../auth/endpoints.js';
import { startEventBuffer } from '../../lib/analytics/write-events.js';
import type { GatewayCallEvent } from './analytics.js';
import { createGatewayApp } from './app.js';
import { answerGatewayUnparsable } from './client-errors.js';
import { readerFromConfig } from '../../connectors/index.js';
import { createMetrics } from '../../lib/http/metrics.js';
import { gatewayStateCaches } from './security/consent-state.js';
import { createIntrospector } from './security/introspection.js';
import { gatewayTrafficFromConfig } from './traffic.js';

runMain('gateway', async () => {
  const cfg = loadConfig();
  const logger = createLogger('gateway', cfg);
  const db = await connectDatabase(cfg.mongo, logger);
  const tls = await loadTlsMaterial(cfg, logger);
  const dev = cfg.gateway.clientCertPath ? undefined : await ensureDevPki(cfg.tls.pkiDir);
  const introspector = createIntrospector({
    endpoint: `${cfg.auth.issuer}${ENDPOINTS.introspection_endpoint}`,
    clientId: cfg.gateway.clientId,
    tls: {
      cert: cfg.gateway.clientCertPath
        ? readFileSync(cfg.gateway.clientCertPath, 'utf8')
        : dev!.gatewayClient.cert,
      key: cfg.gateway.clientKeyPath
        ? readFileSync(cfg.gateway.clientKeyPath, 'utf8')
        : dev!.gatewayClient.key,
      ...(cfg.gateway.authCaPath
        ? { ca: readFileSync(cfg.gateway.authCaPath, 'utf8') }
        : dev
          ? { ca: dev.ca.cert }
          : {}),
    },
    cacheMs: cfg.gateway.introspectionCacheMs,
  });
  const connection = await connectClient(cfg.temporal);
  const client = new Client({
    connection,
    namespace: cfg.temporal.namespace,
    dataConverter: platformDataConverter(cfg.temporal),
    ...tracedClientOptions(),
  });
  const events = startEventBuffer<GatewayCallEvent>(db.models.AnalyticsEvent, logger);
  const metrics = createMetrics('gateway');
  // Reads call the bank's connector in process, guarded: no workflow per read (connectors/reads.ts).
  const fetchData = readerFromConfig(cfg, metrics.registry, logger);
  const { consents, clients } = gatewayStateCaches(db.models, { ttlMs: cfg.gateway.stateCacheMs });
  const traffic = gatewayTrafficFromConfig(cfg, db.models, logger, metrics.registry);
  const app = createGatewayApp({
    events,
    logger,
    client,
    db,
    access: {
      introspect: introspector.introspect,
      certificates: cfg.mtls,
      audience: cfg.auth.resourceServer,
      consentState: consents.read,
      forgetConsent: consents.forget,
      clientState: clients.read,
    },
    lodging: {
      taskQueue: TASK_QUEUES.consent,
      bankId: cfg.consent.bankId,
      authorisationWindowMs: cfg.consent.authorisationWindowMs,
    },
    baseUrl: cfg.auth.resourceServer,
    provider: { name: cfg.consent.bankName, homeUri: cfg.consent.bankHomeUri, id: cfg.consent.bankId },
    fetchData,
    bank: {
      brandName: cfg.consent.bankName,
      cnpj: cfg.consent.bankCnpj,
      compeCode: cfg.consent.bankCompeCode,
      routingNumber: cfg.consent.bankRoutingNumber,
    },
    requestBudgetMs: cfg.http.requestBudgetMs,
    metrics,
    ...(cfg.traffic.enabled ? { traffic } : {}),
  });
  const server = https.createServer(fapiServerOptions(tls), app);
  // Requests Node cannot parse (headers over 16 kB…) get the standard's error body, not an empty answer.
  answerGatewayUnparsable(server);
  await listen(server, cfg.http.gatewayPort, cfg.host, 'GATEWAY_PORT');
  logger.info({ url: cfg.auth.resourceServer }, 'gateway ready');
  return async () => {
    await closeServer(server);
    await events.stop();
    logger.info(events.stats(), 'analytics events at shutdown');
    await introspector.close();
    await traffic.close();
    await connection.close();
    await db.close();
  };
});
