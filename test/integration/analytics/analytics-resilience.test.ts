// Analytics never fails a gateway call: under steady load, the analytics database is stopped for
// at least 10 s and until the buffer has overflowed, and started again. Every call still answers 200; the buffer counts its failed writes, drops
// (and counts, and reports) what does not fit, and writes what it held once the database is back.
// The analytics database is a FerretDB process of this test's own; consents, tokens and data
// fetches stay on the shared test database, which is never stopped.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { pino } from 'pino';
import type { GatewayCallEvent } from '../../../api/gateway/analytics.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { analyticsEventModel } from '../../../db/models/analytics-event.js';
import type { EventBuffer } from '../../../lib/analytics/event-buffer.js';
import { startEventBuffer } from '../../../lib/analytics/write-events.js';
import { startOwnFerretDb, type OwnFerretDb } from '../../helpers/ferretdb.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { eventually } from '../../helpers/eventually.js';
import { authorisedConsent, startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';

const BALANCES = '/open-banking/accounts/v2/accounts/acc-ana-checking/balances';
const CALLERS = 4;
/** Each phase lasts at least this long and until its condition holds (or its ceiling passes). */
const BEFORE_MS = 2500;
const OUTAGE_MS = 10_000;
const AFTER_MS = 3000;
/** Ceilings for a loaded machine, where calls and restarts are slow: they cost nothing otherwise. */
const PHASE_CEILING_MS = 120_000;
/** Small, so that a 10 s outage under load overflows it. */
const CAPACITY = 50;

let stack: OfbStack;
let gw: TestGateway;
let analyticsDb: OwnFerretDb;
let analytics: mongoose.Connection;
let events: EventBuffer<GatewayCallEvent>;
let dir: string;
/** What the buffer's error handler logged, as the gateway process logs it (api/gateway/server.ts). */
const warnings: Record<string, unknown>[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-analytics-'));
  [stack, analyticsDb] = await Promise.all([
    startOfbStack(import.meta.url, 'analytics-resilience'),
    startOwnFerretDb(dir),
  ]);
  // No command buffering: while the server is down a write fails within the server selection
  // timeout, instead of mongoose holding it for 10 s, so each failed attempt is seen and counted.
  analytics = await mongoose
    .createConnection(analyticsDb.uri, {
      dbName: 'analytics',
      serverSelectionTimeoutMS: 1000,
      retryWrites: false,
      bufferCommands: false,
    })
    .asPromise();
  const model = analyticsEventModel(analytics);
  await model.createIndexes();
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  // The components' own buffer (and its failure warning), made small so the outage overflows it.
  events = startEventBuffer<GatewayCallEvent>(model, logger, {
    capacity: CAPACITY,
    batchSize: 10,
    flushIntervalMs: 200,
  });
  gw = await startTestGateway(stack, { events });
}, 180_000);

afterAll(async () => {
  await gw?.stop();
  await events?.stop();
  await analytics?.close();
  await analyticsDb?.stop();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function authorisedToken() {
  const request = { permissions: ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'] };
  return (await authorisedConsent(stack, { customer: DEMO_CUSTOMERS[0]!, request })).token;
}

/** Wait at least `minMs`, then until `done()` holds; fail naming `what` after the ceiling. */
async function phase(what: string, minMs: number, done: () => boolean): Promise<void> {
  const started = Date.now();
  await eventually(async () => {
    if (Date.now() - started < minMs || !done()) throw new Error(`still waiting: ${what}`);
  }, minMs + PHASE_CEILING_MS);
}

describe('gateway analytics while its database is down', () => {
  it('answers every call, counts failed writes and drops, and writes what it held after the restart', async () => {
    const token = await authorisedToken();
    const fetcher = gw.fetcher(stack.rp.cert);
    const calls: { at: number; status: number | string }[] = [];
    const call = async () => {
      const status = await fetcher(`${gw.url}${BALANCES}`, {
        headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': randomUUID() },
      }).then(
        async (res) => (await res.arrayBuffer(), res.status),
        (err: Error) => err.message,
      );
      calls.push({ at: Date.now(), status });
    };
    await call(); // the token's introspection is cached from the first call

    let loading = true;
    const load = Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (loading) await call();
      }),
    );
    let stopping: number, down: number, starting: number, up: number;
    let beforeOutage: ReturnType<typeof events.stats>, duringOutage: ReturnType<typeof events.stats>;
    try {
      await phase('the first analytics events written', BEFORE_MS, () => events.stats().written > 0);
      stopping = Date.now();
      await analyticsDb.stop();
      down = Date.now();
      beforeOutage = events.stats();
      // However slowly calls come on a loaded machine, the outage lasts until the buffer overflows.
      await phase(
        'the buffer to overflow while the database is down',
        OUTAGE_MS,
        () => events.stats().dropped > beforeOutage.dropped,
      );
      duringOutage = events.stats();
      starting = Date.now();
      await analyticsDb.start();
      up = Date.now();
      await phase(
        'writes again after the restart',
        AFTER_MS,
        () => events.stats().written > duringOutage.written,
      );
    } finally {
      loading = false;
      await load;
    }
    const restartMs = up - starting;
    await events.flush();
    const after = events.stats();

    const failed = calls.filter((c) => c.status !== 200);
    const inOutage = calls.filter((c) => c.at >= down && c.at < up).length;
    const model = analyticsEventModel(analytics);
    const stored = await model.countDocuments({ type: 'gateway.call' });
    console.info(
      `analytics outage: ${calls.length} gateway calls, ${inOutage} while the database was down ` +
        `(${((up - down) / 1000).toFixed(1)} s: stopping took ${down - stopping} ms, starting ${restartMs} ms), ` +
        `${failed.length} not 200; ` +
        `buffer before ${JSON.stringify(beforeOutage)}, at the restart ${JSON.stringify(duringOutage)}, ` +
        `at the end ${JSON.stringify(after)}; ${stored} events stored; ` +
        `${warnings.length} 'analytics write failed' warnings, the last with dropped=${String(warnings.at(-1)?.dropped)}`,
    );

    // No call failed, whatever analytics went through.
    expect(failed).toEqual([]);
    expect(inOutage).toBeGreaterThan(0);
    // While it was down: writes failed and were counted; the buffer filled up and dropped the rest.
    expect(duringOutage.failedWrites).toBeGreaterThan(beforeOutage.failedWrites);
    expect(duringOutage.written).toBe(beforeOutage.written);
    expect(duringOutage.buffered).toBe(CAPACITY);
    expect(after.dropped).toBeGreaterThan(0);
    // ...and said so, with the drop count, in the log an operator reads.
    expect(warnings.some((w) => w.msg === 'analytics write failed' && Number(w.dropped) > 0)).toBe(true);
    // Once back, it wrote what it held: every call is written or counted as dropped, none lost.
    expect(after.written).toBeGreaterThan(duringOutage.written);
    expect(after.buffered).toBe(0);
    expect(after.written + after.dropped + after.buffered).toBe(calls.length);
    expect(stored).toBe(after.written);
  }, 600_000);
});
