// Organization enrolment: POST starts the `onboarding` workflow and answers once the enrolment is
// on record (update-with-start), GET reads the record the workflow keeps. Both are a logged-in
// developer's, as on the portal's pages, which enrol through the same function and rule: a tax id
// is public, so whoever could enrol one anonymously could block the real company or rewrite a
// rejected organization.
import { randomUUID } from 'node:crypto';
import { Router, json, type Request, type Response } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Models } from '../../../db/models/index.js';
import type { Organization } from '../../../db/models/organization.js';
import { fieldErrors } from '../../../lib/http/problem.js';
import { MarketplaceError } from '../errors.js';
import type { DeveloperAccess, DeveloperIdentity } from '../portal/access.js';
import { apiHandler, jsonOnly } from '../portal/api-handler.js';
import { startEnrolment } from '../../../workflows/onboarding-client.js';
import type { OnboardingInput } from '../../../workflows/onboarding-types.js';
import { enrolmentSchema } from '../enrolment-schema.js';

export interface OrganizationsDeps {
  client: Client;
  models: Pick<Models, 'Organization' | 'Developer'>;
  taskQueue: string;
  onboarding: Pick<OnboardingInput, 'bankAdminsEmail' | 'reminderIntervalMs' | 'reviewTimeoutMs'>;
}

/** The view of the organization's own developers; contacts are personal data and stay out. */
function organizationView(o: Organization & { _id: string }) {
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

/** Who enrols: a developer, with the organization they belong to now, if any. */
type Enroller = Pick<DeveloperIdentity, 'id' | 'organizationId' | 'role'>;

const mayLeave = (status: string) => status === 'REJECTED' || status === 'EXPIRED';

/**
 * Enrol an organization: starts its `onboarding` workflow and answers once the enrolment is on
 * record; the developer becomes its admin. A developer enrols while they belong to no organization
 * or to a rejected or expired one; an organization already on record with the tax id (rejected or
 * expired) enrols again only through its own admin, and keeps its id.
 */
export function organizationEnrolment(deps: OrganizationsDeps) {
  const { Organization, Developer } = deps.models;
  return async function enrol(body: unknown, developer: Enroller) {
    const parsed = enrolmentSchema.safeParse(body);
    if (!parsed.success)
      throw new MarketplaceError(400, 'Invalid enrolment', undefined, fieldErrors(parsed.error));
    const enrolment = parsed.data;
    if (developer.organizationId) {
      const current = await Organization.findById(developer.organizationId).lean();
      if (current && !mayLeave(current.status))
        throw new MarketplaceError(
          409,
          'Already in an organization',
          `You already belong to an organization (${current.status}).`,
        );
    }
    const existing = await Organization.findOne({ taxId: enrolment.taxId }).lean();
    const ownAdmin = existing?._id === developer.organizationId && developer.role === 'ORG_ADMIN';
    if (existing && !ownAdmin)
      throw new MarketplaceError(
        409,
        'Already enrolled',
        `An organization with this ${enrolment.taxIdType} is already enrolled: ask its admin to invite you.`,
      );
    if (existing && !mayLeave(existing.status))
      throw new MarketplaceError(
        409,
        'Already enrolled',
        `An organization with this ${enrolment.taxIdType} is ${existing.status}.`,
      );
    const organizationId = existing?._id ?? randomUUID();
    // The developer's membership is claimed before the workflow starts, on the condition that it
    // is still the one checked above: two enrolments sent at once cannot both make them an admin.
    const claimed = await Developer.updateOne(
      { _id: developer.id, organizationId: developer.organizationId ?? { $exists: false } },
      { $set: { organizationId, role: 'ORG_ADMIN' } },
    );
    if (claimed.matchedCount !== 1)
      throw new MarketplaceError(
        409,
        'Membership changed',
        'Your organization changed meanwhile: try again.',
      );
    try {
      await startEnrolment(deps.client, deps.taskQueue, { organizationId, enrolment, ...deps.onboarding });
    } catch (err) {
      await Developer.updateOne(
        { _id: developer.id, organizationId },
        developer.organizationId
          ? { $set: { organizationId: developer.organizationId, role: developer.role } }
          : { $unset: { organizationId: 1, role: 1 } },
      );
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

/**
 * The JSON API on the developer's session (as `/api/me`, `/api/applications`). An organization is
 * shown only to its own developers (the bank's staff read it under `/admin/api/organizations`);
 * to anyone else it does not exist.
 */
export function organizationsRouter(
  deps: Pick<OrganizationsDeps, 'models'> & {
    access: DeveloperAccess;
    enrol: ReturnType<typeof organizationEnrolment>;
  },
): Router {
  const { Organization } = deps.models;
  const router = Router();

  router.post(
    '/api/organizations',
    deps.access.api,
    jsonOnly,
    json({ limit: '64kb' }),
    apiHandler(async (req: Request, res: Response, developer) => {
      const org = await deps.enrol(req.body, developer);
      res.status(201).location(`/api/organizations/${org.organizationId}`).json(org);
    }),
  );

  router.get(
    '/api/organizations/:organizationId',
    deps.access.api,
    apiHandler(async (req, res, developer) => {
      const id = String(req.params.organizationId);
      const org = developer.organizationId === id ? await Organization.findById(id).lean() : null;
      if (!org) throw new MarketplaceError(404, 'Organization not found');
      res.json(organizationView(org));
    }),
  );

  return router;
}
