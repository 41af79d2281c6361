import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../lib/config.js';
import { CLIENT_CERT_HEADER, clusterDatabases, planReplicas } from '../../runtime/cluster.js';

describe('the cluster profile plan', () => {
  it('runs two replicas of each platform component and one bank core stand-in by default', () => {
    const names = planReplicas(loadConfig({})).map((r) => r.name);
    expect(names.sort()).toEqual(
      [
        'auth-1',
        'auth-2',
        'core-banking',
        'gateway-1',
        'gateway-2',
        'marketplace-1',
        'marketplace-2',
        'worker-1',
        'worker-2',
      ].sort(),
    );
  });

  it('gives every replica its own port, none of them a public one the proxy listens on', () => {
    const cfg = loadConfig({ CLUSTER_REPLICAS: '3' });
    const replicas = planReplicas(cfg);
    const ports = replicas.map((r) => r.port);
    expect(new Set(ports).size).toBe(ports.length);
    for (const publicPort of [cfg.http.authPort, cfg.http.gatewayPort, cfg.http.marketplacePort])
      expect(ports).not.toContain(publicPort);
    const gateway = replicas.filter((r) => r.component.name === 'gateway');
    expect(gateway.map((r) => r.env.GATEWAY_PORT)).toEqual(gateway.map((r) => String(r.port)));
  });

  it('tells every replica the public URLs and to believe the certificate header only from the proxy', () => {
    const cfg = loadConfig({
      AUTH_ISSUER: 'https://as.bank.example',
      GATEWAY_URL: 'https://api.bank.example',
    });
    for (const r of planReplicas(cfg)) {
      expect(r.env).toMatchObject({
        AUTH_ISSUER: 'https://as.bank.example',
        GATEWAY_URL: 'https://api.bank.example',
        MTLS_PROXY_HEADER: CLIENT_CERT_HEADER,
        MTLS_TRUSTED_PROXIES: '127.0.0.1',
      });
    }
  });

  it('names its PostgreSQL databases from the prefix, and refuses a server URL with a database in it', () => {
    expect(clusterDatabases(loadConfig({ CLUSTER_DATABASE_PREFIX: 'chaos' }))).toEqual({
      temporal: 'chaos_temporal',
      visibility: 'chaos_temporal_visibility',
      ferretdb: 'chaos_ferretdb',
    });
    expect(() => loadConfig({ POSTGRES_URL: 'postgres://u:secret@db:5432/app' })).toThrow(ConfigError);
    expect(() => loadConfig({ POSTGRES_URL: 'postgres://u:secret@db:5432/app' })).not.toThrow(/secret/);
    expect(() => loadConfig({ CLUSTER_REPLICAS: '0' })).toThrow(/CLUSTER_REPLICAS/);
  });
});
