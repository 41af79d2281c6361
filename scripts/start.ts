// `npm start`: the whole platform on one machine. Starts the Temporal dev server and FerretDB
// (unless TEMPORAL_ADDRESS / MONGODB_URI name running servers), registers search attributes,
// then the workers and HTTP components, each waited for on /readyz. From then on it keeps them
// running: a child that exits or stays not ready is restarted alone (runtime/supervisor.ts).
// Ctrl-C or SIGTERM stops everything it started, in reverse order, at any moment.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.js';
import { redactUri } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { runMain } from '../lib/main.js';
import { connectClient, ensureSearchAttributes } from '../lib/temporal.js';
import { COMPONENTS, type Component } from '../runtime/components.js';
import { ensureDevPki } from '../lib/pki/dev-pki.js';
import { componentChild, databaseChild, temporalChild } from '../runtime/platform-children.js';
import { assertPortFree } from '../runtime/ports.js';
import { reapStaleProcess } from '../runtime/process.js';
import { readyBanner, superviseUntilStopped } from '../runtime/platform-run.js';
import { FERRETDB, TEMPORAL_CLI, resolveTool } from '../runtime/tools.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where a person opens a component: https ones by the name their certificate carries. */
function componentUrl(c: Component, port: number): string {
  const base = c.scheme === 'https' ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
  return c.title ? base : `${base}/readyz`;
}

runMain('platform', async () => {
  const startedAt = Date.now();
  const cfg = loadConfig();
  const logger = createLogger('platform', cfg);
  const logDir = path.join(cfg.dataDir, 'logs');
  const runDir = path.join(cfg.dataDir, 'run');

  // A supervisor killed with SIGKILL leaves its Go servers running: stop them before anything else.
  for (const name of ['temporal', 'ferretdb']) {
    const pid = await reapStaleProcess(path.join(runDir, `${name}.pid`), cfg.dataDir);
    if (pid) logger.warn({ process: name, pid }, 'stopped a server an earlier start left running');
  }

  const ports: [number, string][] = COMPONENTS.map((c) => [c.port(cfg), c.portVariable]);
  if (cfg.temporal.embedded)
    ports.push(
      [cfg.temporal.devServer.port, 'TEMPORAL_PORT'],
      [cfg.temporal.devServer.uiPort, 'TEMPORAL_UI_PORT'],
    );
  if (cfg.mongo.embedded) ports.push([cfg.mongo.devServer.port, 'MONGODB_PORT']);
  for (const [port, variable] of ports)
    await assertPortFree(port, cfg.host === '0.0.0.0' ? '0.0.0.0' : '127.0.0.1', variable);

  const progress = (line: string) => logger.info(line);
  const temporalBin = cfg.temporal.embedded ? await resolveTool(TEMPORAL_CLI, progress) : undefined;
  const ferretBin = cfg.mongo.embedded ? await resolveTool(FERRETDB, progress) : undefined;

  const temporal = temporalChild(cfg, temporalBin?.path, { logDir, runDir });
  const database = databaseChild(cfg, ferretBin?.path, { logDir, runDir });

  return superviseUntilStopped({
    cfg,
    logger,
    close: () => Promise.all([temporal.close(), database.close()]),
    // Ctrl-C at any moment of the bring-up stops what has started so far.
    bringUp: async (supervisor) => {
      supervisor.add(temporal.spec);
      await supervisor.whenReady(temporal.spec.name);
      if (temporalBin)
        logger.info(
          { address: temporal.address, db: cfg.temporal.devServer.dbFile },
          'Temporal dev server ready',
        );
      const connection = await connectClient({ ...cfg.temporal, address: temporal.address });
      try {
        await ensureSearchAttributes(connection, cfg.temporal.namespace, logger);
      } finally {
        await connection.close();
      }

      supervisor.add(database.spec);
      await supervisor.whenReady(database.spec.name);
      if (ferretBin)
        logger.info({ uri: database.address, dataDir: cfg.mongo.devServer.dataDir }, 'FerretDB ready');

      const env = { ...process.env, TEMPORAL_ADDRESS: temporal.address, MONGODB_URI: database.address };
      // The HTTPS components start together: create the development PKI once, before them.
      if (!cfg.tls.certPath || !cfg.gateway.clientCertPath) await ensureDevPki(cfg.tls.pkiDir, logger);
      const deps = { root, env, database: database.spec.name, temporal: temporal.spec.name };
      for (const c of COMPONENTS) supervisor.add(componentChild(cfg, c, deps));
      await Promise.all(COMPONENTS.map((c) => supervisor.whenReady(c.name)));

      const rows: [string, string][] = [
        ...(temporalBin
          ? [['Temporal UI', `http://127.0.0.1:${cfg.temporal.devServer.uiPort}`] as [string, string]]
          : []),
        ['Temporal frontend (gRPC)', `${temporal.address} (namespace ${cfg.temporal.namespace})`],
        ['MongoDB wire', `${redactUri(database.address)}${ferretBin ? ' (FerretDB)' : ''}`],
        ...COMPONENTS.map((c): [string, string] => [
          c.title ?? `${c.name} health`,
          componentUrl(c, c.port(cfg)),
        ]),
        ['Development CA (trust it for https)', path.join(cfg.tls.pkiDir, 'ca.crt')],
        ['Logs of Temporal and FerretDB', logDir],
      ];
      console.log(readyBanner(startedAt, 'Open banking platform', rows));
    },
  });
});
