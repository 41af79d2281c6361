// Consumer insights for developers: their applications' API calls per bucket, calls per endpoint,
// error rate, latency p50/p95, consents and tokens, as charts (chart.js, served by this server) and
// tables — one application (/apps/:id/insights) or the whole organization (/insights) — and the
// same as JSON (/api/applications/:id/insights, /api/insights), on the developer session.
//
// The scope is always built here from the organization's own applications: their client ids, an
// empty list when none has a client yet (zeros, never "every client"). Another organization's
// application is a 404, whichever route names it. The query takes the bank dashboard's period
// (granularity minute, hour or day, default hour; from and to, default the last 60 minutes, 24
// hours or 30 days) plus, for the organization-wide routes, an applicationId; anything else —
// a clientId among them — is a 400 naming the field.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Models } from '../../../db/models/index.js';
import { insightsBody } from '../../../lib/analytics/insights-page.js';
import { parseInsightsQuery } from '../../../lib/analytics/insights-query.js';
import {
  analyticsQueries,
  type AnalyticsRange,
  type AnalyticsScope,
  type InsightsReport,
} from '../../../lib/analytics/queries.js';
import { html, type Html } from '../../../lib/http/html.js';
import { sendProblem } from '../../../lib/http/problem.js';
import { queryErrors, queryString } from '../../../lib/web/query.js';
import { MarketplaceError } from '../errors.js';
import { developerOf, type DeveloperAccess, type DeveloperIdentity } from './access.js';
import { apiHandler, organizationOf } from './api-handler.js';
import { ownApplication } from './apps/deps.js';
import { sendAppNotFound, sendMessage, sendPage } from './frame-pages.js';

export interface InsightsRouteDeps {
  models: Pick<Models, 'Organization' | 'Subscription' | 'Application' | 'AnalyticsRollup'>;
  access: DeveloperAccess;
}

/** What an application contributes to a scope and a report's header. */
interface AppRef {
  _id: string;
  name: string;
  client: { clientId?: string | null };
}

type Issue = z.core.$ZodIssue;

/** The period's parameters (parsed by the bank dashboard's parser) and, where allowed, the application. */
const PERIOD_KEYS = ['granularity', 'from', 'to'] as const;

const applicationIdSchema = z
  .string({ error: 'an application id (once)' })
  .regex(/^[\w-]{1,100}$/, { error: 'an application id' });

export interface DeveloperInsightsQuery {
  range: AnalyticsRange;
  applicationId?: string;
}

/**
 * The query string of a developer's insights route: the period, and `applicationId` where
 * `withApplication`. Unknown parameters are refused, so no scope can be asked for by name.
 */
function parseDeveloperInsightsQuery(
  query: unknown,
  now: number,
  withApplication: boolean,
): { success: true; data: DeveloperInsightsQuery } | { success: false; issues: Issue[] } {
  const given = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''),
  );
  const allowed: string[] = [...PERIOD_KEYS, ...(withApplication ? ['applicationId'] : [])];
  const schema = z.looseObject({ applicationId: applicationIdSchema.optional() }).superRefine((q, ctx) => {
    for (const key of Object.keys(q))
      if (!allowed.includes(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `absent: the parameters are ${allowed.join(', ')}`,
        });
  });
  const own = schema.safeParse(given);
  const period = parseInsightsQuery(
    Object.fromEntries(PERIOD_KEYS.flatMap((k) => (k in given ? [[k, given[k]]] : []))),
    now,
  );
  if (!own.success || !period.success)
    return { success: false, issues: [...(own.error?.issues ?? []), ...(period.error?.issues ?? [])] };
  return {
    success: true,
    data: {
      range: period.data.range,
      ...(own.data.applicationId ? { applicationId: own.data.applicationId } : {}),
    },
  };
}

/** The clients of these applications; none (not everyone) when no application has a client yet. */
const scopeOf = (apps: AppRef[]): AnalyticsScope => ({
  clientIds: apps.map((a) => a.client.clientId).filter((id): id is string => typeof id === 'string' && !!id),
});

const applicationsView = (apps: AppRef[]) =>
  apps.map((a) => ({ applicationId: a._id, name: a.name, clientId: a.client.clientId ?? null }));

/** The form's values as given (strings only), to show them again. */
const givenFilters = (query: unknown, withApplication: boolean): Record<string, string> =>
  Object.fromEntries(
    [...PERIOD_KEYS, ...(withApplication ? ['applicationId'] : [])].flatMap((k) => {
      const v = (query as Record<string, unknown> | undefined)?.[k];
      return typeof v === 'string' && v !== '' ? [[k, v]] : [];
    }),
  );

interface InsightsPageView {
  developer: DeveloperIdentity;
  /** Where the form and the quick links go: /apps/:id/insights or /insights. */
  path: string;
  /** The JSON twin of the page. */
  apiPath: string;
  title: string;
  /** Who the numbers are of, as a sentence part. */
  of: Html;
  filters: Record<string, string>;
  /** The organization's applications, for the /insights page's application choice. */
  choices?: AppRef[];
  report?: InsightsReport;
  errors?: Issue[];
}

const applicationChoice = (choices: AppRef[], chosen: string | undefined) =>
  html`<div>
    <label for="i-applicationId">Application</label>
    <select id="i-applicationId" name="applicationId">
      <option value="">All applications</option>
      ${choices.map(
        (a) => html`<option value="${a._id}" ${chosen === a._id ? html`selected` : ''}>${a.name}</option>`,
      )}
    </select>
  </div>`;

function sendInsightsPage(res: Response, status: number, v: InsightsPageView) {
  const body = insightsBody({
    title: v.title,
    of: v.of,
    action: v.path,
    filters: v.filters,
    scopeField: v.choices ? applicationChoice(v.choices, v.filters.applicationId) : undefined,
    problems: v.errors ? queryErrors(v.errors).errors : [],
    report: v.report,
    json: html`<a href="${v.apiPath}${queryString(v.filters)}">${v.apiPath}</a>`,
  });
  sendPage(res, status, v.title, body, v.developer);
}

const clientsOf = (apps: AppRef[]): Html => {
  const ids = scopeOf(apps).clientIds!;
  if (apps.length === 0) return html`your organization's applications (it has none yet)`;
  return ids.length
    ? html`${apps.length === 1 ? 'your application' : `your ${apps.length} applications`}
      (${ids.map((id, i) => html`${i ? ', ' : ''}<code>${id}</code>`)})`
    : html`your applications (none has a client yet: nothing to show)`;
};

export function developerInsightsRouter(deps: InsightsRouteDeps, o: { now?: () => number } = {}): Router {
  const now = o.now ?? Date.now;
  const queries = analyticsQueries(deps.models, { now });
  const { Application } = deps.models;
  const router = Router();

  const organizationApps = (organizationId: string) =>
    Application.find({ organizationId }, { name: 1, 'client.clientId': 1 }).sort({ _id: 1 }).lean<AppRef[]>();

  /** The report of these applications, as the JSON API answers it. */
  const reportView = async (apps: AppRef[], range: AnalyticsRange) => {
    const report = await queries.report(scopeOf(apps), range);
    return { ...report, applications: applicationsView(apps) };
  };

  /** The parsed query, or undefined after answering 400. */
  const apiQuery = (req: Request, res: Response, withApplication: boolean) => {
    const parsed = parseDeveloperInsightsQuery(req.query, now(), withApplication);
    if (parsed.success) return parsed.data;
    const { detail, errors } = queryErrors(parsed.issues);
    sendProblem(res, 400, 'Invalid query', detail, errors);
    return undefined;
  };

  router.get(
    '/api/insights',
    deps.access.api,
    apiHandler(async (req, res, d) => {
      const organizationId = organizationOf(d);
      const q = apiQuery(req, res, true);
      if (!q) return;
      const apps = q.applicationId
        ? [await ownApplication(deps.models, d, q.applicationId)]
        : await organizationApps(organizationId);
      res.json(await reportView(apps, q.range));
    }),
  );

  router.get(
    '/api/applications/:id/insights',
    deps.access.api,
    apiHandler(async (req, res, d) => {
      const app = await ownApplication(deps.models, d, String(req.params.id));
      const q = apiQuery(req, res, false);
      if (!q) return;
      res.json(await reportView([app], q.range));
    }),
  );

  router.get('/apps/:id/insights', deps.access.page, async (req, res) => {
    const developer = developerOf(res);
    let app: AppRef;
    try {
      app = await ownApplication(deps.models, developer, String(req.params.id));
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      return sendAppNotFound(res, developer);
    }
    const view = {
      developer,
      path: `/apps/${app._id}/insights`,
      apiPath: `/api/applications/${app._id}/insights`,
      title: `Insights: ${app.name}`,
      of: clientsOf([app]),
      filters: givenFilters(req.query, false),
    };
    const parsed = parseDeveloperInsightsQuery(req.query, now(), false);
    if (!parsed.success) return sendInsightsPage(res, 400, { ...view, errors: parsed.issues });
    const report = await queries.report(scopeOf([app]), parsed.data.range);
    sendInsightsPage(res, 200, { ...view, report });
  });

  router.get('/insights', deps.access.page, async (req, res) => {
    const developer = developerOf(res);
    if (!developer.organizationId)
      return sendMessage(
        res,
        409,
        {
          title: 'Insights',
          message: 'Enrol your organization first: insights are of its applications.',
          link: { href: '/organization', text: 'Organization' },
        },
        developer,
      );
    const apps = await organizationApps(developer.organizationId);
    const filters = givenFilters(req.query, true);
    const view = {
      developer,
      path: '/insights',
      apiPath: '/api/insights',
      title: 'Insights',
      of: clientsOf(apps),
      filters,
      choices: apps,
    };
    const parsed = parseDeveloperInsightsQuery(req.query, now(), true);
    if (!parsed.success) return sendInsightsPage(res, 400, { ...view, errors: parsed.issues });
    let chosen = apps;
    if (parsed.data.applicationId) {
      const app = apps.find((a) => a._id === parsed.data.applicationId);
      if (!app) return sendAppNotFound(res, developer);
      chosen = [app];
    }
    const report = await queries.report(scopeOf(chosen), parsed.data.range);
    sendInsightsPage(res, 200, {
      ...view,
      ...(chosen.length === 1 && parsed.data.applicationId
        ? { title: `Insights: ${chosen[0]!.name}`, of: clientsOf(chosen) }
        : {}),
      report,
    });
  });

  return router;
}
