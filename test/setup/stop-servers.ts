// Stops only what global setup started; servers named by the environment are left alone.
import { SERVERS_KEY, stopAll, type TestServers } from './servers.js';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>)[SERVERS_KEY] as TestServers | undefined;
  if (servers) await stopAll(servers);
}
