// The lock per key in Redis that serialises a record's read-modify-write updates across replicas
// (log-in throttling, one-time codes), on the machine's Redis (TEST_REDIS_URL or 127.0.0.1:6379).
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { oneAtATime } from '../../lib/one-at-a-time.js';
import { lockAcrossReplicas, redisKeyLock, type KeyLock } from '../../lib/replica-lock.js';
import { TEST_REDIS_URL } from '../helpers/traffic.js';

const silent = pino({ level: 'silent' });
const opened: KeyLock[] = [];

afterAll(async () => {
  lockAcrossReplicas(undefined);
  await Promise.all(opened.map((l) => l.close()));
});

async function replicaLock(keyPrefix: string, redisUrl = TEST_REDIS_URL) {
  // Generous waits: on a loaded machine the production ones (2 s, 250 ms) would let a task run
  // unlocked, as designed; this file checks the exclusion, not that fallback.
  const lock = redisKeyLock({ redisUrl, keyPrefix, logger: silent, waitMs: 60_000, commandTimeoutMs: 5_000 });
  opened.push(lock);
  return lock;
}

/** A record updated as FerretDB v1 applies `$inc`: read, other work in between, then write. */
function ferretLikeCounter() {
  let value = 0;
  return {
    get value() {
      return value;
    },
    async increment() {
      const read = value;
      await new Promise((resolve) => setTimeout(resolve, 1));
      value = read + 1;
    },
  };
}

describe('locks across replicas', () => {
  it('two replicas incrementing one record 20 times each at once leave it at 40', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const replicas = [await replicaLock(keyPrefix), await replicaLock(keyPrefix)];
    for (const r of replicas) expect(await r.connected(10_000)).toBe(true);
    const record = ferretLikeCounter();
    const key = 'throttle:Customer:c1';
    // As in a replica: one task per key in flight in the process (oneAtATime), holding the lock.
    await Promise.all(
      replicas.flatMap((r) => {
        const inProcess = oneAtATime();
        return Array.from({ length: 20 }, () => inProcess(key, () => r.hold(key, () => record.increment())));
      }),
    );
    expect(record.value).toBe(40);
  });

  it('without the lock the same updates are lost (what the lock is for)', async () => {
    const record = ferretLikeCounter();
    await Promise.all(Array.from({ length: 40 }, () => record.increment()));
    expect(record.value).toBeLessThan(40);
  });

  it('locks one key at a time: another key is not held up', async () => {
    const lock = await replicaLock(`test:${randomUUID()}`);
    expect(await lock.connected(10_000)).toBe(true);
    let release!: () => void;
    const held = lock.hold('a', () => new Promise<void>((r) => (release = r)));
    await expect(lock.hold('b', async () => 'b ran')).resolves.toBe('b ran');
    release();
    await held;
  });

  it('runs the task without the lock when Redis is away, and fails no log-in for it', async () => {
    // Port 1: nothing listens there.
    const lock = await replicaLock(`test:${randomUUID()}`, 'redis://127.0.0.1:1');
    await expect(lock.hold('k', async () => 'ran')).resolves.toBe('ran');
  });

  it("named oneAtATime tasks hold the key's lock once lockAcrossReplicas is set", async () => {
    const keys: string[] = [];
    lockAcrossReplicas({
      hold: (key, task) => (keys.push(key), task()),
      connected: async () => true,
      close: async () => undefined,
    });
    await oneAtATime('throttle')('Customer:c1', async () => undefined);
    await oneAtATime()('unnamed', async () => undefined);
    lockAcrossReplicas(undefined);
    expect(keys).toEqual(['throttle:Customer:c1']);
  });
});
