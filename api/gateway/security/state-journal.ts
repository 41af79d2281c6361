// What changed among the records the gateway caches, as one replica learns it: the journal of
// db/models/state-change.ts, checked at most every `intervalMs` while calls come in. A call may use
// a cached state only once a check that started no earlier than `intervalMs` before the call has
// completed, so a revocation written and journaled at time t is honoured by every call from
// t + intervalMs on — while an unchanged consent is never read again. Whatever the check cannot
// account for (the first check, a replica too far behind, a slot not yet written) forgets all.
import { GENERATION_ID, slotId, type StateChangeModel } from '../../../db/models/state-change.js';

/** `id` undefined: every record of every kind may have changed. */
export type ChangeListener = (kind: string | undefined, id: string | undefined) => void;

export interface JournalReader {
  /** The number of the latest change (0 when nothing was ever journaled). */
  generation(): Promise<number>;
  /** Change `n`, if its slot still holds it. */
  change(n: number): Promise<{ kind: string; id: string } | undefined>;
}

export interface JournalWatcher {
  /** Resolves once a check started at most `intervalMs` before this call has completed. */
  current(): Promise<void>;
  subscribe(listener: ChangeListener): void;
}

interface WatcherOptions {
  intervalMs: number;
  /** More changes than this since the last check: forget all rather than read each. */
  maxReads?: number;
  now?: () => number;
}

export function journalReader(model: StateChangeModel): JournalReader {
  return {
    async generation() {
      return (await model.findById(GENERATION_ID, { n: 1 }).lean())?.n ?? 0;
    },
    async change(n) {
      const doc = await model.findById(slotId(n)).lean();
      return doc?.n === n && doc.kind && doc.id ? { kind: doc.kind, id: doc.id } : undefined;
    },
  };
}

export function journalWatcher(reader: JournalReader, o: WatcherOptions): JournalWatcher {
  const now = o.now ?? Date.now;
  const maxReads = o.maxReads ?? 64;
  const listeners: ChangeListener[] = [];
  const notify: ChangeListener = (kind, id) => listeners.forEach((l) => l(kind, id));
  let seen: number | undefined;
  /** When the latest completed check started. */
  let checkedFrom = -Infinity;
  let running: { from: number; done: Promise<void> } | undefined;

  async function check(from: number): Promise<void> {
    const generation = await reader.generation();
    const behind = seen === undefined ? Infinity : generation - seen;
    if (behind < 0 || behind > maxReads) notify(undefined, undefined);
    else if (behind > 0) {
      const numbers = Array.from({ length: behind }, (_, i) => seen! + 1 + i);
      const changes = await Promise.all(numbers.map((n) => reader.change(n)));
      if (changes.some((c) => !c)) notify(undefined, undefined);
      else for (const c of changes) notify(c!.kind, c!.id);
    }
    seen = generation;
    checkedFrom = Math.max(checkedFrom, from);
  }

  function start(): Promise<void> {
    const from = now();
    const done = check(from).finally(() => {
      if (running?.done === done) running = undefined;
    });
    running = { from, done };
    return done;
  }

  return {
    async current() {
      const asked = now();
      const recent = (from: number) => from >= asked - o.intervalMs;
      while (!recent(checkedFrom)) {
        // A check under way counts if it started recently enough; a stale one is waited out first.
        if (running && !recent(running.from)) {
          await running.done.catch(() => undefined);
          continue;
        }
        await (running ? running.done : start());
      }
    },
    subscribe(listener) {
      listeners.push(listener);
    },
  };
}
