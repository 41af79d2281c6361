import { describe, expect, it } from '@jest/globals';
import { stateCache } from '../../api/gateway/security/state-cache.js';
import { loadConfig } from '../../lib/config.js';

/** A store whose reads are counted and answered when the test says so. */
function store() {
  let value = 'AUTHORISED';
  const pending: (() => void)[] = [];
  const reads: string[] = [];
  return {
    reads,
    set: (v: string) => (value = v),
    answer: () => pending.splice(0).forEach((f) => f()),
    load: (key: string) => {
      reads.push(key);
      const answer = value;
      return new Promise<string>((resolve) => pending.push(() => resolve(answer)));
    },
  };
}

describe('the gateway state cache', () => {
  it('reuses an answer for ttlMs from the start of its read, then reads again', async () => {
    let now = 1000;
    const s = store();
    const cache = stateCache(s.load, { ttlMs: 250, maxEntries: 10, now: () => now });
    const first = cache.read('c1');
    now = 1200; // the read took 200 ms: the answer may be used 50 ms more, not 250
    s.answer();
    expect(await first).toBe('AUTHORISED');
    s.set('REJECTED');
    now = 1249;
    expect(await cache.read('c1')).toBe('AUTHORISED');
    now = 1250;
    const next = cache.read('c1');
    s.answer();
    expect(await next).toBe('REJECTED');
    expect(s.reads).toEqual(['c1', 'c1']);
  });

  it('shares one read among concurrent calls, and keeps no failed read', async () => {
    const s = store();
    const cache = stateCache(s.load, { ttlMs: 250, maxEntries: 10 });
    const both = Promise.all([cache.read('c1'), cache.read('c1')]);
    s.answer();
    expect(await both).toEqual(['AUTHORISED', 'AUTHORISED']);
    expect(s.reads).toHaveLength(1);

    let fail = true;
    const flaky = stateCache(
      async (k: string) => {
        if (fail) throw new Error('database unavailable');
        return k;
      },
      { ttlMs: 60_000, maxEntries: 10 },
    );
    await expect(flaky.read('c2')).rejects.toThrow('database unavailable');
    fail = false;
    expect(await flaky.read('c2')).toBe('c2');
  });

  it('forgets a key at once, drops the oldest entry beyond its bound, and reads every call at 0', async () => {
    const reads: string[] = [];
    const load = async (k: string) => {
      reads.push(k);
      return k;
    };
    const cache = stateCache(load, { ttlMs: 60_000, maxEntries: 2 });
    for (const k of ['a', 'b', 'a', 'c', 'b', 'a']) await cache.read(k);
    // a, b read; a reused; c evicts a; b reused; a read again (evicting b).
    expect(reads).toEqual(['a', 'b', 'c', 'a']);
    cache.forget('a');
    await cache.read('a');
    expect(reads).toHaveLength(5);

    const uncached = stateCache(load, { ttlMs: 0, maxEntries: 2 });
    await uncached.read('x');
    await uncached.read('x');
    expect(reads.filter((k) => k === 'x')).toHaveLength(2);
  });

  it('is bounded by configuration under the 1 s revocation target', () => {
    expect(loadConfig({}).gateway.stateCacheMs).toBe(250);
    expect(loadConfig({ GATEWAY_STATE_CACHE: '0' }).gateway.stateCacheMs).toBe(0);
    expect(() => loadConfig({ GATEWAY_STATE_CACHE: '1' })).toThrow(/within 1 s/);
  });
});
