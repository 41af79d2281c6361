// Retrying a connection at start until a deadline: components may start before their
// dependencies. Each attempt gets the time left (within bounds); waits between attempts double.
import { StartupError } from './errors.js';

interface RetryOptions {
  timeoutMs: number;
  /** Bounds of one attempt's own timeout, taken from the time left. */
  attemptMs: { min: number; max: number };
  delayMs: { first: number; max: number };
  onRetry?: (attempt: number, err: unknown) => void;
  /** The error to end with once the deadline has passed. */
  giveUp: (err: unknown) => Error;
}

export async function retryUntilDeadline<T>(
  o: RetryOptions,
  attempt: (attemptTimeoutMs: number) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (let n = 1, delay = o.delayMs.first; ; n++, delay = Math.min(delay * 2, o.delayMs.max)) {
    try {
      return await attempt(Math.max(o.attemptMs.min, Math.min(o.attemptMs.max, deadline - Date.now())));
    } catch (err) {
      // A configuration mistake will not heal by waiting.
      if (err instanceof StartupError) throw err;
      if (Date.now() + delay >= deadline) throw o.giveUp(err);
      o.onRetry?.(n, err);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
