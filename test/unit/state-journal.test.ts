import { describe, expect, it } from '@jest/globals';
import { stateCache } from '../../api/gateway/security/state-cache.js';
import { journalWatcher, type JournalReader } from '../../api/gateway/security/state-journal.js';

/** The journal as the database holds it: a counter and a ring of the last `ring` changes. */
function journal(ring = 8) {
  let generation = 0;
  const slots = new Map<number, { n: number; kind: string; id: string }>();
  const reads = { generation: 0, changes: 0 };
  const reader: JournalReader = {
    async generation() {
      reads.generation++;
      return generation;
    },
    async change(n) {
      reads.changes++;
      const s = slots.get(n % ring);
      return s?.n === n ? { kind: s.kind, id: s.id } : undefined;
    },
  };
  return {
    reader,
    reads,
    write(kind: string, id: string) {
      generation++;
      slots.set(generation % ring, { n: generation, kind, id });
    },
    /** The counter moved but the slot is not written yet (a writer between its two writes). */
    bumpOnly() {
      generation++;
    },
  };
}

/** A consent store whose reads are counted. */
function records() {
  const status = new Map<string, string>();
  const reads: string[] = [];
  return {
    status,
    reads,
    load: async (id: string) => {
      reads.push(id);
      return status.get(id) ?? 'UNKNOWN';
    },
  };
}

function setup(o: { ring?: number; maxReads?: number; maxAgeMs?: number } = {}) {
  let now = 0;
  const j = journal(o.ring);
  const store = records();
  const watcher = journalWatcher(j.reader, {
    intervalMs: 250,
    now: () => now,
    ...(o.maxReads ? { maxReads: o.maxReads } : {}),
  });
  const cache = stateCache(store.load, {
    ttlMs: 250,
    maxEntries: 100,
    now: () => now,
    journal: { watcher, kind: 'Consent', maxAgeMs: o.maxAgeMs ?? 60_000 },
  });
  return { j, store, cache, watcher, at: (t: number) => (now = t) };
}

describe('the gateway state cache with the change journal', () => {
  it('reads an unchanged consent once, and a changed one again from the first call after the next check', async () => {
    const { j, store, cache, at } = setup();
    store.status.set('c1', 'AUTHORISED');
    store.status.set('c2', 'AUTHORISED');
    for (let t = 0; t < 5000; t += 100) {
      at(t);
      expect(await cache.read('c1')).toBe('AUTHORISED');
      expect(await cache.read('c2')).toBe('AUTHORISED');
    }
    expect(store.reads).toEqual(['c1', 'c2']);
    // One journal check per 250 ms of calls, not one per call.
    expect(j.reads.generation).toBeLessThanOrEqual(5000 / 250 + 1);

    at(5000);
    store.status.set('c1', 'REJECTED');
    j.write('Consent', 'c1');
    // Within the check interval a call may still act on the state checked before the change...
    at(5100);
    await cache.read('c1');
    // ...but not once a check has started after it.
    at(5350);
    expect(await cache.read('c1')).toBe('REJECTED');
    expect(await cache.read('c2')).toBe('AUTHORISED');
    expect(store.reads).toEqual(['c1', 'c2', 'c1']);
  });

  it('ignores changes of other kinds, and forgets all it cannot account for', async () => {
    const { j, store, cache, at } = setup({ ring: 4, maxReads: 3 });
    store.status.set('c1', 'AUTHORISED');
    await cache.read('c1');
    j.write('Application', 'c1');
    at(300);
    await cache.read('c1');
    expect(store.reads).toEqual(['c1']);

    // A slot whose write has not landed yet: the watcher cannot tell what changed.
    j.bumpOnly();
    at(600);
    await cache.read('c1');
    expect(store.reads).toEqual(['c1', 'c1']);

    // More changes than it reads one by one (and overwritten slots): all forgotten.
    for (let i = 0; i < 6; i++) j.write('Consent', `other-${i}`);
    at(900);
    await cache.read('c1');
    expect(store.reads).toEqual(['c1', 'c1', 'c1']);
  });

  it('forgets everything cached before its first check, and re-reads after the safety net', async () => {
    const { store, cache, watcher, at } = setup({ maxAgeMs: 1000 });
    store.status.set('c1', 'AUTHORISED');
    await cache.read('c1'); // the first check ran before this read: nothing stale can be kept
    at(900);
    await cache.read('c1');
    expect(store.reads).toEqual(['c1']);
    at(1100);
    await watcher.current();
    await cache.read('c1');
    expect(store.reads).toEqual(['c1', 'c1']);
  });

  it('shares one journal check among concurrent calls, and fails the calls when the check fails', async () => {
    let now = 0;
    let checks = 0;
    let fail = false;
    const watcher = journalWatcher(
      {
        async generation() {
          checks++;
          if (fail) throw new Error('database unavailable');
          return 0;
        },
        change: async () => undefined,
      },
      { intervalMs: 250, now: () => now },
    );
    await Promise.all(Array.from({ length: 20 }, () => watcher.current()));
    expect(checks).toBe(1);
    fail = true;
    now = 300;
    await expect(watcher.current()).rejects.toThrow('database unavailable');
    fail = false;
    await watcher.current();
    expect(checks).toBe(3);
  });
});
