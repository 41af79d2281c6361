// `npm run seed:core-banking`: loads the mock core's demo dataset into its MongoDB collections
// (core_*). Idempotent: a second run leaves the same data. The core banking service also seeds
// itself at start when the collections do not hold the current dataset; this command reloads it
// on demand (e.g. after dropping a collection by hand).
import { connectDatabase } from '../db/connection.js';
import { defaultDataset } from '../connectors/mock-core-banking/dataset.js';
import { coreModels, createCoreIndexes } from '../connectors/mock-core-banking/models.js';
import { seedCoreBanking } from '../connectors/mock-core-banking/seed.js';
import { loadConfig } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { runMain } from '../lib/main.js';

runMain('seed-core-banking', async () => {
  const cfg = loadConfig();
  const db = await connectDatabase(
    cfg.mongo,
    createLogger('seed-core-banking', { log: { ...cfg.log, level: 'warn' } }),
  );
  try {
    const started = Date.now();
    const models = coreModels(db.connection);
    await createCoreIndexes(models);
    const dataset = defaultDataset();
    const counts = await seedCoreBanking(models, dataset);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `seeded the mock core banking dataset (as of ${dataset.asOf}) into ${cfg.mongo.database} in ${seconds} s: ` +
        Object.entries(counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', '),
    );
  } finally {
    await db.close();
  }
  process.exit(0);
});
