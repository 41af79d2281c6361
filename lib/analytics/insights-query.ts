// The insights query string, the bank's dashboard's and the developers' alike: granularity
// (minute, hour, day; default hour), from and to (dates or date-times, UTC unless an offset is
// given; default the last 60 minutes, 24 hours or 30 days), clientId, and for the endpoints a
// limit. A bad value is an issue naming the field.
import { z } from 'zod';
import { floorTo, GRANULARITIES, GRANULARITY_MS, type Granularity } from './buckets.js';
import { MAX_BUCKETS, type AnalyticsRange, type AnalyticsScope } from './queries.js';

/** How many buckets a range spans when `from` is not given. */
const DEFAULT_BUCKETS: Record<Granularity, number> = { minute: 60, hour: 24, day: 30 };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;
const INSTANT = 'a date, YYYY-MM-DD, or a date-time, YYYY-MM-DDTHH:MM[:SS] (UTC unless an offset follows)';

/** A date (its start, or with `end` the start of the next day) or a date-time, in epoch ms. */
const instant = (end: boolean) =>
  z.string({ error: `${INSTANT} (once)` }).transform((v, ctx) => {
    let ms = NaN;
    if (DATE.test(v)) {
      ms = Date.parse(`${v}T00:00:00Z`);
      // Date.parse rolls 2026-02-30 over to March: compare the date back to catch it.
      if (!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) !== v) ms = NaN;
      else if (end) ms += GRANULARITY_MS.day;
    } else if (DATE_TIME.test(v)) {
      ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v}Z`);
    }
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: INSTANT });
      return z.NEVER;
    }
    return ms;
  });

const querySchema = z.object({
  granularity: z.enum(GRANULARITIES, { error: 'minute, hour or day' }).default('hour'),
  from: instant(false).optional(),
  to: instant(true).optional(),
  clientId: z
    .string({ error: 'a client id (once)' })
    .trim()
    .regex(/^[\w.:-]{1,200}$/, { error: 'a client id' })
    .optional(),
  limit: z.coerce
    .number({ error: 'a whole number from 1 to 100' })
    .int({ error: 'a whole number from 1 to 100' })
    .min(1, { error: 'a whole number from 1 to 100' })
    .max(100, { error: 'a whole number from 1 to 100' })
    .optional(),
});

export interface InsightsQuery {
  range: AnalyticsRange;
  scope: AnalyticsScope;
  clientId?: string;
  limit?: number;
}

/** The query string as an insights query: defaults filled in, range checked against `now`. */
export function parseInsightsQuery(query: unknown, now: number) {
  const given = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''),
  );
  return querySchema
    .transform((q, ctx): InsightsQuery => {
      const size = GRANULARITY_MS[q.granularity];
      const to = q.to ?? floorTo(now, size) + size;
      const from = q.from ?? to - DEFAULT_BUCKETS[q.granularity] * size;
      if (to <= from) {
        ctx.addIssue({
          code: 'custom',
          path: [q.to === undefined ? 'from' : 'to'],
          message: 'a time after from',
        });
        return z.NEVER;
      }
      if ((to - floorTo(from, size)) / size > MAX_BUCKETS) {
        ctx.addIssue({
          code: 'custom',
          path: ['from'],
          message: `at most ${MAX_BUCKETS} ${q.granularity}s before to (choose a coarser granularity)`,
        });
        return z.NEVER;
      }
      return {
        range: { from: new Date(from), to: new Date(to), granularity: q.granularity },
        scope: q.clientId ? { clientIds: [q.clientId] } : {},
        ...(q.clientId ? { clientId: q.clientId } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      };
    })
    .safeParse(given);
}

/** The form's values as given (strings only), to show them again. */
export const givenInsightsFilters = (query: unknown): Record<string, string> =>
  Object.fromEntries(
    ['granularity', 'from', 'to', 'clientId'].flatMap((k) => {
      const v = (query as Record<string, unknown> | undefined)?.[k];
      return typeof v === 'string' && v !== '' ? [[k, v]] : [];
    }),
  );
