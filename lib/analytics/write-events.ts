// Batches of analytics events go to `analytics_events`, unordered. A batch retried after a partial
// write meets its own earlier inserts as duplicate keys: those count as written; any other error
// fails the batch, which stays in the buffer.
import type { Models } from '../../db/models/index.js';
import type { Logger } from '../logger.js';
import { EventBuffer, type EventBufferOptions } from './event-buffer.js';

export function writeEvents<T extends { _id: string }>(model: Models['AnalyticsEvent']) {
  return async (events: T[]) => {
    try {
      await model.insertMany(events as never[], { ordered: false });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
      const duplicatesOnly =
        Array.isArray(writeErrors) &&
        writeErrors.length > 0 &&
        writeErrors.every((e) => (e.code ?? e.err?.code) === 11000);
      if (!duplicatesOnly) throw err;
    }
  };
}

/** How the platform's components buffer analytics events: room for 50 000, written 500 a second. */
export const EVENT_BUFFER_SETTINGS: EventBufferSettings = {
  capacity: 50_000,
  batchSize: 500,
  flushIntervalMs: 1000,
};

export type EventBufferSettings = Pick<
  EventBufferOptions<unknown>,
  'capacity' | 'batchSize' | 'flushIntervalMs'
>;

/**
 * A started buffer writing to `analytics_events`, logging failed writes with its counts (how many
 * wait, were written, were dropped). Tests and benchmarks may change the sizes and the cadence.
 */
export function startEventBuffer<T extends { _id: string }>(
  model: Models['AnalyticsEvent'],
  logger: Pick<Logger, 'warn'>,
  settings: Partial<EventBufferSettings> = {},
): EventBuffer<T> {
  const buffer: EventBuffer<T> = new EventBuffer<T>({
    ...EVENT_BUFFER_SETTINGS,
    ...settings,
    write: writeEvents<T>(model),
    onError: (err) =>
      logger.warn({ err: (err as Error).message, ...buffer.stats() }, 'analytics write failed'),
  });
  return buffer.start();
}
