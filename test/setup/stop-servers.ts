// Stops only what global setup started; servers named by the environment are left alone.
import { rmSync } from 'node:fs';
import { SERVERS_KEY, type TestServers } from './servers.js';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>)[SERVERS_KEY] as TestServers | undefined;
  if (!servers) return;
  await Promise.all(servers.started.map((p) => p.stop(5000)));
  for (const dir of servers.tempDirs) rmSync(dir, { recursive: true, force: true });
}
