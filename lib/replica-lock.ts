// A lock per key in Redis, so that read-modify-write updates of one record run one at a time across
// replicas too, where the database would not serialise them (FerretDB v1, one-at-a-time.ts): the
// log-in throttling counts and the one-time code's attempts.
//
// The lock is a key set with NX and an expiry (a holder that dies frees it by itself) and deleted
// only by its holder. Redis away, slow, or the lock not won within `waitMs`: the task runs holding
// only this process's turn — exact per replica, as without Redis — and no log-in fails for it.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export interface KeyLock {
  /** Run `task` while holding `key`'s lock (or, when it cannot be had, without it). */
  hold<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Resolves true once Redis is reachable, false after `timeoutMs`. */
  connected(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

interface RedisKeyLockOptions {
  redisUrl: string;
  /** Prefix of every lock's key (one platform's locks apart from another's). */
  keyPrefix: string;
  logger: Logger;
  /** Longest a lock is held: longer than any task, short enough for a dead holder's lock. */
  ttlMs?: number;
  /** Longest a task waits for a lock before it runs without one. */
  waitMs?: number;
  /** Longest a Redis command may take before the task runs without the lock (250 ms). */
  commandTimeoutMs?: number;
}

// Deletes the lock only while it is still the caller's (its expiry may have handed it on).
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

export function redisKeyLock(o: RedisKeyLockOptions): KeyLock {
  const ttlMs = o.ttlMs ?? 5000;
  const waitMs = o.waitMs ?? 2000;
  const redis = new Redis(o.redisUrl, {
    // Commands while disconnected fail at once (the task runs unlocked), never queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: o.commandTimeoutMs ?? 250,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let unavailable = false;
  redis.on('error', (err: Error) => {
    if (unavailable) return;
    unavailable = true;
    o.logger.warn({ err: { message: err.message } }, 'replica locks: Redis unavailable, locking per process');
  });
  redis.on('ready', () => {
    if (unavailable) o.logger.info('replica locks: Redis reachable again');
    unavailable = false;
  });

  /** The lock's token once won; undefined when it could not be had in time. */
  async function acquire(key: string): Promise<string | undefined> {
    const token = randomBytes(16).toString('base64url');
    const giveUpAt = Date.now() + waitMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      try {
        if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') return token;
      } catch {
        return undefined;
      }
      if (Date.now() + pause > giveUpAt) {
        o.logger.warn({ lock: key }, 'replica lock not won in time: task run in this process turn only');
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random())));
    }
  }

  return {
    async hold(key, task) {
      const lockKey = `${o.keyPrefix}:lock:${key}`;
      const token = await acquire(lockKey);
      try {
        return await task();
      } finally {
        if (token) await redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
      }
    },
    async connected(timeoutMs = 5000) {
      if (redis.status === 'ready') return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

let shared: KeyLock | undefined;

/**
 * From now on, every `oneAtATime()` of this process also holds the key's lock in Redis. A process
 * that runs log-ins (the AS, the marketplace) calls it at start when REDIS_URL is set.
 */
export function lockAcrossReplicas(lock: KeyLock | undefined): void {
  shared = lock;
}

/** The lock set by lockAcrossReplicas, if any. */
export function replicaLock(): KeyLock | undefined {
  return shared;
}

/**
 * With REDIS_URL (the traffic counters' Redis): lock across replicas from now on. Returns what
 * stops it, at shutdown.
 */
export function lockAcrossReplicasFrom(cfg: Pick<Config, 'traffic'>, logger: Logger): () => Promise<void> {
  const { redisUrl, keyPrefix } = cfg.traffic;
  if (!redisUrl) return async () => undefined;
  const lock = redisKeyLock({ redisUrl, keyPrefix, logger });
  lockAcrossReplicas(lock);
  return async () => {
    if (shared === lock) lockAcrossReplicas(undefined);
    await lock.close();
  };
}
