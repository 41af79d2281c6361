// A throwaway parent for test/integration/platform/orphan-guard.test.ts: starts managed children as the
// supervisor and the test harness do (a plain command, a Node child with an IPC channel, a real
// FerretDB), and a Node child with only an IPC channel and no guard; prints their pids as one JSON
// line, then waits to be killed, or exits at once without stopping them (argv: dir, `wait`|`exit`).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFerretDb } from '../../runtime/ferretdb.js';
import { freePort } from '../../runtime/ports.js';
import { startProcess } from '../../runtime/process.js';
import { FERRETDB, resolveTool } from '../../runtime/tools.js';

const [dir, mode] = process.argv.slice(2);
if (!dir || (mode !== 'wait' && mode !== 'exit')) throw new Error('usage: orphan-parent.ts <dir> wait|exit');

const child = ['--import', 'tsx', 'test/helpers/orphan-child.ts'];
const sleeper = startProcess({ name: 'sleep', command: 'sleep', args: ['600'] });
const node = startProcess({
  name: 'node',
  command: process.execPath,
  args: child,
  ipc: true,
  logFile: path.join(dir, 'node.log'),
});
// What the supervisor relied on before the guard: a Node child exits when its IPC channel closes.
const ipcOnly = spawn(process.execPath, child, {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  detached: true,
});
const ferretdb = await startFerretDb({
  binary: (await resolveTool(FERRETDB, () => undefined)).path,
  port: await freePort(),
  dataDir: path.join(dir, 'ferretdb'),
  stateDir: path.join(dir, 'ferretdb-state'),
  logFile: path.join(dir, 'ferretdb.log'),
});
// Both Node children answer once they run their main (so the IPC one has its disconnect handler).
await Promise.all([node.child, ipcOnly].map((c) => new Promise((resolve) => c.once('message', resolve))));
process.stdout.write(
  `${JSON.stringify({ sleep: sleeper.pid, node: node.pid, ipcOnly: ipcOnly.pid, ferretdb: ferretdb.pid })}\n`,
);
if (mode === 'exit') process.exit(0);
setInterval(() => undefined, 60_000);
