// Side effects of the `onboarding` workflow. Every activity is idempotent: retried with the same
// input it leaves the same record, so Temporal's at-least-once execution is safe. Each status the
// enrolment enters is also an analytics event (`onboarding.transition`: organization id and
// status, nothing else), written once per workflow step.
import { ApplicationFailure } from '@temporalio/activity';
import { insertOnce } from '../db/insert-once.js';
import type { Models } from '../db/models/index.js';
import type { Enrolment, OnboardingState, OnboardingStatusValue } from '../workflows/onboarding-types.js';
import { TEMPLATES, type TemplateId } from './notifications/templates.js';
import { recordTransition } from './transition-events.js';

interface NotifyInput {
  /** Deterministic id: the same notification is written once however often it is retried. */
  id: string;
  template: TemplateId;
  audience: 'organization' | 'bank-admins';
  organizationId: string;
  /** Required for bank-admins; organization notices go to the organization's contacts. */
  to?: string;
}

export function createOnboardingActivities({
  models,
}: {
  models: Pick<Models, 'Organization' | 'Notification' | 'AnalyticsEvent'>;
}) {
  const { Organization, Notification } = models;

  async function findOrganization(organizationId: string) {
    const org = await Organization.findById(organizationId).lean();
    if (!org)
      throw ApplicationFailure.nonRetryable(
        `organization ${organizationId} is not on record`,
        'OrganizationNotFound',
      );
    return org;
  }

  return {
    async recordEnrolment(input: {
      organizationId: string;
      enrolment: Enrolment;
      workflowId: string;
      submittedAt: string;
    }): Promise<void> {
      const { enrolment } = input;
      await Organization.updateOne(
        { _id: input.organizationId },
        {
          $set: {
            ...enrolment,
            status: 'PENDING_REVIEW',
            workflowId: input.workflowId,
            submittedAt: new Date(input.submittedAt),
          },
          $unset: { review: 1 },
        },
        { upsert: true },
      );
      await recordTransition(models, input.organizationId, {
        type: 'onboarding.transition',
        at: new Date(input.submittedAt),
        organizationId: input.organizationId,
        toStatus: 'PENDING_REVIEW',
      });
    },

    async recordOutcome(input: {
      organizationId: string;
      status: OnboardingStatusValue;
      review?: OnboardingState['review'];
    }): Promise<void> {
      const review = input.review && {
        decision: input.review.decision,
        reason: input.review.reason,
        reviewer: input.review.reviewer,
        decidedAt: new Date(input.review.decidedAt),
      };
      await Organization.updateOne(
        { _id: input.organizationId },
        review ? { $set: { status: input.status, review } } : { $set: { status: input.status } },
      );
      // The reviewer (a staff email) and the reason stay out: the decision is the status.
      await recordTransition(models, input.organizationId, {
        type: 'onboarding.transition',
        at: review?.decidedAt ?? new Date(),
        organizationId: input.organizationId,
        toStatus: input.status,
      });
    },

    async notify(input: NotifyInput): Promise<void> {
      const org = await findOrganization(input.organizationId);
      const { subject, body } = TEMPLATES[input.template](org);
      const recipients =
        input.audience === 'bank-admins' ? [input.to ?? ''] : org.contacts.map((c) => c.email);
      await Promise.all(
        recipients.map((to, i) =>
          // Written once under its id: a no-op on retry (db/insert-once.ts).
          insertOnce(Notification, {
            _id: `${input.id}/${i}`,
            to,
            audience: input.audience,
            template: input.template,
            subject,
            body,
            organizationId: input.organizationId,
            sentAt: new Date(),
          }),
        ),
      );
    },
  };
}

export type OnboardingActivities = ReturnType<typeof createOnboardingActivities>;
