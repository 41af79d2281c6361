// The platform's database: one mongoose connection per process (lib/mongo/connection.ts) with the
// platform's models registered, their indexes built explicitly at start and the readiness probe's
// document written.
import type { Connection } from 'mongoose';
import { connectMongo, READINESS_PROBE, type DatabaseConfig } from '../lib/mongo/connection.js';
import type { Logger } from '../lib/logger.js';
import { insertOnce } from './insert-once.js';
import { registerModels, type Models } from './models/index.js';

export interface Database {
  connection: Connection;
  models: Models;
  close(): Promise<void>;
}

export async function connectDatabase(cfg: DatabaseConfig, logger: Logger): Promise<Database> {
  const connection = await connectMongo(cfg, logger);
  const models = registerModels(connection);
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
  // Written once, by whichever replica comes first: concurrent upserts of one new `_id` can
  // refuse each other with a duplicate key on FerretDB (seen starting two replicas together).
  await insertOnce(
    { collection: connection.collection(READINESS_PROBE.collection) },
    { _id: READINESS_PROBE.id },
  );
  logger.info({ database: cfg.database }, 'database connected');
  return { connection, models, close: () => connection.close() };
}
