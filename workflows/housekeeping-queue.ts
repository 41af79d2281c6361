// The workflows the `housekeeping` task queue runs.
export { analyticsRollup } from './analytics.js';
export { housekeeping } from './housekeeping.js';
