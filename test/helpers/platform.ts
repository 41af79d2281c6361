// Real dependencies for integration tests: a database of its own and a Temporal client and worker
// on the shared test servers.
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from '@temporalio/worker';
import { pino } from 'pino';
import { connectDatabase, type Database } from '../../db/connection.js';
import { consentWorker } from '../../workers/consent.js';
import { testServers } from './env.js';
import { testDataConverter } from './payload-codec.js';
import { tracked } from './teardown.js';

export const quietLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export async function testDatabase(database: string): Promise<Database & { drop(): Promise<void> }> {
  const db = await connectDatabase(
    { uri: testServers().mongoUri, database, connectTimeoutMs: 10_000 },
    quietLogger,
  );
  return {
    ...db,
    drop: tracked(async () => {
      await db.connection.dropDatabase();
      await db.close();
    }),
  };
}

export async function testClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const { temporalAddress, namespace } = testServers();
  const connection = await Connection.connect({ address: temporalAddress });
  return {
    client: new Client({ connection, namespace, dataConverter: testDataConverter() }),
    close: tracked(() => connection.close()),
  };
}

const bundles = new Map<string, Promise<{ code: string }>>();

/** A running worker on the test server; the workflow bundle is built once per file and path. */
export async function startTestWorker(
  opts: Pick<WorkerOptions, 'taskQueue' | 'activities'> & { workflowsPath: string },
) {
  const { temporalAddress, namespace } = testServers();
  quietSdk();
  let bundle = bundles.get(opts.workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath: opts.workflowsPath, logger: { ...silentSdkLogger } });
    bundles.set(opts.workflowsPath, bundle);
  }
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const closeConnection = tracked(() => connection.close());
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    workflowBundle: await bundle,
    dataConverter: testDataConverter(),
  });
  const running = worker.run();
  return {
    worker,
    stop: tracked(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await closeConnection();
    }),
  };
}

/** The SDK logs at ERROR only unless TEST_SDK_LOG_LEVEL asks for more. */
export function quietSdk(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger((process.env.TEST_SDK_LOG_LEVEL as LogLevel | undefined) ?? 'ERROR'),
    });
  } catch {
    // already installed in this process
  }
}

const noop = () => undefined;
const silentSdkLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** This file's database, a Temporal client and the consent worker on its task queue. */
export async function startConsentStack(names: { database: string; taskQueue: string }) {
  const db = await testDatabase(names.database);
  const temporal = await testClient();
  const worker = await startTestWorker(consentWorker({ models: db.models }, names.taskQueue));
  return {
    db,
    client: temporal.client,
    async stop() {
      await worker.stop();
      await temporal.close();
      await db.drop();
    },
  };
}
