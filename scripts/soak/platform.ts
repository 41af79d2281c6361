// The platform under soak: started as `npm start` starts it (scripts/start.ts, its own DATA_DIR and
// ports, in a process group of its own), or an already-running one given by URLs. Whatever the
// soak started it stops: SIGTERM to the supervisor, then SIGKILL to anything still running with
// its DATA_DIR, so nothing is left behind even when the supervisor hangs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../runtime/ports.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const PORT_VARIABLES = [
  'TEMPORAL_PORT',
  'TEMPORAL_UI_PORT',
  'MONGODB_PORT',
  'MARKETPLACE_PORT',
  'WORKER_PORT',
  'AUTH_PORT',
  'GATEWAY_PORT',
  'CORE_BANKING_PORT',
] as const;
export type Ports = Record<(typeof PORT_VARIABLES)[number], number>;

export interface Platform {
  marketplaceUrl: string;
  authUrl: string;
  gatewayUrl: string;
  /** /readyz of every HTTP component, by name. */
  readyz: Record<string, string>;
  /** PEM of the development CA the https components are trusted by. */
  ca: string;
  /** The supervisor's pid, when known: its descendants are sampled. */
  supervisorPid?: number;
  /** Origin → component name, for the endpoint kinds. */
  components: Map<string, string>;
  /** Where the platform's own output went (started platforms only). */
  logFile?: string;
  /** The Temporal frontend, when known: the analytics roll-up runs are read there. */
  temporalAddress?: string;
  /** False once a started supervisor has exited. */
  alive(): boolean;
  /** SIGKILL to everything started, at once (a second Ctrl-C). */
  kill(): void;
  stop(): Promise<{ leftBehind: number }>;
}

function urls(p: { MARKETPLACE_PORT: number; AUTH_PORT: number; GATEWAY_PORT: number }) {
  return {
    marketplaceUrl: `http://127.0.0.1:${p.MARKETPLACE_PORT}`,
    authUrl: `https://localhost:${p.AUTH_PORT}`,
    gatewayUrl: `https://localhost:${p.GATEWAY_PORT}`,
  };
}

function componentMap(o: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(o).map(([name, url]) => [new URL(url).origin, name]));
}

/** The parent's environment without the variables that would point the platform elsewhere. */
function platformEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(TEMPORAL_|MONGODB_|FERRETDB_|NODE_OPTIONS$|LOG_|DATA_DIR$)/.test(k)) continue;
    if ((PORT_VARIABLES as readonly string[]).includes(k)) continue;
    env[k] = v;
  }
  return { ...env, LOG_FORMAT: 'json', ...extra };
}

export async function startPlatform(o: {
  dataDir: string;
  portBase?: number;
  rollupEverySeconds: number;
  readyTimeoutMs: number;
  log: (line: string) => void;
  /** Stops waiting (and the platform) when aborted. */
  signal?: AbortSignal;
  /** Variables for every component, e.g. the mock core's CORE_BANKING_SOURCE. */
  env?: Record<string, string>;
  /** `scripts/start-cluster.ts` for the cluster profile (the chaos tests); default `scripts/start.ts`. */
  script?: string;
  /** Every port given (the cluster profile needs room above some of them); else portBase or free ports. */
  ports?: Ports;
}): Promise<Platform> {
  const ports = o.ports ? { ...o.ports } : ({} as Ports);
  if (!o.ports)
    for (const [i, v] of PORT_VARIABLES.entries())
      ports[v] = o.portBase !== undefined ? o.portBase + i : await freePort();
  const env = platformEnv({
    DATA_DIR: o.dataDir,
    ANALYTICS_ROLLUP_EVERY: process.env.ANALYTICS_ROLLUP_EVERY ?? String(o.rollupEverySeconds),
    ...o.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  });
  const logFile = path.join(o.dataDir, 'soak-platform.log');
  const out = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', o.script ?? 'scripts/start.ts'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let ready = false;
  const onData = (d: Buffer) => {
    out.write(d);
    if (!ready) tail = (tail + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pid = child.pid!;
  const u = urls(ports);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      signal(pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
      if (child.exitCode === null && child.signalCode === null) {
        o.log('the platform did not stop within 60 s of SIGTERM: killing it');
        signal(-pid, 'SIGKILL');
        await exited;
      }
    }
    // Helpers the children started (tsx's esbuild) end on their own within moments.
    let leftBehind = processesOf(o.dataDir);
    for (let i = 0; i < 20 && leftBehind.length; i++) {
      await new Promise((r) => setTimeout(r, 250));
      leftBehind = processesOf(o.dataDir);
    }
    for (const p of leftBehind) {
      o.log(`left running after the platform stopped, killed: pid ${p.pid} ${p.cmdline.slice(0, 120)}`);
      signal(p.pid, 'SIGKILL');
    }
    out.end();
    return { leftBehind: leftBehind.length };
  };

  const deadline = Date.now() + o.readyTimeoutMs;
  // Both launchers' banners: `<title> ready in <seconds> s`.
  while (!/ ready in \d/.test(tail)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`npm start exited (${child.exitCode ?? child.signalCode}):\n${tail.slice(-3000)}`);
    }
    if (o.signal?.aborted) {
      await stop();
      throw new Error('interrupted while the platform was starting');
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start was not ready in ${o.readyTimeoutMs / 1000} s:\n${tail.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  ready = true;
  tail = '';
  const readyz = {
    marketplace: `${u.marketplaceUrl}/readyz`,
    auth: `${u.authUrl}/readyz`,
    gateway: `${u.gatewayUrl}/readyz`,
    worker: `http://127.0.0.1:${ports.WORKER_PORT}/readyz`,
    'core-banking': `http://127.0.0.1:${ports.CORE_BANKING_PORT}/readyz`,
  };
  return {
    ...u,
    readyz,
    ca: readFileSync(path.join(o.dataDir, 'pki', 'ca.crt'), 'utf8'),
    supervisorPid: pid,
    components: componentMap(readyz),
    logFile,
    temporalAddress: `127.0.0.1:${ports.TEMPORAL_PORT}`,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: () => {
      signal(-pid, 'SIGKILL');
      for (const p of processesOf(o.dataDir)) signal(p.pid, 'SIGKILL');
    },
    stop,
  };
}

/** A platform someone else runs: nothing to stop. */
export function attachPlatform(o: {
  marketplaceUrl: string;
  authUrl: string;
  gatewayUrl: string;
  workerUrl?: string;
  caPath: string;
  supervisorPid?: number;
  temporalAddress?: string;
}): Platform {
  const trim = (s: string) => s.replace(/\/$/, '');
  const readyz: Record<string, string> = {
    marketplace: `${trim(o.marketplaceUrl)}/readyz`,
    auth: `${trim(o.authUrl)}/readyz`,
    gateway: `${trim(o.gatewayUrl)}/readyz`,
    ...(o.workerUrl ? { worker: `${trim(o.workerUrl)}/readyz` } : {}),
  };
  return {
    marketplaceUrl: trim(o.marketplaceUrl),
    authUrl: trim(o.authUrl),
    gatewayUrl: trim(o.gatewayUrl),
    readyz,
    ca: readFileSync(o.caPath, 'utf8'),
    ...(o.supervisorPid ? { supervisorPid: o.supervisorPid } : {}),
    ...(o.temporalAddress ? { temporalAddress: o.temporalAddress } : {}),
    components: componentMap(readyz),
    alive: () => true,
    kill: () => undefined,
    stop: async () => ({ leftBehind: 0 }),
  };
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The parent of a process, from /proc (0 when it is gone). */
function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/**
 * Processes started with DATA_DIR=`dataDir` (the platform passes its environment to every child),
 * leaving out this process, its ancestors and its own children (the shell that ran the soak with
 * --data-dir, Chromium).
 */
function processesOf(dataDir: string): { pid: number; cmdline: string }[] {
  const ours = new Set<number>();
  for (let pid = process.pid; pid > 1; pid = parentOf(pid)) ours.add(pid);
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || ours.has(pid) || parentOf(pid) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!environ.split('\0').includes(`DATA_DIR=${dataDir}`)) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      found.push({ pid, cmdline: cmdline.replace(/\0/g, ' ').trim() });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
