// Where the analytics pipeline has got to: one small document per cursor. `_id: 'rollup'` is the
// `analyticsRollup` workflow's watermark: every minute before `rolledUpTo` has been rolled up, and
// every hour and day that ended by then. Written only by the workflow's activities
// (activities/analytics.ts), which only ever move it forward; an operator may set it back to have
// the next runs recompute from there (no further back than the raw events are kept).
import { Schema, type Connection } from 'mongoose';

export const ROLLUP_WATERMARK_ID = 'rollup';

interface AnalyticsState {
  _id: string;
  /** The end (exclusive, a whole minute) of what has been rolled up. */
  rolledUpTo: Date;
}

const analyticsStateSchema = new Schema<AnalyticsState>(
  {
    _id: { type: String, required: true },
    rolledUpTo: { type: Date, required: true },
  },
  { collection: 'analytics_state', versionKey: false },
);

export function analyticsStateModel(connection: Connection) {
  return connection.model<AnalyticsState>('AnalyticsState', analyticsStateSchema);
}
