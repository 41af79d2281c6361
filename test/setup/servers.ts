// The real servers the integration tests run against, shared by global setup and teardown.
import type { ManagedProcess } from '../../runtime/process.js';

export interface TestServers {
  started: ManagedProcess[];
  tempDirs: string[];
}

export const SERVERS_KEY = '__openBankingTestServers';
