// One mongoose connection per process: retried at start, indexes built explicitly, closed on
// shutdown. Works on FerretDB v1 (the embedded default) and on a MongoDB replica set.
import mongoose, { type Connection } from 'mongoose';
import type { MongoConfig } from '../lib/config.js';
import { DependencyUnreachableError, errorMessage, redactUri } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { retryUntilDeadline } from '../lib/retry.js';
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
  await retryUntilDeadline(
    {
      timeoutMs: cfg.connectTimeoutMs,
      attemptMs: { min: 1000, max: 5000 },
      delayMs: { first: 250, max: 3000 },
      onRetry: (attempt, err) =>
        logger.warn({ attempt, err: errorMessage(err) }, 'database not reachable yet, retrying'),
      giveUp: (err) =>
        new DependencyUnreachableError(
          `Cannot reach MongoDB at ${redactUri(cfg.uri)} (MONGODB_URI) within ${Math.round(cfg.connectTimeoutMs / 1000)} s: ${errorMessage(err)}`,
        ),
    },
    (serverSelectionTimeoutMS) =>
      connection.openUri(cfg.uri, {
        dbName: cfg.database,
        serverSelectionTimeoutMS,
        // FerretDB has no sessions or retryable writes; real MongoDB keeps its defaults otherwise.
        retryWrites: false,
      }),
  ).catch(async (err: unknown) => {
    await connection.close().catch(() => undefined);
    throw err;
  });
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
