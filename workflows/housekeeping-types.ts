// The `housekeeping` workflow's contract, shared by the workflow and its caller (the `housekeeping`
// schedule, workers/schedules.ts): the result and the workflow type by name.

/** Run by the `housekeeping` schedule. */
export const HOUSEKEEPING_WORKFLOW = 'housekeeping';
export type HousekeepingWorkflow = () => Promise<HousekeepingResult>;

export interface HousekeepingResult {
  expiredOidcRecords: number;
  retiredKeys: number;
}
