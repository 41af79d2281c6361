// Traffic limits in tests: counters of their own (a key prefix no other run uses, in the Redis of
// the machine, `TEST_REDIS_URL` or 127.0.0.1:6379), waiting for room in a clock window, and load
// driven from a separate process (load-client.ts), as a recipient's traffic arrives.
import { randomUUID } from 'node:crypto';
import { counterStore, windowAt, type CounterStore, type Window } from '../../lib/traffic/counters.js';
import { quietLogger } from './platform.js';
import { runEntry, cleanEnv } from './spawn.js';
import { tracked } from './teardown.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Where a test's counters live: Redis under a prefix of this run, or this process. */
export interface TestCounters {
  redisUrl?: string;
  keyPrefix: string;
}

export const sharedCounters = (): TestCounters => ({
  redisUrl: TEST_REDIS_URL,
  keyPrefix: `test:${randomUUID()}`,
});

/** One replica's counters (its own Redis connection), closed when the file ends at the latest. */
export async function testCounterStore(c: TestCounters): Promise<CounterStore & { stop(): Promise<void> }> {
  // A loaded test machine can take longer than the production 250 ms to answer a command, and the
  // store would then count in memory, as designed: the tests check the sharing, not that fallback.
  const store = counterStore({ ...c, logger: quietLogger, commandTimeoutMs: 5_000 });
  if (c.redisUrl && !(await store.connected(10_000)))
    throw new Error(`no Redis at ${c.redisUrl}: the traffic tests need one (TEST_REDIS_URL)`);
  return Object.assign(store, { stop: tracked(() => store.close()) });
}

/** Waits, if need be, until the current clock window has at least `needMs` left. */
export async function roomInWindow(window: Window, needMs: number): Promise<void> {
  const left = windowAt(window, Date.now()).endsAt - Date.now();
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

export interface LoadRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadPlan {
  requests: LoadRequest[];
  /** Requests in flight at once (default 1). */
  concurrency?: number;
  /** Pause after each answer before a worker sends its next request (paced load). */
  gapMs?: number;
  /** The client's certificate and key, and the CA its servers' certificates chain to. */
  tls: { ca: string; cert?: string; key?: string };
}

export interface LoadAnswer {
  status: number;
  retryAfter?: string;
  contentType?: string;
  body: string;
  /** When the request was sent and answered (ms since the epoch). */
  sentAt: number;
  answeredAt: number;
}

/** Runs the plan in a separate Node process and returns every answer, in the plan's order. */
export async function runLoad(plan: LoadPlan): Promise<LoadAnswer[]> {
  const exit = await runEntry(
    'test/helpers/load-client.ts',
    cleanEnv({ LOAD_PLAN: JSON.stringify(plan) }),
    120_000,
  );
  if (exit.code !== 0) throw new Error(`the load process failed (${exit.code}): ${exit.stderr.slice(-2000)}`);
  return JSON.parse(exit.stdout) as LoadAnswer[];
}

export const statuses = (answers: LoadAnswer[]) =>
  answers.reduce<Record<number, number>>((n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }), {});
