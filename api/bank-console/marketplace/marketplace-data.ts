// What the console reads and does for the developer marketplace, shared by its pages and its JSON
// API: the organization, subscription and application lists (filters, paging, the pending ones
// first), the views staff see (never a registration access token), an application's provisioning
// history, and the bank's review of an enrolment through the `onboarding` workflow.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Models } from '../../../db/models/index.js';
import { CLIENT_STATUSES } from '../../../db/models/application.js';
import type { Application } from '../../../db/models/application.js';
import { ONBOARDING_STATUSES, STANDARDS, type Organization } from '../../../db/models/organization.js';
import { SUBSCRIPTION_STATUSES, type Subscription } from '../../../db/models/subscription.js';
import { reviewEnrolment } from '../../../workflows/onboarding-client.js';
import type { ReviewDecision } from '../../../workflows/onboarding-types.js';
import { provisioningWorkflowState } from '../../../workflows/provisioning-client.js';
import type { ProvisioningState } from '../../../workflows/provisioning-types.js';
import { findProduct } from '../../../lib/products.js';
import type { Outcome } from '../consents/actions.js';

export type MarketplaceModels = Pick<Models, 'Organization' | 'Subscription' | 'Application'>;
export type OrganizationRecord = Organization & { _id: string; createdAt?: Date; updatedAt?: Date };
export type SubscriptionRecord = Subscription & { _id: string };
export type ApplicationRecord = Application & { _id: string; createdAt?: Date; updatedAt?: Date };

export const MAX_PAGE_SIZE = 100;
/** `status=ALL` lists every status; without `status` a list shows its default. */
export const ALL = 'ALL';

const whole = (what: string, min: number, max: number) =>
  z.coerce.number({ error: what }).int({ error: what }).min(min, { error: what }).max(max, { error: what });
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of ${values.join(', ')}` });
const id = (what: string) =>
  z
    .string({ error: `${what} (once)` })
    .trim()
    .regex(/^[\w.:-]{1,200}$/, { error: what });
const paging = {
  page: whole('a whole number from 1', 1, 1_000_000).default(1),
  pageSize: whole(`a whole number from 1 to ${MAX_PAGE_SIZE}`, 1, MAX_PAGE_SIZE).default(50),
};

/** Organizations: every status by default, those waiting for review first. */
export const organizationQuerySchema = z.object({
  status: oneOf([...ONBOARDING_STATUSES, ALL] as const).default(ALL),
  ...paging,
});
/** Subscriptions: those waiting for approval by default. */
export const subscriptionQuerySchema = z.object({
  status: oneOf([...SUBSCRIPTION_STATUSES, ALL] as const).default('PENDING_APPROVAL'),
  organizationId: id('an organization id').optional(),
  ...paging,
});
/** Applications: every client status by default, newest first. */
export const applicationQuerySchema = z.object({
  status: oneOf([...CLIENT_STATUSES, ALL] as const).default(ALL),
  standard: oneOf(STANDARDS).optional(),
  organizationId: id('an organization id').optional(),
  ...paging,
});

export type OrganizationQuery = z.infer<typeof organizationQuerySchema>;
export type SubscriptionQuery = z.infer<typeof subscriptionQuerySchema>;
export type ApplicationQuery = z.infer<typeof applicationQuerySchema>;

/** A query string with its empty fields dropped (an empty form field means "no filter"). */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown) {
  const given = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''),
  );
  return schema.safeParse(given) as z.ZodSafeParseResult<z.infer<S>>;
}

/** The query's own values (strings), for re-showing a filter form. */
export const givenQuery = (query: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
    ),
  );

export interface Page<T> {
  rows: T[];
  total: number;
  pages: number;
}

interface Segment {
  filter: Record<string, unknown>;
  sort: Record<string, 1 | -1>;
}

/** One page of the segments read one after another (e.g. the pending ones, then the rest). */
async function pageThrough<T>(
  db: {
    count(filter: Record<string, unknown>): Promise<number>;
    read(segment: Segment, skip: number, limit: number): Promise<T[]>;
  },
  segments: Segment[],
  page: number,
  pageSize: number,
): Promise<Page<T>> {
  const counts = await Promise.all(segments.map((s) => db.count(s.filter)));
  const total = counts.reduce((a, b) => a + b, 0);
  const rows: T[] = [];
  let skip = (page - 1) * pageSize;
  for (const [i, segment] of segments.entries()) {
    const need = pageSize - rows.length;
    if (need <= 0) break;
    if (skip >= counts[i]!) {
      skip -= counts[i]!;
      continue;
    }
    rows.push(...(await db.read(segment, skip, need)));
    skip = 0;
  }
  return { rows, total, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

/** Waiting ones first (oldest first: a queue), then the others (newest first). */
function pendingFirst(status: string, pending: string, field: string, extra: Record<string, unknown>) {
  const queue: Segment = { filter: { ...extra, status: pending }, sort: { [field]: 1, _id: 1 } };
  if (status === pending) return [queue];
  const newest = { [field]: -1 as const, _id: 1 as const };
  if (status !== ALL) return [{ filter: { ...extra, status }, sort: newest }];
  return [queue, { filter: { ...extra, status: { $ne: pending } }, sort: newest }];
}

export function listOrganizations(models: MarketplaceModels, q: OrganizationQuery) {
  const { Organization } = models;
  return pageThrough<OrganizationRecord>(
    {
      count: (filter) => Organization.countDocuments(filter),
      read: (s, skip, limit) =>
        Organization.find(s.filter).sort(s.sort).skip(skip).limit(limit).lean<OrganizationRecord[]>(),
    },
    pendingFirst(q.status, 'PENDING_REVIEW', 'submittedAt', {}),
    q.page,
    q.pageSize,
  );
}

/** Legal names by organization id, for the lists. */
export async function organizationNames(models: MarketplaceModels, ids: string[]) {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map<string, string>();
  const orgs = await models.Organization.find({ _id: { $in: unique } }, { legalName: 1 }).lean();
  return new Map(orgs.map((o) => [o._id, o.legalName]));
}

export async function listSubscriptions(models: MarketplaceModels, q: SubscriptionQuery) {
  const extra = q.organizationId ? { organizationId: q.organizationId } : {};
  const { Subscription } = models;
  const page = await pageThrough<SubscriptionRecord>(
    {
      count: (filter) => Subscription.countDocuments(filter),
      read: (s, skip, limit) =>
        Subscription.find(s.filter).sort(s.sort).skip(skip).limit(limit).lean<SubscriptionRecord[]>(),
    },
    pendingFirst(q.status, 'PENDING_APPROVAL', 'requestedAt', extra),
    q.page,
    q.pageSize,
  );
  const names = await organizationNames(
    models,
    page.rows.map((s) => s.organizationId),
  );
  return { ...page, names };
}

export async function listApplications(models: MarketplaceModels, q: ApplicationQuery) {
  const filter: Record<string, unknown> = {
    ...(q.status !== ALL ? { 'client.status': q.status } : {}),
    ...(q.standard ? { standard: q.standard } : {}),
    ...(q.organizationId ? { organizationId: q.organizationId } : {}),
  };
  const { Application } = models;
  const page = await pageThrough<ApplicationRecord>(
    {
      count: (f) => Application.countDocuments(f),
      read: (s, skip, limit) =>
        Application.find(s.filter).sort(s.sort).skip(skip).limit(limit).lean<ApplicationRecord[]>(),
    },
    [{ filter, sort: { createdAt: -1, _id: 1 } }],
    q.page,
    q.pageSize,
  );
  const names = await organizationNames(
    models,
    page.rows.map((a) => a.organizationId),
  );
  return { ...page, names };
}

// ---- What staff see. Built field by field: nothing else of a record (registration access
// token, registration URI, keys) reaches a page or the API.

export function organizationAdminView(o: OrganizationRecord) {
  return {
    organizationId: o._id,
    legalName: o.legalName,
    taxIdType: o.taxIdType,
    taxId: o.taxId,
    website: o.website,
    standards: o.standards,
    status: o.status,
    contacts: o.contacts.map((c) => ({ name: c.name, email: c.email, role: c.role })),
    ...(o.review
      ? {
          review: {
            decision: o.review.decision,
            ...(o.review.reason ? { reason: o.review.reason } : {}),
            reviewer: o.review.reviewer,
            decidedAt: o.review.decidedAt,
          },
        }
      : {}),
    submittedAt: o.submittedAt,
    workflowId: o.workflowId,
  };
}

export const productOf = (productId: string, planId: string) => {
  const product = findProduct(productId);
  return {
    productName: product?.name ?? productId,
    planName: product?.plans.find((p) => p.id === planId)?.name ?? planId,
    approval: product?.approval,
  };
};

export function subscriptionAdminView(s: SubscriptionRecord, organizationName?: string) {
  const { productName, planName } = productOf(s.productId, s.planId);
  return {
    subscriptionId: s._id,
    organizationId: s.organizationId,
    ...(organizationName ? { organizationName } : {}),
    productId: s.productId,
    productName,
    planId: s.planId,
    planName,
    status: s.status,
    requestedBy: s.requestedBy,
    requestedAt: s.requestedAt,
    ...(s.decision
      ? {
          decision: {
            by: s.decision.by,
            at: s.decision.at,
            ...(s.decision.reason ? { reason: s.decision.reason } : {}),
          },
        }
      : {}),
  };
}

export function applicationAdminView(a: ApplicationRecord, organizationName?: string) {
  const c = a.client;
  return {
    applicationId: a._id,
    organizationId: a.organizationId,
    ...(organizationName ? { organizationName } : {}),
    name: a.name,
    standard: a.standard,
    redirectUris: a.redirectUris,
    tokenEndpointAuthMethod: a.tokenEndpointAuthMethod,
    client: {
      status: c.status,
      ...(c.clientId ? { clientId: c.clientId } : {}),
      scopes: c.scopes ?? [],
      ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}),
      ...(c.lastError
        ? { lastError: { step: c.lastError.step, message: c.lastError.message, at: c.lastError.at } }
        : {}),
      ...(c.updatedAt ? { updatedAt: c.updatedAt } : {}),
    },
    credentials: a.credentials.map((k) => ({
      id: k.id,
      kind: k.certificate ? (k.jwk ? 'key and certificate' : 'certificate') : 'key',
      ...(k.subjectDn ? { subjectDn: k.subjectDn } : {}),
      addedAt: k.addedAt,
      ...(k.retiresAt ? { retiresAt: k.retiresAt } : {}),
    })),
    createdBy: a.createdBy,
    ...(a.createdAt ? { createdAt: a.createdAt } : {}),
    workflowId: a.workflowId,
  };
}

// ---- The workflows behind the records.

export interface ProvisioningHistory {
  /** The workflow's state: live (query) or final (result). */
  state?: ProvisioningState;
  /** Where it came from, or why it is missing (then the record's status stands alone). */
  source: 'running' | 'ended' | 'unavailable';
  note?: string;
  error?: unknown;
}

/** The Discovery Agent's step history of an application; a closed or unreachable workflow is tolerated. */
export async function provisioningHistory(client: Client, workflowId: string): Promise<ProvisioningHistory> {
  try {
    const workflow = await provisioningWorkflowState(client, workflowId);
    if (workflow.status === 'RUNNING') return { state: workflow.state, source: 'running' };
    if (workflow.status === 'COMPLETED')
      return {
        state: workflow.state,
        source: 'ended',
        note: 'The workflow has ended; this is its final state.',
      };
    return {
      source: 'unavailable',
      note: `The workflow is ${workflow.status.toLowerCase().replace(/_/g, ' ')}: only the status on record is shown.`,
    };
  } catch (error) {
    return {
      source: 'unavailable',
      note:
        error instanceof WorkflowNotFoundError
          ? 'The workflow is no longer in Temporal (past its retention): only the status on record is shown.'
          : 'The workflow could not be read just now: only the status on record is shown.',
      error,
    };
  }
}

/** The bank's decision on an enrolment, through its `onboarding` workflow; refusals carry its reason. */
export async function reviewOrganization(
  client: Client,
  org: OrganizationRecord,
  decision: ReviewDecision,
): Promise<Outcome<undefined>> {
  if (org.status !== 'PENDING_REVIEW')
    return { ok: false, status: 409, message: `the enrolment is already ${org.status}` };
  try {
    await reviewEnrolment(client, org.workflowId, decision);
    return { ok: true, value: undefined };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      return {
        ok: false,
        status: 409,
        message: (err.cause as { message?: string } | undefined)?.message ?? err.message,
      };
    if (err instanceof WorkflowNotFoundError)
      return { ok: false, status: 409, message: 'the enrolment has ended: its workflow no longer runs' };
    throw err;
  }
}

/** The reason field of a form or JSON body, trimmed; undefined when empty. */
export const reasonOf = (body: unknown): string | undefined => {
  const r = (body as Record<string, unknown> | undefined)?.reason;
  return typeof r === 'string' && r.trim() !== '' ? r.trim() : undefined;
};
