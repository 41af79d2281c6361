// Keeps `npm start`'s children running: a child that exits, or stays not ready past a limit while
// what it depends on is ready, is restarted alone, after a backoff that doubles with each restart
// in a window, up to a cap. Stopping ends every child in reverse order, also mid-restart.
import type { Logger } from '../lib/logger.js';
import type { ManagedProcess } from './process.js';

export interface Readiness {
  ready: boolean;
  /** Why not, for the log line (e.g. the failing checks of a /readyz body). */
  reason?: string;
}

export interface ChildSpec {
  name: string;
  /** Starts the process (without waiting); absent for a dependency that is only watched, never run. */
  spawn?: () => ManagedProcess;
  probe: () => Promise<Readiness>;
  /** Children whose outage makes this one not ready: while one of them is not, this one is not blamed. */
  dependsOn?: string[];
  /** How long a freshly (re)started child may take to be ready. */
  startTimeoutMs: number;
}

export interface SupervisorOptions {
  logger: Logger;
  /** A child that was ready and is not for this long (its dependencies being ready) is restarted. */
  notReadyLimitMs: number;
  /** Wait before a restart; doubles with each restart of the child within the window, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs?: number;
  /** More restarts than this within the window, and the supervisor gives up on the child. */
  maxRestarts: number;
  restartWindowMs: number;
  /** SIGTERM first, SIGKILL after this. */
  graceMs: number;
  probeIntervalMs?: number;
  /** Deadline of one probe; a probe that does not answer in time counts as not ready. */
  probeTimeoutMs?: number;
  /** Called once when a child fails for good: before it was ever ready, or past the restart cap. */
  onFailure: (name: string, message: string) => void;
}

type State = 'starting' | 'ready' | 'not-ready' | 'restarting' | 'failed' | 'stopped';

interface Child {
  spec: ChildSpec;
  proc?: ManagedProcess;
  state: State;
  /** Has been ready at least once: from then on failures are healed instead of fatal. */
  supervised: boolean;
  restarts: number[];
  /** When the current restart began, to log how long the child took to be back. */
  restartedAt?: number;
  readyWaiters: { resolve: () => void; reject: (err: Error) => void }[];
  /** Cut the wait between probes short: its process exited, or the supervisor stops. */
  wakeups: Set<() => void>;
}

export class Supervisor {
  private readonly children: Child[] = [];
  private stopping = false;
  private stopped?: Promise<void>;
  private readonly wakeups = new Set<() => void>();

  constructor(private readonly o: SupervisorOptions) {}

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Start (or only watch) a child and keep it running until stop(). */
  add(spec: ChildSpec): void {
    if (this.stopping) return;
    const child: Child = {
      spec,
      state: 'starting',
      supervised: false,
      restarts: [],
      readyWaiters: [],
      wakeups: new Set(),
    };
    this.children.push(child);
    // A child that cannot even be spawned (a missing binary) fails like one that never came up.
    void this.run(child).catch((err: unknown) =>
      this.fail(
        child,
        `${spec.name} could not be started: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  }

  /** Resolves once the child is ready; rejects if it fails before it ever was, or the supervisor stops. */
  whenReady(name: string): Promise<void> {
    const child = this.child(name);
    if (child.state === 'ready') return Promise.resolve();
    if (child.state === 'failed' || child.state === 'stopped' || this.stopping)
      return Promise.reject(new Error(`${name} is ${child.state}`));
    return new Promise((resolve, reject) => child.readyWaiters.push({ resolve, reject }));
  }

  /** Pid of a child's current process (tests and logs). */
  pid(name: string): number | undefined {
    return this.child(name).proc?.pid;
  }

  /** Stop every child, last added first; a restart or backoff in progress starts nothing more. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      for (const wake of this.wakeups) wake();
      for (const child of this.children) for (const wake of child.wakeups) wake();
      for (const child of [...this.children].reverse()) {
        this.settle(child, new Error(`${child.spec.name}: the platform is stopping`));
        child.state = 'stopped';
        if (!child.proc) continue;
        this.o.logger.info({ process: child.spec.name }, 'stopping');
        await child.proc.stop(this.o.graceMs);
      }
    })();
    return this.stopped;
  }

  private child(name: string): Child {
    const child = this.children.find((c) => c.spec.name === name);
    if (!child) throw new Error(`no child named ${name}`);
    return child;
  }

  private blockingDependencies(child: Child): string[] {
    return (child.spec.dependsOn ?? []).filter((name) => {
      const dep = this.children.find((c) => c.spec.name === name);
      return dep !== undefined && dep.state !== 'ready';
    });
  }

  /** Sleep that stop() (and whoever else holds `wakeups`) cuts short. */
  private sleep(ms: number, wakeups = this.wakeups): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakeups.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakeups.add(wake);
    });
  }

  private async probe(child: Child): Promise<Readiness> {
    const timeoutMs = this.o.probeTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Readiness>((resolve) => {
      timer = setTimeout(
        () => resolve({ ready: false, reason: `no answer within ${Math.round(timeoutMs / 1000)} s` }),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([
        child.spec.probe().catch((err: unknown) => ({
          ready: false,
          reason: err instanceof Error ? err.message : String(err),
        })),
        late,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private settle(child: Child, err?: Error): void {
    for (const w of child.readyWaiters.splice(0)) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }

  private fail(child: Child, message: string): void {
    child.state = 'failed';
    this.settle(child, new Error(message));
    this.o.onFailure(child.spec.name, message);
  }

  private async run(child: Child): Promise<void> {
    const { name } = child.spec;
    const log = this.o.logger;
    while (!this.stopping) {
      const proc = child.spec.spawn?.();
      child.proc = proc;
      if (proc) log.info({ process: name, childPid: proc.pid }, `${name} started`);
      let exit: number | string | undefined;
      void proc?.exited.then((code) => {
        exit = code;
        for (const wake of child.wakeups) wake();
      });

      // Watch readiness until the process exits or stays not ready too long.
      let notReadySince = Date.now();
      let everReady = false;
      let reason = '';
      let why: string | undefined;
      while (!this.stopping && why === undefined) {
        const r = await this.probe(child);
        if (this.stopping) break;
        const now = Date.now();
        if (exit !== undefined) {
          why = typeof exit === 'number' ? `exited with code ${exit}` : `exited with signal ${exit}`;
          break;
        }
        if (r.ready) {
          if (child.state !== 'ready') {
            if (child.restartedAt !== undefined)
              log.info(
                { process: name, childPid: proc?.pid, seconds: (now - child.restartedAt) / 1000 },
                `${name} is ready again after ${((now - child.restartedAt) / 1000).toFixed(1)} s`,
              );
            else if (child.supervised) log.info({ process: name }, `${name} is ready again`);
          }
          child.state = 'ready';
          child.supervised = true;
          child.restartedAt = undefined;
          everReady = true;
          notReadySince = now;
          this.settle(child);
        } else {
          reason = r.reason ?? 'not ready';
          if (child.state === 'ready') log.warn({ process: name, reason }, `${name} is not ready: ${reason}`);
          if (child.state !== 'starting') child.state = 'not-ready';
          // Its dependency's outage is not its fault: its clock starts when they are back.
          if (this.blockingDependencies(child).length) notReadySince = now;
          // A watched-only dependency is never restarted once it was ready: its outage only pauses
          // its dependants' clocks. At start, any child has startTimeoutMs to be ready.
          const limit = !everReady ? child.spec.startTimeoutMs : proc ? this.o.notReadyLimitMs : Infinity;
          if (now - notReadySince > limit)
            why = `not ready for ${Math.round((now - notReadySince) / 1000)} s: ${reason}`;
        }
        if (why === undefined) await this.sleep(this.o.probeIntervalMs ?? 1000, child.wakeups);
        if (exit !== undefined && why === undefined)
          why = typeof exit === 'number' ? `exited with code ${exit}` : `exited with signal ${exit}`;
      }
      if (this.stopping) return;
      if (!child.supervised || !proc) {
        await proc?.stop(this.o.graceMs);
        const late = `${name} was not ready within ${+(child.spec.startTimeoutMs / 1000).toFixed(1)} s: ${reason}`;
        this.fail(child, exit === undefined ? late : `${name} ${why} before it was ready`);
        return;
      }
      const now = Date.now();
      child.restarts = [...child.restarts.filter((t) => now - t < this.o.restartWindowMs), now];
      const count = child.restarts.length;
      if (count > this.o.maxRestarts) {
        log.error(
          { process: name, reason: why, restarts: count - 1, windowSeconds: this.o.restartWindowMs / 1000 },
          `${name} ${why}; it was restarted ${count - 1} times within ${Math.round(this.o.restartWindowMs / 1000)} s, giving up on it`,
        );
        await proc.stop(this.o.graceMs);
        this.fail(
          child,
          `${name} ${why} after ${count - 1} restarts within ${Math.round(this.o.restartWindowMs / 1000)} s`,
        );
        return;
      }
      const delay = Math.min(this.o.backoffMs * 2 ** (count - 1), this.o.maxBackoffMs ?? 60_000);
      log.warn(
        { process: name, childPid: proc.pid, reason: why, restart: count, inSeconds: delay / 1000 },
        `${name} ${why}; restarting it in ${(delay / 1000).toFixed(1)} s (restart ${count} of at most ${this.o.maxRestarts} within ${Math.round(this.o.restartWindowMs / 1000)} s)`,
      );
      child.state = 'restarting';
      child.restartedAt = now;
      await proc.stop(this.o.graceMs);
      await this.sleep(delay);
      // Started while what it needs is down, it would only fail again: wait for its dependencies.
      for (let waited = false; !this.stopping && this.blockingDependencies(child).length; waited = true) {
        if (!waited)
          log.info(
            { process: name, waitingFor: this.blockingDependencies(child) },
            `${name} waits for ${this.blockingDependencies(child).join(', ')} before it restarts`,
          );
        await this.sleep(this.o.probeIntervalMs ?? 1000);
      }
    }
  }
}
