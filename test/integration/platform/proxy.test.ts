// The cluster profile's proxy in front of two real AS and two real gateway processes (auth/server.ts
// and api/gateway/server.ts, as `npm run start:cluster` runs them): nginx terminates mTLS and
// forwards the verified client certificate in a header the replicas believe from the proxy's
// address only. Tokens come from the AS replicas bound to the forwarded certificate, the gateway
// replicas introspect through the proxy and accept them, calls are spread over both replicas of
// each, and a gateway replica killed outright costs no failed call.
import { X509Certificate, createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { ensureDevPki } from '../../../lib/pki/dev-pki.js';
import { FAPI_TLS12_CIPHERS } from '../../../lib/tls.js';
import { locateNginx, nginxFiles, spawnNginx } from '../../../runtime/nginx.js';
import { startProcess, waitUntilReady, type ManagedProcess } from '../../../runtime/process.js';
import { TEST_GATEWAY_CLIENT_ID, TEST_KEK, TEST_RESOURCE } from '../../helpers/auth-server.js';
import { projectRoot, testServers } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { OFB_CONSENTS } from '../../helpers/gateway.js';
import { startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';
import { cleanEnv } from '../../helpers/spawn.js';
import { tracked } from '../../helpers/teardown.js';
import { tlsFetch } from '../../helpers/tls-client.js';

const HEADER = 'x-ssl-client-cert';
const PROXY_PORT = 18401;
const REPLICA_PORTS = [18411, 18412];
const PROXY = `https://localhost:${PROXY_PORT}`;
const AS_PROXY_PORT = 18402;
const AS_REPLICA_PORTS = [18421, 18422];
/** The issuer every AS replica is told: the proxy's public URL (AUTH_ISSUER). */
const ISSUER = `https://localhost:${AS_PROXY_PORT}`;

let stack: OfbStack;
let dir: string;
type Replica = { name: string; port: number; proc: ManagedProcess; log: string };
let replicas: Replica[] = [];
let asReplicas: Replica[] = [];
let nginx: ManagedProcess;
let consentPath: string;
let token: string;
/** The recipient's client at the AS through the proxy. */
let recipient: oidc.Configuration;

/** A replica as the cluster profile starts one: the component's own entry point, in its own process. */
async function startReplica(entry: string, name: string, port: number, own: Record<string, string>) {
  const pki = stack.as.pki.dir;
  const { temporalAddress, namespace, mongoUri } = testServers();
  const log = path.join(dir, `${name}.log`);
  const proc = startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    cwd: projectRoot,
    logFile: log,
    env: cleanEnv({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      GATEWAY_URL: TEST_RESOURCE,
      AUTH_ISSUER: ISSUER,
      MONGODB_URI: mongoUri,
      MONGODB_DATABASE: stack.names.database,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TLS_CERT: path.join(pki, 'server.crt'),
      TLS_KEY: path.join(pki, 'server.key'),
      MTLS_CLIENT_CA: path.join(pki, 'ca.crt'),
      GATEWAY_CLIENT_ID: TEST_GATEWAY_CLIENT_ID,
      GATEWAY_CLIENT_CERT: path.join(pki, 'gateway-client.crt'),
      GATEWAY_CLIENT_KEY: path.join(pki, 'gateway-client.key'),
      GATEWAY_AUTH_CA: path.join(pki, 'ca.crt'),
      MTLS_PROXY_HEADER: HEADER,
      MTLS_TRUSTED_PROXIES: '127.0.0.1',
      OBP_REPLICA: name,
      ...own,
    }),
  });
  const probe = tlsFetch({ ca: stack.as.pki.ca.cert });
  try {
    await waitUntilReady(
      proc,
      async () => (await probe(`https://localhost:${port}/readyz`)).status === 200,
      90_000,
      name,
    );
  } catch (err) {
    const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n');
    throw new Error(`${(err as Error).message}; its log ends:\n${tail}`);
  }
  return { name, port, proc, log };
}

const gatewayReplica = (name: string, port: number) =>
  startReplica('api/gateway/server.ts', name, port, {
    DATA_DIR: path.join(dir, name),
    GATEWAY_PORT: String(port),
  });

const authReplica = (name: string, port: number) =>
  startReplica('auth/server.ts', name, port, {
    // One DATA_DIR and key-encryption key for all: the replicas share the signing keys and
    // registration tokens; this one is the in-process test AS's, on the same database.
    DATA_DIR: path.join(dir, 'auth-shared'),
    AUTH_KEY_ENCRYPTION_KEY: TEST_KEK.toString('base64'),
    AUTH_PORT: String(port),
    CONNECTOR: 'mock-core-banking',
  });

/** The token endpoint exactly (its introspection endpoint is under it). */
const TOKEN_PATH = '/token"';

/** Calls the replica answered with a 200 on paths starting with `prefix`, from its own request log. */
function answeredBy(replica: { log: string }, prefix = '/open-banking/consents/v3/consents/'): number {
  return readFileSync(replica.log, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"path":"${prefix}`) && l.includes('"statusCode":200')).length;
}

/** One client per certificate, keeping its connections to the proxy as a recipient's does. */
const clients = new Map<string, typeof fetch>();
const get = (cert: { cert: string; key: string } | undefined, headers: Record<string, string> = {}) => {
  const key = cert?.cert ?? 'none';
  if (!clients.has(key)) clients.set(key, tlsFetch({ ca: stack.as.pki.ca.cert, ...(cert ?? {}) }));
  return clients.get(key)!(`${PROXY}${consentPath}`, {
    headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': randomUUID(), ...headers },
  });
};

beforeAll(async () => {
  locateNginx(); // fails first, and clearly, where nginx is not installed
  stack = await startOfbStack(import.meta.url, 'Proxy recipient');
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-proxy-'));
  tracked(() => rmSync(dir, { recursive: true, force: true }));
  const consent = await stack.lodge();
  consentPath = `${OFB_CONSENTS}/consents/${consent.consentId}`;
  [asReplicas, replicas] = await Promise.all([
    Promise.all(AS_REPLICA_PORTS.map((port, i) => authReplica(`auth-${i + 1}`, port))),
    Promise.all(REPLICA_PORTS.map((port, i) => gatewayReplica(`gateway-${i + 1}`, port))),
  ]);
  const pki = stack.as.pki.dir;
  nginx = await spawnNginx({
    runDir: path.join(dir, 'nginx'),
    clientCertHeader: HEADER,
    tls: {
      certPath: path.join(pki, 'server.crt'),
      keyPath: path.join(pki, 'server.key'),
      clientCaPath: path.join(pki, 'ca.crt'),
    },
    upstreamTls: { caPath: path.join(pki, 'ca.crt'), serverName: 'localhost' },
    listeners: [
      {
        name: 'gateway',
        host: '127.0.0.1',
        port: PROXY_PORT,
        tls: 'mtls',
        upstream: { scheme: 'https', servers: REPLICA_PORTS.map((p) => `127.0.0.1:${p}`) },
      },
      {
        name: 'auth',
        host: '127.0.0.1',
        port: AS_PROXY_PORT,
        tls: 'mtls',
        upstream: { scheme: 'https', servers: AS_REPLICA_PORTS.map((p) => `127.0.0.1:${p}`) },
      },
    ],
  });
  const rp = stack.rp;
  const mtls = tlsFetch({ ca: stack.as.pki.ca.cert, ...rp.cert });
  // The recipient registered at the in-process AS; the replicas share its database and keys.
  recipient = await oidc.discovery(
    new URL(ISSUER),
    rp.config.clientMetadata().client_id,
    { token_endpoint_auth_signing_alg: 'PS256' },
    oidc.PrivateKeyJwt(rp.key),
    { [oidc.customFetch]: mtls },
  );
  recipient[oidc.customFetch] = mtls;
  token = (await oidc.clientCredentialsGrant(recipient, { scope: 'consents' })).access_token;
}, 180_000);

afterAll(async () => {
  await nginx?.stop(5000);
  await Promise.all([...replicas, ...asReplicas].map((r) => r.proc.stop(5000)));
  await stack?.stop();
});

/** The suite a TLS 1.2 handshake offering only `cipher` settles on, or `refused`. */
const tls12With = (cipher: string) =>
  new Promise<string>((resolve) => {
    const socket = tls.connect(
      {
        host: '127.0.0.1',
        port: PROXY_PORT,
        servername: 'localhost',
        ca: stack.as.pki.ca.cert,
        maxVersion: 'TLSv1.2',
        ciphers: cipher,
      },
      () => {
        resolve(socket.getCipher().name);
        socket.end();
      },
    );
    socket.on('error', () => resolve('refused'));
  });

describe('nginx in front of two AS and two gateway replicas', () => {
  it('offers at TLS 1.2 the FAPI suites the Node servers offer, and no others', async () => {
    for (const suite of FAPI_TLS12_CIPHERS) expect(await tls12With(suite)).toBe(suite);
    for (const suite of ['ECDHE-RSA-AES128-SHA', 'AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA256'])
      expect(await tls12With(suite)).toBe('refused');
  });

  it('issues a token bound to the certificate the proxy forwards, from both AS replicas', async () => {
    expect(recipient.serverMetadata().token_endpoint).toBe(`${ISSUER}/token`);
    const before = asReplicas.map((r) => answeredBy(r, TOKEN_PATH));
    const tokens: string[] = [];
    for (let i = 0; i < 6; i++)
      tokens.push((await oidc.clientCredentialsGrant(recipient, { scope: 'consents' })).access_token);
    // Bound (cnf.x5t#S256) to the certificate nginx forwarded, not to a connection the AS saw.
    const introspected = await oidc.tokenIntrospection(recipient, tokens.at(-1)!);
    expect(introspected.active).toBe(true);
    expect((introspected.cnf as Record<string, string>)['x5t#S256']).toBe(
      createHash('sha256').update(new X509Certificate(stack.rp.cert.cert).raw).digest('base64url'),
    );
    await eventually(async () => {
      const served = asReplicas.map((r, i) => answeredBy(r, TOKEN_PATH) - before[i]!);
      expect(served.reduce((a, b) => a + b, 0)).toBe(6);
      expect(Math.min(...served)).toBeGreaterThan(0);
    });
    console.info(
      `6 token requests through the proxy: ${asReplicas.map((r, i) => `${r.name} ${answeredBy(r, TOKEN_PATH) - before[i]!}`).join(', ')}`,
    );
  });

  it("accepts the recipient's bound token with the certificate the proxy forwards, on both replicas", async () => {
    // Counted from before the first call: a replica logs a call just after answering it.
    const before = replicas.map((r) => answeredBy(r));
    // The consent is written by its workflow: the first reads may come before it.
    let early = 0;
    await eventually(async () => {
      early++;
      expect((await get(stack.rp.cert)).status).toBe(200);
    });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await get(stack.rp.cert)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    await eventually(async () => {
      const served = replicas.map((r, i) => answeredBy(r) - before[i]!);
      // Each call answered by exactly one replica: none lost, none served twice.
      expect(served.reduce((a, b) => a + b, 0)).toBe(early + 20);
      expect(Math.min(...served)).toBeGreaterThan(0);
    });
    console.info(
      `20 calls through the proxy: ${replicas.map((r, i) => `${r.name} ${answeredBy(r) - before[i]!}`).join(', ')}`,
    );
  });

  it('believes no certificate header the client sends, and forwards no certificate the client CA did not sign', async () => {
    // No certificate on the connection: the header the client wrote is dropped by the proxy.
    const injected = await get(undefined, { [HEADER]: encodeURIComponent(stack.rp.cert.cert) });
    expect(injected.status).toBe(401);
    // A certificate from another CA: the handshake completes (the replica answers in the
    // standard's format rather than nginx's page), but no certificate reaches the replica.
    const stranger = (await ensureDevPki(path.join(dir, 'other-pki'))).gatewayClient;
    const foreign = await get(stranger, { [HEADER]: encodeURIComponent(stack.rp.cert.cert) });
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get('content-type')).toMatch(/json/);
    // The recipient's own certificate still works on the same proxy.
    expect((await get(stack.rp.cert)).status).toBe(200);
  });

  it('routes around a replica killed with SIGKILL: no call fails', async () => {
    const victim = replicas[0]!;
    const results: { status: number; ms: number; at: number }[] = [];
    let killedAt = 0;
    let stopAt = Infinity;
    const call = async () => {
      const started = Date.now();
      const status = await get(stack.rp.cert).then(
        (r) => r.status,
        () => 0,
      );
      results.push({ status, ms: Date.now() - started, at: started });
    };
    // Two callers, as under load, until the dead replica has been tried again after fail_timeout.
    const load = Promise.all(
      [0, 1].map(async () => {
        while (Date.now() < stopAt) await call();
      }),
    );
    await eventually(async () => expect(results.length).toBeGreaterThanOrEqual(20));
    killedAt = Date.now();
    process.kill(-victim.proc.pid, 'SIGKILL');
    await victim.proc.exited;
    // nginx takes a failed replica out for fail_timeout (5 s), then tries it again with live calls.
    stopAt = killedAt + 8000;
    await load;
    const after = results.filter((r) => r.at >= killedAt);
    const failed = results.filter((r) => r.status !== 200);
    const slowest = Math.max(...after.map((r) => r.ms));
    console.info(
      `replica killed: ${after.length} calls in the following 8 s, ${failed.length} failed, slowest ${slowest} ms; ${results.length} calls in all`,
    );
    expect(failed).toEqual([]);
    expect(after.length).toBeGreaterThan(20);
    // The proxy saw the refused connections and retried them on the survivor.
    const access = readFileSync(nginxFiles(path.join(dir, 'nginx')).accessLog, 'utf8');
    expect(access).toMatch(
      new RegExp(`127\\.0\\.0\\.1:${victim.port}, 127\\.0\\.0\\.1:${replicas[1]!.port}`),
    );
  }, 60_000);
});
