// `onboarding`: a data-recipient organization's enrolment, from submission to the bank's review
// decision. It is the single writer of the organization's record. Ops see it in the Temporal UI
// (search attributes OrganizationId, OnboardingStatus, Standard) and may decide there with the
// `review` signal; API callers (the admin console, when built) use the `review` update, which rejects bad input.
import {
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnboardingActivities } from '../activities/onboarding.js';
import {
  enrolmentRecordedUpdate,
  reviewSignal,
  reviewUpdate,
  stateQuery,
  type OnboardingInput,
  type OnboardingState,
  type ReviewDecision,
} from './onboarding-types.js';
import { OnboardingStatus } from '../lib/temporal-search-attributes.js';

const activities = proxyActivities<OnboardingActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 20,
  },
});

/** Why a decision cannot be taken now, or undefined when it can. Shared by the update validator and the signal. */
export function reviewError(
  state: OnboardingState,
  pending: ReviewDecision | undefined,
  d: ReviewDecision,
): string | undefined {
  if (pending || (state.status !== 'PENDING_REVIEW' && state.status !== 'SUBMITTED'))
    return `the enrolment is already ${pending?.decision ?? state.status}`;
  if (d?.decision !== 'APPROVED' && d?.decision !== 'REJECTED')
    return 'decision must be APPROVED or REJECTED';
  if (typeof d.reviewer !== 'string' || d.reviewer.trim() === '') return 'reviewer is required';
  if (d.decision === 'REJECTED' && (typeof d.reason !== 'string' || d.reason.trim() === ''))
    return 'a rejection needs a reason';
  return undefined;
}

export async function onboarding(input: OnboardingInput): Promise<OnboardingState> {
  const { workflowId, runId } = workflowInfo();
  // Notification ids are per run: a re-enrolment after a rejection is notified afresh, a retried activity is not.
  const note = (suffix: string) => `${runId}/${suffix}`;
  const state: OnboardingState = {
    organizationId: input.organizationId,
    status: 'SUBMITTED',
    remindersSent: 0,
  };
  let decision: ReviewDecision | undefined;
  let outcomeRecorded = false;

  setHandler(stateQuery, () => state);
  setHandler(enrolmentRecordedUpdate, async () => {
    await condition(() => state.status !== 'SUBMITTED');
    return state;
  });
  setHandler(
    reviewUpdate,
    async (d) => {
      decision = d;
      await condition(() => outcomeRecorded);
      return state;
    },
    {
      validator: (d) => {
        const error = reviewError(state, decision, d);
        if (error) throw new Error(error);
      },
    },
  );
  setHandler(reviewSignal, (d) => {
    const error = reviewError(state, decision, d);
    if (error) log.warn('review signal ignored', { error });
    else decision = d;
  });

  await activities.recordEnrolment({
    organizationId: input.organizationId,
    enrolment: input.enrolment,
    workflowId,
    submittedAt: new Date().toISOString(),
  });
  state.status = 'PENDING_REVIEW';
  await activities.notify({
    id: note('received'),
    template: 'enrolment-received',
    audience: 'organization',
    organizationId: input.organizationId,
  });
  await activities.notify({
    id: note('review-requested'),
    template: 'review-requested',
    audience: 'bank-admins',
    to: input.bankAdminsEmail,
    organizationId: input.organizationId,
  });

  // Wait for the bank until the review window closes, reminding reviewers at fixed marks
  // (every reminderIntervalMs from submission) so slow activities never shift the schedule.
  const since = Date.now();
  const deadline = since + input.reviewTimeoutMs;
  while (!decision && Date.now() < deadline) {
    const nextReminder = since + (state.remindersSent + 1) * input.reminderIntervalMs;
    const wakeAt = Math.min(nextReminder, deadline);
    if (await condition(() => decision !== undefined, Math.max(1, wakeAt - Date.now()))) break;
    if (Date.now() < nextReminder || nextReminder >= deadline) continue;
    state.remindersSent++;
    await activities.notify({
      id: note(`reminder-${state.remindersSent}`),
      template: 'review-reminder',
      audience: 'bank-admins',
      to: input.bankAdminsEmail,
      organizationId: input.organizationId,
    });
  }

  if (decision) {
    state.status = decision.decision;
    state.review = { ...decision, decidedAt: new Date().toISOString() };
  } else {
    state.status = 'EXPIRED';
  }
  upsertSearchAttributes([{ key: OnboardingStatus, value: state.status }]);
  await activities.recordOutcome({
    organizationId: input.organizationId,
    status: state.status,
    review: state.review,
  });
  outcomeRecorded = true;
  await activities.notify({
    id: note('outcome'),
    template: `enrolment-${state.status.toLowerCase()}` as
      'enrolment-approved' | 'enrolment-rejected' | 'enrolment-expired',
    audience: 'organization',
    organizationId: input.organizationId,
  });
  await condition(allHandlersFinished);
  return state;
}
