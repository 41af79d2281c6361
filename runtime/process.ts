// Child processes the supervisor and the test harness own: started in their own process group,
// logged to a file or inherited, and stopped gently then firmly so none is left behind, even when
// their parent dies without stopping them (the orphan guard below).
import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';

/** The process groups of guarded children still running, killed outright if this process exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * The orphan guard. `sh` starts a watcher in the child's process group, then execs the real
 * command. The watcher blocks reading a pipe whose other end only this (parent) process holds:
 * however the parent ends (a crash, `process.exit`, even SIGKILL) the kernel closes that end, the
 * read returns, and the watcher asks the group to stop (SIGTERM), then kills it. It ignores SIGTERM
 * and SIGINT so a gentle stop of the group never fires it; the parent SIGKILLs the group once the
 * child has exited, which ends the watcher too.
 */
const WATCHER = `trap '' TERM INT; read -r _; kill -TERM 0; i=0
while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
kill -KILL 0`;

/** The watcher gets the guard pipe as stdin and nothing else (an IPC channel or output pipe it held would outlive the child). */
function guardScript(fd: number): string {
  const closeOthers = [3, 4].filter((n) => n !== fd).map((n) => `${n}>&-`);
  return [
    `w=$1; shift`,
    `/bin/sh -c "$w" orphan-guard $$ <&${fd} ${fd}<&- >/dev/null 2>&1 ${closeOthers.join(' ')} &`,
    `exec ${fd}<&- "$@"`,
  ].join('\n');
}

/**
 * spawn() in a process group of its own, with the orphan guard: the child and anything it starts
 * in its group end soon after this process ends, however it ends. `stdio` must be an array of at
 * most 3 entries plus an optional 'ipc'; the guard takes the next descriptor.
 */
export function spawnGuarded(
  command: string,
  args: string[],
  options: Omit<SpawnOptions, 'detached' | 'stdio'> & { stdio: Exclude<StdioOptions, string> },
): ChildProcess {
  const fd = options.stdio.length;
  if (fd < 3 || fd > 4) throw new Error('spawnGuarded: stdio takes 3 entries and an optional ipc');
  installExitHook();
  const child = spawn('/bin/sh', ['-c', guardScript(fd), 'orphan-guard', WATCHER, command, ...args], {
    ...options,
    stdio: [...options.stdio, 'pipe'],
    detached: true,
  });
  const guard = child.stdio[fd] as Socket | null;
  // The pipe only has to stay open; it must not keep this process alive by itself.
  guard?.unref();
  const pgid = child.pid;
  if (pgid !== undefined) {
    liveGroups.add(pgid);
    child.once('exit', () => {
      // The watcher (and anything else left in the group) goes with the child.
      killGroup(pgid, 'SIGKILL');
      liveGroups.delete(pgid);
      guard?.destroy();
    });
  }
  return child;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // On a normal exit or process.exit(), stop at once what was not stopped in order (synchronous:
  // nothing else runs in an 'exit' listener). SIGKILL of this process is the guard's job.
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

export interface ManagedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  stop(graceMs?: number): Promise<void>;
}

interface StartOptions {
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
  // A process group of its own: Ctrl-C reaches only the supervisor, which then stops children in
  // order; and guarded, so a supervisor or test run killed outright leaves nothing behind.
  const child = spawnGuarded(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio,
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

  const signalGroup = (signal: NodeJS.Signals) => killGroup(pid, signal);

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
