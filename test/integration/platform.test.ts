// `npm start` as a user runs it: the whole platform comes up with its own Temporal dev server and
// FerretDB under a fresh DATA_DIR, Ctrl-C stops every process it started, and a second start finds
// the workflows and records of the first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { reviewUpdate, stateQuery } from '../../workflows/onboarding.js';
import { freePort } from '../../runtime/ports.js';
import { issueCertificate } from '../../auth/pki/dev-pki.js';
import { projectRoot } from '../helpers/env.js';
import { cleanEnv } from '../helpers/spawn.js';
import { tlsFetch } from '../helpers/tls-client.js';

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

afterAll(async () => {
  // On a failed test the platform may still run: ask it to stop (it stops its servers), then insist.
  if (running?.pid && running.exitCode === null) {
    process.kill(running.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 5000));
    if (running.exitCode === null) process.kill(-running.pid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start`'s script in a process group of its own, as a terminal runs it. */
async function startPlatform(): Promise<Started> {
  const env = cleanEnv({
    DATA_DIR: dataDir,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 90_000;
  while (!out.includes('Open banking platform ready')) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start not ready in 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out, exited };
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

async function temporalClient() {
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
  return { client: new Client({ connection }), close: () => connection.close() };
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

    const enrolled = await fetch(`${marketplace}/api/organizations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        legalName: 'Persistente Pagamentos S.A.',
        taxIdType: 'EIN',
        taxId: '12-3456789',
        website: 'https://persistente.example',
        contacts: [{ name: 'Carla', email: 'carla@persistente.example', role: 'security' }],
        standards: ['FDX'],
      }),
    });
    expect(enrolled.status).toBe(201);
    const { organizationId } = (await enrolled.json()) as { organizationId: string };

    // The Temporal UI's own API lists the platform's workflow.
    const ui = await fetch(
      `http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/api/v1/namespaces/default/workflows?query=${encodeURIComponent('WorkflowType="onboarding"')}`,
    );
    expect(ui.status).toBe(200);
    const listed = (await ui.json()) as { executions: { execution: { workflowId: string } }[] };
    expect(listed.executions.map((e) => e.execution.workflowId)).toContain('onboarding-ein-123456789');

    // Ctrl-C: clean exit, no port held, no process of it left.
    expect(await pressCtrlC(first)).toBe(0);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);
    expect(processesUsing(dataDir)).toEqual([]);

    // Second start: the record and the waiting workflow are still there, and the workflow goes on.
    const second = await startPlatform();
    const record = await fetch(`${marketplace}/api/organizations/${organizationId}`);
    expect(record.status).toBe(200);
    expect(await record.json()).toMatchObject({ organizationId, status: 'PENDING_REVIEW' });

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
    expect(await (await fetch(`${marketplace}/api/organizations/${organizationId}`)).json()).toMatchObject({
      status: 'APPROVED',
    });

    // SIGTERM (as a service manager stops it) is just as clean.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);

    // A supervisor killed outright leaves its Go servers behind; the next start stops them first.
    const third = await startPlatform();
    process.kill(-third.child.pid!, 'SIGKILL');
    await third.exited;
    expect(await portOpen(ports.TEMPORAL_PORT)).toBe(true);
    const fourth = await startPlatform();
    expect(fourth.output()).toContain('stopped a server an earlier start left running');
    fourth.child.kill('SIGTERM');
    expect(await fourth.exited).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
  }, 240_000);
});
