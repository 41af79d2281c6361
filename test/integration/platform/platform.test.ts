// `npm start` as a user runs it: the whole platform comes up with its own Temporal dev server and
// FerretDB under a fresh DATA_DIR, heals a child that is killed or wedged without touching the
// others, Ctrl-C stops every process it started, and a second start finds the workflows and
// records of the first. Waits poll with generous ceilings: this must pass on a loaded machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { reviewUpdate, stateQuery } from '../../../workflows/onboarding-types.js';
import { freePort } from '../../../runtime/ports.js';
import { issueCertificate } from '../../../lib/pki/dev-pki.js';
import { loadConfig } from '../../../lib/config.js';
import { platformDataConverter } from '../../../lib/temporal.js';
import { projectRoot } from '../../helpers/env.js';
import { developer } from '../../helpers/marketplace.js';
import { everyText } from '../../helpers/payload-codec.js';
import { cleanEnv } from '../../helpers/spawn.js';
import { tlsFetch } from '../../helpers/tls-client.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'obp-platform-'));
let ports: Record<
  | 'TEMPORAL_PORT'
  | 'TEMPORAL_UI_PORT'
  | 'MONGODB_PORT'
  | 'MARKETPLACE_PORT'
  | 'WORKER_PORT'
  | 'AUTH_PORT'
  | 'GATEWAY_PORT'
  | 'CORE_BANKING_PORT',
  number
>;
let running: ChildProcess | undefined;
/** Every pid any supervisor of this file said it started, to be sure none outlives the file. */
const startedPids = new Set<number>();

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Poll `condition` until it holds; fail with `what` after `ceilingMs`. Returns the time it took. */
async function until(what: string, condition: () => Promise<boolean> | boolean, ceilingMs = 120_000) {
  const started = Date.now();
  for (;;) {
    if (await Promise.resolve(condition()).catch(() => false)) return Date.now() - started;
    if (Date.now() - started > ceilingMs) throw new Error(`${what}: not within ${ceilingMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterAll(async () => {
  // On a failed test the platform may still run: ask it to stop (it stops its servers), then insist,
  // on it and on every child it started (each runs in a process group of its own).
  if (running?.pid && running.exitCode === null) {
    process.kill(running.pid, 'SIGTERM');
    await until('the platform stops', () => running!.exitCode !== null, 30_000).catch(() => undefined);
    if (running.exitCode === null) process.kill(-running.pid, 'SIGKILL');
  }
  for (const pid of startedPids) {
    if (!alive(pid)) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** The current pid of each child, from the supervisor's "<name> started" log lines. */
  pids: () => Record<string, number>;
}

/** `npm start`'s script in a process group of its own, as a terminal runs it. */
async function startPlatform(): Promise<Started> {
  const env = cleanEnv({
    DATA_DIR: dataDir,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    // Short enough for a test, long enough for a loaded machine and the driver's reconnection.
    SUPERVISOR_NOT_READY_LIMIT: '20',
    SUPERVISOR_BACKOFF: '0.5',
    SHUTDOWN_GRACE: '5',
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let out = '';
  const pids: Record<string, number> = {};
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      let entry: { name?: string; msg?: string; process?: string; childPid?: number } = {};
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // the ready banner, or another component's line
      }
      if (
        entry.name === 'platform' &&
        entry.process &&
        entry.childPid &&
        entry.msg === `${entry.process} started`
      ) {
        pids[entry.process] = entry.childPid;
        startedPids.add(entry.childPid);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const ready = () => out.includes('Open banking platform ready');
  await until('npm start is ready', () => ready() || child.exitCode !== null, 300_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${out}`);
  });
  if (!ready()) throw new Error(`npm start exited ${child.exitCode}:\n${out}`);
  return { child, output: () => out, exited, pids: () => ({ ...pids }) };
}

/** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
async function pressCtrlC(p: Started): Promise<number | null> {
  process.kill(-p.child.pid!, 'SIGINT');
  return p.exited;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function processesUsing(dir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(dir));
}

/** A client of the platform's Temporal: with the payload key npm start generated, or without any. */
async function temporalClient(o: { codec: boolean } = { codec: true }) {
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
  const dataConverter = o.codec ? platformDataConverter(loadConfig({ DATA_DIR: dataDir }).temporal) : {};
  return { client: new Client({ connection, dataConverter }), close: () => connection.close() };
}

describe('npm start', () => {
  it('starts everything, stops everything on Ctrl-C, and keeps workflows and records across a restart', async () => {
    ports = {
      TEMPORAL_PORT: await freePort(),
      TEMPORAL_UI_PORT: await freePort(),
      MONGODB_PORT: await freePort(),
      MARKETPLACE_PORT: await freePort(),
      WORKER_PORT: await freePort(),
      AUTH_PORT: await freePort(),
      GATEWAY_PORT: await freePort(),
      CORE_BANKING_PORT: await freePort(),
    };
    const marketplace = `http://127.0.0.1:${ports.MARKETPLACE_PORT}`;

    // First start: every component is ready, and every URL is printed.
    const first = await startPlatform();
    for (const url of [`${marketplace}/readyz`, `http://127.0.0.1:${ports.WORKER_PORT}/readyz`]) {
      expect((await fetch(url)).status).toBe(200);
      expect(first.output()).toContain(url.replace('/readyz', ''));
    }
    expect(first.output()).toContain(
      `Temporal UI                          http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`,
    );

    expect(first.output()).toContain(
      `Authorization server (OIDC issuer)   https://localhost:${ports.AUTH_PORT}`,
    );
    expect(first.output()).toContain(path.join(dataDir, 'pki', 'ca.crt'));

    // The authorization server answers over HTTPS with the dev PKI npm start created.
    const jwksKids = async () => {
      const https = tlsFetch({ ca: readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8') });
      const res = await https(`https://localhost:${ports.AUTH_PORT}/jwks`);
      return ((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    };
    // The gateway introspects at the AS as its own client: an unknown token is "not active" (401),
    // not "authorization server unavailable" (503).
    const ca = {
      cert: readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8'),
      key: readFileSync(path.join(dataDir, 'pki', 'ca.key'), 'utf8'),
    };
    const recipient = await issueCertificate(ca, {
      subject: 'CN=platform-test,O=Recipient',
      usage: 'client',
    });
    const gateway = await tlsFetch({ ca: ca.cert, ...recipient })(
      `https://localhost:${ports.GATEWAY_PORT}/open-banking/consents/v3/consents/urn:bank:x`,
      { headers: { authorization: 'Bearer unknown-token', 'x-fapi-interaction-id': randomUUID() } },
    );
    expect(gateway.status).toBe(401);
    expect(await gateway.json()).toMatchObject({ errors: [{ detail: 'the access token is not active' }] });

    // Prometheus scrapes every component on loopback: request timings by route, the gateway's
    // analytics buffer, and the worker's Temporal SDK metrics next to its own.
    const gatewayMetrics = await (
      await tlsFetch({ ca: ca.cert })(`https://localhost:${ports.GATEWAY_PORT}/metrics`)
    ).text();
    expect(gatewayMetrics).toMatch(
      /^http_request_duration_seconds_count\{[^}]*route="\/open-banking\/consents\/v3\/consents\/:consentId",status="401"[^}]*\} 1$/m,
    );
    expect(gatewayMetrics).toMatch(/^gateway_analytics_events\{[^}]*state="dropped"[^}]*\} 0$/m);
    const workerMetrics = await (await fetch(`http://127.0.0.1:${ports.WORKER_PORT}/metrics`)).text();
    expect(workerMetrics).toMatch(/^process_cpu_seconds_total\{component="worker"\} /m);
    expect(workerMetrics).toMatch(/^temporal_\w+/m);

    const kidsBefore = await jwksKids();
    expect(kidsBefore.length).toBeGreaterThan(0);

    // A developer enrols through the JSON API, on their marketplace session (kept in the database,
    // so it outlives the restarts below).
    const carla = await developer({ baseUrl: marketplace }, 'carla@persistente.example', 'Carla');
    const enrolled = await carla.request('/api/organizations', {
      json: {
        legalName: 'Persistente Pagamentos S.A.',
        taxIdType: 'EIN',
        taxId: '12-3456789',
        website: 'https://persistente.example',
        contacts: [{ name: 'Carla', email: 'carla@persistente.example', role: 'security' }],
        standards: ['FDX'],
      },
    });
    expect(enrolled.status).toBe(201);
    const { organizationId } = enrolled.json<{ organizationId: string }>();
    const asCarla = { cookie: [...carla.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };

    // The Temporal UI's own API lists the platform's workflow.
    const ui = await fetch(
      `http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/api/v1/namespaces/default/workflows?query=${encodeURIComponent('WorkflowType="onboarding"')}`,
    );
    expect(ui.status).toBe(200);
    const listed = (await ui.json()) as { executions: { execution: { workflowId: string } }[] };
    expect(listed.executions.map((e) => e.execution.workflowId)).toContain('onboarding-ein-123456789');

    // Temporal holds the enrolment's contacts only encrypted, and its UI decodes through the console.
    const raw = await temporalClient({ codec: false });
    try {
      const history = await raw.client.workflow.getHandle('onboarding-ein-123456789').fetchHistory();
      const text = everyText(history).join('\n');
      expect(text).toContain('binary/encrypted');
      expect(text).not.toContain('carla@persistente.example');
    } finally {
      await raw.close();
    }
    const uiSettings = await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/api/v1/settings`);
    expect(((await uiSettings.json()) as { Codec: { Endpoint: string } }).Codec.Endpoint).toBe(
      `${marketplace}/admin/temporal-codec`,
    );

    // Self-healing: a child killed outright, or a database that stops answering, is restarted
    // alone; the others keep their pids and the platform serves again.
    const httpsFetch = tlsFetch({ ca: ca.cert });
    const status = (url: string, via: typeof fetch = fetch, headers: Record<string, string> = {}) =>
      via(url, { headers, signal: AbortSignal.timeout(10_000) }).then((r) => r.status);
    const readyz = {
      marketplace: () => status(`${marketplace}/readyz`),
      worker: () => status(`http://127.0.0.1:${ports.WORKER_PORT}/readyz`),
      'core-banking': () => status(`http://127.0.0.1:${ports.CORE_BANKING_PORT}/readyz`),
      auth: () => status(`https://localhost:${ports.AUTH_PORT}/readyz`, httpsFetch),
      gateway: () => status(`https://localhost:${ports.GATEWAY_PORT}/readyz`, httpsFetch),
    };
    const allReady = async () =>
      (await Promise.all(Object.values(readyz).map((probe) => probe()))).every((s) => s === 200);
    const recordReadable = async () =>
      (await status(`${marketplace}/api/organizations/${organizationId}`, fetch, asCarla)) === 200;
    const heals = async (name: string, signal: NodeJS.Signals, isBack: () => Promise<boolean>) => {
      const before = first.pids();
      const victim = before[name]!;
      process.kill(victim, signal);
      const ms = await until(`${name} back after ${signal}`, async () => {
        const pid = first.pids()[name]!;
        return pid !== victim && alive(pid) && (await isBack());
      });
      console.log(`${name} after ${signal}: back ready in ${(ms / 1000).toFixed(1)} s`);
      await until('every component ready again', allReady);
      expect(alive(victim)).toBe(false);
      const after = first.pids();
      for (const [other, pid] of Object.entries(before))
        if (other !== name) expect({ [other]: after[other] }).toEqual({ [other]: pid });
    };
    expect(Object.keys(first.pids()).sort()).toEqual(
      ['auth', 'core-banking', 'ferretdb', 'gateway', 'marketplace', 'temporal', 'worker'].sort(),
    );
    await heals('worker', 'SIGKILL', async () => (await readyz.worker()) === 200);
    await heals('gateway', 'SIGKILL', async () => (await readyz.gateway()) === 200);
    await heals('ferretdb', 'SIGKILL', recordReadable);
    expect(first.output()).toMatch(/worker exited with signal SIGKILL; restarting it/);
    // Stopped, FerretDB still accepts connections but answers nothing, as when it wedged: the
    // supervisor restarts it past SUPERVISOR_NOT_READY_LIMIT, and only it.
    await heals('ferretdb', 'SIGSTOP', recordReadable);
    expect(first.output()).toMatch(/ferretdb not ready for \d+ s: [^"]+; restarting it/);

    // Ctrl-C: clean exit, no port held, no process it started left.
    expect(await pressCtrlC(first)).toBe(0);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);
    expect(processesUsing(dataDir)).toEqual([]);
    expect([...startedPids].filter(alive)).toEqual([]);

    // Second start: the record and the waiting workflow are still there, and the workflow goes on.
    const second = await startPlatform();
    const record = await carla.request(`/api/organizations/${organizationId}`);
    expect(record.status).toBe(200);
    expect(record.json()).toMatchObject({ organizationId, status: 'PENDING_REVIEW' });

    expect(await jwksKids()).toEqual(kidsBefore);

    const { client, close } = await temporalClient();
    try {
      const handle = client.workflow.getHandle('onboarding-ein-123456789');
      expect(await handle.query(stateQuery)).toMatchObject({ organizationId, status: 'PENDING_REVIEW' });
      const state = await handle.executeUpdate(reviewUpdate, {
        args: [{ decision: 'APPROVED', reviewer: 'ops@bank.example' }],
      });
      expect(state.status).toBe('APPROVED');
    } finally {
      await close();
    }
    expect((await carla.request(`/api/organizations/${organizationId}`)).json()).toMatchObject({
      status: 'APPROVED',
    });

    // SIGTERM (as a service manager stops it) is just as clean.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
    expect([...startedPids].filter(alive)).toEqual([]);

    // A supervisor killed outright leaves nothing behind either (each child's orphan guard stops
    // it), and the next start finds its ports free.
    const third = await startPlatform();
    const thirdPids = Object.values(third.pids());
    process.kill(-third.child.pid!, 'SIGKILL');
    await third.exited;
    await until('the killed platform is gone', async () => {
      if (thirdPids.some(alive)) return false;
      return (await Promise.all(Object.values(ports).map(portOpen))).every((open) => !open);
    });
    const fourth = await startPlatform();
    fourth.child.kill('SIGTERM');
    expect(await fourth.exited).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
    expect([...startedPids].filter(alive)).toEqual([]);
  }, 900_000);
});
