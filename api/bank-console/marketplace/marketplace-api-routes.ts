// The console's marketplace JSON API under /admin/api, on the staff session: VIEW and ADMIN read the
// organizations, subscriptions and applications; ADMIN reviews enrolments, decides on
// subscriptions and suspends, enables or deprovisions clients. Bodies are application/json (which
// no other site can send with the session cookie), so no CSRF token; errors are problem details.
//
//   GET  /admin/api/organizations[?status&page&pageSize]      GET /admin/api/organizations/:id
//   POST /admin/api/organizations/:id/review                   {decision: APPROVED|REJECTED, reason}
//   GET  /admin/api/subscriptions[?status&organizationId&page&pageSize]
//   POST /admin/api/subscriptions/:id/decision                 {decision: APPROVE|REJECT|SUSPEND|RESUME, reason}
//   GET  /admin/api/applications[?status&standard&organizationId&page&pageSize]
//   GET  /admin/api/applications/:id
//   POST /admin/api/applications/:id/{suspend|enable|deprovision|retry}   {reason}
import { Router, json, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { fieldErrors, sendProblem } from '../../../lib/http/problem.js';
import { queryErrors } from '../../../lib/web/query.js';
import { MarketplaceError, sendMarketplaceError } from '../../marketplace/errors.js';
import { actorOf, staffOf, type StaffAccess } from '../access.js';
import { temporalWorkflowUrl, type BankConsoleDeps, type MarketplaceAdminDeps } from '../config.js';
import {
  applicationAdminView,
  applicationQuerySchema,
  listApplications,
  listOrganizations,
  listSubscriptions,
  organizationAdminView,
  organizationNames,
  organizationQuerySchema,
  parseQuery,
  provisioningHistory,
  reviewOrganization,
  subscriptionAdminView,
  subscriptionQuerySchema,
  type ApplicationRecord,
  type OrganizationRecord,
  type Page,
  type SubscriptionRecord,
} from './marketplace-data.js';
import { VIEW_ONLY } from './marketplace-pages.js';

const reason = z
  .string({ error: 'a text of at most 500 characters' })
  .trim()
  .max(500, { error: 'the reason must have at most 500 characters' })
  .optional()
  .transform((r) => r || undefined);

/** A decision that needs a reason gets a 400 naming the field without one. */
const needsReason =
  (when: (decision: string) => boolean) =>
  (body: { decision?: string; reason?: string }, ctx: z.RefinementCtx) => {
    if (when(body.decision ?? '') && !body.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a reason is required' });
  };

const reviewBody = z
  .object({
    decision: z.enum(['APPROVED', 'REJECTED'], { error: 'APPROVED or REJECTED' }),
    reason,
  })
  .strict()
  .superRefine(needsReason((d) => d === 'REJECTED'));

const decisionBody = z
  .object({
    decision: z.enum(['APPROVE', 'REJECT', 'SUSPEND', 'RESUME'], {
      error: 'APPROVE, REJECT, SUSPEND or RESUME',
    }),
    reason,
  })
  .strict()
  .superRefine(needsReason((d) => d === 'REJECT' || d === 'SUSPEND'));

const APPLICATION_ACTIONS = ['suspend', 'enable', 'deprovision', 'retry'] as const;
type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];
const actionBody = (action: ApplicationAction) =>
  z
    .object({ reason })
    .strict()
    .superRefine((b, ctx) => {
      if ((action === 'suspend' || action === 'deprovision') && !b.reason)
        ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a reason is required' });
    });

const jsonOnly: RequestHandler = (req, res, next) =>
  req.is('application/json')
    ? next()
    : sendProblem(res, 415, 'Unsupported media type', 'Send the body as application/json.');

const meta = (q: { page: number; pageSize: number }, page: Page<unknown>) => ({
  page: q.page,
  pageSize: q.pageSize,
  totalRecords: page.total,
  totalPages: page.pages,
});

export function marketplaceApiRouter(
  deps: BankConsoleDeps,
  marketplace: MarketplaceAdminDeps,
  access: StaffAccess,
): Router {
  const router = Router();
  const { Organization, Subscription, Application } = deps.models;
  const adminOnly: RequestHandler = (_req, res, next) =>
    staffOf(res).role === 'ADMIN' ? next() : sendProblem(res, 403, 'Not allowed', VIEW_ONLY);
  const acting = [access.api, adminOnly, jsonOnly, json({ limit: '8kb' })];

  const invalidQuery = (res: Response, issues: z.core.$ZodIssue[]) => {
    const { detail, errors } = queryErrors(issues);
    sendProblem(res, 400, 'Invalid query', detail, errors);
  };
  const invalidBody = (res: Response, err: z.ZodError) =>
    sendProblem(
      res,
      400,
      'Invalid request',
      err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
      fieldErrors(err),
    );
  /** A refusal by the marketplace's services becomes its own status; anything else is a 500. */
  const refusal = (res: Response, err: unknown) => {
    if (err instanceof MarketplaceError) return sendMarketplaceError(res, err);
    throw err;
  };

  const organizationJson = (org: OrganizationRecord) => ({
    ...organizationAdminView(org),
    links: { temporalUi: temporalWorkflowUrl(deps, org.workflowId) },
  });

  router.get('/admin/api/organizations', access.api, async (req, res) => {
    const parsed = parseQuery(organizationQuerySchema, req.query);
    if (!parsed.success) return invalidQuery(res, parsed.error.issues);
    const page = await listOrganizations(deps.models, parsed.data);
    res.json({ data: page.rows.map((o) => organizationAdminView(o)), meta: meta(parsed.data, page) });
  });

  router.get('/admin/api/organizations/:id', access.api, async (req, res) => {
    const org = await Organization.findById(req.params.id).lean<OrganizationRecord>();
    if (!org) return sendProblem(res, 404, 'Organization not found');
    res.json(organizationJson(org));
  });

  router.post('/admin/api/organizations/:id/review', ...acting, async (req, res) => {
    const { id } = req.params as { id: string };
    const org = await Organization.findById(id).lean<OrganizationRecord>();
    if (!org) return sendProblem(res, 404, 'Organization not found');
    const parsed = reviewBody.safeParse(req.body);
    if (!parsed.success) return invalidBody(res, parsed.error);
    const { decision, reason } = parsed.data;
    const outcome = await reviewOrganization(deps.client, org, {
      decision,
      ...(reason ? { reason } : {}),
      reviewer: actorOf(staffOf(res)),
    });
    if (!outcome.ok) return sendProblem(res, outcome.status, 'Refused by the enrolment', outcome.message);
    req.log.info(
      { organizationId: id, decision, staff: staffOf(res).email },
      'organization reviewed by staff',
    );
    res.json(organizationJson((await Organization.findById(id).lean<OrganizationRecord>())!));
  });

  router.get('/admin/api/subscriptions', access.api, async (req, res) => {
    const parsed = parseQuery(subscriptionQuerySchema, req.query);
    if (!parsed.success) return invalidQuery(res, parsed.error.issues);
    const page = await listSubscriptions(deps.models, parsed.data);
    res.json({
      data: page.rows.map((s) => subscriptionAdminView(s, page.names.get(s.organizationId))),
      meta: meta(parsed.data, page),
    });
  });

  router.post('/admin/api/subscriptions/:id/decision', ...acting, async (req, res) => {
    const { id } = req.params as { id: string };
    const parsed = decisionBody.safeParse(req.body);
    if (!parsed.success) return invalidBody(res, parsed.error);
    const { decision, reason } = parsed.data;
    try {
      await marketplace.subscriptions.decide({
        subscriptionId: id,
        decision,
        by: actorOf(staffOf(res)),
        ...(reason ? { reason } : {}),
      });
    } catch (err) {
      return refusal(res, err);
    }
    req.log.info(
      { subscriptionId: id, decision, staff: staffOf(res).email },
      'subscription decided by staff',
    );
    const sub = (await Subscription.findById(id).lean<SubscriptionRecord>())!;
    const names = await organizationNames(deps.models, [sub.organizationId]);
    res.json(subscriptionAdminView(sub, names.get(sub.organizationId)));
  });

  router.get('/admin/api/applications', access.api, async (req, res) => {
    const parsed = parseQuery(applicationQuerySchema, req.query);
    if (!parsed.success) return invalidQuery(res, parsed.error.issues);
    const page = await listApplications(deps.models, parsed.data);
    res.json({
      data: page.rows.map((a) => applicationAdminView(a, page.names.get(a.organizationId))),
      meta: meta(parsed.data, page),
    });
  });

  const applicationJson = async (app: ApplicationRecord, withHistory: boolean) => {
    const names = await organizationNames(deps.models, [app.organizationId]);
    const history = withHistory ? await provisioningHistory(deps.client, app.workflowId) : undefined;
    return {
      ...applicationAdminView(app, names.get(app.organizationId)),
      ...(history
        ? {
            provisioning: {
              source: history.source,
              ...(history.note ? { note: history.note } : {}),
              ...(history.state ? { history: history.state.history } : {}),
            },
          }
        : {}),
      links: { temporalUi: temporalWorkflowUrl(deps, app.workflowId) },
    };
  };

  router.get('/admin/api/applications/:id', access.api, async (req, res) => {
    const app = await Application.findById(req.params.id).lean<ApplicationRecord>();
    if (!app) return sendProblem(res, 404, 'Application not found');
    res.json(await applicationJson(app, true));
  });

  router.post('/admin/api/applications/:id/:action', ...acting, async (req, res) => {
    const { id, action } = req.params as { id: string; action: string };
    if (!APPLICATION_ACTIONS.includes(action as ApplicationAction)) return sendProblem(res, 404, 'Not found');
    const parsed = actionBody(action as ApplicationAction).safeParse(req.body);
    if (!parsed.success) return invalidBody(res, parsed.error);
    const { reason } = parsed.data;
    try {
      await marketplace.applications.act(id, action as ApplicationAction, {
        by: actorOf(staffOf(res)),
        ...(reason ? { reason } : {}),
      });
    } catch (err) {
      return refusal(res, err);
    }
    req.log.info(
      { applicationId: id, action, staff: staffOf(res).email },
      'application client changed by staff',
    );
    res.json(await applicationJson((await Application.findById(id).lean<ApplicationRecord>())!, true));
  });

  return router;
}
