// The consent's and the client's state as one gateway replica checks them, reused for a short
// while instead of read on every call. Staleness is bounded by construction: an entry lives `ttlMs`
// from the moment its read *started*, so a call never acts on a state older than `ttlMs` and a
// revoked consent or a suspended client is refused within that bound (the revocation target is
// 1 s). A TTL, not pushed invalidation: FerretDB v1 has no change streams, and a TTL cannot miss a
// message. The gateway's own transitions (a recipient revoking through the API) also forget the
// entry at once. Concurrent calls for one key share one read; a failed read is not kept.

export interface StateCacheOptions {
  /** How long a read's answer is reused, from the start of the read; 0 reads on every call. */
  ttlMs: number;
  /** Bound on entries, so a flood of distinct ids cannot grow memory: the oldest goes first. */
  maxEntries: number;
  now?: () => number;
}

export interface StateCache<V> {
  read(key: string): Promise<V>;
  /** Drop one key: the next read goes to the database. */
  forget(key: string): void;
}

export function stateCache<V>(load: (key: string) => Promise<V>, o: StateCacheOptions): StateCache<V> {
  const now = o.now ?? Date.now;
  const entries = new Map<string, { value: Promise<V>; until: number }>();
  return {
    read(key) {
      if (o.ttlMs <= 0) return load(key);
      const started = now();
      const hit = entries.get(key);
      if (hit && hit.until > started) return hit.value;
      entries.delete(key);
      if (entries.size >= o.maxEntries) entries.delete(entries.keys().next().value!);
      const value = load(key);
      const entry = { value, until: started + o.ttlMs };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return value;
    },
    forget(key) {
      entries.delete(key);
    },
  };
}
