// Authorization server process: HTTPS on AUTH_PORT, asking every client for a certificate
// (mTLS client authentication and certificate-bound tokens) without requiring one.
import https from 'node:https';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import path from 'node:path';
import { connectDatabase } from '../db/connection.js';
import { loadConfig } from '../lib/config.js';
import { StartupError, errorMessage } from '../lib/errors.js';
import { closeServer, listen } from '../lib/http/server.js';
import { createLogger } from '../lib/logger.js';
import { runMain } from '../lib/main.js';
import { fapiServerOptions, loadTlsMaterial } from '../lib/tls.js';
import { Client } from '@temporalio/client';
import { connectClient, platformDataConverter } from '../lib/temporal.js';
import { tracedClientOptions } from '../lib/tracing/temporal.js';
import { createAuthApp } from './app.js';
import { answerAuthUnparsable } from './client-errors.js';
import { startEventBuffer } from '../lib/analytics/write-events.js';
import type { AuthEvent } from './analytics.js';
import { temporalConsentDecisions, temporalFdxLodging } from './consent-decisions.js';
import { TASK_QUEUES } from '../workflows/task-queues.js';
import { DISCOVERY_AGENT_TOKEN_FILE, REGISTRATION_TOKEN_FILE, devKeyEncryptionKey } from './dev-secrets.js';
import { ensureDevDirectory } from './directory/dev-directory.js';
import { seedDemoCustomers } from './idp/demo-customers.js';
import { fetchedShareable } from './shareable-resources.js';
import { readerFromConfig } from '../connectors/index.js';
import { createMetrics } from '../lib/http/metrics.js';
import { trafficCounters } from '../lib/traffic/counters.js';
import { lockAcrossReplicasFrom } from '../lib/replica-lock.js';
import { DEV_GATEWAY_CLIENT_DN } from '../lib/pki/dev-pki.js';
import { createProvider, issueRegistrationToken } from './provider.js';
import { DISCOVERY_AGENT_POLICY, FAPI_CLIENT_POLICY } from './registration-policy.js';

function readJson(file: string, variable: string): JSONWebKeySet {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
  } catch (err) {
    throw new StartupError(
      `${variable} names ${file}, which is not a readable JSON file: ${errorMessage(err)}`,
    );
  }
}

runMain('auth', async () => {
  const cfg = loadConfig();
  const logger = createLogger('auth', cfg);
  const db = await connectDatabase(cfg.mongo, logger);
  const tls = await loadTlsMaterial(cfg, logger);
  const connection = await connectClient(cfg.temporal);
  const client = new Client({
    connection,
    namespace: cfg.temporal.namespace,
    dataConverter: platformDataConverter(cfg.temporal),
    ...tracedClientOptions(),
  });
  const provider = await createProvider({
    issuer: cfg.auth.issuer,
    models: db.models,
    keyEncryptionKey: cfg.auth.keyEncryptionKey ?? devKeyEncryptionKey(cfg.auth.dir),
    resourceServer: cfg.auth.resourceServer,
    introspectionClients: cfg.auth.introspectionClients,
    gateway: {
      clientId: cfg.gateway.clientId,
      subjectDn: cfg.gateway.clientDn ?? DEV_GATEWAY_CLIENT_DN,
    },
    certificates: cfg.mtls,
    registration: {
      directoryJwks: cfg.auth.directoryJwksPath
        ? readJson(cfg.auth.directoryJwksPath, 'OFB_DIRECTORY_JWKS')
        : ensureDevDirectory(cfg.auth.directoryDir).jwks,
      requireSoftwareStatement: cfg.auth.requireSoftwareStatement,
    },
    proxy: cfg.mtls.trustedProxies.length > 0,
    lodgeFdxConsent: temporalFdxLodging({
      client,
      taskQueue: TASK_QUEUES.consent,
      authorisationWindowMs: cfg.consent.authorisationWindowMs,
    }),
    logger,
  });

  if (cfg.env !== 'production') await seedDemoCustomers(db.models);

  // Development: registration tokens written once beside the keys, one for recipients that
  // register themselves (FAPI policy) and one for the marketplace's Discovery Agent.
  if (cfg.env !== 'production') {
    // Made here too: with AUTH_KEY_ENCRYPTION_KEY set, nothing else creates it.
    mkdirSync(cfg.auth.dir, { recursive: true, mode: 0o700 });
    for (const [file, policy] of [
      [REGISTRATION_TOKEN_FILE, FAPI_CLIENT_POLICY],
      [DISCOVERY_AGENT_TOKEN_FILE, DISCOVERY_AGENT_POLICY],
    ] as const) {
      const tokenFile = path.join(cfg.auth.dir, file);
      if (!existsSync(tokenFile))
        writeFileSync(tokenFile, await issueRegistrationToken(provider, undefined, policy), { mode: 0o600 });
    }
  }

  const events = startEventBuffer<AuthEvent>(db.models.AnalyticsEvent, logger);
  const decisions = temporalConsentDecisions(client);
  const metrics = createMetrics('auth');
  // The consent page's accounts come from the bank's connector in process, guarded, as the gateway's do.
  const readBankData = readerFromConfig(cfg, metrics.registry, logger);
  const counters = trafficCounters(cfg, logger, metrics.registry);
  // Log-in throttling and one-time codes counted exactly across AS replicas (lib/replica-lock.ts).
  const stopLocks = lockAcrossReplicasFrom(cfg, logger);
  const app = createAuthApp({
    provider,
    db,
    decisions,
    maxConsentsPerRecipient: cfg.consent.maxPerRecipient,
    listShareable: fetchedShareable(readBankData),
    events,
    logger,
    requestBudgetMs: cfg.http.requestBudgetMs,
    metrics,
    branding: cfg.branding,
    ...(cfg.traffic.enabled
      ? { traffic: { store: counters, limits: cfg.traffic.limits, certificates: cfg.mtls } }
      : {}),
  });
  const server = https.createServer(fapiServerOptions(tls), app);
  answerAuthUnparsable(server);
  await listen(server, cfg.http.authPort, cfg.host, 'AUTH_PORT');
  logger.info({ issuer: cfg.auth.issuer }, 'authorization server ready');
  return async () => {
    await closeServer(server);
    await events.stop();
    await counters.close();
    await stopLocks();
    await connection.close();
    await db.close();
  };
});
