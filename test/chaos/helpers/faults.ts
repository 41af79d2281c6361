// The faults: a supervised child killed the hard way (SIGKILL, as the OOM killer or a lost node
// does) and waited back by its supervisor, a process frozen (SIGSTOP, a database that accepts
// connections and answers nothing), and PostgreSQL restarted by its own tooling.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync } from 'node:fs';
import { tlsFetch } from '../../../lib/http/tls-fetch.js';
import type { ChaosPlatform } from './platform.js';

/** Polls `check` until it is true; throws after `timeoutMs` saying `what`. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** /readyz of a supervised child, for the ones that serve one. */
function readyzOf(p: ChaosPlatform, name: string): string | undefined {
  const component = name.replace(/-\d+$/, '');
  const index = Number(/-(\d+)$/.exec(name)?.[1] ?? 1) - 1;
  if (component === 'worker') return p.workerReadyz(name);
  if (p.profile === 'embedded') return p.readyz[component];
  const port = {
    auth: p.ports.AUTH_PORT,
    gateway: p.ports.GATEWAY_PORT,
    marketplace: p.ports.MARKETPLACE_PORT,
  }[component];
  if (!port) return undefined;
  // runtime/cluster.ts replicaPort: public port + 20000 + 10 × index.
  const scheme = component === 'marketplace' ? 'http' : 'https';
  return `${scheme}://localhost:${port + 20_000 + 10 * index}/readyz`;
}

/**
 * SIGKILL a supervised child. Resolves with the seconds until the supervisor had a new process
 * running and, where the child serves /readyz, answering ready.
 */
export async function killAndAwaitRestart(p: ChaosPlatform, name: string, ceilingMs = 120_000) {
  const old = p.pid(name);
  const at = Date.now();
  process.kill(old, 'SIGKILL');
  const back = awaitRestart(p, name, old, ceilingMs);
  return { at, back: back.then(() => (Date.now() - at) / 1000) };
}

async function awaitRestart(p: ChaosPlatform, name: string, old: number, ceilingMs: number) {
  await until(
    () => {
      const now = p.pid(name);
      return now !== old;
    },
    ceilingMs,
    `${name} restarted by the supervisor`,
  );
  const readyz = readyzOf(p, name);
  if (!readyz) return;
  const f = readyz.startsWith('https') ? tlsFetch({ ca: p.ca }) : fetch;
  await until(
    async () => (await f(readyz, { signal: AbortSignal.timeout(5000) })).status === 200,
    ceilingMs,
    `${name} ready again`,
  );
}

/** Freeze a process for `ms` (SIGSTOP … SIGCONT): it keeps its sockets and answers nothing. */
export async function freeze(pid: number, ms: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** Restart this machine's PostgreSQL cluster (Debian's tooling; no systemd here), the load running on. */
export async function restartPostgres(): Promise<void> {
  const [version] = readdirSync('/etc/postgresql');
  await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', version!, 'main', 'restart'], {
    timeout: 120_000,
  });
}
