// Notification texts. Bodies carry ids and names the recipient already knows, nothing more.
import type { Organization } from '../../db/models/organization.js';

export type TemplateId =
  | 'enrolment-received'
  | 'review-requested'
  | 'review-reminder'
  | 'enrolment-approved'
  | 'enrolment-rejected'
  | 'enrolment-expired';

type Org = Pick<Organization, '_id' | 'legalName' | 'review'>;

export const TEMPLATES: Record<TemplateId, (org: Org) => { subject: string; body: string }> = {
  'enrolment-received': (o) => ({
    subject: `We received the enrolment of ${o.legalName}`,
    body: `The bank is reviewing the enrolment of ${o.legalName} (organization ${o._id}). You will hear from us when it is decided.`,
  }),
  'review-requested': (o) => ({
    subject: `Enrolment to review: ${o.legalName}`,
    body: `Organization ${o._id} (${o.legalName}) asks to join the developer marketplace. Approve or reject it in the Temporal UI: open its onboarding workflow and send the review signal.`,
  }),
  'review-reminder': (o) => ({
    subject: `Reminder: enrolment of ${o.legalName} awaits review`,
    body: `Organization ${o._id} (${o.legalName}) is still waiting for a review decision.`,
  }),
  'enrolment-approved': (o) => ({
    subject: `${o.legalName} is approved`,
    body: `The enrolment of ${o.legalName} is approved. You can now subscribe to API products and create applications.`,
  }),
  'enrolment-rejected': (o) => ({
    subject: `${o.legalName} was not approved`,
    body: `The enrolment of ${o.legalName} was rejected. Reason: ${o.review?.reason ?? 'not given'}.`,
  }),
  'enrolment-expired': (o) => ({
    subject: `The enrolment of ${o.legalName} expired`,
    body: `The enrolment of ${o.legalName} was not reviewed in time. You may enrol again.`,
  }),
};
