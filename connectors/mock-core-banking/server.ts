// Mock core banking process: the bank's stand-in core on CORE_BANKING_PORT, serving the JSON
// contract of connectors/sdk/core-rest-contract.ts. With CORE_BANKING_SOURCE=mongodb (the default) it reads its own
// collections, and seeds them itself at start when they do not hold the current dataset, so
// `npm start` needs no separate step; `memory` serves the generated dataset without a database.
import type { Server } from 'node:http';
import { loadConfig } from '../../lib/config.js';
import { closeServer, listen } from '../../lib/http/server.js';
import { createLogger } from '../../lib/logger.js';
import { runMain } from '../../lib/main.js';
import { checkDatabaseReads, connectMongo } from '../../lib/mongo/connection.js';
import type { BankConnector } from '../sdk/connector.js';
import { createCoreBankingApp } from './app.js';
import { MockCoreBankingConnector } from './connector.js';
import { defaultDataset } from './dataset.js';
import { coreModels, createCoreIndexes } from './models.js';
import { MongoCoreBanking } from './mongo-connector.js';
import { isSeeded, seedCoreBanking } from './seed.js';

runMain('core-banking', async () => {
  const cfg = loadConfig();
  const logger = createLogger('core-banking', cfg);
  const { port, source } = cfg.connectors.coreBanking;
  const connection = source === 'mongodb' ? await connectMongo(cfg.mongo, logger) : undefined;
  let core: BankConnector;
  if (connection) {
    logger.info({ database: cfg.mongo.database }, 'database connected');
    const models = coreModels(connection);
    await createCoreIndexes(models);
    const dataset = defaultDataset();
    if (!(await isSeeded(models, dataset))) {
      const started = Date.now();
      const counts = await seedCoreBanking(models, dataset);
      logger.info({ counts, ms: Date.now() - started, asOf: dataset.asOf }, 'seeded the demo dataset');
    }
    core = new MongoCoreBanking(models);
  } else {
    core = new MockCoreBankingConnector(defaultDataset());
  }
  const app = createCoreBankingApp({
    logger,
    core,
    readiness: connection ? [{ name: 'database', check: () => checkDatabaseReads(connection) }] : [],
    requestBudgetMs: cfg.http.requestBudgetMs,
  });
  const server: Server = await listen(app, port, cfg.host, 'CORE_BANKING_PORT');
  logger.info({ url: `http://${cfg.host}:${port}`, source }, 'mock core banking ready');
  return async () => {
    await closeServer(server);
    await connection?.close();
  };
});
