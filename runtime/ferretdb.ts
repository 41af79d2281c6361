// The embedded MongoDB-wire database: FerretDB v1 on SQLite files under DATA_DIR, or — in the
// cluster profile — on its PostgreSQL backend, where every replica of every component shares it.
import { mkdirSync } from 'node:fs';
import mongoose from 'mongoose';
import { startProcess, waitUntilReady, type ManagedProcess } from './process.js';

interface FerretDbOptions {
  binary: string;
  port: number;
  /** Directory of SQLite files, one per database; `undefined` keeps data in memory (tests). */
  dataDir?: string;
  /** A PostgreSQL database to keep everything in instead of SQLite (`postgres://…/<db>`). */
  postgresqlUrl?: string;
  stateDir: string;
  logFile: string;
  /** See startProcess: lets a later start stop this server if the supervisor was killed. */
  pidFile?: string;
  readyTimeoutMs?: number;
}

/**
 * Connections each client process may hold to the embedded FerretDB. FerretDB v1's SQLite pool
 * has 100 connections per database and an update that matches a document holds two of them at
 * once; with every process of the platform (or of a test run) capped at 8, all the commands in
 * flight together cannot take the whole pool and wait on each other forever. (A real MongoDB,
 * given by MONGODB_URI, keeps the driver's default.)
 */
const FERRETDB_MAX_POOL_SIZE = 8;

/** The connection string of an embedded FerretDB on `port`, with the pool cap above. */
export function ferretDbUri(port: number): string {
  return `mongodb://127.0.0.1:${port}/?maxPoolSize=${FERRETDB_MAX_POOL_SIZE}`;
}

export function ferretDbArgs(o: FerretDbOptions): string[] {
  const storage = o.postgresqlUrl
    ? ['--handler=postgresql', `--postgresql-url=${o.postgresqlUrl}`]
    : [
        '--handler=sqlite',
        o.dataDir ? `--sqlite-url=file:${o.dataDir}/` : '--sqlite-url=file:./?mode=memory',
      ];
  return [
    ...storage,
    `--listen-addr=127.0.0.1:${o.port}`,
    `--state-dir=${o.stateDir}`,
    // No telemetry (no internet) and no debug listener (it would collide between instances).
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=warn',
    '--log-format=json',
  ];
}

export async function startFerretDb(o: FerretDbOptions): Promise<ManagedProcess & { uri: string }> {
  if (o.dataDir) mkdirSync(o.dataDir, { recursive: true });
  mkdirSync(o.stateDir, { recursive: true });
  const proc = startProcess({
    name: 'ferretdb',
    command: o.binary,
    args: ferretDbArgs(o),
    logFile: o.logFile,
    pidFile: o.pidFile,
  });
  const uri = ferretDbUri(o.port);
  try {
    await waitUntilReady(
      proc,
      () => mongoAnswers(uri),
      o.readyTimeoutMs ?? 30_000,
      `FerretDB (log: ${o.logFile})`,
    );
  } catch (err) {
    await proc.stop(2000);
    throw err;
  }
  return Object.assign(proc, { uri });
}

/** True once the server answers a ping. */
async function mongoAnswers(uri: string): Promise<boolean> {
  const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 1000 });
  try {
    await conn.asPromise();
    await conn.db?.admin().ping();
    return true;
  } finally {
    await conn.close().catch(() => undefined);
  }
}
