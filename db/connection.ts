// One mongoose connection per process: retried at start, indexes built explicitly, closed on
// shutdown. Works on FerretDB v1 (the embedded default) and on a MongoDB replica set.
import mongoose, { type Connection } from 'mongoose';
import type { MongoConfig } from '../lib/config.js';
import { DependencyUnreachableError, errorMessage, redactUri } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { registerModels, type Models } from './models/index.js';

// Index options FerretDB v1 rejects (TTL, partial, collation) are never used: autoIndex is off
// and every model's indexes are created on purpose at start, where a failure is visible.
mongoose.set('autoIndex', false);
mongoose.set('autoCreate', true);
mongoose.set('strictQuery', true);

export interface Database {
  connection: Connection;
  models: Models;
  close(): Promise<void>;
}

export async function connectDatabase(
  cfg: Pick<MongoConfig, 'uri' | 'database' | 'connectTimeoutMs'>,
  logger: Logger,
): Promise<Database> {
  const connection = mongoose.createConnection();
  const deadline = Date.now() + cfg.connectTimeoutMs;
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 3000)) {
    try {
      await connection.openUri(cfg.uri, {
        dbName: cfg.database,
        serverSelectionTimeoutMS: Math.max(1000, Math.min(5000, deadline - Date.now())),
        // FerretDB has no sessions or retryable writes; real MongoDB keeps its defaults otherwise.
        retryWrites: false,
      });
      break;
    } catch (err) {
      if (Date.now() + delay >= deadline) {
        await connection.close().catch(() => undefined);
        throw new DependencyUnreachableError(
          `Cannot reach MongoDB at ${redactUri(cfg.uri)} (MONGODB_URI) within ${Math.round(cfg.connectTimeoutMs / 1000)} s: ${errorMessage(err)}`,
        );
      }
      logger.warn({ attempt, err: errorMessage(err) }, 'database not reachable yet, retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  const models = registerModels(connection);
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
  logger.info({ database: cfg.database }, 'database connected');
  return { connection, models, close: () => connection.close() };
}

/** Readiness probe: the server answers a ping. */
export async function pingDatabase(connection: Connection): Promise<void> {
  if (connection.readyState !== mongoose.ConnectionStates.connected || !connection.db)
    throw new Error('not connected');
  await connection.db.admin().ping();
}
