// Fail fast, never hang, heal by itself: the platform's HTTP components on a FerretDB of this test's
// own, reached through a proxy that can play the wedge seen in production (the handshake and `ping`
// answered, every query swallowed). The database is wedged, then frozen (SIGSTOP: it accepts
// connections and answers nothing), then stopped. Meanwhile every endpoint tried answers within its
// budget with its standard's 503/504, and every /readyz answers 503 naming the database; once the
// database is back, everything answers as before, by itself. Temporal stays the shared test server.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import * as oidc from 'openid-client';
import { DEMO_STAFF, seedDemoStaff } from '../../../api/bank-console/demo-staff.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { createCoreBankingApp } from '../../../connectors/mock-core-banking/app.js';
import { coreModels } from '../../../connectors/mock-core-banking/models.js';
import { MongoCoreBanking } from '../../../connectors/mock-core-banking/mongo-connector.js';
import { checkDatabaseReads } from '../../../lib/mongo/connection.js';
import { closeServer, createComponentApp } from '../../../lib/http/server.js';
import { startFerretDb } from '../../../runtime/ferretdb.js';
import { freePort } from '../../../runtime/ports.js';
import type { ManagedProcess } from '../../../runtime/process.js';
import { FERRETDB, resolveTool } from '../../../runtime/tools.js';
import { workerReadiness } from '../../../workers/readiness.js';
import { HttpSession, hiddenField, staffSession, startConsoles } from '../../helpers/consoles.js';
import { eventually } from '../../helpers/eventually.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { authorisedConsent, startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';
import { quietLogger } from '../../helpers/platform.js';
import { tlsFetch } from '../../helpers/tls-client.js';

/** Every component's default HTTP_REQUEST_BUDGET. */
const BUDGET_MS = 10_000;
/** "Answered, not hung": the budget plus a generous margin for a loaded machine. */
const ANSWERED_WITHIN_MS = BUDGET_MS + 15_000;
/** How long the platform may take to notice the database is back. */
const RECOVERY_CEILING_MS = 90_000;
const ana = DEMO_CUSTOMERS[0]!;

let dir: string;
let ferretOptions: Parameters<typeof startFerretDb>[0];
let ferret: (ManagedProcess & { uri: string }) | undefined;
let frozen = false;
let proxy: Awaited<ReturnType<typeof startWedgeProxy>>;
let stack: OfbStack;
let gw: TestGateway;
/** A gateway with a budget shorter than the database's deadlines: its answer is the 504. */
let gwTight: TestGateway;
const TIGHT_BUDGET_MS = 1500;
let consoles: Awaited<ReturnType<typeof startConsoles>>;
const servers: Server[] = [];
let coreUrl: string;
let workerUrl: string;
let accessToken: string;
let ccToken: string;
let staff: HttpSession;
let customer: HttpSession;

/** The command of a wire message: OP_MSG's first key; legacy OP_QUERY is only the handshake's hello. */
function commandName(msg: Buffer): string {
  if (msg.readInt32LE(12) !== 2013) return 'hello';
  // header (16), flagBits (4), section kind 0, document length (4), first element's type (1)
  if (msg[20] !== 0) return '';
  const at = 26;
  return msg.toString('utf8', at, msg.indexOf(0, at));
}

/** Still answered while wedged: what a wedged FerretDB still answered (no SQLite connection needed). */
const ANSWERED_WHILE_WEDGED = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'buildInfo', 'buildinfo']);

/** A TCP proxy to the database; `wedge(true)` swallows every command but the handshake and ping. */
async function startWedgeProxy(upstreamPort: number) {
  let wedged = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', close).on('close', close);
    }
    upstream.on('data', (d: Buffer) => client.write(d));
    let pending = Buffer.alloc(0);
    client.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const msg = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(msg.length);
        if (!wedged || ANSWERED_WHILE_WEDGED.has(commandName(msg))) upstream.write(msg);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    uri: `mongodb://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    wedge(on: boolean) {
      wedged = on;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function listenLocal(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-outage-'));
  ferretOptions = {
    binary: (await resolveTool(FERRETDB, () => undefined)).path,
    port: await freePort(),
    dataDir: path.join(dir, 'ferretdb'),
    stateDir: path.join(dir, 'ferretdb-state'),
    logFile: path.join(dir, 'ferretdb.log'),
  };
  ferret = await startFerretDb(ferretOptions);
  proxy = await startWedgeProxy(ferretOptions.port);
  // The stack's database on this test's FerretDB (the helpers read the address when they connect).
  const shared = process.env.TEST_MONGODB_URI;
  process.env.TEST_MONGODB_URI = proxy.uri;
  try {
    stack = await startOfbStack(import.meta.url, 'database-outage');
  } finally {
    process.env.TEST_MONGODB_URI = shared;
  }
  gw = await startTestGateway(stack);
  gwTight = await startTestGateway(stack, { requestBudgetMs: TIGHT_BUDGET_MS, introspectionCacheMs: 0 });
  await seedDemoStaff(stack.db.models);
  consoles = await startConsoles({ client: stack.client, db: stack.db, taskQueue: stack.names.taskQueue });
  // The mock core's and the worker's HTTP side, wired as their processes wire them.
  const { connection } = stack.db;
  coreUrl = await listenLocal(
    createCoreBankingApp({
      logger: quietLogger,
      core: new MongoCoreBanking(coreModels(connection)),
      readiness: [{ name: 'database', check: () => checkDatabaseReads(connection) }],
    }),
  );
  workerUrl = await listenLocal(
    createComponentApp({ logger: quietLogger, readiness: workerReadiness(connection, []) }),
  );

  // Before the outage: an authorised consent and its token, a client-credentials token, a staff
  // member's console session and a customer's self-service session.
  accessToken = (await authorisedConsent(stack, { customer: ana })).token;
  ccToken = (await oidc.clientCredentialsGrant(stack.rp.config, { scope: 'consents' })).access_token;
  staff = await staffSession(consoles.baseUrl, DEMO_STAFF[0]!);
  customer = new HttpSession(consoles.baseUrl);
  const form = await customer.request('/my/login');
  await customer.request('/my/login', {
    form: { csrf: hiddenField(form.text, 'csrf'), username: ana.username, password: ana.password },
  });
  const note = await stack.db.models.Notification.findOne({ to: ana.email, template: 'one-time-code' })
    .sort({ sentAt: -1 })
    .lean();
  const codeForm = await customer.request('/my/login/code');
  const loggedIn = await customer.request('/my/login/code', {
    form: { csrf: hiddenField(codeForm.text, 'csrf'), code: /is (\d{6})/.exec(note!.body)![1]! },
  });
  expect(loggedIn.location).toBe('/my/consents');
}, 180_000);

afterAll(async () => {
  // The stack drops its database on the way out: the server must be running, thawed, unwedged.
  proxy?.wedge(false);
  if (ferret && frozen) process.kill(ferret.pid, 'SIGCONT');
  if (!ferret && ferretOptions) ferret = await startFerretDb(ferretOptions).catch(() => undefined);
  for (const server of servers) await closeServer(server).catch(() => undefined);
  await consoles?.stop().catch(() => undefined);
  await gw?.stop().catch(() => undefined);
  await gwTight?.stop().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  await proxy?.stop();
  await ferret?.stop(2000);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

interface Answer {
  status: number;
  contentType: string;
  text: string;
  interactionId?: string | null;
  sentInteractionId?: string;
  ms: number;
}

const gatewayFetch = () => gw.fetcher(stack.rp.cert);
const asFetch = () => tlsFetch({ ca: stack.as.pki.ca.cert });

async function timed(call: () => Promise<Omit<Answer, 'ms'>>): Promise<Answer> {
  const started = Date.now();
  const answer = await call();
  return { ...answer, ms: Date.now() - started };
}

async function fromFetch(res: Response, sentInteractionId?: string): Promise<Omit<Answer, 'ms'>> {
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    text: await res.text(),
    interactionId: res.headers.get('x-fapi-interaction-id'),
    ...(sentInteractionId ? { sentInteractionId } : {}),
  };
}

/** A gateway call with a fresh interaction id, which every answer must echo. */
const gatewayCall = (route: () => string, token: () => string) => () => {
  const id = randomUUID();
  return gatewayFetch()(`${gw.url}${route()}`, {
    headers: { authorization: `Bearer ${token()}`, 'x-fapi-interaction-id': id, accept: 'application/json' },
  }).then((res) => fromFetch(res, id));
};

const page = (session: () => HttpSession, route: string) => async () => {
  const reply = await session().request(route, { headers: { accept: 'text/html' } });
  return { status: reply.status, contentType: reply.contentType, text: reply.text };
};

/** A representative endpoint of each kind, and what its failure must look like. */
const ENDPOINTS: Record<string, { call: () => Promise<Omit<Answer, 'ms'>>; failure: (a: Answer) => void }> = {
  'gateway OFB data call': {
    call: gatewayCall(
      () => '/open-banking/accounts/v2/accounts',
      () => accessToken,
    ),
    failure: (a) => {
      const body = JSON.parse(a.text) as { errors: { code: string; title: string; detail: string }[] };
      expect(body.errors[0]).toEqual({
        code: expect.any(String),
        title: expect.any(String),
        detail: expect.any(String),
      });
      expect(a.interactionId).toBe(a.sentInteractionId);
    },
  },
  'gateway FDX call': {
    // An FDX-shaped consent id, looked up in the database (an OFB URN would not be).
    call: gatewayCall(
      () => `/fdx/v6/consents/${'0'.repeat(24)}`,
      () => ccToken,
    ),
    failure: (a) => {
      expect(JSON.parse(a.text)).toEqual({
        code: expect.any(Number),
        message: expect.any(String),
        debugMessage: expect.any(String),
      });
      expect(a.interactionId).toBe(a.sentInteractionId);
    },
  },
  'AS token endpoint': {
    call: () =>
      oidc.clientCredentialsGrant(stack.rp.config, { scope: 'consents' }).then(
        () => ({ status: 200, contentType: 'application/json', text: '{}' }),
        // openid-client reads OAuth error bodies of 4xx answers only: a 5xx is the response itself.
        async (err: { status?: number; error?: string; message: string; cause?: unknown }) => {
          const res = err.cause as Response | undefined;
          return typeof res?.status === 'number' && typeof res.text === 'function'
            ? {
                status: res.status,
                contentType: res.headers.get('content-type') ?? '',
                text: await res.text(),
              }
            : {
                status: err.status ?? -1,
                contentType: '',
                text: JSON.stringify({ error: err.error ?? err.message }),
              };
        },
      ),
    failure: (a) => {
      expect(a.status).toBe(503);
      expect(JSON.parse(a.text)).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
    },
  },
  'console JSON API': {
    call: async () => {
      const reply = await staff.request('/admin/api/consents', { headers: { accept: 'application/json' } });
      return { status: reply.status, contentType: reply.contentType, text: reply.text };
    },
    failure: (a) => {
      expect(a.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(a.text)).toMatchObject({ status: a.status, title: expect.any(String) });
    },
  },
  'console page': {
    call: page(() => staff, '/admin/consents'),
    failure: (a) => {
      expect(a.contentType).toMatch(/^text\/html/);
      expect(a.text).toMatch(/Temporarily unavailable|This took too long/);
    },
  },
  'self-service page': {
    call: page(() => customer, '/my/consents'),
    failure: (a) => {
      expect(a.contentType).toMatch(/^text\/html/);
      expect(a.text).toMatch(/Temporarily unavailable|This took too long/);
    },
  },
  'core banking API': {
    call: () => fetch(`${coreUrl}/core/v1/customers/${ana.username}`).then((res) => fromFetch(res)),
    failure: (a) => expect(JSON.parse(a.text)).toMatchObject({ error: { code: 'UNAVAILABLE' } }),
  },
};

const READINESS: Record<string, () => Promise<Response>> = {
  gateway: () => gatewayFetch()(`${gw.url}/readyz`),
  'authorization server': () => asFetch()(`${stack.as.issuer}/readyz`),
  marketplace: () => fetch(`${consoles.baseUrl}/readyz`),
  worker: () => fetch(`${workerUrl}/readyz`),
  'core banking': () => fetch(`${coreUrl}/readyz`),
};

/** Every endpoint at once (as callers would keep calling), with how long each took to answer. */
async function callEverything(): Promise<Record<string, Answer>> {
  const entries = await Promise.all(
    Object.entries(ENDPOINTS).map(async ([name, e]) => {
      // A failed call (refused connection, reset) is recorded, not thrown: it is not an answer.
      const answer = await timed(() =>
        e.call().catch((err: Error) => ({ status: -1, contentType: '', text: err.message })),
      );
      return [name, answer] as const;
    }),
  );
  return Object.fromEntries(entries);
}

async function readiness(): Promise<Record<string, Answer & { body: { checks?: unknown[] } }>> {
  const entries = await Promise.all(
    Object.entries(READINESS).map(async ([name, call]) => {
      const answer = await timed(() => call().then((res) => fromFetch(res)));
      return [name, { ...answer, body: JSON.parse(answer.text) as { checks?: unknown[] } }] as const;
    }),
  );
  return Object.fromEntries(entries);
}

let baseline: Record<string, number>;

/** The gateway whose budget runs out first answers 504 in each standard, echoing the interaction id. */
async function expectBudgetAnswers() {
  const call = async (route: string, token: string) => {
    const id = randomUUID();
    const started = Date.now();
    const res = await gwTight.fetcher(stack.rp.cert)(`${gwTight.url}${route}`, {
      headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': id },
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      echoed: res.headers.get('x-fapi-interaction-id') === id,
      ms: Date.now() - started,
    };
  };
  const [ofb, fdx] = await Promise.all([
    call('/open-banking/accounts/v2/accounts', accessToken),
    call(`/fdx/v6/consents/${'0'.repeat(24)}`, ccToken),
  ]);
  console.info(
    `budget of ${TIGHT_BUDGET_MS} ms: OFB ${ofb.status} in ${ofb.ms} ms, FDX ${fdx.status} in ${fdx.ms} ms`,
  );
  expect(ofb).toMatchObject({
    status: 504,
    echoed: true,
    body: { errors: [{ code: 'GATEWAY_TIMEOUT', title: expect.any(String), detail: expect.any(String) }] },
  });
  expect(fdx).toMatchObject({
    status: 504,
    echoed: true,
    body: { code: expect.any(Number), message: expect.any(String), debugMessage: expect.any(String) },
  });
  for (const r of [ofb, fdx]) expect(r.ms).toBeLessThan(TIGHT_BUDGET_MS + 15_000);
}

/** While the database is away: fast standard errors everywhere, and every /readyz says why. */
async function expectFailingFast(outage: string) {
  const [answers, ready] = await Promise.all([callEverything(), readiness()]);
  console.info(
    `${outage}: ` +
      Object.entries(answers)
        .map(([name, a]) => `${name} ${a.status} in ${a.ms} ms`)
        .join(', '),
  );
  for (const [name, a] of Object.entries(answers)) {
    expect({
      name,
      unavailable: [503, 504].includes(a.status),
      answeredInTime: a.ms < ANSWERED_WITHIN_MS,
    }).toEqual({ name, unavailable: true, answeredInTime: true });
    ENDPOINTS[name]!.failure(a);
  }
  for (const [name, r] of Object.entries(ready)) {
    expect({ name, status: r.status }).toEqual({ name, status: 503 });
    expect(r.body.checks).toContainEqual({ name: 'database', status: 'failing', error: expect.any(String) });
    expect(r.ms).toBeLessThan(ANSWERED_WITHIN_MS);
  }
}

/** Once it is back: every endpoint answers as it did before the outage, and every /readyz is 200. */
async function expectRecovered() {
  await eventually(async () => {
    const [answers, ready] = await Promise.all([callEverything(), readiness()]);
    expect(Object.fromEntries(Object.entries(answers).map(([n, a]) => [n, a.status]))).toEqual(baseline);
    expect(Object.fromEntries(Object.entries(ready).map(([n, r]) => [n, r.status]))).toEqual(
      Object.fromEntries(Object.keys(READINESS).map((n) => [n, 200])),
    );
  }, RECOVERY_CEILING_MS);
}

describe('the platform while its database is away', () => {
  it('answers as usual with the database up', async () => {
    const answers = await callEverything();
    baseline = Object.fromEntries(Object.entries(answers).map(([n, a]) => [n, a.status]));
    // Real answers, not failures: these are what recovery is compared with.
    expect(baseline).toEqual({
      'gateway OFB data call': 200,
      'gateway FDX call': 404,
      'AS token endpoint': 200,
      'console JSON API': 200,
      'console page': 200,
      'self-service page': 200,
      'core banking API': 404,
    });
    for (const r of Object.values(await readiness())) expect(r.status).toBe(200);
  });

  it('answers 503/504 in each standard while the database answers ping but no query, and recovers', async () => {
    proxy.wedge(true);
    try {
      // The wedge as it was seen: the server still answers ping, so only a real read tells.
      await stack.db.connection.db!.admin().ping();
      await Promise.all([
        expectFailingFast('wedged database (ping answered, queries not)'),
        expectBudgetAnswers(),
      ]);
    } finally {
      proxy.wedge(false);
    }
    await expectRecovered();
  }, 240_000);

  it('answers 503/504 in each standard while the database is frozen, and recovers when it thaws', async () => {
    process.kill(ferret!.pid, 'SIGSTOP');
    frozen = true;
    try {
      await expectFailingFast('frozen database (SIGSTOP)');
    } finally {
      process.kill(ferret!.pid, 'SIGCONT');
      frozen = false;
    }
    await expectRecovered();
  }, 240_000);

  it('answers 503/504 in each standard while the database is stopped, and recovers when it restarts', async () => {
    await ferret!.stop(5000);
    ferret = undefined;
    try {
      await expectFailingFast('stopped database');
    } finally {
      ferret = await startFerretDb(ferretOptions);
    }
    await expectRecovered();
  }, 240_000);
});
