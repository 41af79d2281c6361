// The console's marketplace pages and forms: /admin/organizations (review an enrolment through its
// `onboarding` workflow), /admin/subscriptions (the bank's decisions) and /admin/applications (the
// OAuth clients, suspended, enabled or deprovisioned through the Discovery Agent). Every page
// needs a staff session; the forms are ADMIN only (VIEW gets 403) and carry the session's CSRF
// token; after an action the browser is sent back (303) with a notice. The JSON API is in
// marketplace-api.ts.
import { Router, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { formBody, sameToken } from '../../../lib/http/forms.js';
import { MarketplaceError } from '../../marketplace/errors.js';
import { actorOf, staffOf, type StaffAccess } from '../access.js';
import { reasonError } from '../consents/actions.js';
import { temporalWorkflowUrl, type BankConsoleDeps, type MarketplaceAdminDeps } from '../config.js';
import { marketplaceApiRouter } from './marketplace-api-routes.js';
import {
  givenQuery,
  listApplications,
  listOrganizations,
  listSubscriptions,
  organizationNames,
  parseQuery,
  provisioningHistory,
  reasonOf,
  reviewOrganization,
  applicationQuerySchema,
  organizationQuerySchema,
  subscriptionQuerySchema,
  type ApplicationRecord,
  type OrganizationRecord,
} from './marketplace-data.js';
import {
  applicationDetailPage,
  applicationListPage,
  MARKETPLACE_NOTICES,
  organizationDetailPage,
  organizationListPage,
  subscriptionListPage,
  VIEW_ONLY,
  type ListView,
} from './marketplace-pages.js';
import { messagePage } from '../frame-pages.js';

const SUBSCRIPTION_ACTIONS = {
  approve: 'APPROVE',
  reject: 'REJECT',
  suspend: 'SUSPEND',
  resume: 'RESUME',
} as const;
const APPLICATION_ACTIONS = ['suspend', 'enable', 'deprovision', 'retry'] as const;
type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];
/** Actions that need a reason in the audit trail. */
const NEEDS_REASON = new Set(['reject', 'suspend', 'deprovision']);
/** The reason a form gives, and what is wrong with it: some actions need one, any given is checked. */
const reasonFor = (action: string, body: Record<string, unknown>) => {
  const reason = reasonOf(body);
  const invalid = NEEDS_REASON.has(action) || reason !== undefined ? reasonError(body.reason) : undefined;
  return { reason, invalid };
};
/** A refusal as one sentence, whether or not its message ends with a full stop. */
const notDone = (why: string) => `Not done: ${why.replace(/\.+$/, '')}.`;

export function marketplaceAdminRouter(
  deps: BankConsoleDeps,
  marketplace: MarketplaceAdminDeps,
  access: StaffAccess,
): Router {
  const router = Router();
  const { Organization, Application } = deps.models;
  router.use(marketplaceApiRouter(deps, marketplace, access));

  const send = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);
  const message = (res: Response, status: number, title: string, text: string, back: string) =>
    send(res, status, messagePage(title, text, staffOf(res), back));

  const csrf: RequestHandler = (req, res, next) =>
    sameToken((req.body as Record<string, unknown> | undefined)?.csrf, staffOf(res).csrf)
      ? next()
      : message(
          res,
          403,
          'Request refused',
          'This form is no longer valid. Reload the page and try again.',
          req.path.split('/').slice(0, 3).join('/'),
        );
  const adminOnly: RequestHandler = (req, res, next) =>
    staffOf(res).role === 'ADMIN'
      ? next()
      : message(res, 403, 'Not allowed', VIEW_ONLY, req.path.split('/').slice(0, 3).join('/'));
  const guarded = [access.page, formBody, csrf, adminOnly];

  // ---- Organizations

  /** A list page as its query asks: the page of results, or the query's problems (400). */
  const sendList = async <Q extends { page: number }, R>(
    res: Response,
    query: unknown,
    status: number,
    list: {
      schema: z.ZodType<Q>;
      read: (q: Q) => Promise<R>;
      page: (v: ListView<R>) => string;
    },
    extra: { notice?: string; error?: string } = {},
  ) => {
    const view = { staff: staffOf(res), given: givenQuery(query), ...extra };
    const parsed = parseQuery(list.schema, query);
    if (!parsed.success) return send(res, 400, list.page({ ...view, errors: parsed.error.issues }));
    const result = await list.read(parsed.data);
    send(res, status, list.page({ ...view, page: parsed.data.page, result }));
  };

  router.get('/admin/organizations', access.page, async (req, res) =>
    sendList(
      res,
      req.query,
      200,
      {
        schema: organizationQuerySchema,
        read: (q) => listOrganizations(deps.models, q),
        page: organizationListPage,
      },
      { notice: await access.takeNotice(req) },
    ),
  );

  const organizationPage = (
    res: Response,
    org: OrganizationRecord,
    status: number,
    extra: { notice?: string; error?: string; reason?: string } = {},
  ) =>
    send(
      res,
      status,
      organizationDetailPage({
        staff: staffOf(res),
        org,
        temporalUrl: temporalWorkflowUrl(deps, org.workflowId),
        taskQueue: marketplace.onboardingTaskQueue,
        ...extra,
      }),
    );
  const organizationNotFound = (res: Response) =>
    message(res, 404, 'Organization not found', 'No organization has this id.', '/admin/organizations');

  router.get('/admin/organizations/:id', access.page, async (req, res) => {
    const org = await Organization.findById(req.params.id).lean<OrganizationRecord>();
    if (!org) return organizationNotFound(res);
    organizationPage(res, org, 200, { notice: await access.takeNotice(req) });
  });

  router.post('/admin/organizations/:id/:action', ...guarded, async (req, res) => {
    const { id, action } = req.params as { id: string; action: string };
    if (action !== 'approve' && action !== 'reject') return organizationNotFound(res);
    const org = await Organization.findById(id).lean<OrganizationRecord>();
    if (!org) return organizationNotFound(res);
    const { reason, invalid } = reasonFor(action, req.body as Record<string, unknown>);
    if (invalid) return organizationPage(res, org, 400, { error: notDone(invalid), reason });
    const outcome = await reviewOrganization(deps.client, org, {
      decision: action === 'approve' ? 'APPROVED' : 'REJECTED',
      ...(reason ? { reason } : {}),
      reviewer: actorOf(staffOf(res)),
    });
    if (!outcome.ok) {
      const fresh = (await Organization.findById(id).lean<OrganizationRecord>()) ?? org;
      return organizationPage(res, fresh, outcome.status, { error: notDone(outcome.message) });
    }
    req.log.info({ organizationId: id, action, staff: staffOf(res).email }, 'organization reviewed by staff');
    await access.flash(req, MARKETPLACE_NOTICES[`organization-${action}`]!);
    res.redirect(303, `/admin/organizations/${encodeURIComponent(id)}`);
  });

  // ---- Subscriptions

  /** The list the form came from, rebuilt from its validated filters (never a free URL). */
  const backTo = (back: unknown) => {
    const raw = typeof back === 'string' ? Object.fromEntries(new URLSearchParams(back)) : {};
    const parsed = parseQuery(subscriptionQuerySchema, raw);
    if (!parsed.success) return new URLSearchParams();
    const q = parsed.data;
    return new URLSearchParams({
      status: q.status,
      ...(q.organizationId ? { organizationId: q.organizationId } : {}),
      ...(q.page > 1 ? { page: String(q.page) } : {}),
      ...(q.pageSize !== 50 ? { pageSize: String(q.pageSize) } : {}),
    });
  };

  const subscriptionsPage = (
    res: Response,
    query: unknown,
    status: number,
    extra: { notice?: string; error?: string } = {},
  ) =>
    sendList(
      res,
      query,
      status,
      {
        schema: subscriptionQuerySchema,
        read: (q) => listSubscriptions(deps.models, q),
        page: subscriptionListPage,
      },
      extra,
    );

  router.get('/admin/subscriptions', access.page, async (req, res) =>
    subscriptionsPage(res, req.query, 200, { notice: await access.takeNotice(req) }),
  );

  router.post('/admin/subscriptions/:id/:action', ...guarded, async (req, res) => {
    const { id, action } = req.params as { id: string; action: string };
    const body = req.body as Record<string, unknown>;
    const back = backTo(body.back);
    const refuse = (status: number, error: string) =>
      subscriptionsPage(res, Object.fromEntries(back), status, { error: notDone(error) });
    if (!Object.hasOwn(SUBSCRIPTION_ACTIONS, action)) return refuse(404, 'there is no such action');
    const { reason, invalid } = reasonFor(action, body);
    if (invalid) return refuse(400, invalid);
    try {
      await marketplace.subscriptions.decide({
        subscriptionId: id,
        decision: SUBSCRIPTION_ACTIONS[action as keyof typeof SUBSCRIPTION_ACTIONS],
        by: actorOf(staffOf(res)),
        ...(reason ? { reason } : {}),
      });
    } catch (err) {
      if (err instanceof MarketplaceError) return refuse(err.status, err.detail ?? err.title);
      throw err;
    }
    req.log.info({ subscriptionId: id, action, staff: staffOf(res).email }, 'subscription decided by staff');
    await access.flash(req, MARKETPLACE_NOTICES[`subscription-${action}`]!);
    res.redirect(303, `/admin/subscriptions?${back.toString()}`);
  });

  // ---- Applications

  router.get('/admin/applications', access.page, async (req, res) =>
    sendList(
      res,
      req.query,
      200,
      {
        schema: applicationQuerySchema,
        read: (q) => listApplications(deps.models, q),
        page: applicationListPage,
      },
      { notice: await access.takeNotice(req) },
    ),
  );

  const applicationPage = async (
    res: Response,
    app: ApplicationRecord,
    status: number,
    extra: { notice?: string; error?: string } = {},
  ) => {
    const [names, history] = await Promise.all([
      organizationNames(deps.models, [app.organizationId]),
      provisioningHistory(deps.client, app.workflowId),
    ]);
    if (history.error)
      res.req.log.warn({ err: history.error, applicationId: app._id }, 'provisioning workflow not readable');
    send(
      res,
      status,
      applicationDetailPage({
        staff: staffOf(res),
        app,
        organizationName: names.get(app.organizationId),
        history,
        temporalUrl: temporalWorkflowUrl(deps, app.workflowId),
        ...extra,
      }),
    );
  };
  const applicationNotFound = (res: Response) =>
    message(res, 404, 'Application not found', 'No application has this id.', '/admin/applications');

  router.get('/admin/applications/:id', access.page, async (req, res) => {
    const app = await Application.findById(req.params.id).lean<ApplicationRecord>();
    if (!app) return applicationNotFound(res);
    await applicationPage(res, app, 200, { notice: await access.takeNotice(req) });
  });

  router.post('/admin/applications/:id/:action', ...guarded, async (req, res) => {
    const { id, action } = req.params as { id: string; action: string };
    if (!APPLICATION_ACTIONS.includes(action as ApplicationAction)) return applicationNotFound(res);
    const app = await Application.findById(id).lean<ApplicationRecord>();
    if (!app) return applicationNotFound(res);
    const { reason, invalid } = reasonFor(action, req.body as Record<string, unknown>);
    const refuse = async (status: number, error: string) =>
      applicationPage(res, (await Application.findById(id).lean<ApplicationRecord>()) ?? app, status, {
        error: notDone(error),
      });
    if (invalid) return refuse(400, invalid);
    try {
      await marketplace.applications.act(id, action as ApplicationAction, {
        by: actorOf(staffOf(res)),
        ...(reason ? { reason } : {}),
      });
    } catch (err) {
      if (err instanceof MarketplaceError) return refuse(err.status, err.detail ?? err.title);
      throw err;
    }
    req.log.info(
      { applicationId: id, action, staff: staffOf(res).email },
      'application client changed by staff',
    );
    await access.flash(req, MARKETPLACE_NOTICES[`client-${action}`]!);
    res.redirect(303, `/admin/applications/${encodeURIComponent(id)}`);
  });

  return router;
}
