// CPU time of the platform's processes, read from /proc: the supervisor (`npm start`) and each
// of its children with everything they started (tsx's esbuild counts towards its component).
// Sampled before and after a run, the difference over the run's requests is what each process
// spends per request; over the run's wall time, how many cores it kept busy.
import { readdirSync, readFileSync } from 'node:fs';
import { COMPONENTS } from '../../../runtime/components.js';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in ticks. */
  ticks: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces: the fields after the last ')' are fixed.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15.
    return { pid, ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // gone
  }
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const s = readStat(pid);
    if (s) stats.push(s);
  }
  return stats;
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function environ(pid: number): Map<string, string> {
  try {
    const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    return new Map(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  } catch {
    return new Map();
  }
}

/** What a child of the supervisor is: a component by its entry file, or Temporal, or FerretDB. */
function nameOf(pid: number, comm: string): string {
  const args = cmdline(pid);
  const component = COMPONENTS.find((c) => args.some((a) => a.endsWith(c.entry)));
  if (component) return component.name;
  if (args.includes('start-dev') || comm === 'temporal' || comm === 'temporal-server') return 'temporal';
  // The cluster profile's own (comm is cut at 15 characters).
  if (comm.startsWith('temporal-ui')) return 'temporal-ui';
  if (comm === 'nginx') return 'proxy';
  if (/ferretdb/i.test(comm) || args.some((a) => /ferretdb/i.test(a))) return 'ferretdb';
  // Anything else the supervisor runs (tsx's esbuild) is the supervisor's own work.
  return 'supervisor';
}

export interface CpuSample {
  at: number;
  /** Ticks by process name (each a process and its descendants); pids to notice restarts. */
  byName: Map<string, { ticks: number; pids: number[] }>;
}

/**
 * The supervisor's process tree, by name. Anything else to sample too (the load generator, the
 * bare server) is given by pid and name.
 */
export function sampleCpu(supervisorPid: number | undefined, extra: Record<string, number> = {}): CpuSample {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const subtree = (root: Stat): { ticks: number; pids: number[] } => {
    let ticks = root.ticks;
    const pids = [root.pid];
    for (const c of children.get(root.pid) ?? []) {
      const sub = subtree(c);
      ticks += sub.ticks;
      pids.push(...sub.pids);
    }
    return { ticks, pids };
  };
  const byName = new Map<string, { ticks: number; pids: number[] }>();
  const add = (name: string, v: { ticks: number; pids: number[] }) => {
    const prev = byName.get(name);
    byName.set(name, prev ? { ticks: prev.ticks + v.ticks, pids: [...prev.pids, ...v.pids] } : v);
  };
  const supervisor = supervisorPid ? stats.find((s) => s.pid === supervisorPid) : undefined;
  if (supervisor) {
    add('supervisor', { ticks: supervisor.ticks, pids: [supervisor.pid] });
    for (const child of children.get(supervisor.pid) ?? [])
      add(nameOf(child.pid, child.comm), subtree(child));
  }
  for (const [name, pid] of Object.entries(extra)) {
    const s = stats.find((x) => x.pid === pid);
    if (s) add(name, subtree(s));
  }
  return { at: performance.now(), byName };
}

export interface CpuUse {
  /** CPU seconds the process spent during the run. */
  seconds: number;
  /** Cores it kept busy on average: seconds over the run's wall time. */
  cores: number;
  /** Its pids changed during the run: restarted by the supervisor (the figure is then partial). */
  restarted: boolean;
}

export function cpuBetween(before: CpuSample, after: CpuSample): Map<string, CpuUse> {
  const wall = (after.at - before.at) / 1000;
  const use = new Map<string, CpuUse>();
  for (const [name, a] of after.byName) {
    const b = before.byName.get(name);
    const restarted = !b || b.pids[0] !== a.pids[0];
    const seconds = Math.max(0, (a.ticks - (restarted ? 0 : b.ticks)) / TICKS_PER_SECOND);
    use.set(name, { seconds, cores: wall > 0 ? seconds / wall : 0, restarted });
  }
  return use;
}

/**
 * The supervisor of the `npm start` whose gateway listens on `gatewayPort`: the parent of the
 * gateway process started with that GATEWAY_PORT (8444 when unset).
 */
export function findSupervisor(gatewayPort: number): number | undefined {
  const gateway = COMPONENTS.find((c) => c.name === 'gateway')!;
  for (const s of allStats()) {
    if (!cmdline(s.pid).some((a) => a.endsWith(gateway.entry))) continue;
    if (Number(environ(s.pid).get('GATEWAY_PORT') ?? 8444) === gatewayPort) return s.ppid;
  }
  return undefined;
}
