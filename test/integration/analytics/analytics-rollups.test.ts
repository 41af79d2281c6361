// Analytics roll-ups against the real database and Temporal dev server: a known set of raw events
// (calls of two clients across two minutes, consent transitions, token and login events) summed
// into minutes, hours and days by the activities and by the `analyticsRollup` workflow on a real
// worker; the exact numbers the queries return, for the bank and for each client's scope; re-runs
// that change nothing; retention; the schedule; and the bank's insights page and JSON API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { createAnalyticsActivities } from '../../../activities/analytics.js';
import { DEMO_STAFF, seedDemoStaff } from '../../../api/consent-admin/demo-staff.js';
import { INSIGHTS_ASSETS } from '../../../lib/analytics/insights-view.js';
import {
  analyticsQueries,
  type AnalyticsRange,
  type AnalyticsScope,
} from '../../../lib/analytics/queries.js';
import { loadConfig } from '../../../lib/config.js';
import { housekeepingWorker } from '../../../workers/housekeeping.js';
import {
  ANALYTICS_ROLLUP_SCHEDULE_ID,
  analyticsRollupInput,
  ensureAnalyticsRollupSchedule,
} from '../../../workers/schedules.js';
import { analyticsRollup, ANALYTICS_ROLLUP_DEFAULTS } from '../../../workflows/analytics.js';
import { launchBrowser, withScreenshot } from '../../helpers/browser.js';
import { HttpSession, pageText, staffSession, startConsoles } from '../../helpers/consoles.js';
import { gatewayCalls, stats } from '../../helpers/analytics-events.js';
import { uniqueNames } from '../../helpers/env.js';
import { recordHistory } from '../../helpers/histories.js';
import { quietLogger, startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let marketplace: Awaited<ReturnType<typeof startConsoles>>;

const A = `${names.prefix}-a`;
const B = `${names.prefix}-b`;
const ORG_A = `${names.prefix}-org-a`;
const ACCOUNTS = '/open-banking/accounts/v2/accounts';
const BALANCES = '/open-banking/accounts/v2/accounts/:accountId/balances';
const FDX_ACCOUNTS = '/fdx/v6/accounts';
const FDX_TRANSACTIONS = '/fdx/v6/accounts/:accountId/transactions';

const M1 = '2026-03-14T23:58';
const M2 = '2026-03-14T23:59';
const at = (minute: string, second: number) => new Date(`${minute}:${String(second).padStart(2, '0')}Z`);

let seq = 0;
const id = (kind: string) => `${names.prefix}-${kind}-${++seq}`;

/** A gateway call (A's calls also name its organization). */
const call = gatewayCalls(names.prefix, (clientId) => (clientId === A ? ORG_A : undefined));

/** A consent transition as activities/consent.ts records it. */
const consent = (
  minute: string,
  second: number,
  clientId: string,
  consentId: string,
  action: string,
  code?: string,
) => ({
  _id: `consent:${consentId}:${++seq}`,
  type: `consent.${action}`,
  at: at(minute, second),
  standard: clientId === B ? 'FDX' : 'OFB',
  clientId,
  consentId,
  ...(code ? { code } : {}),
  actor: clientId,
});

const auth = (minute: string, second: number, type: string, clientId: string, code?: string) => ({
  _id: id('auth'),
  type: `auth.${type}`,
  at: at(minute, second),
  clientId,
  ...(code ? { code } : {}),
});

const EVENTS = [
  // Minute 1: A 4 calls (one 500), B 1 call.
  call(at(M1, 1), A, ACCOUNTS, 200, 4, 100),
  call(at(M1, 2), A, ACCOUNTS, 200, 20, 100),
  call(at(M1, 3), A, BALANCES, 200, 40, 50),
  call(at(M1, 4), A, BALANCES, 500, 300, 10),
  call(at(M1, 5), B, FDX_ACCOUNTS, 200, 8, 200),
  // Minute 2: A 2 calls (one 404), B 3 (one 429, one slower than every bound), one without a token.
  call(at(M2, 1), A, ACCOUNTS, 200, 90, 100),
  call(at(M2, 2), A, ACCOUNTS, 404, 3, 20),
  call(at(M2, 3), B, FDX_ACCOUNTS, 200, 1200, 200),
  call(at(M2, 4), B, FDX_ACCOUNTS, 429, 2, 0),
  call(at(M2, 5), B, FDX_TRANSACTIONS, 200, 45_000, 5000),
  call(at(M2, 6), undefined, ACCOUNTS, 401, 1, 0),
  // Consents: A lodges 4 (2 authorised, one of them revoked; 1 rejected; 1 expired), B lodges 1 (authorised, held).
  consent(M1, 10, A, 'c1', 'lodge'),
  consent(M1, 11, A, 'c1', 'authorise'),
  consent(M2, 10, A, 'c1', 'reject', 'CUSTOMER_MANUALLY_REVOKED'),
  consent(M1, 12, A, 'c2', 'lodge'),
  consent(M2, 11, A, 'c2', 'reject', 'CUSTOMER_MANUALLY_REJECTED'),
  consent(M2, 12, A, 'c3', 'lodge'),
  consent(M2, 13, A, 'c3', 'authorise'),
  consent(M2, 14, A, 'c4', 'lodge'),
  consent(M2, 15, A, 'c4', 'reject', 'CONSENT_EXPIRED'),
  consent(M1, 13, B, 'c5', 'lodge'),
  consent(M2, 16, B, 'c5', 'authorise'),
  consent(M2, 17, B, 'c5', 'hold'),
  // Tokens and logins.
  auth(M1, 20, 'token_issued', A, 'authorization_code'),
  auth(M1, 21, 'token_issued', A, 'authorization_code'),
  auth(M2, 20, 'token_issued', A, 'refresh_token'),
  auth(M2, 21, 'token_denied', A, 'invalid_grant'),
  auth(M1, 22, 'token_issued', B, 'client_credentials'),
  auth(M1, 23, 'login_succeeded', A),
  auth(M1, 24, 'login_failed', A, 'invalid'),
  auth(M2, 22, 'login_succeeded', B),
  // Not counted: an event type the roll-ups do not know.
  { _id: id('other'), type: 'marketplace.visit', at: at(M2, 30), clientId: A },
];

const BANK: AnalyticsScope = {};
const ONLY_A: AnalyticsScope = { clientIds: [A] };
const ONLY_B: AnalyticsScope = { clientIds: [B] };
const NOBODY: AnalyticsScope = { clientIds: [] };

const MINUTES: AnalyticsRange = {
  from: new Date(`${M1}:00Z`),
  to: new Date('2026-03-15T00:00:00Z'),
  granularity: 'minute',
};
const HOUR: AnalyticsRange = {
  from: new Date('2026-03-14T23:00:00Z'),
  to: new Date('2026-03-15T00:00:00Z'),
  granularity: 'hour',
};
const DAY: AnalyticsRange = {
  from: new Date('2026-03-14T00:00:00Z'),
  to: new Date('2026-03-15T00:00:00Z'),
  granularity: 'day',
};

// Latencies (ms) → histogram bounds: A 4,20,40,300 | 90,3; B 8 | 1200,2,45000; no client 1.
const A_TOTAL = stats(6, 2, 0.3333, 380, 76.2, 25, 500);
const B_TOTAL = stats(4, 1, 0.25, 5400, 11552.5, 10, 30_000);
const BANK_TOTAL = stats(11, 4, 0.3636, 5780, 4242.5, 25, 30_000);
const NOTHING = stats(0, 0, 0, 0, null, null, null);

const A_FUNNEL = { created: 4, authorised: 2, rejected: 1, revoked: 1, expired: 1, authorisationRate: 0.5 };
const B_FUNNEL = { created: 1, authorised: 1, rejected: 0, revoked: 0, expired: 0, authorisationRate: 1 };
const BANK_FUNNEL = {
  created: 5,
  authorised: 3,
  rejected: 1,
  revoked: 1,
  expired: 1,
  authorisationRate: 0.6,
};
const NO_FUNNEL = { created: 0, authorised: 0, rejected: 0, revoked: 0, expired: 0, authorisationRate: null };

const consentBucket = (bucket: string, c: Partial<Record<string, number>>) => ({
  bucket,
  created: 0,
  authorised: 0,
  rejected: 0,
  revoked: 0,
  expired: 0,
  extended: 0,
  held: 0,
  released: 0,
  ...c,
});

const queries = () => analyticsQueries(db.models);
const activities = () => createAnalyticsActivities({ models: db.models });

/** Every query's answer for a scope and range, to compare runs. */
async function everything(scope: AnalyticsScope, range: AnalyticsRange) {
  return queries().report(scope, range);
}

/** The exact aggregates of the known events, at every granularity. */
async function expectKnownAggregates() {
  const q = queries();
  for (const range of [MINUTES, HOUR, DAY]) {
    expect(await q.callSummary(BANK, range)).toEqual(BANK_TOTAL);
    expect(await q.callSummary(ONLY_A, range)).toEqual(A_TOTAL);
    expect(await q.callSummary(ONLY_B, range)).toEqual(B_TOTAL);
    expect(await q.callSummary({ clientIds: [A, B] }, range)).toEqual(
      stats(10, 3, 0.3, 5780, 4666.7, 25, 30_000),
    );
    expect(await q.consentFunnel(BANK, range)).toEqual(BANK_FUNNEL);
    expect(await q.consentFunnel(ONLY_A, range)).toEqual(A_FUNNEL);
    expect(await q.consentFunnel(ONLY_B, range)).toEqual(B_FUNNEL);
    expect(await q.auth(BANK, range)).toEqual({
      tokensIssued: 4,
      tokensDenied: 1,
      loginsSucceeded: 2,
      loginsFailed: 1,
    });
    expect(await q.auth(ONLY_A, range)).toEqual({
      tokensIssued: 3,
      tokensDenied: 1,
      loginsSucceeded: 1,
      loginsFailed: 1,
    });
  }

  // Per minute.
  expect(await q.calls(ONLY_A, MINUTES)).toEqual([
    { bucket: `${M1}:00.000Z`, ...stats(4, 1, 0.25, 260, 91, 25, 500) },
    { bucket: `${M2}:00.000Z`, ...stats(2, 1, 0.5, 120, 46.5, 5, 100) },
  ]);
  expect(await q.calls(BANK, MINUTES)).toEqual([
    { bucket: `${M1}:00.000Z`, ...stats(5, 1, 0.2, 460, 74.4, 25, 500) },
    { bucket: `${M2}:00.000Z`, ...stats(6, 3, 0.5, 5320, 7716, 5, 30_000) },
  ]);
  expect(await q.calls(BANK, HOUR)).toEqual([{ bucket: '2026-03-14T23:00:00.000Z', ...BANK_TOTAL }]);
  expect(await q.consents(ONLY_A, MINUTES)).toEqual([
    consentBucket(`${M1}:00.000Z`, { created: 2, authorised: 1 }),
    consentBucket(`${M2}:00.000Z`, { created: 2, authorised: 1, rejected: 1, revoked: 1, expired: 1 }),
  ]);
  expect(await q.consents(BANK, DAY)).toEqual([
    consentBucket('2026-03-14T00:00:00.000Z', {
      created: 5,
      authorised: 3,
      rejected: 1,
      revoked: 1,
      expired: 1,
      held: 1,
    }),
  ]);

  // Endpoints: every one for the bank, most called first; the top two; and A's own.
  expect(await q.endpoints(BANK, DAY)).toEqual([
    { method: 'GET', endpoint: ACCOUNTS, ...stats(5, 2, 0.4, 320, 23.6, 5, 100) },
    { method: 'GET', endpoint: FDX_ACCOUNTS, ...stats(3, 1, 0.3333, 400, 403.3, 10, 2500) },
    { method: 'GET', endpoint: BALANCES, ...stats(2, 1, 0.5, 60, 170, 50, 500) },
    { method: 'GET', endpoint: FDX_TRANSACTIONS, ...stats(1, 0, 0, 5000, 45_000, 30_000, 30_000) },
  ]);
  expect((await q.topEndpoints(BANK, HOUR, 2)).map((e) => [e.endpoint, e.calls])).toEqual([
    [ACCOUNTS, 5],
    [FDX_ACCOUNTS, 3],
  ]);
  expect(await q.endpoints(ONLY_A, MINUTES)).toEqual([
    { method: 'GET', endpoint: ACCOUNTS, ...stats(4, 1, 0.25, 320, 29.3, 5, 100) },
    { method: 'GET', endpoint: BALANCES, ...stats(2, 1, 0.5, 60, 170, 50, 500) },
  ]);
}

async function rollUpAll() {
  const act = activities();
  const minutes = await act.rollUp({ granularity: 'minute', from: `${M1}:00Z`, to: '2026-03-15T00:00:00Z' });
  const hours = await act.rollUp({
    granularity: 'hour',
    from: '2026-03-14T23:00:00Z',
    to: '2026-03-15T00:00:00Z',
  });
  const days = await act.rollUp({
    granularity: 'day',
    from: '2026-03-14T00:00:00Z',
    to: '2026-03-15T00:00:00Z',
  });
  return { minutes, hours, days };
}

const allRollups = () => db.models.AnalyticsRollup.find({}).sort({ _id: 1 }).lean();

/** The roll-up watermark as stored (ISO), or null. */
const watermark = async () => {
  const doc = await db.models.AnalyticsState.findById('rollup').lean();
  return doc ? doc.rolledUpTo.toISOString() : null;
};

const logIn = (who: { email: string; password: string }) =>
  staffSession(marketplace.baseUrl, who, '/admin/insights');

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  client = temporal.client;
  worker = await startTestWorker(housekeepingWorker({ models: db.models }, names.taskQueue));
  // Written as stored, so that the organization id the gateway may record is kept too.
  await db.connection.collection('analytics_events').insertMany(EVENTS as never[]);
});

afterAll(async () => {
  await client?.schedule
    .getHandle(ANALYTICS_ROLLUP_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
  await marketplace?.stop();
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
});

describe('analytics roll-ups', () => {
  it('sums the raw events into minutes, hours and days with the exact aggregates, for every scope', async () => {
    const { minutes, hours, days } = await rollUpAll();
    expect(minutes).toMatchObject({ granularity: 'minute', sources: EVENTS.length });
    // Per minute: A calls 3 dims + 2 dims, B 1 + 2, no client 1; consents A, B; auth dims.
    expect(minutes.documents).toBeGreaterThan(0);
    expect(hours).toMatchObject({ granularity: 'hour', sources: minutes.documents });
    expect(days).toMatchObject({ granularity: 'day', sources: hours.documents, documents: hours.documents });

    // Deterministic ids, dimensions as recorded (the organization id included).
    const doc = await db.models.AnalyticsRollup.findById(
      `minute|${M1}|call|${A}|${ORG_A}|OFB|GET|${BALANCES}|5xx|`,
    ).lean();
    expect(doc).toMatchObject({
      granularity: 'minute',
      kind: 'call',
      clientId: A,
      organizationId: ORG_A,
      statusClass: '5xx',
      count: 1,
      errorCount: 1,
      bytes: 10,
      latencySumMs: 300,
      latencyLe500: 1,
    });
    expect(
      await db.models.AnalyticsRollup.findById(`day|2026-03-14|consent|${B}||FDX||||`).lean(),
    ).toMatchObject({ count: 3, consentsCreated: 1, consentsAuthorised: 1, consentsHeld: 1 });

    await expectKnownAggregates();
  });

  it('gives the same documents and answers when the same windows are rolled up again', async () => {
    const before = await allRollups();
    const answers = await everything(BANK, MINUTES);
    await rollUpAll();
    // An unaligned window is widened to whole minutes: the same two minutes again.
    await activities().rollUp({ granularity: 'minute', from: `${M1}:30Z`, to: `${M2}:10Z` });
    expect(await allRollups()).toEqual(before);
    expect(await everything(BANK, MINUTES)).toEqual(answers);
    await expectKnownAggregates();
  });

  it("keeps each scope to its own clients: A never sees B's numbers, an empty scope sees nothing", async () => {
    const q = queries();
    for (const range of [MINUTES, HOUR, DAY]) {
      const a = await q.report(ONLY_A, range);
      expect(a.endpoints.map((e) => e.endpoint)).toEqual([ACCOUNTS, BALANCES]);
      expect(JSON.stringify(a)).not.toContain('/fdx/');
      expect(a.summary).toEqual(A_TOTAL);

      const none = await q.report(NOBODY, range);
      expect(none.summary).toEqual(NOTHING);
      expect(none.endpoints).toEqual([]);
      expect(none.funnel).toEqual(NO_FUNNEL);
      expect(none.auth).toEqual({ tokensIssued: 0, tokensDenied: 0, loginsSucceeded: 0, loginsFailed: 0 });
      expect(none.calls.every((b) => b.calls === 0)).toBe(true);
      expect(none.consents.every((b) => b.created + b.authorised + b.held === 0)).toBe(true);

      const stranger = await q.report({ clientIds: ['someone-else'] }, range);
      expect({ ...stranger, range: none.range }).toEqual(none);
    }
  });

  it('reads the newest, still open buckets from the finer roll-ups', async () => {
    // "Now" is 00:30 on the next day: the day and the hour of the events are the previous ones,
    // read from hours and minutes — with the hour and day roll-ups deleted, the numbers are the same.
    const now = Date.parse('2026-03-15T00:30:00Z');
    const q = analyticsQueries(db.models, { now: () => now });
    const saved = await db.models.AnalyticsRollup.find({ granularity: { $in: ['hour', 'day'] } }).lean();
    await db.models.AnalyticsRollup.deleteMany({ granularity: { $in: ['hour', 'day'] } });
    try {
      const today = { ...DAY, to: new Date('2026-03-16T00:00:00Z') };
      expect(await q.callSummary(BANK, today)).toEqual(BANK_TOTAL);
      expect((await q.calls(ONLY_A, today)).map((b) => [b.bucket, b.calls])).toEqual([
        ['2026-03-14T00:00:00.000Z', 6],
        ['2026-03-15T00:00:00.000Z', 0],
      ]);
      expect(await q.consentFunnel(ONLY_A, { ...HOUR, to: new Date('2026-03-15T01:00:00Z') })).toEqual(
        A_FUNNEL,
      );
    } finally {
      await db.models.AnalyticsRollup.insertMany(saved);
    }
  });

  it('deletes raw events and roll-ups older than their retention, and nothing younger', async () => {
    reference = await allRollups();
    await db.models.AnalyticsRollup.deleteMany({});
    await db.models.AnalyticsEvent.deleteMany({});
    const act = activities();
    const now = Date.parse('2026-06-01T00:00:00Z');
    const day = 86_400_000;
    const rollup = (granularity: string, bucket: number) => ({
      _id: `${granularity}|retention-${bucket}|call|x||||||`,
      granularity,
      bucket: new Date(bucket),
      kind: 'call',
      key: 'call|x||||||',
      clientId: 'x',
      count: 1,
      errorCount: 0,
    });
    await db.models.AnalyticsRollup.insertMany([
      rollup('minute', now - 3 * day),
      rollup('minute', now - 1 * day),
      rollup('hour', now - 100 * day),
      rollup('hour', now - 80 * day),
      rollup('day', now - 800 * day),
      rollup('day', now - 700 * day),
    ]);
    await db.models.AnalyticsEvent.insertMany([
      { _id: `${names.prefix}-old`, type: 'gateway.call', at: new Date(now - 8 * day) },
      { _id: `${names.prefix}-young`, type: 'gateway.call', at: new Date(now - 6 * day) },
    ]);
    const ages = {
      rawMs: 7 * day,
      minuteMs: 2 * day,
      hourMs: 90 * day,
      dayMs: 730 * day,
      now: new Date(now).toISOString(),
    };
    expect(await act.applyRetention(ages)).toEqual({ raw: 1, minute: 1, hour: 1, day: 1 });
    expect((await allRollups()).map((d) => d._id)).toEqual([
      `day|retention-${now - 700 * day}|call|x||||||`,
      `hour|retention-${now - 80 * day}|call|x||||||`,
      `minute|retention-${now - 1 * day}|call|x||||||`,
    ]);
    expect(await db.models.AnalyticsEvent.distinct('_id')).toEqual([`${names.prefix}-young`]);
    // Again: nothing more is old enough.
    expect(await act.applyRetention(ages)).toEqual({ raw: 0, minute: 0, hour: 0, day: 0 });
    await expect(act.applyRetention({ ...ages, rawMs: 0 })).rejects.toThrow(/positive durations/);

    // The known events again, without roll-ups: the workflow computes them next.
    await db.models.AnalyticsRollup.deleteMany({});
    await db.models.AnalyticsEvent.deleteMany({});
    await db.connection.collection('analytics_events').insertMany(EVENTS as never[]);
  });
});

/** The roll-ups the activities computed, which the workflow must reproduce. */
let reference: Awaited<ReturnType<typeof allRollups>> = [];

describe('the analyticsRollup workflow', () => {
  it('rolls up the closed minutes, the hour and the day that closed, and applies retention', async () => {
    const day = 86_400_000;
    // Past their retention at the run's time: one raw event and one minute roll-up.
    await db.models.AnalyticsEvent.create({
      _id: `${names.prefix}-stale`,
      type: 'gateway.call',
      at: new Date('2026-03-01T00:00:00Z'),
    });
    await db.models.AnalyticsRollup.create({
      _id: 'minute|2026-03-10T00:00|call|stale||||||',
      granularity: 'minute',
      bucket: new Date('2026-03-10T00:00:00Z'),
      kind: 'call',
      key: 'call|stale||||||',
      count: 1,
      errorCount: 0,
    });
    const input = {
      ...ANALYTICS_ROLLUP_DEFAULTS,
      retention: { rawMs: 7 * day, minuteMs: 2 * day, hourMs: 90 * day, dayMs: 730 * day },
      // 20 s after midnight, with 15 s of lateness: the minutes up to midnight have closed.
      at: '2026-03-15T00:00:20Z',
    };
    // The first run finds no watermark: it rolls up the catch-up window, and records one.
    expect(await watermark()).toBeNull();
    const handle = await client.workflow.start(analyticsRollup, {
      taskQueue: names.taskQueue,
      workflowId: `${names.prefix}-rollup`,
      args: [input],
    });
    const result = await handle.result();
    const minuteDocs = reference.filter((d) => d.granularity === 'minute').length;
    const hourDocs = reference.filter((d) => d.granularity === 'hour').length;
    expect(result).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-14T23:55:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        sources: EVENTS.length,
        documents: minuteDocs,
      },
      hours: {
        granularity: 'hour',
        from: '2026-03-14T23:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        sources: minuteDocs,
        documents: hourDocs,
      },
      days: {
        granularity: 'day',
        from: '2026-03-14T00:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        sources: hourDocs,
        documents: hourDocs,
      },
      watermark: { from: null, to: '2026-03-15T00:00:00.000Z' },
      caughtUp: true,
      retention: { raw: 1, minute: 1, hour: 0, day: 0 },
    });
    expect(await watermark()).toBe('2026-03-15T00:00:00.000Z');
    // The same documents as the activities computed, and so the same answers.
    expect(await allRollups()).toEqual(reference);
    await expectKnownAggregates();
    await recordHistory('analyticsRollup-closed-day', handle);

    // A run in the middle of an hour rolls up minutes only, and leaves retention for the hour's end.
    // It counts from before the watermark: its catch-up window is recomputed, the watermark stays.
    const mid = await client.workflow.execute(analyticsRollup, {
      taskQueue: names.taskQueue,
      workflowId: `${names.prefix}-rollup-mid`,
      args: [{ ...input, at: '2026-03-14T23:59:30Z' }],
    });
    expect(mid).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-14T23:54:00.000Z',
        to: '2026-03-14T23:59:00.000Z',
        sources: EVENTS.filter((e) => e.at < new Date(`${M2}:00Z`)).length,
        documents: reference.filter((d) => d.granularity === 'minute' && d._id.includes(M1)).length,
      },
      watermark: { from: '2026-03-15T00:00:00.000Z', to: '2026-03-15T00:00:00.000Z' },
      caughtUp: true,
    });
    expect(await allRollups()).toEqual(reference);
    expect(await watermark()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('catches up after an outage from the watermark, in bounded chunks, with the exact numbers', async () => {
    // The worker was down from midnight to 01:10: C's calls of 00:30 to 00:39 (an error in every
    // odd minute) are older than the catch-up window; one call of 01:07 is within it.
    const C = `${names.prefix}-c`;
    const ONLY_C: AnalyticsScope = { clientIds: [C] };
    const outage = [
      ...Array.from({ length: 10 }, (_, i) => {
        const minute = `2026-03-15T00:${30 + i}`;
        const ok = call(at(minute, 5), C, ACCOUNTS, 200, 10, 100);
        return i % 2 ? [ok, call(at(minute, 6), C, BALANCES, 500, 200, 0)] : [ok];
      }).flat(),
      call(at('2026-03-15T01:07', 10), C, ACCOUNTS, 200, 10, 100),
    ];
    await db.connection.collection('analytics_events').insertMany(outage as never[]);
    const day = 86_400_000;
    const input = {
      ...ANALYTICS_ROLLUP_DEFAULTS,
      retention: { rawMs: 7 * day, minuteMs: 2 * day, hourMs: 90 * day, dayMs: 730 * day },
      // 01:10 has closed; not on the hour, so no retention.
      at: '2026-03-15T01:10:20Z',
    };
    const run = (workflowId: string, args: typeof input) =>
      client.workflow.execute(analyticsRollup, {
        taskQueue: names.taskQueue,
        workflowId: `${names.prefix}-${workflowId}`,
        args: [args],
      });
    const inFirstHour = outage.filter((e) => e.at < new Date('2026-03-15T01:00:00Z')).length;
    expect(inFirstHour).toBe(15);

    // One chunk per run at most: the hour from midnight, and the hour that closed; not caught up.
    expect(await watermark()).toBe('2026-03-15T00:00:00.000Z');
    expect(await run('outage-1', { ...input, maxChunksPerRun: 1 })).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-15T00:00:00.000Z',
        to: '2026-03-15T01:00:00.000Z',
        sources: 15,
        // A 2xx document every minute, a 5xx one every odd minute.
        documents: 15,
      },
      hours: {
        granularity: 'hour',
        from: '2026-03-15T00:00:00.000Z',
        to: '2026-03-15T01:00:00.000Z',
        sources: 15,
        documents: 2,
      },
      watermark: { from: '2026-03-15T00:00:00.000Z', to: '2026-03-15T01:00:00.000Z' },
      caughtUp: false,
    });
    expect(await watermark()).toBe('2026-03-15T01:00:00.000Z');

    // The next run goes on from there to the last closed minute.
    expect(await run('outage-2', input)).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-15T01:00:00.000Z',
        to: '2026-03-15T01:10:00.000Z',
        sources: 1,
        documents: 1,
      },
      watermark: { from: '2026-03-15T01:00:00.000Z', to: '2026-03-15T01:10:00.000Z' },
      caughtUp: true,
    });
    expect(await watermark()).toBe('2026-03-15T01:10:00.000Z');

    // Read at the runs' time: the closed hour from its roll-up, the open one from its minutes.
    const q = analyticsQueries(db.models, { now: () => Date.parse(input.at) });
    const afterMidnight = (granularity: AnalyticsRange['granularity']): AnalyticsRange => ({
      from: new Date('2026-03-15T00:00:00Z'),
      to: new Date('2026-03-15T02:00:00Z'),
      granularity,
    });
    // 16 calls (5 errors), 1100 bytes; latencies 11 × 10 ms and 5 × 200 ms.
    const C_TOTAL = stats(16, 5, 0.3125, 1100, 69.4, 10, 250);
    expect(await q.callSummary(ONLY_C, afterMidnight('minute'))).toEqual(C_TOTAL);
    expect(await q.callSummary(ONLY_C, afterMidnight('hour'))).toEqual(C_TOTAL);
    const counted = (buckets: { bucket: string; calls: number; errors: number }[]) =>
      buckets.filter((b) => b.calls > 0).map((b) => [b.bucket, b.calls, b.errors]);
    expect(counted(await q.calls(ONLY_C, afterMidnight('minute')))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => [`2026-03-15T00:${30 + i}:00.000Z`, 1 + (i % 2), i % 2]),
      ['2026-03-15T01:07:00.000Z', 1, 0],
    ]);
    expect(counted(await q.calls(ONLY_C, afterMidnight('hour')))).toEqual([
      ['2026-03-15T00:00:00.000Z', 15, 5],
      ['2026-03-15T01:00:00.000Z', 1, 0],
    ]);
    // The bank's numbers of the day before are as they were.
    await expectKnownAggregates();

    // Set back by an operator to long ago: recomputed from the oldest whole hour whose raw events
    // are all kept (23:00 with 2.4 hours of them), in three chunks, into the very same documents.
    const before = await allRollups();
    await db.models.AnalyticsState.updateOne(
      { _id: 'rollup' },
      { $set: { rolledUpTo: new Date('2026-03-14T00:00:00Z') } },
    );
    const shortRaw = { ...input, retention: { ...input.retention, rawMs: 0.1 * day } };
    const minuteDocs = reference.filter((d) => d.granularity === 'minute').length;
    const hourDocs = reference.filter((d) => d.granularity === 'hour').length;
    const handle = await client.workflow.start(analyticsRollup, {
      taskQueue: names.taskQueue,
      workflowId: `${names.prefix}-outage-reset`,
      args: [shortRaw],
    });
    expect(await handle.result()).toEqual({
      minutes: {
        granularity: 'minute',
        from: '2026-03-14T23:00:00.000Z',
        to: '2026-03-15T01:10:00.000Z',
        sources: EVENTS.length + outage.length,
        documents: minuteDocs + 16,
      },
      hours: {
        granularity: 'hour',
        from: '2026-03-14T23:00:00.000Z',
        to: '2026-03-15T01:00:00.000Z',
        sources: minuteDocs + 15,
        documents: hourDocs + 2,
      },
      days: {
        granularity: 'day',
        from: '2026-03-14T00:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        sources: hourDocs,
        documents: hourDocs,
      },
      watermark: { from: '2026-03-14T00:00:00.000Z', to: '2026-03-15T01:10:00.000Z' },
      caughtUp: true,
    });
    expect(await allRollups()).toEqual(before);
    expect(await watermark()).toBe('2026-03-15T01:10:00.000Z');
    await recordHistory('analyticsRollup-caught-up', handle);

    // The watermark only moves forward, to whole minutes.
    const act = activities();
    expect(await act.advanceRollupWatermark({ to: '2026-03-15T00:00:00Z' })).toBe('2026-03-15T01:10:00.000Z');
    await expect(act.advanceRollupWatermark({ to: '2026-03-15T01:11:30Z' })).rejects.toThrow(
      /not a whole minute/,
    );
    expect(await act.readRollupWatermark()).toBe('2026-03-15T01:10:00.000Z');
  });
});

describe("the bank's insights page and API", () => {
  let viewer: HttpSession;
  let anonymous: HttpSession;
  const [, VIEWER] = DEMO_STAFF as [(typeof DEMO_STAFF)[0], (typeof DEMO_STAFF)[0]];
  const MINUTE_QUERY = `granularity=minute&from=${M1}&to=2026-03-15T00:00`;

  beforeAll(async () => {
    await seedDemoStaff(db.models);
    marketplace = await startConsoles({ client, db, taskQueue: names.taskQueue });
    viewer = await logIn(VIEWER);
    anonymous = new HttpSession(marketplace.baseUrl);
  });

  it('needs a staff session: the API answers 401, the page sends to the log-in form', async () => {
    for (const path of ['summary', 'endpoints', 'consents']) {
      const res = await anonymous.request(`/admin/api/analytics/${path}?${MINUTE_QUERY}`);
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
    }
    const page = await anonymous.request('/admin/insights?granularity=day');
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/admin/login?next=${encodeURIComponent('/admin/insights?granularity=day')}`);
  });

  it('answers the summary, endpoints and consents as JSON for VIEW staff, for the bank or one client', async () => {
    const summary = await viewer.request(`/admin/api/analytics/summary?${MINUTE_QUERY}`);
    expect(summary.status).toBe(200);
    expect(summary.headers.get('cache-control')).toBe('no-store');
    expect(summary.json()).toEqual({
      range: { from: `${M1}:00.000Z`, to: '2026-03-15T00:00:00.000Z', granularity: 'minute' },
      summary: BANK_TOTAL,
      auth: { tokensIssued: 4, tokensDenied: 1, loginsSucceeded: 2, loginsFailed: 1 },
      data: [
        { bucket: `${M1}:00.000Z`, ...stats(5, 1, 0.2, 460, 74.4, 25, 500) },
        { bucket: `${M2}:00.000Z`, ...stats(6, 3, 0.5, 5320, 7716, 5, 30_000) },
      ],
    });

    // A whole day given as a date, for one client.
    const ofA = await viewer.request(
      `/admin/api/analytics/summary?granularity=day&from=2026-03-14&to=2026-03-14&clientId=${A}`,
    );
    expect(ofA.json()).toMatchObject({
      range: {
        from: '2026-03-14T00:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        granularity: 'day',
        clientId: A,
      },
      summary: A_TOTAL,
      data: [{ bucket: '2026-03-14T00:00:00.000Z', ...A_TOTAL }],
    });

    const endpoints = await viewer.request(
      '/admin/api/analytics/endpoints?granularity=hour&from=2026-03-14T23:00Z&to=2026-03-15T00:00Z&limit=2',
    );
    expect(endpoints.status).toBe(200);
    expect(
      endpoints
        .json<{ data: { endpoint: string; calls: number }[] }>()
        .data.map((e) => [e.endpoint, e.calls]),
    ).toEqual([
      [ACCOUNTS, 5],
      [FDX_ACCOUNTS, 3],
    ]);

    const consents = await viewer.request(`/admin/api/analytics/consents?${MINUTE_QUERY}&clientId=${B}`);
    expect(consents.json()).toEqual({
      range: { from: `${M1}:00.000Z`, to: '2026-03-15T00:00:00.000Z', granularity: 'minute', clientId: B },
      funnel: B_FUNNEL,
      data: [
        consentBucket(`${M1}:00.000Z`, { created: 1 }),
        consentBucket(`${M2}:00.000Z`, { authorised: 1, held: 1 }),
      ],
    });

    // Defaults: the last 24 hours, per hour.
    const recent = await viewer.request('/admin/api/analytics/summary');
    expect(recent.status).toBe(200);
    expect(recent.json<{ data: unknown[]; range: { granularity: string } }>()).toMatchObject({
      range: { granularity: 'hour' },
      summary: NOTHING,
    });
    expect(recent.json<{ data: unknown[] }>().data).toHaveLength(24);
  });

  it('answers a bad query with 400 problem details naming the field', async () => {
    const bad = async (query: string, field: string) => {
      const res = await viewer.request(`/admin/api/analytics/summary?${query}`);
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      const body = res.json<{ title: string; errors: { field: string; message: string }[] }>();
      expect(body.title).toBe('Invalid query');
      expect(body.errors.map((e) => e.field)).toEqual([field]);
      return body.errors[0]!.message;
    };
    expect(await bad('granularity=week', 'granularity')).toBe('must be minute, hour or day');
    expect(await bad('from=yesterday', 'from')).toMatch(/^must be a date, YYYY-MM-DD/);
    expect(await bad('from=2026-02-30', 'from')).toMatch(/^must be a date/);
    expect(await bad('from=2026-03-15&to=2026-03-14T12:00Z', 'to')).toBe('must be a time after from');
    expect(await bad('granularity=minute&from=2026-03-01&to=2026-03-03', 'from')).toMatch(
      /at most 1440 minutes/,
    );
    expect(await bad('from=2026-03-14&from=2026-03-15', 'from')).toMatch(/\(once\)/);
    expect(await bad(`clientId=${encodeURIComponent('a b')}`, 'clientId')).toBe('must be a client id');
    const limit = await viewer.request('/admin/api/analytics/endpoints?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('limit');
  });

  it('shows the dashboard: tables that need no script, charts drawn by local scripts from a JSON block', async () => {
    const res = await viewer.request(`/admin/insights?${MINUTE_QUERY}`);
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('API calls 11');
    expect(text).toContain('Errors (status 400 and above) 4');
    expect(text).toContain('Error rate 36.4%');
    expect(text).toContain('Latency p50 25 ms');
    expect(text).toContain('Latency p95 30000 ms');
    expect(text).toContain('Tokens issued / denied 4 / 1');
    expect(text).toContain(`GET ${ACCOUNTS} 5 2 40.0% 5 ms 100 ms`);
    expect(text).toContain('Created Authorised Authorisation rate Rejected Revoked Expired 5 3 60.0% 1 1 1');
    expect(text).toContain('2026-03-14 23:59 6 3 50.0% 5 ms 30000 ms');
    expect(res.text).toContain('<a href="/admin/insights">Insights</a>');

    // Scripts only from this server; the only inline <script> is the data block, which runs nothing.
    const scripts = [...res.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!.trim());
    expect(scripts).toEqual([
      'type="application/json"',
      `src="${INSIGHTS_ASSETS.chartJs}" defer`,
      `src="${INSIGHTS_ASSETS.script}" defer`,
    ]);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const data = JSON.parse(/<script type="application\/json">([\s\S]*?)<\/script>/.exec(res.text)![1]!);
    expect(data).toMatchObject({
      labels: ['2026-03-14 23:58', '2026-03-14 23:59'],
      calls: [5, 6],
      errors: [1, 3],
      p50Ms: [25, 5],
      p95Ms: [500, 30_000],
      endpoints: {
        labels: [`GET ${ACCOUNTS}`, `GET ${FDX_ACCOUNTS}`, `GET ${BALANCES}`, `GET ${FDX_TRANSACTIONS}`],
      },
      consents: { created: [3, 2], authorised: [1, 2] },
      funnel: { values: [5, 3, 1, 1, 1] },
    });
    expect(res.text.match(/<canvas data-chart="(\w+)"/g)).toHaveLength(5);

    // One recipient's dashboard shows none of the other's endpoints.
    const ofA = await viewer.request(`/admin/insights?${MINUTE_QUERY}&clientId=${A}`);
    expect(pageText(ofA.text)).toContain('API calls 6');
    expect(ofA.text).not.toContain('/fdx/');

    const bad = await viewer.request('/admin/insights?granularity=week');
    expect(bad.status).toBe(400);
    expect(pageText(bad.text)).toContain('granularity must be minute, hour or day');

    const consoleNav = await viewer.request('/admin/consents');
    expect(consoleNav.text).toContain('href="/admin/insights"');
  });

  it('draws the five charts in a real browser under the CSP, without a console error', async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const url = new URL(marketplace.baseUrl);
      await context.addCookies(
        [...viewer.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/admin' })),
      );
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        // A failed request is reported below, with its URL.
        if (['error', 'warning'].includes(m.type()) && !m.text().startsWith('Failed to load resource'))
          problems.push(m.text());
      });
      page.on('pageerror', (err) => problems.push(err.message));
      // The browser asks for /favicon.ico on its own; every other request must succeed.
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
      });
      await withScreenshot(page, 'analytics-insights', async () => {
        await page.goto(`${marketplace.baseUrl}/admin/insights?${MINUTE_QUERY}`);
        await page.waitForSelector('[data-insights-charts][data-drawn]');
        // Runs in the page: what chart.js holds for each canvas.
        const drawn = await page.evaluate(() => {
          const g = globalThis as unknown as {
            document: { querySelectorAll(s: string): Iterable<{ getAttribute(n: string): string | null }> };
            Chart: { getChart(c: unknown): { data: { datasets: { data: unknown[] }[] } } | undefined };
          };
          return [...g.document.querySelectorAll('canvas[data-chart]')].map((canvas) => [
            canvas.getAttribute('data-chart'),
            g.Chart.getChart(canvas)?.data.datasets[0]?.data,
          ]);
        });
        expect(drawn).toEqual([
          ['calls', [5, 6]],
          ['latency', [25, 5]],
          ['endpoints', [5, 3, 2, 1]],
          ['consents', [3, 2]],
          ['funnel', [5, 3, 1, 1, 1]],
        ]);
      });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('serves chart.js and the chart initializer from this server, without a session', async () => {
    const chartJs = await anonymous.request(INSIGHTS_ASSETS.chartJs);
    expect(chartJs.status).toBe(200);
    expect(chartJs.contentType).toMatch(/javascript/);
    expect(chartJs.text).toContain('Chart.js v4.6.1');
    const script = await anonymous.request(INSIGHTS_ASSETS.script);
    expect(script.status).toBe(200);
    expect(script.contentType).toMatch(/javascript/);
    expect(script.text).toContain('data-insights-charts');
    const style = await anonymous.request(INSIGHTS_ASSETS.style);
    expect(style.status).toBe(200);
    expect(style.contentType).toMatch(/^text\/css/);
    expect((await anonymous.request('/assets/chart.js/package.json')).status).toBe(404);
  });
});

describe('the analytics-rollup schedule', () => {
  it('takes its interval, lateness and retention from the environment', () => {
    const day = 86_400_000;
    expect(loadConfig({}).analytics).toEqual({
      rollupEveryMs: 60_000,
      latenessMs: 15_000,
      retention: { rawMs: 7 * day, minuteMs: 2 * day, hourMs: 90 * day, dayMs: 730 * day },
    });
    expect(
      loadConfig({
        ANALYTICS_ROLLUP_EVERY: '120',
        ANALYTICS_ROLLUP_LATENESS: '30',
        ANALYTICS_RETENTION_RAW_DAYS: '0.5',
        ANALYTICS_RETENTION_MINUTE_DAYS: '1',
        ANALYTICS_RETENTION_HOUR_DAYS: '30',
        ANALYTICS_RETENTION_DAY_DAYS: '365',
      }).analytics,
    ).toEqual({
      rollupEveryMs: 120_000,
      latenessMs: 30_000,
      retention: { rawMs: day / 2, minuteMs: day, hourMs: 30 * day, dayMs: 365 * day },
    });
    expect(() => loadConfig({ ANALYTICS_RETENTION_HOUR_DAYS: '1' })).toThrow(
      'ANALYTICS_RETENTION_HOUR_DAYS must be a number of days (at least 2: hours feed the daily roll-ups), got "1"',
    );
    expect(() => loadConfig({ ANALYTICS_ROLLUP_EVERY: '5' })).toThrow(
      'ANALYTICS_ROLLUP_EVERY must be a number of seconds from 10 to 3600, got "5"',
    );
  });

  it('is created once with the configured input, and updated when the configuration changes', async () => {
    // A queue no worker polls: the schedule is never run against this test's data.
    const taskQueue = `${names.taskQueue}-scheduled`;
    const analytics = {
      rollupEveryMs: 60_000,
      latenessMs: 15_000,
      retention: {
        rawMs: 7 * 86_400_000,
        minuteMs: 2 * 86_400_000,
        hourMs: 90 * 86_400_000,
        dayMs: 730 * 86_400_000,
      },
    };
    const input = analyticsRollupInput(analytics);
    expect(input).toEqual({ ...ANALYTICS_ROLLUP_DEFAULTS, retention: analytics.retention });
    try {
      await ensureAnalyticsRollupSchedule(client, { intervalMs: 60_000, taskQueue, input }, quietLogger);
      await ensureAnalyticsRollupSchedule(client, { intervalMs: 60_000, taskQueue, input }, quietLogger);
      const handle = client.schedule.getHandle(ANALYTICS_ROLLUP_SCHEDULE_ID);
      let described = await handle.describe();
      expect(described.spec.intervals?.[0]?.every).toBe(60_000);
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'analyticsRollup',
        taskQueue,
      });
      expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([input]);

      const longer = analyticsRollupInput({
        ...analytics,
        rollupEveryMs: 300_000,
        retention: { ...analytics.retention, rawMs: 86_400_000 },
      });
      expect(longer.catchUpMs).toBe(600_000);
      await ensureAnalyticsRollupSchedule(
        client,
        { intervalMs: 300_000, taskQueue, input: longer },
        quietLogger,
      );
      described = await handle.describe();
      expect(described.spec.intervals?.[0]?.every).toBe(300_000);
      expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([longer]);
    } finally {
      await client.schedule
        .getHandle(ANALYTICS_ROLLUP_SCHEDULE_ID)
        .delete()
        .catch(() => undefined);
    }
  });
});
