// A mongoose connection as every process of the platform opens it, model-free: retried at start,
// closed on shutdown. Works on FerretDB v1 (the embedded default) and on a MongoDB replica set.
// db/connection.ts adds the platform's models; the mock core opens its own on it.
//
// Every operation has a deadline taken from one value (MONGODB_OPERATION_TIMEOUT): a server that is
// away fails server selection, a server that accepts TCP but never answers (stopped, wedged) fails
// the socket timeout, and reads carry maxTimeMS so the server gives up too. Nothing is buffered
// while disconnected: mongoose's command buffer would hold a request for as long as the outage.
import mongoose, {
  type Aggregate,
  type Connection,
  type MongooseQueryMiddleware,
  type Query,
  type Schema,
} from 'mongoose';
import type { MongoConfig } from '../config.js';
import { DependencyUnreachableError, errorMessage, redactUri } from '../errors.js';
import type { Logger } from '../logger.js';
import { retryUntilDeadline } from '../retry.js';

// Index options FerretDB v1 rejects (TTL, partial, collation) are never used: autoIndex is off
// and every model's indexes are created on purpose at start, where a failure is visible.
mongoose.set('autoIndex', false);
mongoose.set('autoCreate', true);
mongoose.set('strictQuery', true);

/** Used when the caller gives none (tests, scripts): MONGODB_OPERATION_TIMEOUT's default. */
const DEFAULT_OPERATION_TIMEOUT_MS = 5000;

export type DatabaseConfig = Pick<MongoConfig, 'uri' | 'database' | 'connectTimeoutMs'> &
  Partial<Pick<MongoConfig, 'operationTimeoutMs'>>;

/** The driver's deadlines, all from the one operation timeout. */
function driverTimeouts(operationTimeoutMs: number) {
  return {
    serverSelectionTimeoutMS: operationTimeoutMs,
    // Opening a connection, and each heartbeat of the server monitor: a silent server is marked
    // unknown (and its pool cleared) after this long.
    connectTimeoutMS: operationTimeoutMs,
    // A little over maxTimeMS, so a server that does answer says "time limit exceeded" first.
    socketTimeoutMS: operationTimeoutMs + 1000,
    // Waiting for a pooled connection while every one is busy.
    waitQueueTimeoutMS: operationTimeoutMs,
    // A read retried after a silent socket would wait its deadline twice: the caller retries.
    retryReads: false,
  };
}

// The operation timeout of each connection opened here, read by the maxTimeMS hooks (a schema may
// serve several connections, e.g. in tests).
const operationTimeouts = new WeakMap<Connection, number>();

// Not `distinct`: FerretDB v1 refuses its maxTimeMS ("unknown field"); the socket timeout bounds it.
const QUERIES: MongooseQueryMiddleware[] = [
  'countDocuments',
  'find',
  'findOne',
  'findOneAndDelete',
  'findOneAndReplace',
  'findOneAndUpdate',
  'deleteOne',
  'deleteMany',
  'replaceOne',
  'updateOne',
  'updateMany',
];

/** Connection plugin: every query and aggregation without a maxTimeMS of its own gets the deadline. */
function maxTimeMsPlugin(schema: Schema) {
  schema.pre<Query<unknown, unknown>>(QUERIES, function () {
    const ms = operationTimeouts.get(this.model.db);
    if (ms !== undefined && this.getOptions().maxTimeMS === undefined) this.maxTimeMS(ms);
  });
  schema.pre<Aggregate<unknown>>('aggregate', function () {
    const ms = operationTimeouts.get(this.model().db);
    if (ms !== undefined && this.options.maxTimeMS === undefined) this.option({ maxTimeMS: ms });
  });
}

/** Opens the connection, retrying until MONGODB_CONNECT_TIMEOUT; indexes are the caller's. */
export async function connectMongo(cfg: DatabaseConfig, logger: Logger): Promise<Connection> {
  const operationTimeoutMs = cfg.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const connection = mongoose.createConnection();
  operationTimeouts.set(connection, operationTimeoutMs);
  connection.plugin(maxTimeMsPlugin);
  await retryUntilDeadline(
    {
      timeoutMs: cfg.connectTimeoutMs,
      attemptMs: { min: Math.min(1000, operationTimeoutMs), max: operationTimeoutMs },
      delayMs: { first: 250, max: 3000 },
      onRetry: (attempt, err) =>
        logger.warn({ attempt, err: errorMessage(err) }, 'database not reachable yet, retrying'),
      giveUp: (err) =>
        new DependencyUnreachableError(
          `Cannot reach MongoDB at ${redactUri(cfg.uri)} (MONGODB_URI) within ${Math.round(cfg.connectTimeoutMs / 1000)} s: ${errorMessage(err)}`,
        ),
    },
    (attemptMs) =>
      connection.openUri(cfg.uri, {
        dbName: cfg.database,
        ...driverTimeouts(operationTimeoutMs),
        serverSelectionTimeoutMS: attemptMs,
        bufferCommands: false,
        // FerretDB has no sessions or retryable writes; real MongoDB keeps its defaults otherwise.
        retryWrites: false,
      }),
  ).catch(async (err: unknown) => {
    await connection.close().catch(() => undefined);
    throw err;
  });
  return connection;
}

// One tiny document every component reads for readiness: a lookup by _id, cheap on FerretDB v1.
// db/connection.ts writes it; a read that finds nothing answers all the same.
export const READINESS_PROBE = { collection: 'readiness_probe', id: 'probe' } as const;

/**
 * Readiness probe: a real read (not a ping, which a wedged server still answers) that must come
 * back within `timeoutMs`. Throws with the reason.
 */
export async function checkDatabaseReads(connection: Connection, timeoutMs = 1500): Promise<void> {
  if (!connection.db) throw new Error('not connected to the database');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`a read did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const read = connection.db
    .collection<{ _id: string }>(READINESS_PROBE.collection)
    .findOne({ _id: READINESS_PROBE.id }, { maxTimeMS: timeoutMs })
    .then(
      () => undefined,
      (err: unknown) => {
        throw new Error(`a read failed: ${errorMessage(err)}`);
      },
    );
  // Whichever loses the race must not surface as an unhandled rejection.
  read.catch(() => undefined);
  try {
    await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}
