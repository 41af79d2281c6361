// The platform's own processes that `npm start` runs after Temporal and the database are up.
// Each is a stateless Node process with /readyz; production runs N replicas of each.
import type { Config } from '../lib/config.js';

export interface Component {
  name: string;
  /** Entry file, relative to the project root. */
  entry: string;
  port: (cfg: Config) => number;
  portVariable: string;
  /** Shown to people as a URL to open (otherwise only its health URL is listed). */
  title?: string;
  scheme?: 'http' | 'https';
  /** What its /readyz checks: while one of these is down it is not ready, and not to blame. */
  needs: ('database' | 'temporal')[];
}

export const COMPONENTS: Component[] = [
  {
    name: 'core-banking',
    entry: 'connectors/mock-core-banking/server.ts',
    port: (c) => c.connectors.coreBanking.port,
    portVariable: 'CORE_BANKING_PORT',
    title: "Mock core banking (stand-in for the bank's core)",
    needs: ['database'],
  },
  {
    name: 'worker',
    entry: 'workers/main.ts',
    port: (c) => c.http.workerPort,
    portVariable: 'WORKER_PORT',
    needs: ['database', 'temporal'],
  },
  {
    name: 'marketplace',
    entry: 'api/marketplace/server.ts',
    port: (c) => c.http.marketplacePort,
    portVariable: 'MARKETPLACE_PORT',
    title: 'Developer marketplace and bank pages',
    needs: ['database', 'temporal'],
  },
  {
    name: 'auth',
    entry: 'auth/server.ts',
    port: (c) => c.http.authPort,
    portVariable: 'AUTH_PORT',
    title: 'Authorization server (OIDC issuer)',
    scheme: 'https',
    needs: ['database', 'temporal'],
  },
  {
    name: 'gateway',
    entry: 'api/gateway/server.ts',
    port: (c) => c.http.gatewayPort,
    portVariable: 'GATEWAY_PORT',
    title: 'API gateway (OFB and FDX APIs, mTLS)',
    scheme: 'https',
    needs: ['database', 'temporal'],
  },
];
