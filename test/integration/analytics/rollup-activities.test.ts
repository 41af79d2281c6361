// Analytics roll-ups by the activities against the real database: the known raw events
// (test/helpers/analytics-rollups.ts) summed into minutes, hours and days; the exact numbers the
// queries return, for the bank and for each client's scope; re-runs that change nothing; the newest
// buckets read from finer roll-ups; and retention.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAnalyticsActivities } from '../../../activities/analytics.js';
import {
  analyticsQueries,
  type AnalyticsRange,
  type AnalyticsScope,
} from '../../../lib/analytics/queries.js';
import {
  A_FUNNEL,
  A_TOTAL,
  ACCOUNTS,
  allRollups,
  BALANCES,
  BANK,
  BANK_TOTAL,
  DAY,
  expectKnownAggregates,
  HOUR,
  knownEvents,
  M1,
  M2,
  MINUTES,
  NO_FUNNEL,
  NOBODY,
  NOTHING,
  rollUpAll,
} from '../../helpers/analytics-rollups.js';
import { uniqueNames } from '../../helpers/env.js';
import { testDatabase } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
const known = knownEvents(names.prefix);
const { A, B, ORG_A, ONLY_A, EVENTS } = known;
let db: Awaited<ReturnType<typeof testDatabase>>;

const queries = () => analyticsQueries(db.models);
const activities = () => createAnalyticsActivities({ models: db.models });

/** Every query's answer for a scope and range, to compare runs. */
async function everything(scope: AnalyticsScope, range: AnalyticsRange) {
  return queries().report(scope, range);
}

beforeAll(async () => {
  db = await testDatabase(names.database);
  // Written as stored, so that the organization id the gateway may record is kept too.
  await db.connection.collection('analytics_events').insertMany(EVENTS as never[]);
});

afterAll(async () => {
  await db?.drop();
});

describe('analytics roll-ups', () => {
  it('sums the raw events into minutes, hours and days with the exact aggregates, for every scope', async () => {
    const { minutes, hours, days } = await rollUpAll(db.models);
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

    await expectKnownAggregates(db.models, known);
  });

  it('gives the same documents and answers when the same windows are rolled up again', async () => {
    const before = await allRollups(db.models);
    const answers = await everything(BANK, MINUTES);
    await rollUpAll(db.models);
    // An unaligned window is widened to whole minutes: the same two minutes again.
    await activities().rollUp({ granularity: 'minute', from: `${M1}:30Z`, to: `${M2}:10Z` });
    expect(await allRollups(db.models)).toEqual(before);
    expect(await everything(BANK, MINUTES)).toEqual(answers);
    await expectKnownAggregates(db.models, known);
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
    expect((await allRollups(db.models)).map((d) => d._id)).toEqual([
      `day|retention-${now - 700 * day}|call|x||||||`,
      `hour|retention-${now - 80 * day}|call|x||||||`,
      `minute|retention-${now - 1 * day}|call|x||||||`,
    ]);
    expect(await db.models.AnalyticsEvent.distinct('_id')).toEqual([`${names.prefix}-young`]);
    // Again: nothing more is old enough.
    expect(await act.applyRetention(ages)).toEqual({ raw: 0, minute: 0, hour: 0, day: 0 });
    await expect(act.applyRetention({ ...ages, rawMs: 0 })).rejects.toThrow(/positive durations/);
  });
});
