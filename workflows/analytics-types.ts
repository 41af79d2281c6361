// The `analyticsRollup` workflow's contract, shared by the workflow and its callers (the
// `analytics-rollup` schedule, workers/schedules.ts): the input with its defaults, the result, and
// the workflow type by name.
import type { RetentionInput, RetentionResult, RollUpResult } from '../activities/analytics.js';

/** Run every minute by the `analytics-rollup` schedule. */
export const ANALYTICS_ROLLUP_WORKFLOW = 'analyticsRollup';
export type AnalyticsRollupWorkflow = (input: AnalyticsRollupInput) => Promise<AnalyticsRollupResult>;

export interface AnalyticsRollupInput {
  /** The schedule's interval: minutes that closed within the last interval are new to this run. */
  intervalMs: number;
  /** How long after its end a minute is rolled up: events may reach the database that late. */
  latenessMs: number;
  /** How far back closed minutes are recomputed on every run (at least a minute): late events; the first run. */
  catchUpMs: number;
  /** The most minutes one activity call rolls up (whole minutes, at least one); chunks end on its multiples. */
  chunkMs?: number;
  /** The most chunks one run rolls up behind the watermark: the next runs go on from where it stopped. */
  maxChunksPerRun?: number;
  /** Retention runs when a multiple of this (UTC) has passed since the previous run. */
  retentionEveryMs: number;
  retention: Omit<RetentionInput, 'now'>;
  activity: {
    startToCloseTimeoutMs: number;
    retryInitialIntervalMs: number;
    retryMaximumIntervalMs: number;
    maximumAttempts: number;
  };
  /** The instant the run counts from (ISO), instead of its start: for backfills and tests. */
  at?: string;
}

export interface AnalyticsRollupResult {
  /** The minutes, hours and days rolled up, every chunk together (from the first's start to the last's end). */
  minutes: RollUpResult;
  hours?: RollUpResult;
  days?: RollUpResult;
  /** The watermark before and after the run (ISO; `from` null on the first run). */
  watermark?: { from: string | null; to: string | null };
  /** False when the run stopped at `maxChunksPerRun` with closed minutes still to roll up. */
  caughtUp?: boolean;
  retention?: RetentionResult;
}

/** Inputs besides the retention ages, as the schedule passes them unless configured otherwise. */
export const ANALYTICS_ROLLUP_DEFAULTS: Omit<AnalyticsRollupInput, 'retention'> & {
  chunkMs: number;
  maxChunksPerRun: number;
} = {
  intervalMs: 60_000,
  latenessMs: 15_000,
  catchUpMs: 5 * 60_000,
  chunkMs: 3_600_000,
  maxChunksPerRun: 12,
  retentionEveryMs: 3_600_000,
  activity: {
    startToCloseTimeoutMs: 2 * 60_000,
    retryInitialIntervalMs: 5_000,
    retryMaximumIntervalMs: 60_000,
    maximumAttempts: 5,
  },
};
