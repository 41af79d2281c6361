// The cluster profile's plan (`npm run start:cluster`): N replicas of each platform component on
// internal ports, the public ports held by a TLS-terminating proxy that balances them, and every
// replica told the same public URLs, the same Temporal, database and Redis — so no replica knows
// or cares that the others exist. A pure function of the configuration: unit-tested, and read by
// the chaos tests and the benchmark to find each replica.
import type { Config } from '../lib/config.js';
import { COMPONENTS, type Component } from './components.js';

/** The header the proxy puts the client certificate in (URL-encoded PEM), and the replicas read. */
export const CLIENT_CERT_HEADER = 'x-ssl-client-cert';
/** Where the proxy connects from: the only address whose certificate header a replica believes. */
const PROXY_ADDRESS = '127.0.0.1';
/** Components reached through the proxy; the rest are reached directly (the worker has no public API). */
export const BEHIND_PROXY: ReadonlySet<string> = new Set(['auth', 'gateway', 'marketplace']);
/** The bank's core stand-in is not part of the platform: one instance, as with `npm start`. */
const SINGLE = new Set(['core-banking']);

export interface Replica {
  /** `gateway-1`, `gateway-2`, … (the supervisor's name and the log's). */
  name: string;
  component: Component;
  /** 0-based. */
  index: number;
  port: number;
  /** What this replica is told on top of the shared environment. */
  env: Record<string, string>;
}

/**
 * A replica's own port. Components behind the proxy move to public port + 20000 + 10 × index
 * (8444 → 28444, 28454, …), so the public ports stay what `npm start` uses; the worker's health
 * port counts up from WORKER_PORT.
 */
function replicaPort(c: Component, cfg: Config, index: number): number {
  const port = c.port(cfg);
  if (BEHIND_PROXY.has(c.name)) return port + 20_000 + 10 * index;
  return port + index;
}

/** The public URLs every replica uses for itself and the others: all through the proxy. */
function publicUrls(cfg: Config): Record<string, string> {
  return {
    AUTH_ISSUER: cfg.auth.issuer,
    GATEWAY_URL: cfg.auth.resourceServer,
    MARKETPLACE_URL: cfg.marketplace.url,
  };
}

export function planReplicas(cfg: Config): Replica[] {
  const replicas: Replica[] = [];
  for (const c of COMPONENTS) {
    const count = SINGLE.has(c.name) ? 1 : cfg.cluster.replicas;
    for (let index = 0; index < count; index++) {
      const port = replicaPort(c, cfg, index);
      const name = SINGLE.has(c.name) ? c.name : `${c.name}-${index + 1}`;
      replicas.push({
        name,
        component: c,
        index,
        port,
        env: {
          ...publicUrls(cfg),
          [c.portVariable]: String(port),
          MTLS_PROXY_HEADER: CLIENT_CERT_HEADER,
          MTLS_TRUSTED_PROXIES: PROXY_ADDRESS,
          OBP_REPLICA: name,
        },
      });
    }
  }
  return replicas;
}

/**
 * The port variables of a cluster started beside others (tests, benchmarks) from one base: the
 * Temporal server takes TEMPORAL_PORT and ten above it (and its membership ports 300 below), the
 * replicas behind the proxy their public port + 20000 and up, the workers WORKER_PORT and up.
 */
export function clusterPorts(base: number): Record<string, number> {
  return {
    TEMPORAL_PORT: base,
    TEMPORAL_UI_PORT: base + 20,
    MONGODB_PORT: base + 21,
    MARKETPLACE_PORT: base + 22,
    WORKER_PORT: base + 30,
    AUTH_PORT: base + 40,
    GATEWAY_PORT: base + 41,
    CORE_BANKING_PORT: base + 42,
  };
}

/** The PostgreSQL databases of the cluster profile, named from CLUSTER_DATABASE_PREFIX. */
export function clusterDatabases(cfg: Config): { temporal: string; visibility: string; ferretdb: string } {
  const p = cfg.cluster.databasePrefix;
  return { temporal: `${p}_temporal`, visibility: `${p}_temporal_visibility`, ferretdb: `${p}_ferretdb` };
}
