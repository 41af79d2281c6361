// UTC calendar arithmetic for the dataset: the mock core books in UTC, so a date is a UTC day.
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** 'YYYY-MM-DD' of an instant. */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** 'YYYY-MM' of an instant. */
export const monthKey = (ms: number): string => new Date(ms).toISOString().slice(0, 7);

export const startOfDay = (ms: number): number => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);

export const dayOfMonth = (ms: number): number => new Date(ms).getUTCDate();

/** First instant of the month `offset` months after the one holding `ms`. */
export function startOfMonth(ms: number, offset = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

/** The same day and time `months` later, the day clamped to the month's length (Jan 31 → Feb 28). */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
  const days = new Date(startOfMonth(first, 1) - DAY_MS).getUTCDate();
  return first + (Math.min(d.getUTCDate(), days) - 1) * DAY_MS + (ms - startOfDay(ms));
}

/** The instant `day` (1-28) of the month `offset` months after the one holding `ms`. */
export const dayInMonth = (ms: number, offset: number, day: number): number =>
  startOfMonth(ms, offset) + (day - 1) * DAY_MS;
