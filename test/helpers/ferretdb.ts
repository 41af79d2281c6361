// A FerretDB process of one's own (not the shared test server), on a free port and SQLite files
// under `dir`: for a test that stops the database and starts it again on the same port and data,
// and for benchmarks that run their own servers.
import path from 'node:path';
import { ferretDbUri, startFerretDb } from '../../runtime/ferretdb.js';
import type { ManagedProcess } from '../../runtime/process.js';
import { freePort } from '../../runtime/ports.js';
import { FERRETDB, resolveTool } from '../../runtime/tools.js';
import { tracked } from './teardown.js';

export async function startOwnFerretDb(dir: string, progress: (line: string) => void = () => undefined) {
  const options = {
    binary: (await resolveTool(FERRETDB, progress)).path,
    port: await freePort(),
    dataDir: path.join(dir, 'ferretdb'),
    stateDir: path.join(dir, 'ferretdb-state'),
    logFile: path.join(dir, 'ferretdb.log'),
  };
  let proc: ManagedProcess | undefined = await startFerretDb(options);
  // Stopped when the test file ends, whether or not the file's own afterAll got to it.
  tracked(() => proc?.stop(5000));
  return {
    uri: ferretDbUri(options.port),
    port: options.port,
    logFile: options.logFile,
    get running() {
      return proc !== undefined;
    },
    /** Stop the process (SIGTERM, then SIGKILL after the grace period); the data stays. */
    async stop(graceMs = 5000) {
      await proc?.stop(graceMs);
      proc = undefined;
    },
    /** Start it again on the same port and data directory; resolves once it answers. */
    async start() {
      if (!proc) proc = await startFerretDb(options);
    },
  };
}

export type OwnFerretDb = Awaited<ReturnType<typeof startOwnFerretDb>>;
