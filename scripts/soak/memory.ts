// Each platform process's resident memory over time, from /proc: the supervisor and every
// descendant (the Node components, FerretDB, the Temporal dev server), named by their command
// line. A name whose pid changes between samples was restarted; that is counted too.
import { readdirSync, readFileSync } from 'node:fs';
import { COMPONENTS } from '../../runtime/components.js';

export interface MemorySample {
  at: string;
  /** Seconds since the soak's workload began. */
  t: number;
  /** RSS in MiB by process name. */
  rss: Record<string, number>;
}

export interface MemoryGrowth {
  process: string;
  firstThirdMiB: number;
  lastThirdMiB: number;
  growthMiB: number;
  growthPct: number;
  flat: boolean;
  restarts: number;
}

function readStat(pid: number): { ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

function rssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return kb ? Number(kb[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The platform process a pid is: the supervisor, a component, FerretDB or Temporal; else undefined. */
function processName(pid: number, rootPid: number): string | undefined {
  if (pid === rootPid) return 'supervisor';
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
  const program = cmdline.split(' ')[0]!.split('/').pop() ?? '';
  if (program === 'ferretdb') return 'ferretdb';
  if (program === 'temporal') return 'temporal';
  if (program === 'node') return COMPONENTS.find((c) => cmdline.includes(c.entry))?.name;
  return undefined;
}

interface PlatformProcess {
  /** The process itself: a new pid means it was restarted. */
  pid: number;
  /** It and its helpers (tsx's esbuild, a watchdog shell): their memory counts as its own. */
  pids: number[];
}

/** The processes under `rootPid` (itself included), by name; helpers are folded into their parent. */
function processTree(rootPid: number): Map<string, PlatformProcess> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const byName = new Map<string, PlatformProcess>();
  const stack: { pid: number; owner: string }[] = [{ pid: rootPid, owner: 'supervisor' }];
  while (stack.length) {
    const { pid, owner } = stack.pop()!;
    const own = processName(pid, rootPid);
    const name = own ?? owner;
    const entry = byName.get(name) ?? { pid, pids: [] };
    if (own) entry.pid = pid;
    entry.pids.push(pid);
    byName.set(name, entry);
    for (const child of children.get(pid) ?? []) stack.push({ pid: child, owner: name });
  }
  return byName;
}

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private lastPids = new Map<string, number>();
  readonly restarts = new Map<string, number>();

  constructor(
    private readonly rootPid: number,
    private readonly startedAt: number,
  ) {}

  sample(): MemorySample {
    const rss: Record<string, number> = {};
    for (const [name, { pid, pids }] of processTree(this.rootPid)) {
      const total = pids.reduce((sum, p) => sum + (rssMiB(p) ?? 0), 0);
      if (total > 0) rss[name] = Math.round(total * 10) / 10;
      const before = this.lastPids.get(name);
      if (before !== undefined && before !== pid) this.restarts.set(name, (this.restarts.get(name) ?? 0) + 1);
      this.lastPids.set(name, pid);
    }
    const s = {
      at: new Date().toISOString(),
      t: Math.round((Date.now() - this.startedAt) / 1000),
      rss,
    };
    this.samples.push(s);
    return s;
  }

  /**
   * Mean RSS of the first third of the samples against the last third. Flat: grew by at most
   * 10 % or 16 MiB (a runtime's heap settles in steps of that size).
   */
  growth(): MemoryGrowth[] {
    const n = this.samples.length;
    if (n < 3) return [];
    const third = Math.max(1, Math.floor(n / 3));
    const first = this.samples.slice(0, third);
    const last = this.samples.slice(n - third);
    const names = [...new Set(this.samples.flatMap((s) => Object.keys(s.rss)))].sort();
    const mean = (ss: MemorySample[], name: string) => {
      const values = ss.map((s) => s.rss[name]).filter((v): v is number => v !== undefined);
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
    };
    return names.map((name) => {
      const a = mean(first, name);
      const b = mean(last, name);
      const growthMiB = b - a;
      const growthPct = a ? (growthMiB / a) * 100 : 0;
      return {
        process: name,
        firstThirdMiB: Math.round(a),
        lastThirdMiB: Math.round(b),
        growthMiB: Math.round(growthMiB * 10) / 10,
        growthPct: Math.round(growthPct * 10) / 10,
        flat: growthMiB <= 16 || growthPct <= 10,
        restarts: this.restarts.get(name) ?? 0,
      };
    });
  }
}
