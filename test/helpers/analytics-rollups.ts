// The known analytics events the roll-up tests share (calls of two clients across two minutes,
// consent transitions, token and login events) and the exact numbers the queries must answer for
// them, at every granularity and for the bank and each client's scope.
import { expect } from '@jest/globals';
import { createAnalyticsActivities } from '../../activities/analytics.js';
import type { Models } from '../../db/models/index.js';
import { analyticsQueries, type AnalyticsRange, type AnalyticsScope } from '../../lib/analytics/queries.js';
import { gatewayCalls, stats } from './analytics-events.js';

export const ACCOUNTS = '/open-banking/accounts/v2/accounts';
export const BALANCES = '/open-banking/accounts/v2/accounts/:accountId/balances';
export const FDX_ACCOUNTS = '/fdx/v6/accounts';
export const FDX_TRANSACTIONS = '/fdx/v6/accounts/:accountId/transactions';

export const M1 = '2026-03-14T23:58';
export const M2 = '2026-03-14T23:59';
export const at = (minute: string, second: number) =>
  new Date(`${minute}:${String(second).padStart(2, '0')}Z`);

export const BANK: AnalyticsScope = {};
export const NOBODY: AnalyticsScope = { clientIds: [] };

export const MINUTES: AnalyticsRange = {
  from: new Date(`${M1}:00Z`),
  to: new Date('2026-03-15T00:00:00Z'),
  granularity: 'minute',
};
export const HOUR: AnalyticsRange = {
  from: new Date('2026-03-14T23:00:00Z'),
  to: new Date('2026-03-15T00:00:00Z'),
  granularity: 'hour',
};
export const DAY: AnalyticsRange = {
  from: new Date('2026-03-14T00:00:00Z'),
  to: new Date('2026-03-15T00:00:00Z'),
  granularity: 'day',
};

// Latencies (ms) → histogram bounds: A 4,20,40,300 | 90,3; B 8 | 1200,2,45000; no client 1.
export const A_TOTAL = stats(6, 2, 0.3333, 380, 76.2, 25, 500);
export const B_TOTAL = stats(4, 1, 0.25, 5400, 11552.5, 10, 30_000);
export const BANK_TOTAL = stats(11, 4, 0.3636, 5780, 4242.5, 25, 30_000);
export const NOTHING = stats(0, 0, 0, 0, null, null, null);

export const A_FUNNEL = {
  created: 4,
  authorised: 2,
  rejected: 1,
  revoked: 1,
  expired: 1,
  authorisationRate: 0.5,
};
export const B_FUNNEL = {
  created: 1,
  authorised: 1,
  rejected: 0,
  revoked: 0,
  expired: 0,
  authorisationRate: 1,
};
export const BANK_FUNNEL = {
  created: 5,
  authorised: 3,
  rejected: 1,
  revoked: 1,
  expired: 1,
  authorisationRate: 0.6,
};
export const NO_FUNNEL = {
  created: 0,
  authorised: 0,
  rejected: 0,
  revoked: 0,
  expired: 0,
  authorisationRate: null,
};

export const consentBucket = (bucket: string, c: Partial<Record<string, number>>) => ({
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

/** The known events of a test file, with its `prefix` in every id and client id. */
export function knownEvents(prefix: string) {
  const A = `${prefix}-a`;
  const B = `${prefix}-b`;
  const ORG_A = `${prefix}-org-a`;

  let seq = 0;
  const id = (kind: string) => `${prefix}-${kind}-${++seq}`;

  /** A gateway call (A's calls also name its organization). */
  const call = gatewayCalls(prefix, (clientId) => (clientId === A ? ORG_A : undefined));

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

  const ONLY_A: AnalyticsScope = { clientIds: [A] };
  const ONLY_B: AnalyticsScope = { clientIds: [B] };
  return { A, B, ORG_A, ONLY_A, ONLY_B, call, EVENTS };
}

export type KnownEvents = ReturnType<typeof knownEvents>;

/** The exact aggregates of the known events, at every granularity. */
export async function expectKnownAggregates(models: Models, { A, B, ONLY_A, ONLY_B }: KnownEvents) {
  const q = analyticsQueries(models);
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

/** The activities' roll-ups of the known events' minutes, hour and day. */
export async function rollUpAll(models: Models) {
  const act = createAnalyticsActivities({ models });
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

export const allRollups = (models: Models) => models.AnalyticsRollup.find({}).sort({ _id: 1 }).lean();

/** The roll-up watermark as stored (ISO), or null. */
export const watermark = async (models: Models) => {
  const doc = await models.AnalyticsState.findById('rollup').lean();
  return doc ? doc.rolledUpTo.toISOString() : null;
};
