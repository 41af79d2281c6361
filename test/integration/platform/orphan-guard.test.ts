// No server outlives the process that started it: a parent killed outright (SIGKILL, as when jest,
// a jest worker or the supervisor is killed) or exiting without stopping its children leaves no
// Temporal dev server, FerretDB or Node component running; and a later `npm start` still stops a
// server named by a stale pid file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { reapStaleProcess, startProcess } from '../../../runtime/process.js';
import { projectRoot } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-orphan-guard-'));
const leftovers: number[] = [];

afterAll(() => {
  // Should the guard fail, the test fails, and this still cleans up after it.
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Running, not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The processes of a group (the child and its guard), from ps. */
function groupMembers(pgid: number): string[] {
  const ps = spawnSync('ps', ['-eo', 'pgid=,stat=,pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((line) => line.trim().split(/\s+/)[0] === String(pgid) && !/^\S+\s+Z/.test(line.trim()));
}

/** test/helpers/orphan-parent.ts in a subdirectory of its own; resolves with its children's pids. */
async function orphanParent(mode: 'wait' | 'exit') {
  const own = mkdtempSync(path.join(dir, `${mode}-`));
  const parent = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/orphan-parent.ts', own, mode], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
  parent.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => parent.once('exit', () => resolve()));
  const pids = await eventually(async () => {
    if (!out.includes('\n')) {
      if (parent.exitCode !== null) throw new Error(`orphan parent exited ${parent.exitCode}: ${err}`);
      throw new Error('orphan parent has not started its children yet');
    }
    return JSON.parse(out) as Record<'sleep' | 'node' | 'ipcOnly' | 'ferretdb', number>;
  }, 120_000);
  leftovers.push(...Object.values(pids));
  return { parent, pids, exited };
}

describe('orphan guard', () => {
  it('stops every child of a parent killed with SIGKILL', async () => {
    const { parent, pids, exited } = await orphanParent('wait');
    for (const pid of Object.values(pids)) expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await exited;
    // Gone within seconds; the ceiling is for a loaded machine.
    await eventually(async () => {
      expect(Object.entries(pids).filter(([, pid]) => alive(pid))).toEqual([]);
    }, 60_000);
  }, 180_000);

  it('stops every child of a parent that exits without stopping them', async () => {
    const { pids, exited } = await orphanParent('exit');
    await exited;
    await eventually(async () => {
      expect(Object.entries(pids).filter(([, pid]) => alive(pid))).toEqual([]);
    }, 60_000);
  }, 180_000);

  it('leaves nothing of the guard behind when a child is stopped or exits by itself', async () => {
    const stopped = startProcess({ name: 'sleep', command: 'sleep', args: ['600'] });
    await eventually(async () => expect(groupMembers(stopped.pid)).toHaveLength(2), 30_000);
    await stopped.stop(5000);
    await eventually(async () => expect(groupMembers(stopped.pid)).toEqual([]), 30_000);

    const ended = startProcess({ name: 'true', command: 'sleep', args: ['0.5'] });
    expect(await ended.exited).toBe(0);
    await eventually(async () => expect(groupMembers(ended.pid)).toEqual([]), 30_000);
  }, 120_000);

  it('lets a later start stop a server named by a stale pid file', async () => {
    const marker = path.join(dir, 'stale-data-dir');
    const stale = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], {
      detached: true,
      stdio: 'ignore',
    });
    leftovers.push(stale.pid!);
    const exited = new Promise((resolve) => stale.once('exit', resolve));
    const pidFile = path.join(dir, 'stale.pid');
    writeFileSync(pidFile, String(stale.pid));
    await eventually(async () =>
      expect(readFileSync(`/proc/${stale.pid}/cmdline`, 'utf8')).toContain(marker),
    );
    expect(await reapStaleProcess(pidFile, marker)).toBe(stale.pid);
    await exited;
  }, 60_000);
});
