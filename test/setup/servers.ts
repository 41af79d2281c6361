// The real servers the integration tests run against, shared by global setup and teardown.
import { rmSync } from 'node:fs';
import type { ManagedProcess } from '../../runtime/process.js';

export interface TestServers {
  started: ManagedProcess[];
  tempDirs: string[];
}

export const SERVERS_KEY = '__openBankingTestServers';

/** Stop every process started (SIGTERM, SIGKILL after 5 s) and remove the temp directories. */
export async function stopAll(servers: TestServers): Promise<void> {
  await Promise.all(servers.started.map((p) => p.stop(5000)));
  for (const dir of servers.tempDirs) rmSync(dir, { recursive: true, force: true });
}
