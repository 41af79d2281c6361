// A provisioning worker process that dies the hard way in the middle of a registration: its
// Discovery Agent sends the registration to the real authorization server, which registers the
// client, and then the process prints REGISTERED and waits to be killed before it can record the
// answer. The test kills it with SIGKILL and lets a fresh worker carry on.
// Run by test/integration/workflows/provisioning-crash.test.ts with `node --import tsx`; settings in env.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createProvisioningActivities } from '../../activities/provisioning.js';
import { connectDatabase } from '../../db/connection.js';
import { tlsFetch } from '../../lib/http/tls-fetch.js';
import { provisioningWorkflowsPath } from '../../workers/provisioning.js';
import { testDataConverter } from './payload-codec.js';
import { pino } from 'pino';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const db = await connectDatabase(
  { uri: env('CRASH_MONGODB_URI'), database: env('CRASH_DATABASE'), connectTimeoutMs: 10_000 },
  pino({ level: 'silent' }),
);
const realFetch = tlsFetch({ ca: env('CRASH_AUTH_CA') });
const registrationEndpoint = env('CRASH_REGISTRATION_ENDPOINT');
const crashingFetch = (async (url: string | URL, init?: RequestInit) => {
  const res = await realFetch(url, init);
  if (String(url) === registrationEndpoint && init?.method === 'POST' && res.status === 201) {
    process.stdout.write('REGISTERED\n');
    await new Promise(() => undefined); // never answers: the kill comes first
  }
  return res;
}) as typeof fetch;

const worker = await Worker.create({
  connection: await NativeConnection.connect({ address: env('CRASH_TEMPORAL_ADDRESS') }),
  namespace: env('CRASH_TEMPORAL_NAMESPACE'),
  taskQueue: env('CRASH_TASK_QUEUE'),
  workflowsPath: provisioningWorkflowsPath,
  dataConverter: testDataConverter(),
  activities: createProvisioningActivities({
    models: db.models,
    registrationEndpoint,
    registrationToken: async () => env('CRASH_REGISTRATION_TOKEN'),
    secretsKey: Buffer.from(env('CRASH_SECRETS_KEY'), 'base64'),
    fetch: crashingFetch,
  }),
});
process.stdout.write('READY\n');
await worker.run();
