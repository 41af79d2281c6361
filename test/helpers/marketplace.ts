// The whole marketplace on the test servers: developer portal, catalog, bank console, with real
// onboarding and provisioning workers and a real authorization server over HTTPS, so developers'
// applications get real clients.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { createMarketplaceApp, type ConsolesOptions, type PortalOptions } from '../../api/marketplace/app.js';
import { onboardingWorkflowId } from '../../workflows/onboarding-client.js';
import { closeServer } from '../../lib/http/server.js';
import { onboardingWorker } from '../../workers/onboarding.js';
import { provisioningWorker } from '../../workers/provisioning.js';
import { reviewUpdate } from '../../workflows/onboarding-types.js';
import { startTestAuthServer, TEST_RESOURCE, type TestAuthServer } from './auth-server.js';
import { HttpSession, hiddenField, inProcessBankData, TEST_TEMPORAL_UI } from './consoles.js';
import { discoveryAgentDeps } from './provisioning.js';
import { projectRoot, type uniqueNames } from './env.js';
import { quietLogger, startTestWorker, testClient, testDatabase } from './platform.js';
import { tracked } from './teardown.js';
import { validCnpj } from './tax-ids.js';
import type { TrafficLimits } from '../../lib/traffic/limits.js';
import { testCounterStore, type TestCounters } from './traffic.js';

export const MARKETPLACE_SECRETS_KEY = Buffer.alloc(32, 11);

export interface MarketplaceStack {
  baseUrl: string;
  db: Awaited<ReturnType<typeof testDatabase>>;
  as: TestAuthServer;
  client: Client;
  taskQueues: { onboarding: string; provisioning: string };
  stop(): Promise<void>;
}

export async function startMarketplaceStack(
  names: ReturnType<typeof uniqueNames>,
  o: {
    rotationOverlapMs?: number;
    /** A database and authorization server of another stack, which keeps them (and stops them). */
    shared?: { db: MarketplaceStack['db']; as: TestAuthServer };
    consoles?: Partial<ConsolesOptions>;
    portal?: Partial<PortalOptions>;
    /** Limits per caller address on sign-ups, enrolments and log-ins; default none. */
    traffic?: { limits: TrafficLimits; counters: TestCounters };
  } = {},
): Promise<MarketplaceStack> {
  const dir = o.shared ? undefined : mkdtempSync(path.join(os.tmpdir(), 'obp-marketplace-'));
  // Each part below stops itself when the file ends should a later one fail to start.
  const removeDir = tracked(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const db = o.shared?.db ?? (await testDatabase(names.database));
  const as = o.shared?.as ?? (await startTestAuthServer(db, dir!));
  const temporal = await testClient();
  const taskQueues = {
    onboarding: `${names.taskQueue}-onboarding`,
    provisioning: `${names.taskQueue}-provisioning`,
  };
  const discoveryAgent = discoveryAgentDeps(db.models, as, MARKETPLACE_SECRETS_KEY);
  const workers = [
    await startTestWorker(onboardingWorker({ models: db.models }, taskQueues.onboarding)),
    await startTestWorker(provisioningWorker({ discoveryAgent }, taskQueues.provisioning)),
  ];
  const counters = o.traffic && (await testCounterStore(o.traffic.counters));
  const app = createMarketplaceApp({
    ...(o.traffic && counters
      ? { traffic: { store: counters, limits: o.traffic.limits, trustedProxies: [] } }
      : {}),
    logger: quietLogger,
    client: temporal.client,
    db,
    taskQueues,
    onboarding: {
      bankAdminsEmail: 'admins@bank.example',
      reminderIntervalMs: 3_600_000,
      reviewTimeoutMs: 86_400_000,
    },
    consoles: {
      consentTaskQueue: `${names.taskQueue}-consent`,
      temporalUiUrl: TEST_TEMPORAL_UI,
      selfServiceEnabled: false,
      readBankData: inProcessBankData(),
      secureCookies: false,
      adminSessionTtlMs: 30 * 60_000,
      selfServiceSessionTtlMs: 10 * 60_000,
      ...o.consoles,
    },
    portal: {
      marketplaceUrl: 'http://marketplace.test',
      authIssuer: as.issuer,
      gatewayUrl: TEST_RESOURCE,
      fdxSpecsDir: path.join(projectRoot, '..', 'shared', 'specs', 'fdx'),
      support: {
        name: 'Developer Support',
        email: 'developers@bank.example',
        phone: '+55 11 4000-0000',
        hours: 'Mon-Fri 09:00-18:00',
        website: 'https://developers.bank.example/support',
      },
      issuingCa: as.pki.ca,
      provisioning: {
        rotationOverlapMs: o.rotationOverlapMs ?? 3_000,
        stepTimeoutMs: 10_000,
        stepAttempts: 3,
      },
      secureCookies: false,
      sessionTtlMs: 30 * 60_000,
      devMailbox: true,
      ...o.portal,
    },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    as,
    client: temporal.client,
    taskQueues,
    stop: tracked(async () => {
      await closeServer(server);
      await counters?.stop();
      for (const w of workers) await w.stop();
      await temporal.close();
      if (o.shared) return;
      await as.stop();
      await db.drop();
      await removeDir();
    }),
  };
}

export const DEVELOPER_PASSWORD = 'correct horse battery';

/** The newest verification or invitation link in the development mailbox of `email`. */
export async function mailedLink(
  stack: Pick<MarketplaceStack, 'baseUrl'>,
  email: string,
  pathPrefix: string,
): Promise<string> {
  const box = await new HttpSession(stack.baseUrl).request(`/dev/mailbox?to=${encodeURIComponent(email)}`);
  // The link is on the marketplace's public URL, whatever it is: the path is what the test follows.
  const match = new RegExp(`https?://[^/"<\\s]+(${pathPrefix}[^"<\\s]+)`).exec(box.text);
  if (!match) throw new Error(`no ${pathPrefix} link mailed to ${email}`);
  return match[1]!.replace(/&amp;/g, '&');
}

/** A developer with a verified account, logged in. */
export async function developer(stack: Pick<MarketplaceStack, 'baseUrl'>, email: string, name = 'Ana Souza') {
  const web = new HttpSession(stack.baseUrl);
  const form = await web.request('/signup');
  const signed = await web.request('/signup', {
    form: { csrf: hiddenField(form.text, 'csrf'), name, email, password: DEVELOPER_PASSWORD },
  });
  expect(signed.status).toBe(201);
  await web.request(await mailedLink(stack, email, '/verify'));
  const login = await web.request('/login');
  const done = await web.request('/login', {
    form: {
      csrf: hiddenField(login.text, 'csrf'),
      email,
      password: DEVELOPER_PASSWORD,
      next: '/organization',
    },
  });
  expect(done.status).toBe(303);
  return web;
}

/** Enrol an organization through the form and have the bank approve it; its tax id. */
export async function approvedOrganization(stack: MarketplaceStack, web: HttpSession, legalName: string) {
  const page = await web.request('/organization');
  const taxId = validCnpj();
  const enrolled = await web.request('/organization', {
    form: {
      csrf: hiddenField(page.text, 'csrf'),
      legalName,
      taxIdType: 'CNPJ',
      taxId,
      website: 'https://fintech.example',
      'standard-OFB': 'on',
    },
  });
  expect(enrolled.status).toBe(303);
  await stack.client.workflow
    .getHandle(onboardingWorkflowId('CNPJ', taxId))
    .executeUpdate(reviewUpdate, { args: [{ decision: 'APPROVED', reviewer: 'staff:admin@bank.example' }] });
  return taxId;
}
