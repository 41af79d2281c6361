// Marketplace process: the developer marketplace, the bank's bank console (/admin) and the
// customers' self-service pages (/my) on MARKETPLACE_PORT.
import { Client } from '@temporalio/client';
import { readerFromConfig } from '../../connectors/index.js';
import { connectDatabase } from '../../db/connection.js';
import { loadConfig } from '../../lib/config.js';
import { createMetrics } from '../../lib/http/metrics.js';
import { closeServer, listen } from '../../lib/http/server.js';
import { createLogger } from '../../lib/logger.js';
import { runMain } from '../../lib/main.js';
import { trafficCounters } from '../../lib/traffic/counters.js';
import { lockAcrossReplicasFrom } from '../../lib/replica-lock.js';
import { connectClient, platformDataConverter } from '../../lib/temporal.js';
import { tracedClientOptions } from '../../lib/tracing/temporal.js';
import { TASK_QUEUES } from '../../workflows/task-queues.js';
import { seedDemoStaff } from '../bank-console/demo-staff.js';
import { ensureDevPki } from '../../lib/pki/dev-pki.js';
import { createMarketplaceApp } from './app.js';

runMain('marketplace', async () => {
  const cfg = loadConfig();
  const logger = createLogger('marketplace', cfg);
  const db = await connectDatabase(cfg.mongo, logger);
  const connection = await connectClient(cfg.temporal);
  const client = new Client({
    connection,
    namespace: cfg.temporal.namespace,
    dataConverter: platformDataConverter(cfg.temporal),
    ...tracedClientOptions(),
  });
  const counters = trafficCounters(cfg, logger);
  // Staff, developer and self-service log-ins throttled exactly across replicas (lib/replica-lock.ts).
  const stopLocks = lockAcrossReplicasFrom(cfg, logger);
  const metrics = createMetrics('marketplace');
  // Self-service names the consented accounts as the bank's core does, through the configured
  // connector in process, guarded, as the AS's consent page reads them.
  const readBankData = readerFromConfig(cfg, metrics.registry, logger);
  const app = createMarketplaceApp({
    logger,
    client,
    db,
    metrics,
    taskQueues: TASK_QUEUES,
    onboarding: cfg.onboarding,
    consoles: {
      consentTaskQueue: TASK_QUEUES.consent,
      readBankData,
      ...cfg.consoles,
      branding: cfg.branding,
    },
    portal: {
      marketplaceUrl: cfg.marketplace.url,
      authIssuer: cfg.auth.issuer,
      gatewayUrl: cfg.auth.resourceServer,
      fdxSpecsDir: cfg.marketplace.fdxSpecsDir,
      support: cfg.marketplace.support,
      // Development: generated credentials get certificates from the development CA.
      ...(cfg.env !== 'production' ? { issuingCa: (await ensureDevPki(cfg.tls.pkiDir)).ca } : {}),
      provisioning: {
        rotationOverlapMs: cfg.discoveryAgent.rotationOverlapMs,
        lifetimeMs: cfg.discoveryAgent.lifetimeMs,
        stepTimeoutMs: cfg.discoveryAgent.stepTimeoutMs,
        stepAttempts: cfg.discoveryAgent.stepAttempts,
      },
      secureCookies: cfg.consoles.secureCookies,
      sessionTtlMs: cfg.consoles.developerSessionTtlMs,
      devMailbox: cfg.env !== 'production',
    },
    requestBudgetMs: cfg.http.requestBudgetMs,
    ...(cfg.traffic.enabled
      ? { traffic: { store: counters, limits: cfg.traffic.limits, trustedProxies: cfg.mtls.trustedProxies } }
      : {}),
  });
  // Development: demo staff for the bank console (the README lists them). Production: none.
  if (cfg.env !== 'production') await seedDemoStaff(db.models);
  const server = await listen(app, cfg.http.marketplacePort, cfg.host, 'MARKETPLACE_PORT');
  const url = `http://${cfg.host}:${cfg.http.marketplacePort}`;
  logger.info(
    {
      url,
      developerPortal: url,
      consentConsole: `${url}/admin`,
      ...(cfg.consoles.selfServiceEnabled ? { selfService: `${url}/my` } : {}),
    },
    'marketplace ready',
  );
  return async () => {
    await closeServer(server);
    await counters.close();
    await stopLocks();
    await connection.close();
    await db.close();
  };
});
