// How the marketplace and the bank's console drive the `onboarding` workflow: the enrolment
// (update-with-start, answered once the enrolment is on record) and the bank's review. The
// workflow's validator has the last word: a refused review fails with WorkflowUpdateFailedError.
// Runs outside workflows (it uses @temporalio/client): workflow code never imports it.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import {
  enrolmentRecordedUpdate,
  ONBOARDING_WORKFLOW,
  reviewUpdate,
  type OnboardingInput,
  type OnboardingState,
  type OnboardingWorkflow,
  type ReviewDecision,
} from './onboarding-types.js';
import { OnboardingStatus, OrganizationId, Standard } from '../lib/temporal-search-attributes.js';

/** One enrolment at a time per tax id; a rejected or expired one may enrol again. */
export function onboardingWorkflowId(taxIdType: string, taxId: string): string {
  return `onboarding-${taxIdType.toLowerCase()}-${taxId}`;
}

/**
 * Starts the enrolment's workflow and answers once the enrolment is on record. Fails with
 * WorkflowExecutionAlreadyStartedError while an enrolment with the same tax id is in progress.
 */
export function startEnrolment(
  client: Client,
  taskQueue: string,
  input: OnboardingInput,
): Promise<OnboardingState> {
  const { enrolment } = input;
  const start = new WithStartWorkflowOperation<OnboardingWorkflow>(ONBOARDING_WORKFLOW, {
    workflowId: onboardingWorkflowId(enrolment.taxIdType, enrolment.taxId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: OrganizationId, value: input.organizationId },
      { key: OnboardingStatus, value: 'PENDING_REVIEW' },
      { key: Standard, value: enrolment.standards },
    ],
  });
  return client.workflow.executeUpdateWithStart(enrolmentRecordedUpdate, { startWorkflowOperation: start });
}

/** The bank's decision; resolves once the outcome is on record. */
export function reviewEnrolment(
  client: Client,
  workflowId: string,
  decision: ReviewDecision,
): Promise<OnboardingState> {
  return client.workflow.getHandle(workflowId).executeUpdate(reviewUpdate, { args: [decision] });
}
