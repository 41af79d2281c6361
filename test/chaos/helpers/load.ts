// Steady traffic during a fault: a few callers each send one request after another, and every
// answer is kept with when it was sent and answered, so a scenario can say how many failed in the
// fault window, whether any hung past the request budget, whether the failures spoke the
// standard's error format, and when the service was back.

/** What one call answered: a status, or no answer (a network error, or none within the deadline). */
export interface Answer {
  status: number | 'hang' | 'error';
  /** The standard's error format (OFB `errors[]`, OAuth `error`), for the failures. */
  wellFormed?: boolean;
  detail?: string;
}

export interface Sample extends Answer {
  sentAt: number;
  answeredAt: number;
}

/** Every component's HTTP_REQUEST_BUDGET (10 s) plus a generous margin for a loaded machine. */
export const ANSWERED_WITHIN_MS = 25_000;

export const failed = (s: Answer) => typeof s.status !== 'number' || s.status >= 500;

export class Load {
  readonly samples: Sample[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    readonly name: string,
    call: (signal: AbortSignal, caller: number) => Promise<Answer>,
    concurrency: number,
    /** Pause between one caller's requests (0: back to back). */
    gapMs = 50,
  ) {
    this.loops = Array.from({ length: concurrency }, async (_, caller) => {
      while (this.running) {
        const sentAt = Date.now();
        let answer: Answer;
        try {
          answer = await call(AbortSignal.timeout(ANSWERED_WITHIN_MS), caller);
        } catch (err) {
          const e = err as Error & { cause?: Error };
          const hang = e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError';
          answer = { status: hang ? 'hang' : 'error', detail: `${e.name}: ${e.message}`.slice(0, 200) };
        }
        this.samples.push({ ...answer, sentAt, answeredAt: Date.now() });
        // A failing service answers at once: pace the callers so the counts stay comparable.
        await new Promise((r) => setTimeout(r, failed(answer) ? Math.max(gapMs, 200) : gapMs));
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Samples sent in [from, to). */
  between(from: number, to = Infinity): Sample[] {
    return this.samples.filter((s) => s.sentAt >= from && s.sentAt < to);
  }

  /** Resolves once `n` requests in a row, all sent after `after`, answered 2xx–4xx. */
  async healthyAfter(after: number, n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const recent = this.between(after).sort((a, b) => a.answeredAt - b.answeredAt);
      const tail = recent.slice(-n);
      if (tail.length === n && !tail.some(failed)) return;
      if (Date.now() > deadline)
        throw new Error(
          `${this.name}: not ${n} good answers in a row within ${timeoutMs / 1000} s after the fault (last: ${JSON.stringify(tail.at(-1))})`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The figures of one load through one fault window. */
export function windowFigures(load: Load, from: number, to: number) {
  const window = load.between(from, to);
  const failures = window.filter(failed);
  const statuses: Record<string, number> = {};
  for (const f of failures) statuses[String(f.status)] = (statuses[String(f.status)] ?? 0) + 1;
  return {
    requests: window.length,
    failed: failures.length,
    statuses,
    hangs: window.filter((s) => s.status === 'hang').length,
    slowest: Math.max(0, ...window.map((s) => s.answeredAt - s.sentAt)),
    /** 0 when none failed. */
    lastFailureAt: Math.max(0, ...failures.map((f) => f.answeredAt)),
    malformed: failures.filter((f) => typeof f.status === 'number' && !f.wellFormed),
    examples: failures.slice(0, 3).map((f) => f.detail ?? ''),
  };
}

/** The OFB error body: `errors[]` with code, title and detail (and `meta`). */
export function isOfbError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: unknown; title?: unknown }[] };
    return (
      Array.isArray(parsed.errors) &&
      parsed.errors.length > 0 &&
      parsed.errors.every((e) => typeof e.code === 'string' && typeof e.title === 'string')
    );
  } catch {
    return false;
  }
}

/** An OAuth error body (RFC 6749 §5.2): `{"error": "...", ...}`. */
export function isOAuthError(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { error?: unknown }).error === 'string';
  } catch {
    return false;
  }
}
