// Ranges, cursors and pages as the mock core serves them, in memory or from MongoDB alike.
// Lists are newest first (bookedAt, then id, descending); a cursor is the position of the last
// item served, so pages stay stable while newer transactions arrive.
import { ConnectorRequestRefused, type PageRequest, type TimeRange } from '../sdk/connector.js';
import { clampLimit } from '../sdk/core-rest-contract.js';
import type { Page } from '../sdk/model.js';
import { DAY_MS } from './calendar.js';

/** A request parameter the mock core cannot use: a 400 naming it. */
export class InvalidParameter extends ConnectorRequestRefused {
  override name = 'InvalidParameter';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

/** Inclusive bounds in epoch milliseconds; an absent side is unbounded. */
export interface Bounds {
  fromMs: number;
  toMs: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date (a whole UTC day: its first or last millisecond) or a date-time with offset. */
function instant(value: string, parameter: string, edge: 'start' | 'end'): number {
  if (DATE.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value))
      return edge === 'start' ? ms : ms + DAY_MS - 1;
  } else if (DATE_TIME.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new InvalidParameter(
    parameter,
    `${parameter} must be a date (YYYY-MM-DD) or a date-time with offset (2026-10-01T12:00:00Z)`,
  );
}

export function parseRange(range: Partial<TimeRange>): Bounds {
  const fromMs = range.from === undefined ? -Infinity : instant(range.from, 'from', 'start');
  const toMs = range.to === undefined ? Infinity : instant(range.to, 'to', 'end');
  if (fromMs > toMs) throw new InvalidParameter('from', 'from must not be after to');
  return { fromMs, toMs };
}

/** Whether a date (a UTC day) touches the bounds. */
export const dayInBounds = (date: string, b: Bounds): boolean => {
  const start = Date.parse(`${date}T00:00:00Z`);
  return start <= b.toMs && start + DAY_MS - 1 >= b.fromMs;
};

function encodeCursor(bookedAt: string, id: string): string {
  return Buffer.from(`${Date.parse(bookedAt)}~${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { ms: number; id: string } {
  const match =
    cursor.length <= 300 &&
    /^(\d{1,15})~([\w.:-]{1,200})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new InvalidParameter('cursor', 'cursor is not one this service issued');
  return { ms: Number(match[1]), id: match[2]! };
}

type Booked = { bookedAt: string; transactionId: string };

/** The page after `page.cursor` of the in-bounds items of a newest-first list. */
export function pageNewestFirst<T extends Booked>(
  newestFirst: readonly T[],
  bounds: Bounds,
  page: PageRequest,
): Page<T> {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const limit = clampLimit(page.limit);
  const items: T[] = [];
  let total = 0;
  for (const item of newestFirst) {
    const ms = Date.parse(item.bookedAt);
    if (ms < bounds.fromMs || ms > bounds.toMs) continue;
    total++;
    const isAfter = !after || ms < after.ms || (ms === after.ms && item.transactionId < after.id);
    if (isAfter && items.length <= limit) items.push(item);
  }
  // One item past the limit tells whether another page follows.
  const more = items.length > limit;
  if (more) items.pop();
  const last = items[items.length - 1];
  return {
    items,
    total,
    ...(more && last ? { nextCursor: encodeCursor(last.bookedAt, last.transactionId) } : {}),
  };
}
