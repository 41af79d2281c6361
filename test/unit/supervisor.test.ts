// The supervisor's policy on real (tiny) processes: a crash loop ends at the cap, a dependency's
// outage is not blamed on its dependants, and stopping cuts a backoff short. The whole platform's
// healing is in test/integration/platform/platform.test.ts.
import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startProcess } from '../../runtime/process.js';
import { Supervisor, type SupervisorOptions } from '../../runtime/supervisor.js';

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, condition: () => boolean, ceilingMs = 30_000): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ceilingMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const shell = (name: string, script: string) => () =>
  startProcess({ name, command: '/bin/sh', args: ['-c', script] });

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

function supervise(o: Partial<SupervisorOptions> = {}) {
  const lines: string[] = [];
  const failures: string[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (s: string) => lines.push((JSON.parse(s) as { msg: string }).msg) },
  );
  supervisor = new Supervisor({
    logger,
    notReadyLimitMs: 60_000,
    backoffMs: 100,
    maxRestarts: 5,
    restartWindowMs: 60_000,
    graceMs: 2000,
    probeIntervalMs: 20,
    onFailure: (_name, message) => failures.push(message),
    ...o,
  });
  return { supervisor, lines, failures };
}

describe('supervisor', () => {
  it('restarts a child that exits, with a doubling backoff, and gives up past the cap', async () => {
    const { supervisor, lines, failures } = supervise({ maxRestarts: 2 });
    supervisor.add({
      name: 'flaky',
      spawn: shell('flaky', 'sleep 0.3; exit 3'),
      probe: async () => ({ ready: true }),
      startTimeoutMs: 10_000,
    });
    await until('the supervisor gives up', () => failures.length > 0);
    expect(failures).toEqual(['flaky exited with code 3 after 2 restarts within 60 s']);
    expect(lines).toContain(
      'flaky exited with code 3; restarting it in 0.1 s (restart 1 of at most 2 within 60 s)',
    );
    expect(lines).toContain(
      'flaky exited with code 3; restarting it in 0.2 s (restart 2 of at most 2 within 60 s)',
    );
    expect(lines.filter((l) => l === 'flaky started')).toHaveLength(3);
    expect(lines).toContain(
      'flaky exited with code 3; it was restarted 2 times within 60 s, giving up on it',
    );
  });

  it('fails a child that never became ready instead of restarting it', async () => {
    const { supervisor, failures } = supervise();
    supervisor.add({
      name: 'broken',
      spawn: shell('broken', 'exit 1'),
      probe: async () => ({ ready: false, reason: 'refused' }),
      startTimeoutMs: 10_000,
    });
    await expect(supervisor.whenReady('broken')).rejects.toThrow(
      'broken exited with code 1 before it was ready',
    );
    expect(failures).toEqual(['broken exited with code 1 before it was ready']);
  });

  it('fails a watched dependency (an external database) that is not ready in time at start', async () => {
    const { supervisor, failures } = supervise();
    supervisor.add({
      name: 'database',
      probe: async () => ({ ready: false, reason: 'connect ECONNREFUSED' }),
      startTimeoutMs: 300,
    });
    await expect(supervisor.whenReady('database')).rejects.toThrow(
      'database was not ready within 0.3 s: connect ECONNREFUSED',
    );
    expect(failures).toHaveLength(1);
  });

  it('does not blame a child while its dependency is down, and restarts it when it alone is not ready', async () => {
    const { supervisor, lines } = supervise({ notReadyLimitMs: 200 });
    let databaseUp = true;
    let appBroken = false;
    let appProbes = 0;
    supervisor.add({
      name: 'database',
      probe: async () => ({ ready: databaseUp, reason: 'no answer' }),
      startTimeoutMs: 10_000,
    });
    supervisor.add({
      name: 'app',
      spawn: shell('app', 'exec sleep 60'),
      probe: async () => {
        appProbes++;
        if (!databaseUp) return { ready: false, reason: 'database: no answer' };
        return appBroken ? { ready: false, reason: 'stuck' } : { ready: true };
      },
      dependsOn: ['database'],
      startTimeoutMs: 10_000,
    });
    await supervisor.whenReady('app');
    const pid = supervisor.pid('app');

    databaseUp = false;
    // Many probes, well past the not-ready limit, while the database is down: no restart.
    const seen = appProbes;
    await until('app probed through the outage', () => appProbes > seen + 40);
    expect(supervisor.pid('app')).toBe(pid);
    expect(alive(pid)).toBe(true);

    databaseUp = true;
    await until('app ready again', () => lines.includes('app is ready again'));
    expect(supervisor.pid('app')).toBe(pid);

    appBroken = true;
    await until('app restarted', () => supervisor.pid('app') !== pid);
    expect(lines.some((l) => /^app not ready for \d+ s: stuck; restarting it in 0\.1 s/.test(l))).toBe(true);
    await until('old app gone', () => !alive(pid));
  });

  it('stops at once during a backoff and starts nothing more', async () => {
    const { supervisor, lines } = supervise({ backoffMs: 600_000 });
    supervisor.add({
      name: 'crashy',
      spawn: shell('crashy', 'sleep 0.3; exit 2'),
      probe: async () => ({ ready: true }),
      startTimeoutMs: 10_000,
    });
    supervisor.add({
      name: 'steady',
      spawn: shell('steady', 'exec sleep 60'),
      probe: async () => ({ ready: true }),
      startTimeoutMs: 10_000,
    });
    await until('crashy backs off', () =>
      lines.some((l) => l.startsWith('crashy exited with code 2; restarting it')),
    );
    const steady = supervisor.pid('steady');
    // A ten-minute backoff: this only ends within the test's timeout if stop() cuts it short.
    await supervisor.stop();
    expect(alive(steady)).toBe(false);
    expect(lines.filter((l) => l === 'crashy started')).toHaveLength(1);
  });
});
