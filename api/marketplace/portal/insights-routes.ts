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
import type { Granularity } from '../../../lib/analytics/buckets.js';
import { insightsCharts, insightsTables } from '../../../lib/analytics/insights-view.js';
import {
  analyticsQueries,
  type AnalyticsRange,
  type AnalyticsScope,
  type InsightsReport,
} from '../../../lib/analytics/queries.js';
import { html, type Html } from '../../../lib/http/html.js';
import { sendProblem } from '../../../lib/http/problem.js';
import { parseInsightsQuery } from '../../consent-admin/insights-routes.js';
import { queryErrors, queryString } from '../../consent-admin/query.js';
import { MarketplaceError, sendMarketplaceError } from '../errors.js';
import { developerOf, type DeveloperAccess, type DeveloperIdentity } from './access.js';
import { ownApplication } from './app-routes.js';
import { portalPage } from './views.js';

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
export function parseDeveloperInsightsQuery(
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
export const scopeOf = (apps: AppRef[]): AnalyticsScope => ({
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

const GRANULARITY_LABELS: Record<Granularity, string> = { minute: 'Minute', hour: 'Hour', day: 'Day' };

const textField = (name: string, label: string, value: string | undefined, hint: string) =>
  html`<div>
    <label for="i-${name}">${label}</label>
    <input id="i-${name}" name="${name}" value="${value ?? ''}" aria-describedby="i-${name}-hint" />
    <span class="hint" id="i-${name}-hint">${hint}</span>
  </div>`;

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

function rangeForm(v: InsightsPageView): Html {
  const f = v.filters;
  const granularity = f.granularity ?? 'hour';
  return html`<form method="get" action="${v.path}" aria-label="Period">
    <div class="filters">
      <div>
        <label for="i-granularity">Per</label>
        <select id="i-granularity" name="granularity">
          ${(Object.keys(GRANULARITY_LABELS) as Granularity[]).map(
            (g) =>
              html`<option value="${g}" ${g === granularity ? html`selected` : ''}>
                ${GRANULARITY_LABELS[g]}
              </option>`,
          )}
        </select>
      </div>
      ${textField('from', 'From (UTC)', f.from, 'YYYY-MM-DD or YYYY-MM-DDTHH:MM')}
      ${textField('to', 'To (UTC, not included)', f.to, 'YYYY-MM-DD (the whole day) or YYYY-MM-DDTHH:MM')}
      ${
        v.choices
          ? html`<div>
              <label for="i-applicationId">Application</label>
              <select id="i-applicationId" name="applicationId">
                <option value="">All applications</option>
                ${v.choices.map(
                  (a) =>
                    html`<option value="${a._id}" ${f.applicationId === a._id ? html`selected` : ''}>
                      ${a.name}
                    </option>`,
                )}
              </select>
            </div>`
          : ''
      }
    </div>
    <button type="submit">Show</button>
    <a href="${v.path}?granularity=minute">Last hour</a> ·
    <a href="${v.path}?granularity=hour">Last 24 hours</a> ·
    <a href="${v.path}?granularity=day">Last 30 days</a>
  </form>`;
}

function insightsPage(v: InsightsPageView): string {
  const problems = v.errors ? queryErrors(v.errors).errors : [];
  const body = html`<h1>${v.title}</h1>
    <p>
      API calls, errors and latency at the gateway, consents and tokens of ${v.of}, from the analytics
      roll-ups (updated every minute).
    </p>
    ${rangeForm(v)}
    ${
      problems.length
        ? html`<div class="error-banner" role="alert" id="error">
            <p>Check the period:</p>
            <ul>
              ${problems.map((p) => html`<li>${p.field} ${p.message}</li>`)}
            </ul>
          </div>`
        : ''
    }
    ${
      v.report
        ? html`${insightsCharts(v.report)} ${insightsTables(v.report)}
            <p class="hint">
              The same numbers as JSON: <a href="${v.apiPath}${queryString(v.filters)}">${v.apiPath}</a>.
            </p>`
        : ''
    }`;
  return portalPage(v.title, body, v.developer);
}

const clientsOf = (apps: AppRef[]): Html => {
  const ids = scopeOf(apps).clientIds!;
  if (apps.length === 0) return html`your organization's applications (it has none yet)`;
  return ids.length
    ? html`${apps.length === 1 ? 'your application' : `your ${apps.length} applications`}
      (${ids.map((id, i) => html`${i ? ', ' : ''}<code>${id}</code>`)})`
    : html`your applications (none has a client yet: nothing to show)`;
};

const notFoundPage = (res: Response, developer: DeveloperIdentity) =>
  res
    .status(404)
    .type('html')
    .send(portalPage('Not found', html`<h1>Application not found</h1>`, developer));

export function developerInsightsRouter(deps: InsightsRouteDeps, o: { now?: () => number } = {}): Router {
  const now = o.now ?? Date.now;
  const queries = analyticsQueries(deps.models, { now });
  const { Application } = deps.models;
  const router = Router();
  router.use('/insights', (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });

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

  /** Run an API handler; a MarketplaceError (404, 409) becomes its problem answer. */
  const handle =
    (fn: (req: Request, res: Response, developer: DeveloperIdentity) => Promise<void>) =>
    async (req: Request, res: Response) => {
      try {
        await fn(req, res, developerOf(res));
      } catch (err) {
        if (err instanceof MarketplaceError) return sendMarketplaceError(res, err);
        throw err;
      }
    };

  router.get(
    '/api/insights',
    deps.access.api,
    handle(async (req, res, d) => {
      if (!d.organizationId)
        throw new MarketplaceError(
          409,
          'No organization',
          'Enrol your organization or accept an invitation first.',
        );
      const q = apiQuery(req, res, true);
      if (!q) return;
      const apps = q.applicationId
        ? [await ownApplication(deps.models, d, q.applicationId)]
        : await organizationApps(d.organizationId);
      res.json(await reportView(apps, q.range));
    }),
  );

  router.get(
    '/api/applications/:id/insights',
    deps.access.api,
    handle(async (req, res, d) => {
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
      return notFoundPage(res, developer);
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
    if (!parsed.success)
      return res
        .status(400)
        .type('html')
        .send(insightsPage({ ...view, errors: parsed.issues }));
    const report = await queries.report(scopeOf([app]), parsed.data.range);
    res.type('html').send(insightsPage({ ...view, report }));
  });

  router.get('/insights', deps.access.page, async (req, res) => {
    const developer = developerOf(res);
    if (!developer.organizationId)
      return res
        .status(409)
        .type('html')
        .send(
          portalPage(
            'Insights',
            html`<h1>Insights</h1>
              <p role="alert">Enrol your organization first: insights are of its applications.</p>
              <p><a href="/organization">Organization</a></p>`,
            developer,
          ),
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
    if (!parsed.success)
      return res
        .status(400)
        .type('html')
        .send(insightsPage({ ...view, errors: parsed.issues }));
    let chosen = apps;
    if (parsed.data.applicationId) {
      const app = apps.find((a) => a._id === parsed.data.applicationId);
      if (!app) return notFoundPage(res, developer);
      chosen = [app];
    }
    const report = await queries.report(scopeOf(chosen), parsed.data.range);
    res.type('html').send(
      insightsPage({
        ...view,
        ...(chosen.length === 1 && parsed.data.applicationId
          ? { title: `Insights: ${chosen[0]!.name}`, of: clientsOf(chosen) }
          : {}),
        report,
      }),
    );
  });

  return router;
}
