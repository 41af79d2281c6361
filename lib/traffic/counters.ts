// Counters of calls per key in fixed windows aligned to the clock (the second, the minute, the
// hour, the calendar month), on rate-limiter-flexible: in this process, or in Redis so that every
// replica shares them (REDIS_URL).
//
// The window is part of the key, so a count starts at 0 at each window's first instant, as OFB
// asks ("zerar o contador a cada minuto"), and a key expires when its window ends. Past the limit,
// a key is refused from memory until its window ends (`inMemoryBlockOnConsumed`): a caller that
// keeps knocking costs no Redis round trip.
//
// Redis unavailable (down, unreachable, or silent for REDIS_COMMAND_TIMEOUT_MS): every counter
// falls back to the same limit counted in this process (rate-limiter-flexible's insurance
// limiter), so limits still hold per replica and no call fails for it. Each fallback is counted
// (`traffic_counter_fallbacks_total`), and the loss and the return of Redis are each one log line.
import { Redis } from 'ioredis';
import { Counter as PromCounter, Gauge, type Registry } from 'prom-client';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

export type Window = 'second' | 'minute' | 'hour' | 'month';

export type Verdict = { allowed: true } | { allowed: false; retryAfterS: number };

interface WindowCounter {
  /** Counts one call for `key` in the current window: refused once the window holds `points`. */
  hit(key: string): Promise<Verdict>;
}

export interface CounterStore {
  counter(name: string, points: number, window: Window): WindowCounter;
  /** True when the counters are in Redis, shared by every replica. */
  readonly shared: boolean;
  /** Resolves true once Redis is reachable (at once without Redis: false), false after `timeoutMs`. */
  connected(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

interface CounterStoreOptions {
  /** redis://… or rediss://…; absent: counters in this process. */
  redisUrl?: string;
  /** Prefix of every Redis key (one platform's counters apart from another's). */
  keyPrefix: string;
  logger: Logger;
  registry?: Registry;
  now?: () => number;
  /** Longest a Redis command may take before the call is counted in memory instead (250 ms). */
  commandTimeoutMs?: number;
}

const REDIS_COMMAND_TIMEOUT_MS = 250;
const SPAN_MS = { second: 1000, minute: 60_000, hour: 3_600_000 } as const;
// OFB's months are Brasília's: UTC-3, without daylight saving since 2019.
const BRASILIA_OFFSET_MS = 3 * 3_600_000;
// Node timers hold at most 2^31-1 ms (24.8 days): a longer expiry in memory would fire at once.
const LONGEST_MEMORY_EXPIRY_S = 20 * 86_400;

/** The window `now` falls in: its id (part of the key) and when it ends. */
export function windowAt(window: Window, now: number): { id: string; endsAt: number } {
  if (window === 'month') {
    const local = new Date(now - BRASILIA_OFFSET_MS);
    const y = local.getUTCFullYear();
    const m = local.getUTCMonth();
    return { id: `${y}-${m + 1}`, endsAt: Date.UTC(y, m + 1, 1) + BRASILIA_OFFSET_MS };
  }
  const index = Math.floor(now / SPAN_MS[window]);
  return { id: String(index), endsAt: (index + 1) * SPAN_MS[window] };
}

/**
 * A counter in this process. Expiries too long for a Node timer (a month) are not set at all: the
 * store keeps one instance per month instead and drops the last month's whole.
 */
class MemoryCounter extends RateLimiterMemory {
  constructor(
    points: number,
    keyPrefix: string,
    private readonly onUse?: () => void,
  ) {
    super({ points, duration: 60, keyPrefix });
  }
  override consume(key: string | number, points = 1, options: { customDuration?: number } = {}) {
    this.onUse?.();
    const d = options.customDuration ?? this.duration;
    return super.consume(key, points, { customDuration: d > LONGEST_MEMORY_EXPIRY_S ? 0 : d });
  }
}

export function counterStore(o: CounterStoreOptions): CounterStore {
  const now = o.now ?? Date.now;
  const redis = o.redisUrl
    ? connectRedis(o.redisUrl, o.logger, o.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS)
    : undefined;
  const fallbacks = new PromCounter({
    name: 'traffic_counter_fallbacks_total',
    help: 'Calls counted in this process because Redis, where the traffic counters are shared, was unavailable',
    registers: o.registry ? [o.registry] : [],
  });
  const refusals = new PromCounter({
    name: 'traffic_refused_total',
    help: 'Calls refused by a traffic limit (429 or 529), by counter',
    labelNames: ['counter'],
    registers: o.registry ? [o.registry] : [],
  });
  if (o.registry && redis)
    new Gauge({
      name: 'traffic_counter_store_up',
      help: '1 while the shared traffic counters (Redis) are reachable, 0 while they are counted per replica',
      registers: [o.registry],
      collect() {
        this.set(redis.status === 'ready' ? 1 : 0);
      },
    });

  const build = (name: string, points: number): RateLimiterAbstract => {
    const keyPrefix = `${o.keyPrefix}:${name}`;
    if (!redis) return new MemoryCounter(points, keyPrefix);
    return new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration: 60,
      // Past the limit, refused from memory until the window ends, without a round trip.
      inMemoryBlockOnConsumed: points + 1,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new MemoryCounter(points, keyPrefix, () => fallbacks.inc()),
    });
  };

  const limiters = new Map<string, { window?: string; limiter: RateLimiterAbstract }>();
  function limiterFor(name: string, points: number, window: Window, windowId: string) {
    const id = `${name}:${points}:${window}`;
    const known = limiters.get(id);
    // Monthly counters in memory cannot expire by timer: a new month gets a new instance.
    if (known && (window !== 'month' || known.window === windowId)) return known.limiter;
    const limiter = build(name, points);
    limiters.set(id, { window: windowId, limiter });
    return limiter;
  }

  return {
    shared: Boolean(redis),
    async connected(timeoutMs = 5000) {
      if (!redis) return false;
      if (redis.status === 'ready') return true;
      return new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          redis.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        redis.on('ready', onReady);
      });
    },
    counter(name, points, window) {
      return {
        async hit(key) {
          const at = now();
          const w = windowAt(window, at);
          const remainingS = Math.max(1, Math.ceil((w.endsAt - at) / 1000));
          try {
            await limiterFor(name, points, window, w.id).consume(`${w.id}:${key}`, 1, {
              customDuration: remainingS,
            });
            return { allowed: true };
          } catch (res) {
            if (res instanceof RateLimiterRes) {
              refusals.inc({ counter: name });
              return { allowed: false, retryAfterS: remainingS };
            }
            // Neither Redis nor the fallback could count it: let the call through, and say so.
            o.logger.warn({ err: res, counter: name }, 'traffic counter failed: call let through uncounted');
            return { allowed: true };
          }
        },
      };
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The platform's counters: in Redis when REDIS_URL is set, else in this process. */
export function trafficCounters(cfg: Pick<Config, 'traffic'>, logger: Logger, registry?: Registry) {
  return counterStore({
    ...(cfg.traffic.redisUrl ? { redisUrl: cfg.traffic.redisUrl } : {}),
    keyPrefix: cfg.traffic.keyPrefix,
    logger,
    ...(registry ? { registry } : {}),
  });
}

/** A Redis connection that fails commands at once while it is away, and logs losing and regaining it. */
function connectRedis(url: string, logger: Logger, commandTimeout: number): Redis {
  const redis = new Redis(url, {
    // Commands while disconnected fail at once (the in-memory fallback counts), never queue.
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 0,
    commandTimeout,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let lost = false;
  redis.on('error', (err: Error) => {
    if (lost) return;
    lost = true;
    logger.warn(
      { err: { message: err.message } },
      'traffic counters: Redis unavailable, counting in this process until it returns',
    );
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.info('traffic counters: Redis reachable again, counters shared');
  });
  return redis;
}
