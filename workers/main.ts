// Worker process: runs the workers of WORKER_TASK_QUEUES (default: all) against Temporal, with
// /healthz and /readyz on WORKER_PORT. Run N copies to scale a task queue out.
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import type { Server } from 'node:http';
import { connectDatabase } from '../db/connection.js';
import { loadConfig } from '../lib/config.js';
import { StartupError } from '../lib/errors.js';
import { createMetrics, type Metrics } from '../lib/http/metrics.js';
import { closeServer, createComponentApp, listen } from '../lib/http/server.js';
import { freePort } from '../runtime/ports.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { runMain } from '../lib/main.js';
import { connectClient, connectWorker, platformDataConverter } from '../lib/temporal.js';
import { tracedClientOptions, tracedWorkerOptions } from '../lib/tracing/temporal.js';
import { TASK_QUEUES, type TaskQueueName } from '../workflows/task-queues.js';
import { WORKERS } from './registry.js';
import { workerReadiness } from './readiness.js';
import { retireDataSessions } from './retired-workflows.js';
import { discoveryAgentFromConfig } from '../activities/discovery-agent-config.js';
import {
  analyticsRollupInput,
  ensureAnalyticsRollupSchedule,
  ensureHousekeepingSchedule,
} from './schedules.js';

/** Route the SDK's logs (including workflow and activity logs with their ids) into pino. */
function installTemporalRuntime(logger: Logger, sdkMetricsPort: number): void {
  const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  const temporalLogger = logger.child({ source: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('INFO', ({ level, message, meta }) =>
      temporalLogger[toPino[level]](meta ?? {}, message),
    ),
    // The SDK's worker metrics (task slots, latencies, polls), served on loopback and appended to
    // this process's /metrics.
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkMetricsPort}`, countersTotalSuffix: true } },
    },
  });
}

runMain('worker', async () => {
  const cfg = loadConfig();
  const logger = createLogger('worker', cfg);
  const queues = (cfg.worker.taskQueues ?? Object.keys(TASK_QUEUES)) as TaskQueueName[];
  const unknown = queues.filter((q) => !(q in WORKERS));
  if (unknown.length)
    throw new StartupError(
      `WORKER_TASK_QUEUES names unknown task queues: ${unknown.join(', ')} (known: ${Object.keys(WORKERS).join(', ')})`,
    );

  const sdkMetricsPort = await freePort();
  installTemporalRuntime(logger, sdkMetricsPort);
  const metrics: Metrics = {
    ...createMetrics('worker'),
    extra: async () => (await fetch(`http://127.0.0.1:${sdkMetricsPort}/metrics`)).text(),
  };
  const db = await connectDatabase(cfg.mongo, logger);
  const connection = await connectWorker(cfg.temporal);
  const discoveryAgent = await discoveryAgentFromConfig(cfg, db.models);
  const dataConverter = platformDataConverter(cfg.temporal);
  const workers = await Promise.all(
    queues.map((q) =>
      Worker.create({
        connection,
        namespace: cfg.temporal.namespace,
        dataConverter,
        ...WORKERS[q]({ models: db.models, registry: metrics.registry, discoveryAgent }),
        ...tracedWorkerOptions(),
      }),
    ),
  );
  const running = workers.map((w) => w.run());

  // The worker that serves housekeeping also keeps its schedules (housekeeping, analytics) in place,
  // and ends the workflows of earlier versions that nothing serves any more.
  if (queues.includes('housekeeping')) {
    const clientConnection = await connectClient(cfg.temporal);
    try {
      const client = new Client({
        connection: clientConnection,
        namespace: cfg.temporal.namespace,
        dataConverter,
        ...tracedClientOptions(),
      });
      await ensureHousekeepingSchedule(
        client,
        { intervalMs: cfg.housekeepingIntervalMs, taskQueue: TASK_QUEUES.housekeeping },
        logger,
      );
      await ensureAnalyticsRollupSchedule(
        client,
        {
          intervalMs: cfg.analytics.rollupEveryMs,
          taskQueue: TASK_QUEUES.housekeeping,
          input: analyticsRollupInput(cfg.analytics),
        },
        logger,
      );
      await retireDataSessions(client, logger);
    } finally {
      await clientConnection.close();
    }
  }

  const app = createComponentApp({
    logger,
    metrics,
    readiness: workerReadiness(db.connection, workers),
  });
  const server: Server = await listen(app, cfg.http.workerPort, cfg.host, 'WORKER_PORT');
  logger.info(
    { taskQueues: workers.map((w) => w.options.taskQueue), port: cfg.http.workerPort },
    'worker ready',
  );

  // A worker that stops by itself (fatal error) takes the process down so the supervisor notices.
  void Promise.all(running).catch((err: unknown) => {
    logger.fatal({ err }, 'worker stopped');
    process.exit(1);
  });

  return async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(running);
    await closeServer(server);
    await connection.close();
    await db.close();
  };
});
