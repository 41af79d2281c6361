// The consent's and the client's state as one gateway replica checks them, reused instead of read
// on every call. Staleness is bounded by construction, in one of two ways:
// - alone, an entry lives `ttlMs` from the moment its read *started*, so a call never acts on a
//   state older than `ttlMs` (the revocation target is 1 s);
// - with the change journal (state-journal.ts), an entry lives until the journal says its record
//   changed (or `maxAgeMs`, a safety net), and a call uses it only after a journal check that
//   started at most `ttlMs` before the call: the same bound, without reading unchanged records.
// The gateway's own transitions (a recipient revoking through the API) also forget the entry at
// once. Concurrent calls for one key share one read; a failed read is not kept.
import type { JournalWatcher } from './state-journal.js';

interface StateCacheOptions {
  /** How long a read's answer is reused, from the start of the read; 0 reads on every call. */
  ttlMs: number;
  /** Bound on entries, so a flood of distinct ids cannot grow memory: the oldest goes first. */
  maxEntries: number;
  now?: () => number;
  /** Keep entries until the journal reports a change to their record (`kind`, its `_id`). */
  journal?: {
    watcher: JournalWatcher;
    kind: string;
    /** The cache key of a changed record's `_id` (default: the `_id`). */
    keyOf?: (id: string) => string;
    /** Longest an entry is kept even when no change is reported. */
    maxAgeMs: number;
  };
}

interface StateCache<V> {
  read(key: string): Promise<V>;
  /** Drop one key: the next read goes to the database. */
  forget(key: string): void;
}

export function stateCache<V>(load: (key: string) => Promise<V>, o: StateCacheOptions): StateCache<V> {
  const now = o.now ?? Date.now;
  const entries = new Map<string, { value: Promise<V>; until: number }>();
  const j = o.journal;
  j?.watcher.subscribe((kind, id) => {
    if (kind !== undefined && kind !== j.kind) return;
    if (id === undefined || id === '*') entries.clear();
    else entries.delete(j.keyOf ? j.keyOf(id) : id);
  });
  const lifetime = j ? j.maxAgeMs : o.ttlMs;

  function cached(key: string): Promise<V> {
    const started = now();
    const hit = entries.get(key);
    if (hit && hit.until > started) return hit.value;
    entries.delete(key);
    if (entries.size >= o.maxEntries) entries.delete(entries.keys().next().value!);
    const value = load(key);
    const entry = { value, until: started + lifetime };
    entries.set(key, entry);
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return value;
  }

  return {
    async read(key) {
      if (o.ttlMs <= 0) return load(key);
      // Changes journaled up to ttlMs ago have been applied to the entries before one is used.
      if (j) await j.watcher.current();
      return cached(key);
    },
    forget(key) {
      entries.delete(key);
    },
  };
}
