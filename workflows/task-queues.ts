// One task queue per domain, so each scales (and is rate-limited) on its own.
export const TASK_QUEUES = {
  onboarding: 'onboarding',
  housekeeping: 'housekeeping',
  consent: 'consent',
  provisioning: 'provisioning',
} as const;

export type TaskQueueName = keyof typeof TASK_QUEUES;
