// The Temporal server (go.temporal.io/server) as a bank would run it: PostgreSQL persistence and
// SQL visibility, several history shards, all four services (frontend, history, matching, worker)
// in one process here, each on its own port so they could as well be split across hosts.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { stringify } from 'yaml';
import { StartupError } from '../lib/errors.js';
import { startProcess, waitUntilReady, type ManagedProcess } from './process.js';
import { DEV_SERVER_DYNAMIC_CONFIG } from './temporal-dev-server.js';
import {
  DEFAULT_POSTGRES_URL,
  DEFAULT_TEMPORAL_DATABASES,
  postgresEndpoint,
  type TemporalDatabases,
} from './temporal-sql-schema.js';

export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

/** Temporal's own port layout around a frontend port: 7233 gives 7234, 7235, 7239, 7243, 6933… */
export function temporalServerPorts(frontend = 7233): TemporalServerPorts {
  return {
    frontend,
    frontendHttp: frontend + 10,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    frontendMembership: frontend - 300,
    historyMembership: frontend - 299,
    matchingMembership: frontend - 298,
    workerMembership: frontend - 294,
  };
}

interface TemporalServerOptions {
  /** The temporal-server binary (runtime/tools.ts TEMPORAL_SERVER). */
  binary: string;
  /** Where the server's YAML and dynamic config files are written. */
  configDir: string;
  logFile: string;
  /** Default `postgres://postgres@127.0.0.1:5432`; the schemas must exist (ensureTemporalSchemas). */
  postgresUrl?: string;
  databases?: TemporalDatabases;
  ports?: TemporalServerPorts;
  /**
   * Fixed for the life of the databases: on a persistence created with another count the server
   * keeps the recorded one (and logs a warning). 4 lets four history hosts share the load in a
   * split deployment.
   */
  numHistoryShards?: number;
  /** Serve Prometheus metrics on this port (omit for none). */
  metricsPort?: number;
  /** See startProcess: lets a later start stop this server if the supervisor was killed. */
  pidFile?: string;
}

const ENV_NAME = 'cluster';
const PASSWORD_ENV = 'TEMPORAL_POSTGRES_PASSWORD';

/** The dev server's settings, plus nothing else: the platform must behave the same on both. */
function temporalServerDynamicConfig(): string {
  const doc = Object.fromEntries(
    Object.entries(DEV_SERVER_DYNAMIC_CONFIG).map(([key, value]) => [key, [{ value, constraints: {} }]]),
  );
  return stringify(doc);
}

/**
 * The server records each host's membership port in PostgreSQL in a SMALLINT column
 * (cluster_membership.rpc_port): a port above 32767 makes it exit at start.
 */
export const MAX_MEMBERSHIP_PORT = 32767;

function checkPorts(ports: TemporalServerPorts): void {
  for (const key of [
    'frontendMembership',
    'historyMembership',
    'matchingMembership',
    'workerMembership',
  ] as const) {
    if (ports[key] > MAX_MEMBERSHIP_PORT)
      throw new StartupError(
        `Temporal's ${key} port ${ports[key]} is above ${MAX_MEMBERSHIP_PORT}, which its PostgreSQL schema cannot store`,
      );
  }
}

/** The server's static config (`<configDir>/cluster.yaml`). */
function temporalServerConfig(o: TemporalServerOptions): string {
  const ports = o.ports ?? temporalServerPorts();
  checkPorts(ports);
  const db = o.databases ?? DEFAULT_TEMPORAL_DATABASES;
  const endpoint = postgresEndpoint(o.postgresUrl ?? DEFAULT_POSTGRES_URL);
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${endpoint.host}:${endpoint.port}`,
      connectProtocol: 'tcp',
      user: endpoint.user,
      password: PASSWORD_PLACEHOLDER,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...(httpPort ? { httpPort } : {}) },
  });
  const frontend = `127.0.0.1:${ports.frontend}`;
  const config = {
    log: { stdout: true, level: 'warn', format: 'json' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: o.numHistoryShards ?? 4,
      datastores: {
        'postgres-default': store(db.main, 20),
        'postgres-visibility': store(db.visibility, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      ...(o.metricsPort
        ? {
            metrics: {
              prometheus: { framework: 'tally', listenAddress: `127.0.0.1:${o.metricsPort}` },
            },
          }
        : {}),
    },
    services: {
      frontend: service(ports.frontend, ports.frontendMembership, ports.frontendHttp),
      history: service(ports.history, ports.historyMembership),
      matching: service(ports.matching, ports.matchingMembership),
      worker: service(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: frontend,
          httpAddress: `127.0.0.1:${ports.frontendHttp}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: {
      archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    },
    // The worker service's own system workflows reach the frontend here.
    publicClient: { hostPort: frontend },
    dynamicConfigClient: {
      filepath: path.join(o.configDir, 'dynamic-config.yaml'),
      pollInterval: '10s',
    },
  };
  // The password stays out of the file: the server renders this template from its environment.
  return `# enable-template\n${stringify(config).replaceAll(PASSWORD_PLACEHOLDER, `{{ env "${PASSWORD_ENV}" | quote }}`)}`;
}

const PASSWORD_PLACEHOLDER = '__TEMPORAL_POSTGRES_PASSWORD__';

function writeTemporalServerConfig(o: TemporalServerOptions): void {
  mkdirSync(o.configDir, { recursive: true });
  writeFileSync(path.join(o.configDir, `${ENV_NAME}.yaml`), temporalServerConfig(o));
  writeFileSync(path.join(o.configDir, 'dynamic-config.yaml'), temporalServerDynamicConfig());
}

/** Write the config and start the server without waiting for it (the caller probes it). */
export function spawnTemporalServer(o: TemporalServerOptions): ManagedProcess {
  writeTemporalServerConfig(o);
  const { password } = postgresEndpoint(o.postgresUrl ?? DEFAULT_POSTGRES_URL);
  return startProcess({
    name: 'temporal-server',
    command: o.binary,
    // --root with --config '.': the server joins the two (an absolute --config would be made relative).
    args: ['--root', o.configDir, '--config', '.', '--env', ENV_NAME, '--allow-no-auth', 'start'],
    env: { ...process.env, [PASSWORD_ENV]: password },
    logFile: o.logFile,
    pidFile: o.pidFile,
  });
}

interface TemporalNamespaceOptions {
  namespace: string;
  /** How long closed workflows stay visible; default 3 days. */
  retentionDays?: number;
}

/**
 * Register the namespace; the server, unlike the dev server, starts with none but its own.
 * True when it was created now, false when it existed.
 */
export async function ensureTemporalNamespace(
  connection: Connection,
  o: TemporalNamespaceOptions,
): Promise<boolean> {
  try {
    await connection.workflowService.registerNamespace({
      namespace: o.namespace,
      workflowExecutionRetentionPeriod: msToTs(`${o.retentionDays ?? 3} days`),
    });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === GRPC_ALREADY_EXISTS) return false;
    throw err;
  }
}

const GRPC_ALREADY_EXISTS = 6;

/**
 * Custom search attribute slots per type in SQL visibility (PostgreSQL schema v1.9: Keyword01–10,
 * Bool/Datetime/Double/Int/KeywordList/Text 01–03): a namespace cannot hold more of each type.
 */
const SQL_VISIBILITY_SLOTS: Record<string, number> = {
  KEYWORD: 10,
  KEYWORD_LIST: 3,
  TEXT: 3,
  INT: 3,
  DOUBLE: 3,
  BOOL: 3,
  DATETIME: 3,
};

/** Fail with a clear message when a set of custom search attributes cannot fit SQL visibility. */
export function checkSqlVisibilitySlots(keys: readonly { name: string; type: string }[]): void {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k.type, (counts.get(k.type) ?? 0) + 1);
  for (const [type, count] of counts) {
    const slots = SQL_VISIBILITY_SLOTS[type] ?? 0;
    if (count > slots)
      throw new StartupError(
        `${count} custom search attributes of type ${type}, but SQL visibility has ${slots} slots for it per namespace`,
      );
  }
}

/**
 * True once the frontend serves the namespace and a visibility query over `attributes` is
 * accepted. A new namespace and new search attributes reach the frontend's caches some seconds
 * after they are written (its namespace registry refreshes every 10 s), so the write succeeding
 * is not enough.
 */
export async function temporalServerAnswers(
  address: string,
  namespace: string,
  attributes: readonly string[] = [],
): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const query = attributes.map((name) => `${name} IS NULL`).join(' AND ');
    await connection.workflowService.countWorkflowExecutions({ namespace, query });
    return true;
  } finally {
    await connection.close();
  }
}

interface StartedTemporalServer extends ManagedProcess {
  address: string;
}

/**
 * Start the server, register the namespace, and wait until both answer. Search attributes are the
 * caller's (lib/temporal.ts ensureSearchAttributes, then temporalServerAnswers with their names).
 */
export async function startTemporalServer(
  o: TemporalServerOptions & TemporalNamespaceOptions & { readyTimeoutMs?: number },
): Promise<StartedTemporalServer> {
  const proc = spawnTemporalServer(o);
  const address = `127.0.0.1:${(o.ports ?? temporalServerPorts()).frontend}`;
  try {
    await waitUntilReady(
      proc,
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await ensureTemporalNamespace(connection, o);
        } finally {
          await connection.close();
        }
        return temporalServerAnswers(address, o.namespace);
      },
      o.readyTimeoutMs ?? 120_000,
      `Temporal server (log: ${o.logFile})`,
    );
  } catch (err) {
    await proc.stop(5000);
    throw err;
  }
  return Object.assign(proc, { address });
}
