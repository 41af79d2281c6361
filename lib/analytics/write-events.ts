// Batches of analytics events go to `analytics_events`, unordered. A batch retried after a partial
// write meets its own earlier inserts as duplicate keys: those count as written; any other error
// fails the batch, which stays in the buffer.
import type { Models } from '../../db/models/index.js';

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
