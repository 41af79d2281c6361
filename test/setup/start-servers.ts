// Starts one Temporal dev server (in memory, with its UI) and one FerretDB (SQLite in a temp dir)
// on free ports for the whole run, unless TEMPORAL_ADDRESS / MONGODB_URI name servers to use.
// Tests find them through TEST_TEMPORAL_ADDRESS and TEST_MONGODB_URI. With CI_CPU_BURN=N it first
// starts N busy loops that keep N cores busy until teardown: the suite must pass on a loaded machine.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { pino } from 'pino';
import { ensureSearchAttributes } from '../../lib/temporal.js';
import { startFerretDb } from '../../runtime/ferretdb.js';
import { freePort } from '../../runtime/ports.js';
import { startProcess } from '../../runtime/process.js';
import { startTemporalDevServer } from '../../runtime/temporal-dev-server.js';
import { FERRETDB, TEMPORAL_CLI, resolveTool } from '../../runtime/tools.js';
import { SERVERS_KEY, stopAll, type TestServers } from './servers.js';

export default async function globalSetup(): Promise<void> {
  const servers: TestServers = { started: [], tempDirs: [] };
  (globalThis as Record<string, unknown>)[SERVERS_KEY] = servers;
  try {
    await startAll(servers);
  } catch (err) {
    // Jest runs no global teardown after a failed setup: stop what did start before failing.
    await stopAll(servers);
    throw err;
  }
}

async function startAll(servers: TestServers): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-test-'));
  servers.tempDirs.push(dir);
  const progress = (line: string) => console.log(`test setup: ${line}`);
  const burners = cpuBurners();
  if (burners > 0) progress(`keeping ${burners} core(s) busy for the whole run (CI_CPU_BURN)`);
  for (let i = 0; i < burners; i++) {
    // A shell's busy loop: all CPU, no memory; guarded like every managed child.
    servers.started.push(
      startProcess({ name: `cpu-burn-${i}`, command: '/bin/sh', args: ['-c', 'while :; do :; done'] }),
    );
  }
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';

  let uiPort: number | undefined;
  // Settled, not Promise.all: when one fails, the other has finished starting (and is recorded to
  // be stopped) before the failure is reported.
  const [temporal, mongo] = await Promise.allSettled([
    (async () => {
      if (process.env.TEMPORAL_ADDRESS) return process.env.TEMPORAL_ADDRESS;
      const bin = await resolveTool(TEMPORAL_CLI, progress);
      uiPort = await freePort();
      const server = await startTemporalDevServer({
        binary: bin.path,
        port: await freePort(),
        // The UI's HTTP API is how the end-to-end tests read a workflow as operations staff see it.
        uiPort,
        namespace,
        logFile: path.join(dir, 'temporal.log'),
      });
      servers.started.push(server);
      return server.address;
    })(),
    (async () => {
      if (process.env.MONGODB_URI) return process.env.MONGODB_URI;
      const bin = await resolveTool(FERRETDB, progress);
      const db = await startFerretDb({
        binary: bin.path,
        port: await freePort(),
        dataDir: path.join(dir, 'ferretdb'),
        stateDir: path.join(dir, 'ferretdb-state'),
        logFile: path.join(dir, 'ferretdb.log'),
      });
      servers.started.push(db);
      return db.uri;
    })(),
  ]);
  if (temporal.status === 'rejected') throw temporal.reason;
  if (mongo.status === 'rejected') throw mongo.reason;
  const temporalAddress = temporal.value;
  const mongoUri = mongo.value;

  const connection = await Connection.connect({ address: temporalAddress });
  await ensureSearchAttributes(connection, namespace, pino({ level: 'warn' }));
  await connection.close();

  process.env.TEST_TEMPORAL_ADDRESS = temporalAddress;
  process.env.TEST_TEMPORAL_NAMESPACE = namespace;
  if (uiPort) process.env.TEST_TEMPORAL_UI_URL = `http://127.0.0.1:${uiPort}`;
  process.env.TEST_MONGODB_URI = mongoUri;
  process.env.TEST_SERVERS_DIR = dir;
}

function cpuBurners(): number {
  const raw = process.env.CI_CPU_BURN;
  if (!raw) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new Error(`CI_CPU_BURN must be a number of cores (0-64), not ${raw}`);
  return n;
}
