// The authorization server in-process over real HTTPS (dev PKI, mTLS requested), on a test database.
import https from 'node:https';
import path from 'node:path';
import type { AuthEvent } from '../../auth/analytics.js';
import { createAuthApp } from '../../auth/app.js';
import { answerAuthUnparsable } from '../../auth/client-errors.js';
import type { EventBuffer } from '../../lib/analytics/event-buffer.js';
import { startEventBuffer } from '../../lib/analytics/write-events.js';
import { fetchedShareable, type ListShareable } from '../../auth/shareable-resources.js';
import { createConnector } from '../../connectors/index.js';
import { connectorReader } from '../../connectors/reads.js';
import type { ConsentDecisions } from '../../auth/interactions/consent.js';
import type { FdxConsentTerms } from '../../workflows/consent-types.js';
import { ensureDevDirectory, type DevDirectory } from '../../auth/directory/dev-directory.js';
import { DEV_GATEWAY_CLIENT_DN, ensureDevPki, type DevPki } from '../../lib/pki/dev-pki.js';
import { createProvider, issueRegistrationToken } from '../../auth/provider.js';
import { DISCOVERY_AGENT_POLICY } from '../../auth/registration-policy.js';
import { closeServer } from '../../lib/http/server.js';
import { fapiServerOptions } from '../../lib/tls.js';
import { freePort } from '../../runtime/ports.js';
import { quietLogger, type testDatabase } from './platform.js';
import { tracked } from './teardown.js';
import type { TrafficLimits } from '../../lib/traffic/limits.js';
import { testCounterStore, type TestCounters } from './traffic.js';

export const TEST_RESOURCE = 'https://localhost:8444';
export const TEST_KEK = Buffer.alloc(32, 7);
export const TEST_GATEWAY_CLIENT_ID = 'gateway';

export interface TestAuthServer {
  issuer: string;
  pki: DevPki;
  /** The analytics events of tokens and logins, written to the test database. */
  events: EventBuffer<AuthEvent>;
  directory: DevDirectory;
  provider: Awaited<ReturnType<typeof createProvider>>;
  registrationToken: string;
  /** The initial access token of the marketplace's Discovery Agent. */
  discoveryAgentToken: string;
  /** Stop and start again on the same port and database, as a restart does. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The shareable accounts read from the mock core in process, guarded, as the platform's AS reads them. */
export function inProcessShareable(): ListShareable {
  return fetchedShareable(connectorReader({ connector: createConnector('mock-core-banking') }));
}

/** For tests that never reach a consent decision: using it is a test bug. */
export const NO_DECISIONS: ConsentDecisions = {
  authorise: () => Promise.reject(new Error('this test takes no consent decisions')),
  reject: () => Promise.reject(new Error('this test takes no consent decisions')),
};

export async function startTestAuthServer(
  db: Awaited<ReturnType<typeof testDatabase>>,
  dir: string,
  opts: {
    decisions?: ConsentDecisions;
    lodgeFdxConsent?: (clientId: string, terms: FdxConsentTerms) => Promise<string>;
    maxConsentsPerRecipient?: number;
    listShareable?: ListShareable;
    /** Traffic limits on its endpoints and pages, counted where `counters` says; default none. */
    traffic?: { limits: TrafficLimits; counters: TestCounters };
  } = {},
): Promise<TestAuthServer> {
  const {
    decisions = NO_DECISIONS,
    lodgeFdxConsent,
    maxConsentsPerRecipient,
    listShareable = inProcessShareable(),
  } = opts;
  const pki = await ensureDevPki(path.join(dir, 'pki'));
  const directory = ensureDevDirectory(path.join(dir, 'directory'));
  const port = await freePort();
  const issuer = `https://localhost:${port}`;
  let server: https.Server;
  const events = startEventBuffer<AuthEvent>(db.models.AnalyticsEvent, quietLogger, {
    flushIntervalMs: 200,
  });
  const stopEvents = tracked(() => events.stop());
  const counters = opts.traffic && (await testCounterStore(opts.traffic.counters));

  const start = async () => {
    const provider = await createProvider({
      issuer,
      models: db.models,
      keyEncryptionKey: TEST_KEK,
      resourceServer: TEST_RESOURCE,
      certificates: { trustedProxies: [] },
      gateway: { clientId: TEST_GATEWAY_CLIENT_ID, subjectDn: DEV_GATEWAY_CLIENT_DN },
      registration: { directoryJwks: directory.jwks, requireSoftwareStatement: false },
      ...(lodgeFdxConsent ? { lodgeFdxConsent } : {}),
      logger: quietLogger,
    });
    const app = createAuthApp({
      provider,
      db,
      decisions,
      maxConsentsPerRecipient,
      listShareable,
      events,
      logger: quietLogger,
      ...(opts.traffic && counters
        ? { traffic: { store: counters, limits: opts.traffic.limits, certificates: { trustedProxies: [] } } }
        : {}),
    });
    server = https.createServer(
      fapiServerOptions({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert }),
      app,
    );
    answerAuthUnparsable(server);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return provider;
  };

  const self: TestAuthServer = {
    issuer,
    pki,
    events,
    directory,
    provider: await start(),
    registrationToken: '',
    discoveryAgentToken: '',
    async restart() {
      await closeServer(server);
      self.provider = await start();
    },
    stop: tracked(async () => {
      await closeServer(server);
      await stopEvents();
      await counters?.stop();
    }),
  };
  self.registrationToken = await issueRegistrationToken(self.provider);
  self.discoveryAgentToken = await issueRegistrationToken(self.provider, undefined, DISCOVERY_AGENT_POLICY);
  return self;
}
