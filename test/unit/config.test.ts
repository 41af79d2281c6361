import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../lib/config.js';

describe('configuration', () => {
  it('runs the embedded servers on the documented default ports when nothing is set', () => {
    const cfg = loadConfig({});
    expect(cfg.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', embedded: true });
    expect(cfg.temporal.devServer.uiPort).toBe(8233);
    expect(cfg.temporal.devServer.dbFile).toMatch(/\.data\/temporal\/temporal\.db$/);
    expect(cfg.mongo).toMatchObject({
      uri: 'mongodb://127.0.0.1:27017/',
      embedded: true,
      database: 'openbanking',
    });
    expect(cfg.http.marketplacePort).toBe(3000);
    expect(cfg.temporal.tls).toBeUndefined();
  });

  it('uses named servers and starts none when TEMPORAL_ADDRESS and MONGODB_URI are set', () => {
    const cfg = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.bank.internal:7233',
      MONGODB_URI: 'mongodb://db1,db2,db3/?replicaSet=rs0',
    });
    expect(cfg.temporal).toMatchObject({ address: 'temporal.bank.internal:7233', embedded: false });
    expect(cfg.mongo).toMatchObject({ uri: 'mongodb://db1,db2,db3/?replicaSet=rs0', embedded: false });
  });

  it('turns TLS on for Temporal Cloud with an API key', () => {
    const cfg = loadConfig({
      TEMPORAL_ADDRESS: 'bank.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'bank.a1b2c',
      TEMPORAL_API_KEY: 'k',
    });
    expect(cfg.temporal).toMatchObject({ apiKey: 'k', namespace: 'bank.a1b2c' });
    expect(cfg.temporal.tls).toBeDefined();
  });

  it('names the variable and what it expects in one line', () => {
    expect(() => loadConfig({ MARKETPLACE_PORT: 'abc' })).toThrow(
      new ConfigError(
        'Invalid configuration: MARKETPLACE_PORT must be a TCP port number (1-65535), got "abc"',
      ),
    );
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'nohostport' })).toThrow(
      /TEMPORAL_ADDRESS must be host:port/,
    );
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of fatal, error/);
  });

  it('lists every bad variable at once', () => {
    let message = '';
    try {
      loadConfig({ MARKETPLACE_PORT: '70000', WORKER_PORT: '-1' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/MARKETPLACE_PORT must be a TCP port/);
    expect(message).toMatch(/WORKER_PORT must be a TCP port/);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('asks for both halves of a Temporal mTLS pair', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/etc/tls/client.pem' })).toThrow(
      /TEMPORAL_TLS_KEY must be set together/,
    );
  });

  it('never echoes a secret value back', () => {
    const secret = 'mongodb:/user:hunter2@host';
    expect(() => loadConfig({ MONGODB_URI: secret })).toThrow(
      /MONGODB_URI must be a MongoDB connection string/,
    );
    expect(() => loadConfig({ MONGODB_URI: secret })).not.toThrow(/hunter2/);
  });

  it('reads the authorization server settings', () => {
    const cfg = loadConfig({
      AUTH_INTROSPECTION_CLIENTS: 'gateway-1,gateway-2',
      AUTH_PORT: '9443',
      CONSENT_AUTHORISATION_WINDOW: '120',
    });
    expect(cfg.auth).toMatchObject({
      issuer: 'https://localhost:9443',
      introspectionClients: ['gateway-1', 'gateway-2'],
    });
    expect(cfg.consent.authorisationWindowMs).toBe(120_000);
    expect(() => loadConfig({ AUTH_ISSUER: 'http://auth.bank.example' })).toThrow(
      /AUTH_ISSUER must be an https URL/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /AUTH_KEY_ENCRYPTION_KEY must be set in production/,
    );
    // The marketplace's secrets and public URL have no development stand-in in production.
    const missing = () =>
      loadConfig({ NODE_ENV: 'production', AUTH_KEY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') });
    expect(missing).toThrow(/MARKETPLACE_SECRETS_KEY must be set in production/);
    expect(missing).toThrow(/DISCOVERY_AGENT_TOKEN must be set in production/);
    expect(missing).toThrow(/MARKETPLACE_URL must be set in production/);
    // The secrets are never echoed in the message.
    expect(() =>
      loadConfig({ NODE_ENV: 'production', MARKETPLACE_SECRETS_KEY: 'not-a-key-but-secret' }),
    ).toThrow(
      /MARKETPLACE_SECRETS_KEY must be 32 random bytes in base64 \(openssl rand -base64 32\)(?!, got)/,
    );
  });

  it('reads the gateway settings: its port is the default audience of API tokens', () => {
    const cfg = loadConfig({ GATEWAY_PORT: '9444', GATEWAY_INTROSPECTION_CACHE: '1.5' });
    expect(cfg.http.gatewayPort).toBe(9444);
    expect(cfg.auth.resourceServer).toBe('https://localhost:9444');
    expect(cfg.gateway).toMatchObject({ clientId: 'gateway', introspectionCacheMs: 1500 });
    expect(() => loadConfig({ GATEWAY_CLIENT_CERT: '/etc/gw.crt' })).toThrow(
      /GATEWAY_CLIENT_KEY must be set together with its pair/,
    );
  });

  it('keeps the traffic limits on unless TRAFFIC_LIMITS=false says the bank limits traffic in front', () => {
    expect(loadConfig({}).traffic.enabled).toBe(true);
    expect(loadConfig({ TRAFFIC_LIMITS: 'false' }).traffic.enabled).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ MARKETPLACE_PORT: '', TEMPORAL_ADDRESS: '' })).toMatchObject({
      http: { marketplacePort: 3000 },
      temporal: { embedded: true },
    });
  });
});
