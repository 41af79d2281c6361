// Time buckets of the analytics roll-ups: UTC minutes, hours and days, aligned on the epoch. Pure
// arithmetic without imports, shared by the roll-up workflow (deterministic sandbox), its
// activities and the queries.
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const GRANULARITY_MS: Record<Granularity, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The granularity a bucket is built from (hours from minutes, days from hours). */
export const FINER: Record<Granularity, Granularity | undefined> = {
  minute: undefined,
  hour: 'minute',
  day: 'hour',
};

export const floorTo = (ms: number, size: number) => Math.floor(ms / size) * size;
export const ceilTo = (ms: number, size: number) => Math.ceil(ms / size) * size;

/** A bucket's start as it appears in roll-up ids: `2026-11-21T09:05`, `2026-11-21T09`, `2026-11-21`. */
export function bucketLabel(granularity: Granularity, ms: number): string {
  const iso = new Date(floorTo(ms, GRANULARITY_MS[granularity])).toISOString();
  return iso.slice(0, granularity === 'minute' ? 16 : granularity === 'hour' ? 13 : 10);
}

/** Half-open window [from, to) in epoch milliseconds. */
export interface Window {
  from: number;
  to: number;
}

/**
 * The buckets of `size` that ended in (from, to] (each ends on a multiple of `size`), as one window
 * [start of the first, end of the last); undefined when none did.
 */
export function closedBuckets(from: number, to: number, size: number): Window | undefined {
  const firstEnd = floorTo(from, size) + size;
  const lastEnd = floorTo(to, size);
  return firstEnd <= lastEnd ? { from: firstEnd - size, to: lastEnd } : undefined;
}

/** The bucket starts of a granularity in [from, to): from is floored to a bucket start. */
export function bucketStarts(granularity: Granularity, from: number, to: number): number[] {
  const size = GRANULARITY_MS[granularity];
  const starts: number[] = [];
  for (let t = floorTo(from, size); t < to; t += size) starts.push(t);
  return starts;
}
