// Workflow transitions as analytics events (onboarding, provisioning): what moved to which status,
// ids only — never names, emails, tax ids or reviewers. Written once (db/insert-once.ts) under an id
// that is the same on every attempt of the activity that records it, so a retried activity writes once.
import { randomUUID } from 'node:crypto';
import { activityInfo } from '@temporalio/activity';
import { insertOnce } from '../db/insert-once.js';
import type { Models } from '../db/models/index.js';

type TransitionEventType = 'onboarding.transition' | 'provisioning.transition';

interface TransitionEvent {
  type: TransitionEventType;
  at: Date;
  /** The status entered. */
  toStatus: string;
  organizationId?: string;
  applicationId?: string;
  clientId?: string;
  standard?: string;
}

/**
 * The activity's identity: the workflow run's id (unique) and the activity's id in that run stay
 * the same across the activity's retries and differ for every other activity. (Not the workflow
 * id: an onboarding's names the organization's tax id.) Outside a workflow's activity (never in
 * production) every call is its own transition.
 */
function transitionKey(): string {
  try {
    const info = activityInfo();
    if (info.workflowExecution) return `${info.workflowExecution.runId}:${info.activityId}`;
  } catch {
    // No activity context.
  }
  return `direct:${randomUUID()}`;
}

/** Record a transition once under `<type>:<subject>:<transitionKey()>`; fields left undefined stay out. */
export async function recordTransition(
  models: Pick<Models, 'AnalyticsEvent'>,
  subject: string,
  event: TransitionEvent,
): Promise<void> {
  const fields = Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined && v !== ''));
  await insertOnce(models.AnalyticsEvent, { _id: `${event.type}:${subject}:${transitionKey()}`, ...fields });
}
