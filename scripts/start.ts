// `npm start`: the whole platform on one machine. Starts the Temporal dev server and FerretDB
// (unless TEMPORAL_ADDRESS / MONGODB_URI name running servers), registers search attributes,
// then the workers and HTTP components, each waited for on /readyz. Ctrl-C or SIGTERM stops
// everything it started, in reverse order.
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.js';
import { redactUri } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { runMain } from '../lib/main.js';
import { connectClient, ensureSearchAttributes } from '../lib/temporal.js';
import { COMPONENTS, type Component } from '../runtime/components.js';
import { ensureDevPki } from '../auth/pki/dev-pki.js';
import { startFerretDb } from '../runtime/ferretdb.js';
import { assertPortFree } from '../runtime/ports.js';
import { reapStaleProcess, startProcess, waitUntilReady, type ManagedProcess } from '../runtime/process.js';
import { startTemporalDevServer } from '../runtime/temporal-dev-server.js';
import { FERRETDB, TEMPORAL_CLI, resolveTool } from '../runtime/tools.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where a person opens a component: https ones by the name their certificate carries. */
function componentUrl(c: Component, port: number): string {
  const base = c.scheme === 'https' ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
  return c.title ? base : `${base}/readyz`;
}

/** GET /readyz on loopback. The certificate is not checked: this is a local liveness probe, not a client. */
function isReady(scheme: 'http' | 'https', port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const get = scheme === 'https' ? https.get : http.get;
    const req = get(
      { host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

runMain('platform', async () => {
  const startedAt = Date.now();
  const cfg = loadConfig();
  const logger = createLogger('platform', cfg);
  const logDir = path.join(cfg.dataDir, 'logs');
  const started: ManagedProcess[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const p of [...started].reverse()) {
      logger.info({ process: p.name }, 'stopping');
      await p.stop(cfg.shutdownGraceMs);
    }
    logger.info('platform stopped');
  };
  const watch = (p: ManagedProcess) => {
    started.push(p);
    void p.exited.then(async (code) => {
      if (stopping) return;
      logger.error(
        { process: p.name, exit: code },
        'a platform process exited unexpectedly; stopping the platform',
      );
      await stopAll();
      process.exit(1);
    });
  };

  try {
    // A supervisor killed with SIGKILL leaves its Go servers running: stop them before anything else.
    const runDir = path.join(cfg.dataDir, 'run');
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

    let temporalAddress = cfg.temporal.address;
    if (temporalBin) {
      const server = await startTemporalDevServer({
        binary: temporalBin.path,
        port: cfg.temporal.devServer.port,
        uiPort: cfg.temporal.devServer.uiPort,
        dbFile: cfg.temporal.devServer.dbFile,
        namespace: cfg.temporal.namespace,
        logFile: path.join(logDir, 'temporal.log'),
        pidFile: path.join(runDir, 'temporal.pid'),
      });
      watch(server);
      temporalAddress = server.address;
      logger.info(
        { address: temporalAddress, db: cfg.temporal.devServer.dbFile },
        'Temporal dev server ready',
      );
    }
    const connection = await connectClient({ ...cfg.temporal, address: temporalAddress });
    await ensureSearchAttributes(connection, cfg.temporal.namespace, logger);
    await connection.close();

    let mongoUri = cfg.mongo.uri;
    if (ferretBin) {
      const db = await startFerretDb({
        binary: ferretBin.path,
        port: cfg.mongo.devServer.port,
        dataDir: cfg.mongo.devServer.dataDir,
        stateDir: cfg.mongo.devServer.stateDir,
        logFile: path.join(logDir, 'ferretdb.log'),
        pidFile: path.join(runDir, 'ferretdb.pid'),
      });
      watch(db);
      mongoUri = db.uri;
      logger.info({ uri: mongoUri, dataDir: cfg.mongo.devServer.dataDir }, 'FerretDB ready');
    }

    const env = { ...process.env, TEMPORAL_ADDRESS: temporalAddress, MONGODB_URI: mongoUri };
    // The HTTPS components start together: create the development PKI once, before them.
    if (!cfg.tls.certPath || !cfg.gateway.clientCertPath) await ensureDevPki(cfg.tls.pkiDir);
    await Promise.all(
      COMPONENTS.map(async (c) => {
        const proc = startProcess({
          name: c.name,
          command: process.execPath,
          args: ['--import', 'tsx', c.entry],
          cwd: root,
          env,
          ipc: true,
        });
        watch(proc);
        await waitUntilReady(proc, () => isReady(c.scheme ?? 'http', c.port(cfg)), 120_000, c.name);
      }),
    );

    const lines = [
      '',
      `Open banking platform ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      ...(temporalBin
        ? [`  Temporal UI                          http://127.0.0.1:${cfg.temporal.devServer.uiPort}`]
        : []),
      `  Temporal frontend (gRPC)             ${temporalAddress} (namespace ${cfg.temporal.namespace})`,
      `  MongoDB wire                         ${redactUri(mongoUri)}${ferretBin ? ' (FerretDB)' : ''}`,
      ...COMPONENTS.map(
        (c) => `  ${(c.title ?? `${c.name} health`).padEnd(36)} ${componentUrl(c, c.port(cfg))}`,
      ),
      `  Development CA (trust it for https)  ${path.join(cfg.tls.pkiDir, 'ca.crt')}`,
      `  Logs of Temporal and FerretDB        ${logDir}`,
      'Press Ctrl-C to stop.',
      '',
    ];
    console.log(lines.join('\n'));
  } catch (err) {
    await stopAll();
    throw err;
  }
  return stopAll;
});
