// Organization enrolment: POST starts the `onboarding` workflow and answers once the enrolment is
// on record (update-with-start), GET reads the record the workflow keeps. The marketplace pages
// enrol through the same function.
import { randomUUID } from 'node:crypto';
import { Router, json } from 'express';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  type Client,
} from '@temporalio/client';
import type { Models } from '../../../db/models/index.js';
import type { Organization } from '../../../db/models/organization.js';
import { fieldErrors, sendProblem } from '../../../lib/http/problem.js';
import { MarketplaceError, sendMarketplaceError } from '../errors.js';
import { enrolmentRecordedUpdate, onboarding, type OnboardingInput } from '../../../workflows/onboarding.js';
import { OnboardingStatus, OrganizationId, Standard } from '../../../workflows/search-attributes.js';
import { enrolmentSchema } from '../enrolment-schema.js';

export interface OrganizationsDeps {
  client: Client;
  models: Pick<Models, 'Organization'>;
  taskQueue: string;
  onboarding: Pick<OnboardingInput, 'bankAdminsEmail' | 'reminderIntervalMs' | 'reviewTimeoutMs'>;
}

/** The public view: contacts are personal data and stay out until the API has authentication. */
export function organizationView(o: Organization & { _id: string }) {
  return {
    organizationId: o._id,
    legalName: o.legalName,
    taxIdType: o.taxIdType,
    taxId: o.taxId,
    website: o.website,
    ...(o.logoUri ? { logoUri: o.logoUri } : {}),
    standards: o.standards,
    status: o.status,
    ...(o.review
      ? { review: { decision: o.review.decision, reason: o.review.reason, decidedAt: o.review.decidedAt } }
      : {}),
    submittedAt: o.submittedAt,
  };
}

export function onboardingWorkflowId(taxIdType: string, taxId: string): string {
  return `onboarding-${taxIdType.toLowerCase()}-${taxId}`;
}

/**
 * Enrol an organization: starts its `onboarding` workflow and answers once the enrolment is on
 * record. A rejected or expired organization may enrol again and keeps its id.
 */
export function organizationEnrolment(deps: OrganizationsDeps) {
  const { Organization } = deps.models;
  /**
   * `mayEnrolAgain`: whether this caller may enrol an organization already on record with the
   * tax id (a developer: only its own admin, as the tax id is public); absent: the API's rule.
   */
  return async function enrol(body: unknown, mayEnrolAgain?: (org: { _id: string }) => boolean) {
    const parsed = enrolmentSchema.safeParse(body);
    if (!parsed.success)
      throw new MarketplaceError(400, 'Invalid enrolment', undefined, fieldErrors(parsed.error));
    const enrolment = parsed.data;
    const existing = await Organization.findOne({ taxId: enrolment.taxId }).lean();
    if (existing && mayEnrolAgain && !mayEnrolAgain(existing))
      throw new MarketplaceError(
        409,
        'Already enrolled',
        `An organization with this ${enrolment.taxIdType} is already enrolled: ask its admin to invite you.`,
      );
    if (existing && (existing.status === 'PENDING_REVIEW' || existing.status === 'APPROVED'))
      throw new MarketplaceError(
        409,
        'Already enrolled',
        `An organization with this ${enrolment.taxIdType} is ${existing.status}.`,
      );
    const organizationId = existing?._id ?? randomUUID();
    const start = new WithStartWorkflowOperation(onboarding, {
      workflowId: onboardingWorkflowId(enrolment.taxIdType, enrolment.taxId),
      taskQueue: deps.taskQueue,
      args: [{ organizationId, enrolment, ...deps.onboarding }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: [
        { key: OrganizationId, value: organizationId },
        { key: OnboardingStatus, value: 'PENDING_REVIEW' },
        { key: Standard, value: enrolment.standards },
      ],
    });
    try {
      await deps.client.workflow.executeUpdateWithStart(enrolmentRecordedUpdate, {
        startWorkflowOperation: start,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new MarketplaceError(
          409,
          'Already enrolled',
          `An enrolment with this ${enrolment.taxIdType} is in progress.`,
        );
      throw err;
    }
    const org = await Organization.findById(organizationId).lean();
    if (!org) throw new Error(`organization ${organizationId} missing after its enrolment was recorded`);
    return organizationView(org);
  };
}

export function organizationsRouter(deps: OrganizationsDeps): Router {
  const { Organization } = deps.models;
  const router = Router();
  const enrol = organizationEnrolment(deps);

  router.post('/api/organizations', json({ limit: '64kb' }), async (req, res) => {
    try {
      const org = await enrol(req.body);
      res.status(201).location(`/api/organizations/${org.organizationId}`).json(org);
    } catch (err) {
      if (err instanceof MarketplaceError) return sendMarketplaceError(res, err);
      throw err;
    }
  });

  router.get('/api/organizations/:organizationId', async (req, res) => {
    const org = await Organization.findById(req.params.organizationId).lean();
    if (!org) return sendProblem(res, 404, 'Organization not found');
    res.json(organizationView(org));
  });

  return router;
}
