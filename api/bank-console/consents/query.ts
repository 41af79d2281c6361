// The console's consent search, shared by the page, the JSON API and the CSV export: one schema
// for the query string (400 naming the field when a value is wrong) and one database filter.
import { z } from 'zod';
import { EXPIRY_CODES } from './display-status.js';

/** OFB statuses (all standards), then the FDX names (FDX consents only). */
export const STATUS_FILTERS = [
  'AWAITING_AUTHORISATION',
  'AUTHORISED',
  'REJECTED',
  'ACTIVE',
  'EXPIRED',
  'REVOKED',
] as const;
export const MAX_PAGE_SIZE = 100;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date (a whole day, UTC) or a date-time with its offset; `end` makes a date mean the day's end. */
const when = (end: boolean) =>
  z.string({ error: 'a date, YYYY-MM-DD, or a date-time, YYYY-MM-DDTHH:MM:SSZ' }).transform((v, ctx) => {
    const ms = DATE.test(v) || DATE_TIME.test(v) ? Date.parse(DATE.test(v) ? `${v}T00:00:00Z` : v) : NaN;
    // Date.parse rolls 2026-02-30 over to March: compare the date back to catch it.
    if (Number.isNaN(ms) || (DATE.test(v) && new Date(ms).toISOString().slice(0, 10) !== v)) {
      ctx.addIssue({ code: 'custom', message: 'a date, YYYY-MM-DD, or a date-time, YYYY-MM-DDTHH:MM:SSZ' });
      return z.NEVER;
    }
    return new Date(end && DATE.test(v) ? ms + 86_400_000 - 1 : ms);
  });

const text = (what: string) =>
  z
    .string({ error: `${what} (once)` })
    .trim()
    .min(1, { error: what })
    .max(200, { error: `${what} of at most 200 characters` });

const whole = (what: string, min: number, max: number) =>
  z.coerce.number({ error: what }).int({ error: what }).min(min, { error: what }).max(max, { error: what });

export const consentQuerySchema = z
  .object({
    consentId: text('a consent id or part of one').optional(),
    status: z.enum(STATUS_FILTERS, { error: `one of ${STATUS_FILTERS.join(', ')}` }).optional(),
    standard: z.enum(['OFB', 'FDX'], { error: 'OFB or FDX' }).optional(),
    clientId: text('a client id').optional(),
    organizationId: text('an organization id').optional(),
    customerId: text('a customer id').optional(),
    from: when(false).optional(),
    to: when(true).optional(),
    page: whole('a whole number from 1', 1, 1_000_000).default(1),
    pageSize: whole(`a whole number from 1 to ${MAX_PAGE_SIZE}`, 1, MAX_PAGE_SIZE).default(20),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to < q.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'a date on or after from' });
  });

export type ConsentQuery = z.infer<typeof consentQuerySchema>;

/** Form fields left empty mean "no filter". */
export function parseConsentQuery(query: unknown) {
  const given = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''),
  );
  return consentQuerySchema.safeParse(given);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WHOLE_ID = /^urn:[a-zA-Z0-9-]+:[0-9a-f-]{36}$|^[0-9a-f]{24}$/;

function statusFilter(status: ConsentQuery['status']): Record<string, unknown> {
  switch (status) {
    case 'ACTIVE':
      return { standard: 'FDX', status: 'AUTHORISED' };
    case 'EXPIRED':
      return { standard: 'FDX', status: 'REJECTED', 'rejection.code': { $in: EXPIRY_CODES } };
    case 'REVOKED':
      return { standard: 'FDX', status: 'REJECTED', 'rejection.code': { $nin: EXPIRY_CODES } };
    case undefined:
      return {};
    default:
      return { status };
  }
}

/**
 * The database filter: a whole consent id matches exactly, a part of one anywhere in the id. An
 * organization is the client ids of its applications, which the caller reads (search.ts).
 */
export function consentFilter(
  q: ConsentQuery,
  organizationClientIds: string[] = [],
): Record<string, unknown> {
  const and: Record<string, unknown>[] = [statusFilter(q.status)];
  if (q.consentId)
    and.push({
      _id: WHOLE_ID.test(q.consentId) ? q.consentId : { $regex: escapeRegex(q.consentId), $options: 'i' },
    });
  if (q.standard) and.push({ standard: q.standard });
  if (q.clientId) and.push({ clientId: q.clientId });
  if (q.organizationId) and.push({ clientId: { $in: organizationClientIds } });
  if (q.customerId) and.push({ customerId: q.customerId });
  if (q.from || q.to)
    and.push({ creationDateTime: { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) } });
  const parts = and.filter((p) => Object.keys(p).length > 0);
  return parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts };
}

/** Newest first; the id breaks ties so pages never overlap or skip. */
export const CONSENT_SORT = { creationDateTime: -1, _id: -1 } as const;

export const FILTER_KEYS = [
  'consentId',
  'status',
  'standard',
  'clientId',
  'organizationId',
  'customerId',
  'from',
  'to',
] as const;

/** The filters as given (strings), for the form, pagination and export links. */
export function givenFilters(query: unknown): Partial<Record<(typeof FILTER_KEYS)[number], string>> {
  const q = (query ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    FILTER_KEYS.flatMap((k) => (typeof q[k] === 'string' && q[k] !== '' ? [[k, q[k]]] : [])),
  );
}
