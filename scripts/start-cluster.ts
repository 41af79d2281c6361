// `npm run start:cluster`: the platform on the engines a bank runs, on one machine. The Temporal
// server (all four services in one process, 4 history shards) on PostgreSQL with SQL visibility,
// the Temporal UI, FerretDB on PostgreSQL, CLUSTER_REPLICAS replicas of the AS, the gateway, the
// marketplace and the worker, and nginx terminating TLS on the public ports in front of them.
// Shared state lives in PostgreSQL (through Temporal and FerretDB) and Redis; no replica keeps
// anything another must see. The same supervisor as `npm start` keeps every child running.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadConfig } from '../lib/config.js';
import { StartupError, errorMessage, redactUri } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { runMain } from '../lib/main.js';
import { connectClient, ensureSearchAttributes } from '../lib/temporal.js';
import { ALL_SEARCH_ATTRIBUTES } from '../lib/temporal-search-attributes.js';
import { ensureDevPki } from '../lib/pki/dev-pki.js';
import {
  BEHIND_PROXY,
  CLIENT_CERT_HEADER,
  clusterDatabases,
  planReplicas,
  type Replica,
} from '../runtime/cluster.js';
import { locateNginx, startNginxProcess, type ProxyListener } from '../runtime/nginx.js';
import { componentChild, databaseChild } from '../runtime/platform-children.js';
import { readyBanner, superviseUntilStopped } from '../runtime/platform-run.js';
import { assertPortFree } from '../runtime/ports.js';
import { httpReadiness, temporalReadiness } from '../runtime/probes.js';
import { reapStaleProcess, waitUntilReady } from '../runtime/process.js';
import type { ChildSpec, Readiness } from '../runtime/supervisor.js';
import {
  checkSqlVisibilitySlots,
  ensureTemporalNamespace,
  spawnTemporalServer,
  temporalServerAnswers,
  temporalServerPorts,
} from '../runtime/temporal-server.js';
import { ensurePostgresDatabase, ensureTemporalSchemas } from '../runtime/temporal-sql-schema.js';
import { spawnTemporalUi, temporalUiAnswers, temporalUiUrl } from '../runtime/temporal-ui.js';
import {
  FERRETDB,
  TEMPORAL_SERVER,
  TEMPORAL_SQL_TOOL,
  TEMPORAL_UI_SERVER,
  resolveTool,
} from '../runtime/tools.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const STALE = ['temporal', 'temporal-ui', 'ferretdb', 'proxy'];

runMain('cluster', async () => {
  const startedAt = Date.now();
  // Replicas must share rate-limit counters: the cluster profile always has a Redis.
  process.env.REDIS_URL ||= DEFAULT_REDIS_URL;
  const cfg = loadConfig();
  const logger = createLogger('cluster', cfg);
  const logDir = path.join(cfg.dataDir, 'logs');
  const runDir = path.join(cfg.dataDir, 'run');
  const configDir = path.join(cfg.dataDir, 'cluster');
  if (!cfg.temporal.embedded || !cfg.mongo.embedded)
    throw new StartupError(
      'start:cluster runs its own Temporal server and FerretDB: unset TEMPORAL_ADDRESS and MONGODB_URI (or run `npm start` against them)',
    );

  for (const name of STALE) {
    const pid = await reapStaleProcess(path.join(runDir, `${name}.pid`), cfg.dataDir);
    if (pid) logger.warn({ process: name, pid }, 'stopped a server an earlier start left running');
  }

  const replicas = planReplicas(cfg);
  const temporalPorts = temporalServerPorts(cfg.temporal.devServer.port);
  const ports: [number, string][] = [
    ...replicas.map((r): [number, string] => [r.port, `${r.name}'s port`]),
    [cfg.http.authPort, 'AUTH_PORT'],
    [cfg.http.gatewayPort, 'GATEWAY_PORT'],
    [cfg.http.marketplacePort, 'MARKETPLACE_PORT'],
    ...Object.entries(temporalPorts).map(([k, p]): [number, string] => [
      p,
      `the Temporal server's ${k} port`,
    ]),
    [cfg.temporal.devServer.uiPort, 'TEMPORAL_UI_PORT'],
    [cfg.mongo.devServer.port, 'MONGODB_PORT'],
  ];
  for (const [port, variable] of ports)
    await assertPortFree(port, cfg.host === '0.0.0.0' ? '0.0.0.0' : '127.0.0.1', variable);
  await assertRedis(cfg.traffic.redisUrl ?? DEFAULT_REDIS_URL);
  const nginx = locateNginx();

  const progress = (line: string) => logger.info(line);
  const [server, sqlTool, ui, ferret] = [
    await resolveTool(TEMPORAL_SERVER, progress),
    await resolveTool(TEMPORAL_SQL_TOOL, progress),
    await resolveTool(TEMPORAL_UI_SERVER, progress),
    await resolveTool(FERRETDB, progress),
  ];

  // Databases first: idempotent, so a second start (or a newer server version) only upgrades.
  const dbs = clusterDatabases(cfg);
  const databases = { main: dbs.temporal, visibility: dbs.visibility };
  await ensureTemporalSchemas({
    sqlTool: sqlTool.path,
    postgresUrl: cfg.cluster.postgresUrl,
    databases,
    progress,
  });
  await ensurePostgresDatabase({
    sqlTool: sqlTool.path,
    postgresUrl: cfg.cluster.postgresUrl,
    database: dbs.ferretdb,
  });
  checkSqlVisibilitySlots(ALL_SEARCH_ATTRIBUTES);

  const temporalAddress = `127.0.0.1:${temporalPorts.frontend}`;
  const temporalCfg = { ...cfg.temporal, address: temporalAddress };
  const temporalProbe = temporalReadiness(temporalCfg);
  let namespaceRegistered = false;
  const temporal: ChildSpec = {
    name: 'temporal',
    spawn: () =>
      spawnTemporalServer({
        binary: server.path,
        configDir: path.join(configDir, 'temporal'),
        logFile: path.join(logDir, 'temporal.log'),
        postgresUrl: cfg.cluster.postgresUrl,
        databases,
        ports: temporalPorts,
        numHistoryShards: 4,
        pidFile: path.join(runDir, 'temporal.pid'),
      }),
    // The server starts with no namespace of ours: the first probe that reaches it registers it.
    probe: async () => {
      if (!namespaceRegistered) {
        const c = await connectClient(temporalCfg, 2000);
        try {
          await ensureTemporalNamespace(c, { namespace: cfg.temporal.namespace });
          namespaceRegistered = true;
        } finally {
          await c.close();
        }
      }
      return temporalProbe.probe();
    },
    startTimeoutMs: 120_000,
  };

  const uiUrl = temporalUiUrl({ port: cfg.temporal.devServer.uiPort });
  const temporalUi: ChildSpec = {
    name: 'temporal-ui',
    spawn: () =>
      spawnTemporalUi({
        binary: ui.path,
        temporalAddress,
        port: cfg.temporal.devServer.uiPort,
        namespace: cfg.temporal.namespace,
        // The bank console's codec server (api/bank-console/temporal-codec-routes.ts).
        codecEndpoint: `${cfg.marketplace.url}/admin/temporal-codec`,
        configDir: path.join(configDir, 'temporal-ui'),
        logFile: path.join(logDir, 'temporal-ui.log'),
        pidFile: path.join(runDir, 'temporal-ui.pid'),
      }),
    probe: async () => ({ ready: await temporalUiAnswers(uiUrl).catch(() => false) }),
    dependsOn: ['temporal'],
    startTimeoutMs: 60_000,
  };

  const postgresqlUrl = `${cfg.cluster.postgresUrl}/${dbs.ferretdb}`;
  const database = databaseChild(cfg, ferret.path, { logDir, runDir }, postgresqlUrl);
  const mongoUri = database.address;

  const pki = cfg.tls.pkiDir;
  const listener = (name: string, port: number, tls: ProxyListener['tls']): ProxyListener => ({
    name,
    host: cfg.host,
    port,
    tls,
    upstream: {
      scheme: name === 'marketplace' ? 'http' : 'https',
      servers: replicas.filter((r) => r.component.name === name).map((r) => `127.0.0.1:${r.port}`),
    },
  });
  // When no replica can be reached, the proxy answers in the standard of the caller, as a replica
  // whose dependency is away would (api/gateway/ofb/errors.ts, api/gateway/fdx/errors.ts, OAuth).
  const listeners = [
    {
      ...listener('auth', cfg.http.authPort, 'mtls'),
      unavailable: {
        default: JSON.stringify({
          error: 'temporarily_unavailable',
          error_description: 'No replica of the authorization server can be reached; try again shortly',
        }),
      },
    },
    {
      ...listener('gateway', cfg.http.gatewayPort, 'mtls'),
      unavailable: {
        default: JSON.stringify({
          errors: [
            {
              code: 'SERVICE_UNAVAILABLE',
              title: 'Serviço indisponível',
              detail: 'No replica of the API gateway can be reached; try again shortly',
            },
          ],
        }),
        byPrefix: {
          // The gateway's FDX paths (FDX_BASE in api/gateway/fdx/consents/routes.ts).
          '/fdx/v6': JSON.stringify({
            code: 501,
            message: 'Subsystem unavailable',
            debugMessage: 'No replica of the API gateway can be reached; try again shortly',
          }),
        },
      },
    },
    listener('marketplace', cfg.http.marketplacePort, 'plain'),
  ];
  const proxy: ChildSpec = {
    name: 'proxy',
    spawn: () =>
      startNginxProcess({
        binary: nginx,
        runDir: path.join(runDir, 'nginx'),
        listeners,
        tls: {
          certPath: cfg.tls.certPath ?? path.join(pki, 'server.crt'),
          keyPath: cfg.tls.keyPath ?? path.join(pki, 'server.key'),
          clientCaPath: cfg.tls.clientCaPath ?? path.join(pki, 'ca.crt'),
        },
        clientCertHeader: CLIENT_CERT_HEADER,
        upstreamTls: { caPath: path.join(pki, 'ca.crt'), serverName: 'localhost' },
        logFile: path.join(logDir, 'nginx.log'),
        pidFile: path.join(runDir, 'proxy.pid'),
      }),
    // Ready when a request through it reaches a ready replica of each component; while those are
    // not ready (their database or Temporal away) the proxy is not to blame, nor restarted.
    dependsOn: replicas.filter((r) => BEHIND_PROXY.has(r.component.name)).map((r) => r.name),
    probe: async () => {
      for (const l of listeners) {
        const r = await readyThrough(l);
        if (!r.ready) return r;
      }
      return { ready: true };
    },
    startTimeoutMs: 30_000,
  };

  return superviseUntilStopped({
    cfg,
    logger,
    close: () => Promise.all([temporalProbe.close(), database.close()]),
    bringUp: async (supervisor) => {
      supervisor.add(temporal);
      await supervisor.whenReady('temporal');
      const connection = await connectClient(temporalCfg);
      try {
        await ensureSearchAttributes(connection, cfg.temporal.namespace, logger);
      } finally {
        await connection.close();
      }
      // New search attributes reach the frontend's cache some seconds after they are written.
      await waitUntilReady(
        undefined,
        () =>
          temporalServerAnswers(
            temporalAddress,
            cfg.temporal.namespace,
            ALL_SEARCH_ATTRIBUTES.map((a) => a.name),
          ),
        60_000,
        'the search attributes to be served',
      );
      logger.info({ address: temporalAddress, shards: 4 }, 'Temporal server ready');
      supervisor.add(temporalUi);
      supervisor.add(database.spec);
      await supervisor.whenReady(database.spec.name);

      const env = { ...process.env, TEMPORAL_ADDRESS: temporalAddress, MONGODB_URI: mongoUri };
      if (!cfg.tls.certPath || !cfg.gateway.clientCertPath) await ensureDevPki(pki, logger);
      const deps = { root, env, database: database.spec.name, temporal: 'temporal', runDir };
      const add = (r: Replica) => supervisor.add(componentChild(cfg, r.component, deps, r));
      // The first replica of each creates what is made once (development keys, schedules); the
      // others start when it is there.
      const first = replicas.filter((r) => r.index === 0);
      first.forEach(add);
      await Promise.all(first.map((r) => supervisor.whenReady(r.name)));
      const rest = replicas.filter((r) => r.index > 0);
      rest.forEach(add);
      await Promise.all(rest.map((r) => supervisor.whenReady(r.name)));
      supervisor.add(proxy);
      await Promise.all([supervisor.whenReady('proxy'), supervisor.whenReady('temporal-ui')]);

      const byComponent = (name: string) =>
        replicas
          .filter((r) => r.component.name === name)
          .map((r) => r.port)
          .join(', ');
      const rows: [string, string][] = [
        ['Temporal UI', uiUrl],
        ['Temporal server (gRPC)', `${temporalAddress} (namespace ${cfg.temporal.namespace}, 4 shards)`],
        [
          'Temporal persistence + visibility',
          `${redactUri(cfg.cluster.postgresUrl)}/${dbs.temporal}, ${dbs.visibility}`,
        ],
        ['MongoDB wire', `${mongoUri} (FerretDB on ${redactUri(postgresqlUrl)})`],
        ['Redis (shared counters)', redactUri(cfg.traffic.redisUrl ?? DEFAULT_REDIS_URL)],
        [
          'Developer marketplace and bank pages',
          `${cfg.marketplace.url} (nginx → ${byComponent('marketplace')})`,
        ],
        [
          'Authorization server (OIDC issuer)',
          `${cfg.auth.issuer}/.well-known/openid-configuration (nginx → ${byComponent('auth')})`,
        ],
        [
          'API gateway (OFB and FDX APIs, mTLS)',
          `${cfg.auth.resourceServer} (nginx → ${byComponent('gateway')})`,
        ],
        ['Workers (health)', byComponent('worker')],
        ["Mock core banking (the bank's core)", cfg.connectors.coreBanking.url],
        ['Development CA (trust it for https)', path.join(pki, 'ca.crt')],
        ['Logs of the servers', logDir],
      ];
      console.log(
        readyBanner(startedAt, `Open banking platform (cluster, ${cfg.cluster.replicas} replicas)`, rows),
      );
    },
  });
});

/** /readyz through the proxy: proves the listener, its TLS and one replica behind it. */
function readyThrough(l: ProxyListener): Promise<Readiness> {
  return httpReadiness(l.tls === 'plain' ? 'http' : 'https', l.port);
}

async function assertRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new StartupError(
      `Redis at ${redactUri(url)} does not answer (${errorMessage(err)}): the replicas share their counters there; start it or set REDIS_URL`,
    );
  } finally {
    redis.disconnect();
  }
}
