// Child processes the supervisor and the test harness own: started in their own process group,
// logged to a file or inherited, and stopped gently then firmly so none is left behind.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Write stdout and stderr to this file; otherwise inherit the parent's. */
  logFile?: string;
  /** Open an IPC channel (Node children): they exit when the parent goes away. */
  ipc?: boolean;
  /** Record the pid here while it runs, so a later start can stop it if this supervisor was killed. */
  pidFile?: string;
}

export function startProcess(opts: StartOptions): ManagedProcess {
  let fd: number | undefined;
  let stdio: StdioOptions = 'inherit';
  if (opts.logFile) {
    mkdirSync(path.dirname(opts.logFile), { recursive: true });
    fd = openSync(opts.logFile, 'a');
    stdio = ['ignore', fd, fd];
  }
  if (opts.ipc)
    stdio = [...(Array.isArray(stdio) ? stdio : ['inherit', 'inherit', 'inherit']), 'ipc'] as StdioOptions;
  // A process group of its own: Ctrl-C reaches only the supervisor, which then stops children in order.
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio,
    detached: true,
  });
  if (fd !== undefined) closeSync(fd);
  if (opts.pidFile && child.pid !== undefined) {
    mkdirSync(path.dirname(opts.pidFile), { recursive: true });
    writeFileSync(opts.pidFile, String(child.pid));
    const pidFile = opts.pidFile;
    child.once('exit', () => rmSync(pidFile, { force: true }));
  }
  if (child.pid === undefined) throw new Error(`could not start ${opts.name} (${opts.command})`);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('spawn-error'));
  });
  const pid = child.pid;
  let ended = false;
  void exited.then(() => (ended = true));

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };

  return {
    name: opts.name,
    pid,
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (ended) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Anything it spawned and left in its group goes too.
      signalGroup('SIGKILL');
    },
  };
}

/** Poll `probe` until it resolves true or the deadline passes; fail early if the process exits. */
export async function waitUntilReady(
  proc: ManagedProcess | undefined,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | undefined;
  void proc?.exited.then((c) => (exitedWith = c));
  for (;;) {
    if (exitedWith !== undefined) throw new Error(`${what} exited (${exitedWith}) before it was ready`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Stop a process an earlier, killed supervisor left running: the pid file names it, and its
 * command line must still contain `marker` (so a recycled pid is never signalled). Returns its pid.
 */
export async function reapStaleProcess(pidFile: string, marker: string): Promise<number | undefined> {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined; // gone already
  }
  if (!Number.isInteger(pid) || !cmdline.includes(marker)) return undefined;
  const alive = () => existsSync(`/proc/${pid}`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
  return pid;
}
