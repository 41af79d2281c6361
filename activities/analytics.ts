// Activities of the `analyticsRollup` workflow: sum raw analytics events into minute roll-ups,
// minutes into hours and hours into days, and delete what is older than its retention (FerretDB v1
// has no TTL indexes). A window is always recomputed whole from its source and every document of
// it replaced by id, so running the same window again — a retry, a catch-up, a late event — gives
// the same documents, never double counts. The workflow's watermark (`analytics_state`) is read
// and moved forward here too, never back, so a retried or overlapping advance is harmless.
import { ApplicationFailure } from '@temporalio/activity';
import type { mongo } from 'mongoose';
import {
  dimensionKey,
  LATENCY_BOUNDS_MS,
  LATENCY_FIELDS,
  MEASURE_FIELDS,
  rollupId,
  type AnalyticsRollup,
  type Measures,
  type RollupDimensions,
} from '../db/models/analytics-rollup.js';
import { replaceManyById } from '../lib/mongo/replace-by-id.js';
import { ROLLUP_WATERMARK_ID } from '../db/models/analytics-state.js';
import type { Models } from '../db/models/index.js';
import {
  bucketLabel,
  ceilTo,
  FINER,
  floorTo,
  GRANULARITIES,
  GRANULARITY_MS,
  type Granularity,
} from '../lib/analytics/buckets.js';

type RollupCollection = mongo.Collection<AnalyticsRollup>;

interface RollUpInput {
  granularity: Granularity;
  /** ISO instants; widened to whole buckets of the granularity. */
  from: string;
  to: string;
}

export interface RollUpResult {
  granularity: Granularity;
  from: string;
  to: string;
  /** Raw events (minutes) or finer roll-ups (hours, days) read. */
  sources: number;
  /** Roll-up documents written. */
  documents: number;
}

interface WatermarkInput {
  /** ISO instant on a whole minute: everything before it has been rolled up. */
  to: string;
}

export interface RetentionInput {
  /** How long each kind of document is kept. */
  rawMs: number;
  minuteMs: number;
  hourMs: number;
  dayMs: number;
  /** The instant ages are counted from (ISO); now when absent. */
  now?: string;
}

export interface RetentionResult {
  raw: number;
  minute: number;
  hour: number;
  day: number;
}

/** The fields of a raw event the roll-ups read (organizationId when a writer records it). */
interface RawEvent {
  type: string;
  at: Date;
  standard?: string | null;
  clientId?: string | null;
  organizationId?: string | null;
  consentId?: string | null;
  code?: string | null;
  method?: string | null;
  endpoint?: string | null;
  status?: number | null;
  latencyMs?: number | null;
  bytes?: number | null;
}

/** Rejection codes that end a consent because time ran out, and those that take back an authorisation. */
const EXPIRY_CODES = new Set(['CONSENT_EXPIRED', 'CONSENT_MAX_DATE_REACHED']);
const REVOCATION_CODES = new Set(['CUSTOMER_MANUALLY_REVOKED', 'INTERNAL_SECURITY_REASON']);

/** The histogram field of a latency: the first bucket whose bound it does not exceed. */
function latencyField(latencyMs: number): (typeof LATENCY_FIELDS)[number] {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return LATENCY_FIELDS[i === -1 ? LATENCY_BOUNDS_MS.length : i]!;
}

/** The consent counter of a transition event (`consent.<action>`; status names are read too). */
function consentField(action: string, code: string | undefined): keyof Measures | undefined {
  switch (action) {
    case 'lodge':
    case 'AWAITING_AUTHORISATION':
      return 'consentsCreated';
    case 'authorise':
    case 'AUTHORISED':
      return 'consentsAuthorised';
    case 'reject':
    case 'REJECTED':
      if (code && EXPIRY_CODES.has(code)) return 'consentsExpired';
      if (code && REVOCATION_CODES.has(code)) return 'consentsRevoked';
      return 'consentsRejected';
    case 'extend':
      return 'consentsExtended';
    case 'hold':
      return 'consentsHeld';
    case 'release':
      return 'consentsReleased';
    default:
      return undefined;
  }
}

const AUTH_OUTCOMES: Record<string, { field: keyof Measures; error: boolean }> = {
  'auth.token_issued': { field: 'tokensIssued', error: false },
  'auth.token_denied': { field: 'tokensDenied', error: true },
  'auth.login_succeeded': { field: 'loginsSucceeded', error: false },
  'auth.login_failed': { field: 'loginsFailed', error: true },
};

const present = (v: string | null | undefined) => (v ? v : undefined);

/** What a raw event adds to which dimensions; undefined for events the roll-ups do not count. */
function classify(e: RawEvent): { dims: RollupDimensions; measures: Measures } | undefined {
  const who = { clientId: present(e.clientId), organizationId: present(e.organizationId) };
  if (e.type === 'gateway.call') {
    const status = e.status ?? 0;
    const latency = Math.max(0, e.latencyMs ?? 0);
    return {
      dims: {
        kind: 'call',
        ...who,
        standard: present(e.standard),
        method: present(e.method),
        endpoint: present(e.endpoint),
        statusClass: status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'unknown',
      },
      measures: {
        count: 1,
        errorCount: status >= 400 ? 1 : 0,
        bytes: Math.max(0, e.bytes ?? 0),
        latencySumMs: latency,
        [latencyField(latency)]: 1,
      },
    };
  }
  if (e.type.startsWith('consent.')) {
    const field = consentField(e.type.slice('consent.'.length), present(e.code));
    return {
      dims: { kind: 'consent', ...who, standard: present(e.standard) },
      measures: { count: 1, errorCount: 0, ...(field ? { [field]: 1 } : {}) },
    };
  }
  const outcome = AUTH_OUTCOMES[e.type];
  if (outcome) {
    return {
      dims: { kind: 'auth', ...who, code: present(e.code) },
      measures: { count: 1, errorCount: outcome.error ? 1 : 0, [outcome.field]: 1 },
    };
  }
  return undefined;
}

/** Sums measures into roll-up documents of one granularity, keyed by id. */
class Accumulator {
  private readonly docs = new Map<string, AnalyticsRollup>();

  constructor(private readonly granularity: Granularity) {}

  add(atMs: number, dims: RollupDimensions, measures: Measures): void {
    const bucketMs = floorTo(atMs, GRANULARITY_MS[this.granularity]);
    const key = dimensionKey(dims);
    const id = rollupId(this.granularity, bucketLabel(this.granularity, bucketMs), key);
    let doc = this.docs.get(id);
    if (!doc) {
      const given = Object.fromEntries(Object.entries(dims).filter(([, v]) => v !== undefined));
      doc = {
        _id: id,
        granularity: this.granularity,
        bucket: new Date(bucketMs),
        key,
        ...(given as unknown as RollupDimensions),
        count: 0,
        errorCount: 0,
      };
      this.docs.set(id, doc);
    }
    for (const f of MEASURE_FIELDS) {
      const v = measures[f];
      if (v) doc[f] = (doc[f] ?? 0) + v;
    }
  }

  get size() {
    return this.docs.size;
  }

  values() {
    return [...this.docs.values()].sort((a, b) => (a._id < b._id ? -1 : 1));
  }
}

const dimensionsOf = (doc: AnalyticsRollup): RollupDimensions => ({
  kind: doc.kind,
  ...(doc.clientId ? { clientId: doc.clientId } : {}),
  ...(doc.organizationId ? { organizationId: doc.organizationId } : {}),
  ...(doc.standard ? { standard: doc.standard } : {}),
  ...(doc.method ? { method: doc.method } : {}),
  ...(doc.endpoint ? { endpoint: doc.endpoint } : {}),
  ...(doc.statusClass ? { statusClass: doc.statusClass } : {}),
  ...(doc.code ? { code: doc.code } : {}),
});

/**
 * A roll-up reads a whole window through one cursor, and MongoDB counts maxTimeMS over all of it:
 * more than the request path's operation deadline, less than the activity's own (2 min by default).
 */
const ROLLUP_READ_MAX_MS = 90_000;

function parseWindow(input: RollUpInput): { from: number; to: number } {
  if (!GRANULARITIES.includes(input.granularity))
    throw ApplicationFailure.nonRetryable(
      `unknown granularity ${String(input.granularity)}`,
      'InvalidWindow',
    );
  const size = GRANULARITY_MS[input.granularity];
  const from = floorTo(Date.parse(input.from), size);
  const to = ceilTo(Date.parse(input.to), size);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from)
    throw ApplicationFailure.nonRetryable(`not a window: ${input.from} to ${input.to}`, 'InvalidWindow');
  return { from, to };
}

export function createAnalyticsActivities({
  models,
}: {
  models: Pick<Models, 'AnalyticsEvent' | 'AnalyticsRollup' | 'AnalyticsState'>;
}) {
  const { AnalyticsEvent, AnalyticsRollup, AnalyticsState } = models;

  return {
    /**
     * Recompute the roll-ups of a granularity in a window: minutes from the raw events, hours from
     * minutes, days from hours. Each document is replaced whole (upsert by id).
     */
    async rollUp(input: RollUpInput): Promise<RollUpResult> {
      const { from, to } = parseWindow(input);
      const acc = new Accumulator(input.granularity);
      let sources = 0;
      const finer = FINER[input.granularity];
      const window = { $gte: new Date(from), $lt: new Date(to) };
      if (!finer) {
        const cursor = AnalyticsEvent.find({ at: window })
          .maxTimeMS(ROLLUP_READ_MAX_MS)
          .lean<RawEvent[]>()
          .cursor();
        for await (const e of cursor) {
          sources++;
          const counted = classify(e as RawEvent);
          if (counted) acc.add(new Date(e.at).getTime(), counted.dims, counted.measures);
        }
      } else {
        const cursor = AnalyticsRollup.find({ granularity: finer, bucket: window })
          .maxTimeMS(ROLLUP_READ_MAX_MS)
          .lean<AnalyticsRollup[]>()
          .cursor();
        for await (const doc of cursor) {
          sources++;
          const d = doc as AnalyticsRollup;
          acc.add(new Date(d.bucket).getTime(), dimensionsOf(d), d);
        }
      }
      // Small commands, one after the other: see db/replace-by-id.ts for the wedge they avoid.
      await replaceManyById(AnalyticsRollup.collection as unknown as RollupCollection, acc.values());
      return {
        granularity: input.granularity,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        sources,
        documents: acc.size,
      };
    },

    /** The roll-up watermark (ISO), or null before the first run that recorded one. */
    async readRollupWatermark(): Promise<string | null> {
      const doc = await AnalyticsState.findById(ROLLUP_WATERMARK_ID).lean();
      if (!doc) return null;
      const ms = new Date(doc.rolledUpTo).getTime();
      if (!Number.isFinite(ms))
        throw ApplicationFailure.nonRetryable(
          `the roll-up watermark is not a date: ${String(doc.rolledUpTo)}`,
          'InvalidWatermark',
        );
      return new Date(ms).toISOString();
    },

    /**
     * Move the roll-up watermark forward to `to` (created if absent; never moved back, so a run
     * that counts from an earlier instant leaves a later watermark alone). Returns the watermark.
     */
    async advanceRollupWatermark(input: WatermarkInput): Promise<string> {
      const to = Date.parse(input.to);
      if (!Number.isFinite(to) || to % GRANULARITY_MS.minute !== 0)
        throw ApplicationFailure.nonRetryable(`not a whole minute: ${String(input.to)}`, 'InvalidWatermark');
      const doc = await AnalyticsState.findOneAndUpdate(
        { _id: ROLLUP_WATERMARK_ID },
        { $max: { rolledUpTo: new Date(to) } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      return new Date(doc!.rolledUpTo).toISOString();
    },

    /** Delete raw events and roll-ups older than their retention. */
    async applyRetention(input: RetentionInput): Promise<RetentionResult> {
      const now = input.now ? Date.parse(input.now) : Date.now();
      const ages = [input.rawMs, input.minuteMs, input.hourMs, input.dayMs];
      if (!Number.isFinite(now) || !ages.every((ms) => Number.isFinite(ms) && ms > 0))
        throw ApplicationFailure.nonRetryable(
          'retention ages must be positive durations',
          'InvalidRetention',
        );
      const before = (ms: number) => ({ $lt: new Date(now - ms) });
      const rollups = (granularity: Granularity, ms: number) =>
        AnalyticsRollup.deleteMany({ granularity, bucket: before(ms) }).then((r) => r.deletedCount);
      const [raw, minute, hour, day] = await Promise.all([
        AnalyticsEvent.deleteMany({ at: before(input.rawMs) }).then((r) => r.deletedCount),
        rollups('minute', input.minuteMs),
        rollups('hour', input.hourMs),
        rollups('day', input.dayMs),
      ]);
      return { raw, minute, hour, day };
    },
  };
}

export type AnalyticsActivities = ReturnType<typeof createAnalyticsActivities>;
