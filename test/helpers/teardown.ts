// Whatever a test file starts is stopped when the file ends, also when a beforeAll failed or timed
// out half-way and the file's own afterAll never learnt of it. Helpers wrap each stop with
// `tracked` as soon as the thing runs; the test environment (test/setup/environment.mjs) runs the
// stops still pending after the file's last afterAll, newest first.

type Stop = () => Promise<void> | void;

interface Registry {
  pending: Set<() => Promise<void>>;
  /** Set once the file has ended: anything started later is stopped at once. */
  closed: boolean;
  runAll(): Promise<void>;
}

// The same key in environment.mjs, which cannot import this module.
const KEY = Symbol.for('open-banking-platform.test-teardown');
/** A stop still running after this long is abandoned (reported) so the run goes on. */
const STOP_CEILING_MS = 60_000;

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  const existing = g[KEY];
  if (existing) return existing;
  const created: Registry = {
    pending: new Set(),
    closed: false,
    async runAll() {
      created.closed = true;
      for (const stop of [...created.pending].reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const ceiling = new Promise<void>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`still stopping after ${STOP_CEILING_MS} ms`)),
            STOP_CEILING_MS,
          );
        });
        await Promise.race([stop(), ceiling])
          .catch((err: unknown) =>
            console.warn(`test teardown: ${err instanceof Error ? err.message : String(err)}`),
          )
          .finally(() => clearTimeout(timer));
      }
    },
  };
  g[KEY] = created;
  return created;
}

/**
 * `stop`, made safe to call more than once (it runs once) and registered to run when the test file
 * ends unless called before. Call it as soon as the thing it stops is running.
 */
export function tracked(stop: Stop): () => Promise<void> {
  const reg = registry();
  let running: Promise<void> | undefined;
  const once = () => {
    running ??= (async () => {
      reg.pending.delete(once);
      await stop();
    })();
    return running;
  };
  if (reg.closed) void once().catch(() => undefined);
  else reg.pending.add(once);
  return once;
}
