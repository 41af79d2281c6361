// Bad configuration, a busy port and an unreachable dependency each end a component with a
// one-line cause and exit code 1, never a stack trace.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../../../runtime/ports.js';
import { testServers } from '../../helpers/env.js';
import { cleanEnv, runEntry, type Exit } from '../../helpers/spawn.js';

function expectOneLine(exit: Exit, pattern: RegExp) {
  expect(exit.code).toBe(1);
  const lines = exit.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(exit.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

let busy: net.Server;
let busyPort: number;
beforeAll(async () => {
  busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => busy.close(() => r())));

describe('start-up failures', () => {
  it('bad configuration names the variable and what it expects', async () => {
    const exit = await runEntry('api/marketplace/server.ts', cleanEnv({ MARKETPLACE_PORT: 'abc' }));
    expectOneLine(
      exit,
      /^marketplace: Invalid configuration: MARKETPLACE_PORT must be a TCP port number \(1-65535\), got "abc"$/,
    );
  });

  it('an unreachable database', async () => {
    const port = await freePort();
    const exit = await runEntry(
      'workers/main.ts',
      cleanEnv({ MONGODB_URI: `mongodb://127.0.0.1:${port}/`, MONGODB_CONNECT_TIMEOUT: '2' }),
    );
    expectOneLine(
      exit,
      new RegExp(
        `^worker: Cannot reach MongoDB at mongodb://127\\.0\\.0\\.1:${port}/ \\(MONGODB_URI\\) within 2 s: .*ECONNREFUSED`,
      ),
    );
  });

  it('an unreachable Temporal', async () => {
    const port = await freePort();
    const exit = await runEntry(
      'api/marketplace/server.ts',
      cleanEnv({
        MONGODB_URI: testServers().mongoUri,
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
        TEMPORAL_CONNECT_TIMEOUT: '2',
      }),
    );
    expectOneLine(
      exit,
      new RegExp(`^marketplace: Cannot reach Temporal at 127\\.0\\.0\\.1:${port} \\(TEMPORAL_ADDRESS\\)`),
    );
  });

  it('a busy port', async () => {
    const { mongoUri, temporalAddress } = testServers();
    const exit = await runEntry(
      'api/marketplace/server.ts',
      cleanEnv({
        MONGODB_URI: mongoUri,
        TEMPORAL_ADDRESS: temporalAddress,
        MARKETPLACE_PORT: String(busyPort),
        MONGODB_DATABASE: 'startup_errors',
      }),
    );
    expectOneLine(
      exit,
      new RegExp(`^marketplace: Port ${busyPort} \\(MARKETPLACE_PORT\\) is already in use`),
    );
  });

  it('npm start checks every port before starting anything', async () => {
    const free = async () => String(await freePort());
    const exit = await runEntry(
      'scripts/start.ts',
      cleanEnv({
        TEMPORAL_PORT: String(busyPort),
        TEMPORAL_UI_PORT: await free(),
        MONGODB_PORT: await free(),
        MARKETPLACE_PORT: await free(),
        WORKER_PORT: await free(),
        AUTH_PORT: await free(),
        DATA_DIR: '/nonexistent/should-not-be-created',
      }),
    );
    expectOneLine(exit, new RegExp(`^platform: Port ${busyPort} \\(TEMPORAL_PORT\\) is already in use`));
  });
});
