// A worker killed (SIGKILL) in the middle of a registration: the client is registered at the
// authorization server but the answer is lost with the process. When a fresh worker retries the
// step, the Discovery Agent registers the same client id again, so the AS holds exactly one
// client for the application, and its credentials work.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { clientIdFor, createProvisioningActivities } from '../../../activities/provisioning.js';
import { spawnGuarded } from '../../../runtime/process.js';
import { provisioningWorkflowsPath } from '../../../workers/provisioning.js';
import { provisioning } from '../../../workflows/provisioning.js';
import { registeredUpdate } from '../../../workflows/provisioning-types.js';
import { startTestAuthServer, type TestAuthServer } from '../../helpers/auth-server.js';
import { clientCredentialsToken, tokenOutcome } from '../../helpers/client-credentials.js';
import { projectRoot, testServers, uniqueNames } from '../../helpers/env.js';
import { startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';
import { discoveryAgentDeps, provisioningApplication } from '../../helpers/provisioning.js';
import { cleanEnv } from '../../helpers/spawn.js';

const names = uniqueNames(import.meta.url);
const SECRETS_KEY = Buffer.alloc(32, 5);
let dir: string;
let db: Awaited<ReturnType<typeof testDatabase>>;
let as: TestAuthServer;
let temporal: Awaited<ReturnType<typeof testClient>>;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-provisioning-crash-'));
  db = await testDatabase(names.database);
  as = await startTestAuthServer(db, dir);
  temporal = await testClient();
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await temporal?.close();
  await as?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Start the crashing worker and resolve when it prints `line`. */
function crashingWorker(): { ready: Promise<void>; registered: Promise<void> } {
  const { temporalAddress, namespace, mongoUri } = testServers();
  // Guarded: should this test process die, the worker does not run on.
  child = spawnGuarded(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/crashing-provisioning-worker.ts'],
    {
      cwd: projectRoot,
      env: cleanEnv({
        CRASH_MONGODB_URI: mongoUri,
        CRASH_DATABASE: names.database,
        CRASH_AUTH_CA: as.pki.ca.cert,
        CRASH_REGISTRATION_ENDPOINT: `${as.issuer}/reg`,
        CRASH_REGISTRATION_TOKEN: as.discoveryAgentToken,
        CRASH_SECRETS_KEY: SECRETS_KEY.toString('base64'),
        CRASH_TEMPORAL_ADDRESS: temporalAddress,
        CRASH_TEMPORAL_NAMESPACE: namespace,
        CRASH_TASK_QUEUE: names.taskQueue,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const seen = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => out.includes(`${line}\n`) && resolve();
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        check();
      });
      child!.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child!.on('exit', (code) =>
        reject(new Error(`crashing worker exited (${code}) before ${line}: ${err}`)),
      );
    });
  return { ready: seen('READY'), registered: seen('REGISTERED') };
}

it('registers exactly one client when the worker dies between the registration and its answer', async () => {
  const { organizationId, applicationId, secrets } = await provisioningApplication(db.models, as, {
    products: ['ofb-consents'],
    name: 'Crash test app',
    redirectUris: ['https://fintech.example/cb'],
  });

  const crashing = crashingWorker();
  await crashing.ready;
  const handle = await temporal.client.workflow.start(provisioning, {
    workflowId: `provisioning-${applicationId}`,
    taskQueue: names.taskQueue,
    // A short step timeout: the lost attempt is retried 4 s after the kill.
    args: [
      { applicationId, organizationId, rotationOverlapMs: 1_000, stepTimeoutMs: 4_000, stepAttempts: 5 },
    ],
  });
  await crashing.registered;
  child!.kill('SIGKILL');
  const clientId = clientIdFor(applicationId);
  // Killed after the AS registered the client and before the answer was recorded.
  expect(await as.provider.Client.find(clientId)).toBeDefined();
  expect((await db.models.Application.findById(applicationId).lean())?.client.clientId).toBeUndefined();

  const worker = await startTestWorker({
    taskQueue: names.taskQueue,
    workflowsPath: provisioningWorkflowsPath,
    activities: createProvisioningActivities(discoveryAgentDeps(db.models, as, SECRETS_KEY)),
  });
  try {
    const state = await handle.executeUpdate(registeredUpdate);
    expect(state).toMatchObject({ status: 'ACTIVE', clientId });
    const attempts = (await handle.fetchHistory()).events!.filter(
      (e) => e.activityTaskStartedEventAttributes,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    // One client for the application at the AS, and its credentials work.
    const clients = await db.models.OidcRecord.find({ model: 'Client' }).lean();
    // This test's database holds no other registered client: any duplicate would show here.
    expect(clients.map((c) => c._id)).toEqual([`Client:${clientId}`]);
    await expect(tokenOutcome(clientCredentialsToken(as, clientId, secrets))).resolves.toBe('issued');
  } finally {
    await worker.stop();
  }
}, 300_000);
