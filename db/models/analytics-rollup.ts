// Analytics roll-ups: the raw events (`analytics_events`) summed per UTC minute, hour and day and per
// dimension (client, organization, standard, endpoint template, status class, …). Written only by
// the `analyticsRollup` workflow's activities, as idempotent upserts of recomputed documents; read
// by the insights pages and their JSON API (lib/analytics/queries.ts), never the raw events.
//
// The id is deterministic, `<granularity>|<bucket>|<dimension key>`, e.g.
// `minute|2026-11-21T09:05|call|client-a||OFB|GET|/open-banking/accounts/v2/accounts|2xx`, so a
// recomputed bucket replaces its own document. Every measure is a top-level number that sums across
// documents (FerretDB v1 aggregates neither nested paths nor `$max`/`$avg`); latencies are kept as a
// fixed-bucket histogram, which sums too and gives percentiles at read time (LATENCY_BOUNDS_MS).
import { Schema, type Connection } from 'mongoose';
import { GRANULARITIES, type Granularity } from '../../lib/analytics/buckets.js';

const ROLLUP_KINDS = ['call', 'consent', 'auth'] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

/** Upper bounds (ms, inclusive) of the latency histogram's buckets; one more bucket holds the slower. */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000] as const;
/** The histogram's fields, in bound order: `latencyLe5` … `latencyLe30000`, then `latencyOver`. */
export const LATENCY_FIELDS: readonly LatencyField[] = [
  ...LATENCY_BOUNDS_MS.map((b) => `latencyLe${b}` as const),
  'latencyOver',
];
type LatencyField = `latencyLe${(typeof LATENCY_BOUNDS_MS)[number]}` | 'latencyOver';

/** Consent transitions by what they did: lodged, authorised, and ended by rejection, revocation or expiry. */
export const CONSENT_FIELDS = [
  'consentsCreated',
  'consentsAuthorised',
  'consentsRejected',
  'consentsRevoked',
  'consentsExpired',
  'consentsExtended',
  'consentsHeld',
  'consentsReleased',
] as const;
/** Authorization-server outcomes. */
export const AUTH_FIELDS = ['tokensIssued', 'tokensDenied', 'loginsSucceeded', 'loginsFailed'] as const;

/** Every summed measure. `errorCount`: calls answered >= 400, tokens denied and logins failed. */
export const MEASURE_FIELDS = [
  'count',
  'errorCount',
  'bytes',
  'latencySumMs',
  ...LATENCY_FIELDS,
  ...CONSENT_FIELDS,
  ...AUTH_FIELDS,
] as const;
export type MeasureField = (typeof MEASURE_FIELDS)[number];
export type Measures = Partial<Record<MeasureField, number>>;

/** What a roll-up document is summed by; absent parts are stored absent (and empty in the key). */
export interface RollupDimensions {
  kind: RollupKind;
  clientId?: string;
  organizationId?: string;
  standard?: string;
  /** Calls: HTTP method, route template and status class (`2xx` … `5xx`). */
  method?: string;
  endpoint?: string;
  statusClass?: string;
  /** Tokens: the grant type (issued) or OAuth error (denied); logins: why one failed. */
  code?: string;
}

const DIMENSION_FIELDS = [
  'clientId',
  'organizationId',
  'standard',
  'method',
  'endpoint',
  'statusClass',
  'code',
] as const;

export interface AnalyticsRollup extends RollupDimensions, Measures {
  _id: string;
  granularity: Granularity;
  bucket: Date;
  /** The dimension key: the id without granularity and bucket. */
  key: string;
  count: number;
  errorCount: number;
}

const measures = Object.fromEntries(MEASURE_FIELDS.map((f) => [f, { type: Number }]));
const dimensions = Object.fromEntries(DIMENSION_FIELDS.map((f) => [f, { type: String }]));

const analyticsRollupSchema = new Schema<AnalyticsRollup>(
  {
    _id: { type: String, required: true },
    granularity: { type: String, enum: GRANULARITIES, required: true },
    bucket: { type: Date, required: true },
    kind: { type: String, enum: ROLLUP_KINDS, required: true },
    key: { type: String, required: true },
    ...dimensions,
    ...measures,
    count: { type: Number, required: true },
    errorCount: { type: Number, required: true },
  },
  { collection: 'analytics_rollups', versionKey: false },
);
analyticsRollupSchema.index({ granularity: 1, bucket: 1 });
analyticsRollupSchema.index({ clientId: 1, granularity: 1, bucket: 1 });

// Ids separate their parts with `|`: a value's own `|` (and `%`) are percent-encoded.
const keyPart = (v: string | undefined) => (v ?? '').replace(/%/g, '%25').replace(/\|/g, '%7C');

/** The dimension key: kind, then every dimension in a fixed order (empty when absent). */
export const dimensionKey = (d: RollupDimensions) =>
  [d.kind, ...DIMENSION_FIELDS.map((f) => keyPart(d[f]))].join('|');

export const rollupId = (granularity: Granularity, bucketLabel: string, key: string) =>
  `${granularity}|${bucketLabel}|${key}`;

export function analyticsRollupModel(connection: Connection) {
  return connection.model<AnalyticsRollup>('AnalyticsRollup', analyticsRollupSchema);
}
