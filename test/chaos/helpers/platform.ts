// The platform the chaos tests break: the cluster profile (`scripts/start-cluster.ts`: Temporal's
// server and FerretDB on PostgreSQL, replicas behind nginx) or, with CHAOS_PROFILE=embedded, the
// embedded one (`scripts/start.ts`, one replica each). Started once per run with its own DATA_DIR,
// ports and PostgreSQL databases, and everything of it removed afterwards. Children are found by
// the pid files the launcher writes (`$DATA_DIR/run/<name>.pid`).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../lib/config.js';
import { clusterDatabases, clusterPorts } from '../../../runtime/cluster.js';
import { dropPostgresDatabases } from '../../../runtime/temporal-sql-schema.js';
import { TEMPORAL_SQL_TOOL, resolveTool } from '../../../runtime/tools.js';
import { startPlatform, type Platform, type Ports } from '../../../scripts/soak/platform.js';

export type Profile = 'cluster' | 'embedded';

export interface ChaosPlatform extends Platform {
  profile: Profile;
  dataDir: string;
  ports: Ports;
  /** The MongoDB wire address (FerretDB) and database the platform uses. */
  mongoUri: string;
  database: string;
  /** Supervised children's names for a component: `worker-1`, `worker-2` (embedded: `worker`). */
  replicas(component: string): string[];
  /** The current pid of a supervised child (throws when it has none yet). */
  pid(name: string): number;
  /** The health URL of one worker replica. */
  workerReadyz(name: string): string;
}

/** The chaos tests break replicas, so they run on the cluster profile (`scripts/start-cluster.ts`). */
export const chaosProfile = (): Profile => 'cluster';

const ENTRIES: Record<string, string> = {
  worker: 'workers/main.ts',
  gateway: 'api/gateway/server.ts',
  auth: 'auth/server.ts',
  marketplace: 'api/marketplace/server.ts',
};

export async function startChaosPlatform(log: (line: string) => void): Promise<ChaosPlatform> {
  const profile = chaosProfile();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'obp-chaos-'));
  const ports = clusterPorts(Number(process.env.CHAOS_PORT_BASE ?? 11_300)) as Ports;
  const prefix = `chaos_${process.pid}`;
  const replicaCount = Number(process.env.CLUSTER_REPLICAS ?? 2);
  log(`starting the ${profile} profile (DATA_DIR ${dataDir})`);
  const platform = await startPlatform({
    dataDir,
    ports,
    rollupEverySeconds: 300,
    readyTimeoutMs: 300_000,
    log,
    ...(profile === 'cluster' ? { script: 'scripts/start-cluster.ts' } : {}),
    // One address plays every recipient: the tests measure faults, not the traffic limits.
    env: {
      TRAFFIC_LIMITS: 'false',
      ...(profile === 'cluster'
        ? { CLUSTER_DATABASE_PREFIX: prefix, CLUSTER_REPLICAS: String(replicaCount) }
        : {}),
    },
  }).catch(async (err: unknown) => {
    if (profile === 'cluster') await dropDatabases(prefix);
    throw err;
  });
  const runDir = path.join(dataDir, 'run');
  const replicas = (component: string) =>
    profile === 'cluster'
      ? Array.from({ length: replicaCount }, (_, i) => `${component}-${i + 1}`)
      : [component];
  const pid = (name: string): number => {
    const file = path.join(runDir, `${name}.pid`);
    if (existsSync(file)) {
      const n = Number(readFileSync(file, 'utf8').trim());
      if (n > 0 && alive(n)) return n;
    }
    // The embedded launcher writes pid files for its servers only: find a component by its command.
    const entry = ENTRIES[name.replace(/-\d+$/, '')];
    const found = entry ? processesWith(dataDir, entry) : [];
    if (found.length === 1) return found[0]!;
    throw new Error(`no single running process for ${name} (${found.length} found)`);
  };
  return {
    ...platform,
    profile,
    dataDir,
    ports,
    mongoUri: `mongodb://127.0.0.1:${ports.MONGODB_PORT}/`,
    database: 'openbanking',
    replicas,
    pid,
    workerReadyz: (name) => {
      const index = Number(/-(\d+)$/.exec(name)?.[1] ?? 1) - 1;
      return `http://127.0.0.1:${ports.WORKER_PORT + index}/readyz`;
    },
    stop: async () => {
      const result = await platform.stop();
      if (profile === 'cluster') await dropDatabases(prefix);
      // CHAOS_KEEP_DATA=1 keeps the logs (and pid files) for a look after a failed run.
      if (process.env.CHAOS_KEEP_DATA) log(`the platform's data and logs are kept: ${dataDir}`);
      else rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Node processes of this platform (by DATA_DIR) running `entry`. */
function processesWith(dataDir: string, entry: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmdline.includes(entry)) continue;
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (environ.includes(`DATA_DIR=${dataDir}`)) found.push(pid);
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/** This run's databases, whatever state it ended in (Temporal's SQL tool: no psql needed). */
async function dropDatabases(prefix: string) {
  const sqlTool = await resolveTool(TEMPORAL_SQL_TOOL, () => undefined);
  const dbs = clusterDatabases(loadConfig({ CLUSTER_DATABASE_PREFIX: prefix }));
  await dropPostgresDatabases({ sqlTool: sqlTool.path, databases: Object.values(dbs) });
}
