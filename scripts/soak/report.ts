// The soak's findings as people read them (compact tables on stdout) and as a note quotes them
// (one JSON file).
import type { MemoryGrowth, MemorySample } from './memory.js';
import type { KindSummary, Meter } from './meter.js';

export interface RollupRuns {
  byStatus: Record<string, number>;
  longestSeconds: number;
  error?: string;
}

export interface Report {
  startedAt: string;
  endedAt: string;
  minutes: number;
  deadlineSeconds: number;
  platform: Record<string, unknown>;
  totals: ReturnType<Meter['totals']>;
  bySource: ReturnType<typeof bySource>;
  workload: Record<string, number>;
  endpoints: KindSummary[];
  problems: Meter['problems'];
  workloadFailures: { what: string; count: number; last: string }[];
  memory: { samples: MemorySample[]; growth: MemoryGrowth[] };
  rollups?: RollupRuns;
  leftBehind: number;
  verdict: { hangs: number; serverErrors: number; memoryFlat: boolean; passed: boolean };
}

const pad = (v: unknown, n: number) => String(v).padStart(n);

/** Requests, 5xx and hangs of the people's workload, the browser, the malformed bursts and the probes. */
export function bySource(endpoints: KindSummary[]) {
  const sources: Record<string, { requests: number; '5xx': number; hangs: number }> = {};
  for (const e of endpoints) {
    const first = e.kind.split(' ')[0]!;
    const source = ['browser', 'malformed', 'probe'].includes(first) ? first : 'workload (HTTP)';
    const s = (sources[source] ??= { requests: 0, '5xx': 0, hangs: 0 });
    s.requests += e.requests;
    s['5xx'] += e['5xx'];
    s.hangs += e.hangs;
  }
  return sources;
}

function table(headers: string[], rows: unknown[][], firstWidth: number): string {
  const widths = headers.map((h, i) =>
    i === 0 ? firstWidth : Math.max(h.length, ...rows.map((r) => String(r[i]).length)),
  );
  const line = (cells: unknown[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]!) : pad(c, widths[i]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** At most `max` rows, evenly spread, the first and last always in. */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)]!);
}

export function printReport(r: Report, out: (line: string) => void): void {
  out('');
  out(`Soak: ${r.minutes} min of mixed workload, deadline ${r.deadlineSeconds} s per request`);
  const done = Object.entries(r.workload).map(([k, v]) => `${k} ${v}`);
  for (let i = 0; i < done.length; i += 4)
    out(`${i ? '  ' : 'workload: '}${done.slice(i, i + 4).join(', ')}`);
  out('');
  const width = Math.min(70, Math.max(...r.endpoints.map((e) => e.kind.length), 10));
  out(
    table(
      ['endpoint', 'requests', '2xx', '3xx', '4xx', '5xx', 'hang', 'err', 'p50 ms', 'p95 ms', 'p99 ms'],
      r.endpoints.map((e) => [
        e.kind.length > width ? `${e.kind.slice(0, width - 1)}…` : e.kind,
        e.requests,
        e['2xx'],
        e['3xx'],
        e['4xx'],
        e['5xx'],
        e.hangs,
        e.errors,
        e.p50,
        e.p95,
        e.p99,
      ]),
      width,
    ),
  );
  const t = r.totals;
  out(
    `total: ${t.requests} requests, 2xx ${t['2xx']}, 3xx ${t['3xx']}, 4xx ${t['4xx']}, 5xx ${t['5xx']}, hangs ${t.hangs}, network errors ${t.errors}`,
  );
  out(
    `by source: ${Object.entries(bySource(r.endpoints))
      .map(([source, s]) => `${source} ${s.requests} (5xx ${s['5xx']}, hangs ${s.hangs})`)
      .join('; ')}`,
  );
  if (r.problems.length) {
    out('');
    out(
      `5xx, hangs and network errors (first ${r.problems.length}${t.problemsNotKept ? `, ${t.problemsNotKept} more not kept` : ''}):`,
    );
    for (const p of r.problems.slice(0, 25))
      out(`  ${p.at.slice(11, 19)} ${p.outcome} ${p.ms} ms  ${p.kind}  ${p.url}  ${p.detail.slice(0, 200)}`);
  }
  if (r.workloadFailures.length) {
    out('');
    out("the workload's own steps that failed (not counted as requests):");
    for (const f of r.workloadFailures) out(`  ${f.count} × ${f.what}: ${f.last}`);
  }
  if (r.memory.samples.length) {
    out('');
    out('RSS in MiB over time:');
    const names = r.memory.growth.map((g) => g.process);
    out(
      table(
        ['t (s)', ...names],
        spread(r.memory.samples, 16).map((s) => [s.t, ...names.map((n) => (s.rss[n] ?? '-').toString())]),
        6,
      ),
    );
    out('');
    out('growth, mean of the first third of the samples to the last third:');
    out(
      table(
        ['process', 'first MiB', 'last MiB', 'growth MiB', 'growth %', 'flat', 'restarts'],
        r.memory.growth.map((g) => [
          g.process,
          g.firstThirdMiB,
          g.lastThirdMiB,
          g.growthMiB,
          g.growthPct,
          g.flat ? 'yes' : 'NO',
          g.restarts,
        ]),
        14,
      ),
    );
  }
  if (r.rollups) {
    out('');
    out(
      r.rollups.error
        ? `analytics roll-ups: could not be listed (${r.rollups.error})`
        : `analytics roll-ups: ${Object.entries(r.rollups.byStatus)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ')}; longest ${r.rollups.longestSeconds} s`,
    );
  }
  if (r.leftBehind) out(`processes left running after the platform stopped (killed): ${r.leftBehind}`);
  out('');
  const v = r.verdict;
  out(
    `${v.passed ? 'PASS' : 'FAIL'}: ${v.hangs} hangs, ${v.serverErrors} × 5xx, memory ${v.memoryFlat ? 'flat' : 'NOT flat'}`,
  );
}
