// What the soak counts: every request by endpoint kind (component, method and path template),
// its outcome (2xx/3xx/4xx/5xx, a hang past the client's deadline, or a network error) and its
// latency; the first few 5xx and hangs in detail, so they can be fixed; and the workload's own
// failures (a journey that could not finish), which are not the platform's answers.

export type Outcome = number | 'hang' | 'error';

export interface Problem {
  at: string;
  kind: string;
  url: string;
  outcome: Outcome;
  ms: number;
  /** The start of the answer's body (5xx), or the error (hang, network error). */
  detail: string;
}

interface KindStats {
  requests: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  hangs: number;
  errors: number;
  latencies: number[];
}

export interface KindSummary extends Omit<KindStats, 'latencies'> {
  kind: string;
  p50: number;
  p95: number;
  p99: number;
}

const KEEP_PROBLEMS = 50;

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : 0;

export class Meter {
  private kinds = new Map<string, KindStats>();
  readonly problems: Problem[] = [];
  /** Problems past the ones kept, by outcome. */
  private dropped = 0;
  readonly failures = new Map<string, { count: number; last: string }>();

  record(kind: string, url: string, outcome: Outcome, ms: number, detail = ''): void {
    let s = this.kinds.get(kind);
    if (!s) {
      s = { requests: 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, hangs: 0, errors: 0, latencies: [] };
      this.kinds.set(kind, s);
    }
    s.requests++;
    if (outcome === 'hang') s.hangs++;
    else if (outcome === 'error') s.errors++;
    else {
      const cls = `${Math.floor(outcome / 100)}xx` as '2xx' | '3xx' | '4xx' | '5xx';
      if (cls in s) s[cls]++;
      s.latencies.push(ms);
    }
    if (outcome === 'hang' || outcome === 'error' || outcome >= 500) {
      if (this.problems.length < KEEP_PROBLEMS)
        this.problems.push({ at: new Date().toISOString(), kind, url, outcome, ms: Math.round(ms), detail });
      else this.dropped++;
    }
  }

  /** A workload step that could not finish (not counted as a request). */
  fail(what: string, err: unknown): void {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const f = this.failures.get(what) ?? { count: 0, last: '' };
    f.count++;
    f.last = message.split('\n')[0]!.slice(0, 300);
    this.failures.set(what, f);
  }

  summary(): KindSummary[] {
    return [...this.kinds]
      .map(([kind, { latencies, ...counts }]) => {
        const sorted = [...latencies].sort((a, b) => a - b);
        return {
          kind,
          ...counts,
          p50: Math.round(percentile(sorted, 0.5)),
          p95: Math.round(percentile(sorted, 0.95)),
          p99: Math.round(percentile(sorted, 0.99)),
        };
      })
      .sort((a, b) => a.kind.localeCompare(b.kind));
  }

  totals() {
    const t = { requests: 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, hangs: 0, errors: 0 };
    for (const s of this.kinds.values()) for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += s[k];
    return { ...t, problemsNotKept: this.dropped };
  }
}
