// Marketplace process: the developer marketplace and bank pages on MARKETPLACE_PORT.
import { Client } from '@temporalio/client';
import { connectDatabase } from '../../db/connection.js';
import { loadConfig } from '../../lib/config.js';
import { closeServer, listen } from '../../lib/http/server.js';
import { createLogger } from '../../lib/logger.js';
import { runMain } from '../../lib/main.js';
import { connectClient } from '../../lib/temporal.js';
import { TASK_QUEUES } from '../../workflows/task-queues.js';
import { createMarketplaceApp } from './app.js';

runMain('marketplace', async () => {
  const cfg = loadConfig();
  const logger = createLogger('marketplace', cfg);
  const db = await connectDatabase(cfg.mongo, logger);
  const connection = await connectClient(cfg.temporal);
  const client = new Client({ connection, namespace: cfg.temporal.namespace });
  const app = createMarketplaceApp({
    logger,
    client,
    db,
    taskQueues: TASK_QUEUES,
    onboarding: cfg.onboarding,
  });
  const server = await listen(app, cfg.http.marketplacePort, cfg.host, 'MARKETPLACE_PORT');
  logger.info({ url: `http://${cfg.host}:${cfg.http.marketplacePort}` }, 'marketplace ready');
  return async () => {
    await closeServer(server);
    await connection.close();
    await db.close();
  };
});
