// The Discovery Agent (`provisioning` workflow) against the real authorization server over HTTPS:
// registration by RFC 7591, then suspend, enable, rotate with an overlap, scope changes and
// deprovisioning by RFC 7592, each checked by what the client can still do at the token endpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { clientIdFor, createProvisioningActivities } from '../../../activities/provisioning.js';
import {
  generateCredential,
  type GeneratedSecrets,
} from '../../../api/marketplace/applications/credentials.js';
import { subscriptionId } from '../../../db/models/subscription.js';
import { open } from '../../../lib/crypto/secret-box.js';
import { tlsFetch } from '../../../lib/http/tls-fetch.js';
import { provisioningWorkflowsPath } from '../../../workers/provisioning.js';
import {
  deprovisionUpdate,
  enableUpdate,
  registeredUpdate,
  rotateUpdate,
  stateQuery,
  suspendUpdate,
  syncScopesUpdate,
  type ProvisioningInput,
} from '../../../workflows/provisioning-types.js';
import { provisioning } from '../../../workflows/provisioning.js';
import { startTestAuthServer, type TestAuthServer } from '../../helpers/auth-server.js';
import { clientCredentialsToken, tokenOutcome } from '../../helpers/client-credentials.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { recordHistory } from '../../helpers/histories.js';
import { discoveryAgentDeps, provisioningApplication } from '../../helpers/provisioning.js';
import { startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
const SECRETS_KEY = Buffer.alloc(32, 9);
let dir: string;
let db: Awaited<ReturnType<typeof testDatabase>>;
let as: TestAuthServer;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

function agentDeps(overrides: Partial<Parameters<typeof createProvisioningActivities>[0]> = {}) {
  return { ...discoveryAgentDeps(db.models, as, SECRETS_KEY), ...overrides };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-provisioning-'));
  db = await testDatabase(names.database);
  as = await startTestAuthServer(db, dir);
  temporal = await testClient();
  client = temporal.client;
  worker = await startTestWorker({
    taskQueue: names.taskQueue,
    workflowsPath: provisioningWorkflowsPath,
    activities: createProvisioningActivities(agentDeps()),
  });
});

afterAll(async () => {
  await worker?.stop();
  await temporal?.close();
  await as?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** An organization subscribed to `products`, with one OFB application using generated credentials. */
async function application(
  products: string[],
  extra: Partial<ProvisioningInput> = {},
  redirectUris = ['https://fintech.example/callback'],
) {
  const { organizationId, applicationId, secrets } = await provisioningApplication(db.models, as, {
    products,
    name: 'Budget app',
    redirectUris,
  });
  const input: ProvisioningInput = {
    applicationId,
    organizationId,
    // Long enough for a second rotation and two token requests inside it on a loaded machine (3 s
    // were not); the test that waits for the overlap to end polls for it.
    rotationOverlapMs: 15_000,
    stepTimeoutMs: 10_000,
    stepAttempts: 3,
    ...extra,
  };
  const handle = await client.workflow.start(provisioning, {
    workflowId: `provisioning-${applicationId}-${names.prefix}`,
    taskQueue: names.taskQueue,
    args: [input],
  });
  return { applicationId, organizationId, handle, secrets };
}

const tokenRequest = (clientId: string, secrets: GeneratedSecrets, scope?: string) =>
  clientCredentialsToken(as, clientId, secrets, scope);
const refused = tokenOutcome;

/** Why the workflow refused an update (its validator's message). */
const updateRefusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (err: { cause?: { message?: string } }) => err.cause?.message ?? String(err),
  );

describe('provisioning (the Discovery Agent)', () => {
  it('registers the client with the scopes of its subscriptions and stores the registration token encrypted', async () => {
    const app = await application(['ofb-consents', 'ofb-accounts', 'fdx-core']);
    const state = await app.handle.executeUpdate(registeredUpdate);
    expect(state.status).toBe('ACTIVE');
    expect(state.clientId).toBe(clientIdFor(app.applicationId));

    const record = await db.models.Application.findById(app.applicationId).lean();
    expect(record?.client.status).toBe('ACTIVE');
    // FDX products do not widen an OFB client.
    expect(record?.client.scopes).toEqual(['accounts', 'consents']);
    const sealed = record!.client.registrationAccessToken!;
    expect(sealed).not.toContain('.');
    const rat = open(SECRETS_KEY, sealed);
    const read = await tlsFetch({ ca: as.pki.ca.cert })(record!.client.registrationClientUri!, {
      headers: { authorization: `Bearer ${rat}` },
    });
    expect(read.status).toBe(200);

    const tokens = await tokenRequest(state.clientId!, app.secrets);
    expect(tokens.scope).toBe('consents');
    await expect(refused(tokenRequest(state.clientId!, app.secrets, 'customers'))).resolves.toMatch(
      /^invalid_scope/,
    );

    const mailbox = await db.models.Notification.find({ organizationId: app.organizationId }).lean();
    expect(mailbox).toEqual([]); // no developers on record in this test: nobody to tell
  });

  it('suspends and enables the client: token requests fail while it is suspended', async () => {
    const app = await application(['ofb-consents']);
    const { clientId } = await app.handle.executeUpdate(registeredUpdate);
    await expect(refused(tokenRequest(clientId!, app.secrets))).resolves.toBe('issued');

    const suspended = await app.handle.executeUpdate(suspendUpdate, {
      args: [{ by: 'staff:admin@bank.example', reason: 'abuse report' }],
    });
    expect(suspended.status).toBe('SUSPENDED');
    await expect(refused(tokenRequest(clientId!, app.secrets))).resolves.toBe(
      'invalid_request: requested grant type is not allowed for this client',
    );
    await expect(
      updateRefusal(app.handle.executeUpdate(suspendUpdate, { args: [{ by: 'x' }] })),
    ).resolves.toBe('cannot suspend a client that is SUSPENDED');

    // The bank suspended it: the developer cannot lift that, the bank can.
    await expect(
      updateRefusal(app.handle.executeUpdate(enableUpdate, { args: [{ by: 'dev@fintech.example' }] })),
    ).resolves.toBe('the bank suspended this client: only the bank can enable it');
    await app.handle.executeUpdate(enableUpdate, { args: [{ by: 'staff:admin@bank.example' }] });
    await expect(refused(tokenRequest(clientId!, app.secrets))).resolves.toBe('issued');
    const record = await db.models.Application.findById(app.applicationId).lean();
    expect(record?.client.status).toBe('ACTIVE');
  });

  it('rotates to a new key: both work during the overlap, only the new one after it', async () => {
    const app = await application(['ofb-consents']);
    const { clientId } = await app.handle.executeUpdate(registeredUpdate);
    const next = await generateCredential(as.pki.ca, `CN=${app.applicationId}-2,O=Fintech`);
    await app.handle.executeUpdate(rotateUpdate, { args: [{ by: 'dev', credential: next.credential }] });

    await expect(refused(tokenRequest(clientId!, app.secrets))).resolves.toBe('issued');
    await expect(refused(tokenRequest(clientId!, next.secrets))).resolves.toBe('issued');
    await expect(
      updateRefusal(
        app.handle.executeUpdate(rotateUpdate, { args: [{ by: 'dev', credential: next.credential }] }),
      ),
    ).resolves.toBe('the previous rotation is still in its overlap');

    await eventually(
      async () => expect((await app.handle.query(stateQuery)).retireAt).toBeUndefined(),
      60_000,
    );
    await expect(refused(tokenRequest(clientId!, app.secrets))).resolves.toMatch(/^invalid_client/);
    await expect(refused(tokenRequest(clientId!, next.secrets))).resolves.toBe('issued');
    const record = await db.models.Application.findById(app.applicationId).lean();
    expect(record?.credentials.map((c) => c.id)).toEqual([next.credential.id]);
  });

  it('follows subscription changes, expires on time and ends with a deprovisioned client', async () => {
    const app = await application(['ofb-consents'], { lifetimeMs: 60_000 });
    const { clientId, expiresAt } = await app.handle.executeUpdate(registeredUpdate);
    expect(Date.parse(expiresAt!)).toBeGreaterThan(Date.now());
    await expect(refused(tokenRequest(clientId!, app.secrets, 'resources'))).resolves.toMatch(
      /^invalid_scope/,
    );
    await db.models.Subscription.create({
      _id: subscriptionId(app.organizationId, 'ofb-resources'),
      organizationId: app.organizationId,
      productId: 'ofb-resources',
      planId: 'sandbox',
      status: 'ACTIVE',
      requestedBy: 'dev',
      requestedAt: new Date(),
    });
    await app.handle.executeUpdate(syncScopesUpdate, { args: [{ by: 'marketplace' }] });
    await expect(refused(tokenRequest(clientId!, app.secrets, 'resources'))).resolves.toBe('issued');

    const ended = await app.handle.executeUpdate(deprovisionUpdate, { args: [{ by: 'dev' }] });
    expect(ended.status).toBe('DEPROVISIONED');
    expect((await app.handle.result()).history.map((h) => h.step)).toEqual([
      'register',
      'syncScopes',
      'deprovision',
    ]);
    await expect(refused(tokenRequest(clientId!, app.secrets))).resolves.toMatch(/^invalid_client/);
    await recordHistory('provisioning-deprovisioned', app.handle);
  });

  it('expires the client when its lifetime ends', async () => {
    const app = await application(['ofb-consents'], { lifetimeMs: 2_000 });
    const { clientId } = await app.handle.executeUpdate(registeredUpdate);
    const final = await app.handle.result();
    expect(final.status).toBe('EXPIRED');
    await expect(refused(tokenRequest(clientId!, app.secrets))).resolves.toMatch(/^invalid_client/);
    const record = await db.models.Application.findById(app.applicationId).lean();
    expect(record?.client.status).toBe('EXPIRED');
    await recordHistory('provisioning-expired', app.handle);
  });

  it('reports a registration the authorization server refuses, and leaves no client behind', async () => {
    const app = await application(['ofb-consents'], {}, ['http://insecure.example/cb']);
    const state = await app.handle.executeUpdate(registeredUpdate);
    expect(state.status).toBe('FAILED');
    const record = await db.models.Application.findById(app.applicationId).lean();
    expect(record?.client.status).toBe('FAILED');
    expect(record?.client.lastError?.message).toMatch(/invalid_redirect_uri/);
    expect(await as.provider.Client.find(clientIdFor(app.applicationId))).toBeUndefined();
  });
});
