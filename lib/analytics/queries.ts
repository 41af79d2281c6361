// What the insights pages and their JSON API show, read from the roll-ups only (never the raw
// events): calls per bucket, error rate, latency percentiles, endpoints by calls, consents by status
// over time and the consent funnel. Every query takes a scope — the bank sees every client
// (`clientIds` undefined), a developer the clients of their applications (an empty list sees
// nothing) — and a range of whole buckets of one granularity.
//
// The database selects the roll-ups (granularity, kind, bucket range, clients) and returns only the
// measures asked for; they are summed here, because FerretDB v1.24's `$group` computes only its
// first accumulator (every further `$sum` comes back 0). Percentiles come from the summed latency
// histograms. The newest buckets of an hour or a day are still open
// (their roll-up is written once they close), so the last two buckets of a granularity are read
// from the next finer one, summed into the same buckets: the pages are current to the minute.
import {
  AUTH_FIELDS,
  CONSENT_FIELDS,
  LATENCY_BOUNDS_MS,
  LATENCY_FIELDS,
  type MeasureField,
  type RollupKind,
} from '../../db/models/analytics-rollup.js';
import type { Models } from '../../db/models/index.js';
import { bucketStarts, FINER, floorTo, GRANULARITY_MS, type Granularity } from './buckets.js';

/** Whose numbers: undefined clientIds = every client (the bank); [] = nobody. */
export interface AnalyticsScope {
  clientIds?: string[];
}

/** Buckets of `granularity` from the one holding `from` up to (not including) `to`. */
export interface AnalyticsRange {
  from: Date;
  to: Date;
  granularity: Granularity;
}

/** The most buckets one query may span (a day of minutes, 60 days of hours, ~4 years of days). */
export const MAX_BUCKETS = 1440;

export interface CallStats {
  calls: number;
  errors: number;
  /** errors / calls, 0 without calls; rounded to 4 decimals. */
  errorRate: number;
  bytes: number;
  avgLatencyMs: number | null;
  /**
   * Latency percentiles: the upper bound of the histogram bucket holding the percentile
   * (LATENCY_BOUNDS_MS; calls slower than the last bound count as the last bound). Null without calls.
   */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface CallBucket extends CallStats {
  /** The bucket's start, ISO. */
  bucket: string;
}

export interface EndpointStats extends CallStats {
  method: string;
  /** The route template, e.g. `/open-banking/accounts/v2/accounts/:accountId/balances`. */
  endpoint: string;
}

interface ConsentCounts {
  created: number;
  authorised: number;
  rejected: number;
  revoked: number;
  expired: number;
  extended: number;
  held: number;
  released: number;
}

export interface ConsentBucket extends ConsentCounts {
  bucket: string;
}

/** Consents lodged → authorised; how many ended rejected (before authorisation), revoked or expired. */
export interface ConsentFunnel {
  created: number;
  authorised: number;
  rejected: number;
  revoked: number;
  expired: number;
  /** authorised / created, rounded to 4 decimals; null when none was created. */
  authorisationRate: number | null;
}

export interface AuthCounts {
  tokensIssued: number;
  tokensDenied: number;
  loginsSucceeded: number;
  loginsFailed: number;
}

export interface InsightsReport {
  range: { from: string; to: string; granularity: Granularity };
  summary: CallStats;
  auth: AuthCounts;
  calls: CallBucket[];
  /** Every endpoint called, most called first. */
  endpoints: EndpointStats[];
  consents: ConsentBucket[];
  funnel: ConsentFunnel;
}

type Sums = Partial<Record<MeasureField, number>>;
type GroupBy = 'bucket' | 'endpoint' | 'all';
interface Segment {
  granularity: Granularity;
  from: number;
  to: number;
}

const CALL_FIELDS = ['count', 'errorCount', 'bytes', 'latencySumMs', ...LATENCY_FIELDS] as const;
const FIELDS_OF: Record<RollupKind, readonly MeasureField[]> = {
  call: CALL_FIELDS,
  consent: ['count', ...CONSENT_FIELDS],
  auth: ['count', 'errorCount', ...AUTH_FIELDS],
};

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** The upper bound of the histogram bucket holding the q-quantile; null for an empty histogram. */
function percentileFromHistogram(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)]!;
  }
  return LATENCY_BOUNDS_MS.at(-1)!;
}

function callStats(s: Sums): CallStats {
  const calls = s.count ?? 0;
  const errors = s.errorCount ?? 0;
  const histogram = LATENCY_FIELDS.map((f) => s[f] ?? 0);
  return {
    calls,
    errors,
    errorRate: calls ? round(errors / calls, 4) : 0,
    bytes: s.bytes ?? 0,
    avgLatencyMs: calls ? round((s.latencySumMs ?? 0) / calls, 1) : null,
    p50Ms: percentileFromHistogram(histogram, 0.5),
    p95Ms: percentileFromHistogram(histogram, 0.95),
  };
}

const consentCounts = (s: Sums): ConsentCounts => ({
  created: s.consentsCreated ?? 0,
  authorised: s.consentsAuthorised ?? 0,
  rejected: s.consentsRejected ?? 0,
  revoked: s.consentsRevoked ?? 0,
  expired: s.consentsExpired ?? 0,
  extended: s.consentsExtended ?? 0,
  held: s.consentsHeld ?? 0,
  released: s.consentsReleased ?? 0,
});

const authCounts = (s: Sums): AuthCounts => ({
  tokensIssued: s.tokensIssued ?? 0,
  tokensDenied: s.tokensDenied ?? 0,
  loginsSucceeded: s.loginsSucceeded ?? 0,
  loginsFailed: s.loginsFailed ?? 0,
});

function funnelOf(s: Sums): ConsentFunnel {
  const c = consentCounts(s);
  return {
    created: c.created,
    authorised: c.authorised,
    rejected: c.rejected,
    revoked: c.revoked,
    expired: c.expired,
    authorisationRate: c.created ? round(c.authorised / c.created, 4) : null,
  };
}

function endpointsOf(sums: Map<string, Sums & { method?: string; endpoint?: string }>, limit?: number) {
  const endpoints: EndpointStats[] = [...sums.values()].map((s) => ({
    method: s.method ?? '',
    endpoint: s.endpoint ?? '',
    ...callStats(s),
  }));
  endpoints.sort(
    (a, b) =>
      b.calls - a.calls ||
      (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : a.method < b.method ? -1 : 1),
  );
  return limit === undefined ? endpoints : endpoints.slice(0, limit);
}

/** One entry per bucket of the range, zeros where nothing happened. */
function seriesOf<T>(
  range: AnalyticsRange,
  sums: Map<string, Sums>,
  view: (s: Sums) => T,
): (T & { bucket: string })[] {
  return alignRange(range).starts.map((t) => ({
    bucket: new Date(t).toISOString(),
    ...view(sums.get(String(t)) ?? {}),
  }));
}

/**
 * The range split so that the newest buckets (the previous and the current one, whose roll-up may
 * not be written yet) are read from the finer granularity, recursively.
 */
function segments(granularity: Granularity, from: number, to: number, now: number): Segment[] {
  const finer = FINER[granularity];
  const size = GRANULARITY_MS[granularity];
  const tail = Math.max(from, floorTo(now, size) - size);
  if (!finer || tail >= to) return [{ granularity, from, to }];
  return [...(tail > from ? [{ granularity, from, to: tail }] : []), ...segments(finer, tail, to, now)];
}

/** Check and align a range: from to its bucket's start, at most MAX_BUCKETS buckets. */
export function alignRange(range: AnalyticsRange): { from: number; to: number; starts: number[] } {
  const size = GRANULARITY_MS[range.granularity];
  if (!size) throw new RangeError(`unknown granularity ${String(range.granularity)}`);
  const from = floorTo(range.from.getTime(), size);
  const to = range.to.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from)
    throw new RangeError('the range must end after it starts');
  if ((to - from) / size > MAX_BUCKETS)
    throw new RangeError(`the range spans more than ${MAX_BUCKETS} ${range.granularity}s`);
  return { from, to, starts: bucketStarts(range.granularity, from, to) };
}

interface Row extends Sums {
  bucket: Date;
  method?: string;
  endpoint?: string;
}

/** Sum roll-ups by bucket (of the granularity), by endpoint, or all together. */
function group(
  rows: Row[],
  kind: RollupKind,
  granularity: Granularity,
  groupBy: GroupBy,
): Map<string, Sums & { method?: string; endpoint?: string }> {
  const fields = FIELDS_OF[kind];
  const size = GRANULARITY_MS[granularity];
  const merged = new Map<string, Sums & { method?: string; endpoint?: string }>();
  for (const row of rows) {
    let key = 'all';
    let extra: { method?: string; endpoint?: string } = {};
    if (groupBy === 'bucket') key = String(floorTo(new Date(row.bucket).getTime(), size));
    else if (groupBy === 'endpoint') {
      extra = { method: row.method ?? '', endpoint: row.endpoint ?? '' };
      key = `${extra.method} ${extra.endpoint}`;
    }
    const into = merged.get(key) ?? { ...extra };
    for (const f of fields) into[f] = (into[f] ?? 0) + (Number(row[f]) || 0);
    merged.set(key, into);
  }
  return merged;
}

export function analyticsQueries(
  models: Pick<Models, 'AnalyticsRollup'>,
  options: { now?: () => number } = {},
) {
  const now = options.now ?? Date.now;

  /** A kind's roll-ups in scope and range, with their measures, bucket, method and endpoint. */
  async function rows(kind: RollupKind, scope: AnalyticsScope, range: AnalyticsRange): Promise<Row[]> {
    const { from, to } = alignRange(range);
    if (scope.clientIds && scope.clientIds.length === 0) return [];
    const projection = Object.fromEntries(
      [...FIELDS_OF[kind], 'bucket', ...(kind === 'call' ? ['method', 'endpoint'] : [])].map((f) => [f, 1]),
    );
    const parts = await Promise.all(
      segments(range.granularity, from, to, now()).map((seg) =>
        models.AnalyticsRollup.find(
          {
            granularity: seg.granularity,
            kind,
            bucket: { $gte: new Date(seg.from), $lt: new Date(seg.to) },
            ...(scope.clientIds ? { clientId: { $in: scope.clientIds } } : {}),
          },
          projection,
        ).lean<Row[]>(),
      ),
    );
    return parts.flat();
  }

  const sum = async (kind: RollupKind, scope: AnalyticsScope, range: AnalyticsRange, groupBy: GroupBy) =>
    group(await rows(kind, scope, range), kind, range.granularity, groupBy);

  const queries = {
    /** Calls, errors, error rate, bytes and latency per bucket (every bucket, zeros included). */
    calls: async (scope: AnalyticsScope, range: AnalyticsRange): Promise<CallBucket[]> =>
      seriesOf(range, await sum('call', scope, range, 'bucket'), callStats),

    /** The same over the whole range. */
    callSummary: async (scope: AnalyticsScope, range: AnalyticsRange): Promise<CallStats> =>
      callStats((await sum('call', scope, range, 'all')).get('all') ?? {}),

    /** Calls per endpoint (method and route template), most called first; `limit` keeps the top ones. */
    endpoints: async (
      scope: AnalyticsScope,
      range: AnalyticsRange,
      limit?: number,
    ): Promise<EndpointStats[]> => endpointsOf(await sum('call', scope, range, 'endpoint'), limit),

    /** The most called endpoints. */
    topEndpoints: (scope: AnalyticsScope, range: AnalyticsRange, limit = 5): Promise<EndpointStats[]> =>
      queries.endpoints(scope, range, limit),

    /** Consent transitions per bucket, by what they did (every bucket, zeros included). */
    consents: async (scope: AnalyticsScope, range: AnalyticsRange): Promise<ConsentBucket[]> =>
      seriesOf(range, await sum('consent', scope, range, 'bucket'), consentCounts),

    /** Consent transitions in the range: lodged, authorised, and ended by rejection, revocation or expiry. */
    consentFunnel: async (scope: AnalyticsScope, range: AnalyticsRange): Promise<ConsentFunnel> =>
      funnelOf((await sum('consent', scope, range, 'all')).get('all') ?? {}),

    /** Tokens issued and denied, logins that succeeded and failed. */
    auth: async (scope: AnalyticsScope, range: AnalyticsRange): Promise<AuthCounts> =>
      authCounts((await sum('auth', scope, range, 'all')).get('all') ?? {}),

    /** Everything an insights page shows, in one call (one read per kind of roll-up). */
    async report(scope: AnalyticsScope, range: AnalyticsRange): Promise<InsightsReport> {
      const { from, to } = alignRange(range);
      const g = range.granularity;
      const [calls, consents, auth] = await Promise.all([
        rows('call', scope, range),
        rows('consent', scope, range),
        rows('auth', scope, range),
      ]);
      return {
        range: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), granularity: g },
        summary: callStats(group(calls, 'call', g, 'all').get('all') ?? {}),
        auth: authCounts(group(auth, 'auth', g, 'all').get('all') ?? {}),
        calls: seriesOf(range, group(calls, 'call', g, 'bucket'), callStats),
        endpoints: endpointsOf(group(calls, 'call', g, 'endpoint')),
        consents: seriesOf(range, group(consents, 'consent', g, 'bucket'), consentCounts),
        funnel: funnelOf(group(consents, 'consent', g, 'all').get('all') ?? {}),
      };
    },
  };
  return queries;
}
