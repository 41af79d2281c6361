// The `onboarding` workflow's contract, shared by the workflow, its activities and its callers:
// the enrolment, the input, the state, the review update, signal and query, and the workflow type
// by name. Callers start and drive the workflow through onboarding-client.ts.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** One workflow per enrolling organization (see onboarding-client.ts for its id). */
export const ONBOARDING_WORKFLOW = 'onboarding';
export type OnboardingWorkflow = (input: OnboardingInput) => Promise<OnboardingState>;

export type Standard = 'OFB' | 'FDX';

export interface Enrolment {
  legalName: string;
  taxId: string;
  taxIdType: 'CNPJ' | 'EIN';
  website: string;
  logoUri?: string;
  contacts: { name: string; email: string; role: 'business' | 'technical' | 'security' }[];
  standards: Standard[];
}

export interface OnboardingInput {
  organizationId: string;
  enrolment: Enrolment;
  /** Where review requests and reminders go. */
  bankAdminsEmail: string;
  /** Durations are inputs so tests can run the whole lifecycle in seconds. */
  reminderIntervalMs: number;
  reviewTimeoutMs: number;
}

export interface ReviewDecision {
  decision: 'APPROVED' | 'REJECTED';
  reason?: string;
  reviewer: string;
}

export type OnboardingStatusValue = 'SUBMITTED' | 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED' | 'EXPIRED';

export interface OnboardingState {
  organizationId: string;
  status: OnboardingStatusValue;
  remindersSent: number;
  review?: ReviewDecision & { decidedAt: string };
}

/** Resolves once the enrolment is on record, so the API can answer 201 with a readable resource. */
export const enrolmentRecordedUpdate = defineUpdate<OnboardingState>('enrolmentRecorded');
/** The bank's decision; resolves once the outcome is on record. */
export const reviewUpdate = defineUpdate<OnboardingState, [ReviewDecision]>('review');
export const reviewSignal = defineSignal<[ReviewDecision]>('review');
export const stateQuery = defineQuery<OnboardingState>('state');
