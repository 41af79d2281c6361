// What `npm start` supervises, as the supervisor sees each child: how to start it, how to ask
// whether it is ready, and what it depends on. Temporal and the database are run here when
// embedded, and only watched when they are external (their outage is then not a component's fault).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../lib/config.js';
import type { Component } from './components.js';
import { ferretDbArgs, ferretDbUri } from './ferretdb.js';
import { databaseReadiness, httpReadiness, temporalReadiness, type Probe } from './probes.js';
import { startProcess } from './process.js';
import type { ChildSpec } from './supervisor.js';
import { spawnTemporalDevServer } from './temporal-dev-server.js';

interface Dependency {
  spec: ChildSpec;
  /** Where the components reach it. */
  address: string;
  close(): Promise<void>;
}

interface Paths {
  logDir: string;
  runDir: string;
}

/** The embedded dev server (given its binary), or the configured Temporal watched. */
export function temporalChild(cfg: Config, binary: string | undefined, paths: Paths): Dependency {
  const address = binary ? `127.0.0.1:${cfg.temporal.devServer.port}` : cfg.temporal.address;
  const probe: Probe = temporalReadiness({ ...cfg.temporal, address });
  const spawn = binary
    ? () =>
        spawnTemporalDevServer({
          binary,
          port: cfg.temporal.devServer.port,
          uiPort: cfg.temporal.devServer.uiPort,
          // The bank console's codec server (api/bank-console/temporal-codec-routes.ts).
          uiCodecEndpoint: `${cfg.marketplace.url}/admin/temporal-codec`,
          dbFile: cfg.temporal.devServer.dbFile,
          namespace: cfg.temporal.namespace,
          logFile: path.join(paths.logDir, 'temporal.log'),
          pidFile: path.join(paths.runDir, 'temporal.pid'),
        })
    : undefined;
  return {
    spec: {
      name: 'temporal',
      spawn,
      probe: () => probe.probe(),
      startTimeoutMs: binary ? 60_000 : cfg.temporal.connectTimeoutMs,
    },
    address,
    close: () => probe.close(),
  };
}

/**
 * Embedded FerretDB (same port and data directory on every restart) — on SQLite, or on the
 * PostgreSQL database `postgresqlUrl` names (the cluster profile) — or the configured database watched.
 */
export function databaseChild(
  cfg: Config,
  binary: string | undefined,
  paths: Paths,
  postgresqlUrl?: string,
): Dependency {
  const { port, dataDir, stateDir } = cfg.mongo.devServer;
  // The pool cap guards FerretDB's SQLite pool (runtime/ferretdb.ts); PostgreSQL needs none.
  const uri = !binary ? cfg.mongo.uri : postgresqlUrl ? `mongodb://127.0.0.1:${port}/` : ferretDbUri(port);
  const probe = databaseReadiness(uri, cfg.mongo.database);
  const spawn = binary
    ? () => {
        if (!postgresqlUrl) mkdirSync(dataDir, { recursive: true });
        mkdirSync(stateDir, { recursive: true });
        const logFile = path.join(paths.logDir, 'ferretdb.log');
        return startProcess({
          name: 'ferretdb',
          command: binary,
          args: ferretDbArgs({ binary, port, dataDir, stateDir, logFile, postgresqlUrl }),
          logFile,
          pidFile: path.join(paths.runDir, 'ferretdb.pid'),
        });
      }
    : undefined;
  return {
    spec: {
      name: binary ? 'ferretdb' : 'database',
      spawn,
      probe: () => probe.probe(),
      startTimeoutMs: binary ? 30_000 : cfg.mongo.connectTimeoutMs,
    },
    address: uri,
    close: () => probe.close(),
  };
}

/** One of the platform's Node components, started as `node --import tsx <entry>`. */
export function componentChild(
  cfg: Config,
  c: Component,
  o: { root: string; env: NodeJS.ProcessEnv; database: string; temporal: string; runDir?: string },
  /** One replica of several (the cluster profile): its own name, port and variables. */
  replica?: { name: string; port: number; env: Record<string, string> },
): ChildSpec {
  const name = replica?.name ?? c.name;
  const port = replica?.port ?? c.port(cfg);
  return {
    name,
    spawn: () =>
      startProcess({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', c.entry],
        cwd: o.root,
        env: { ...o.env, ...replica?.env },
        ipc: true,
        // Lets an operator (or a chaos test) find the replica to signal.
        ...(o.runDir ? { pidFile: path.join(o.runDir, `${name}.pid`) } : {}),
      }),
    probe: () => httpReadiness(c.scheme ?? 'http', port),
    dependsOn: c.needs.map((n) => (n === 'database' ? o.database : o.temporal)),
    startTimeoutMs: 120_000,
  };
}
