// The bank's business insights in the staff console: the dashboard page (/admin/insights) and its
// JSON API (/admin/api/analytics/…), on the staff session; VIEW and ADMIN alike may read. Both read
// the analytics roll-ups (lib/analytics/queries.ts) for every client, or for one with `clientId`.
// Query: lib/analytics/insights-query.ts. A bad value is a 400 naming the field.
import { Router, type Request, type Response } from 'express';
import {
  givenInsightsFilters,
  parseInsightsQuery,
  type InsightsQuery,
} from '../../../lib/analytics/insights-query.js';
import { alignRange, analyticsQueries } from '../../../lib/analytics/queries.js';
import { sendProblem } from '../../../lib/http/problem.js';
import { queryErrors } from '../../../lib/web/query.js';
import { staffOf, type StaffAccess } from '../access.js';
import type { BankConsoleDeps } from '../config.js';
import { recipientsOf } from '../consents/recipients.js';
import { insightsPage } from './insights-pages.js';

const rangeView = (q: InsightsQuery) => {
  const { from, to } = alignRange(q.range);
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    granularity: q.range.granularity,
    ...(q.clientId ? { clientId: q.clientId } : {}),
  };
};

export function insightsRouter(
  deps: Pick<BankConsoleDeps, 'models'>,
  access: StaffAccess,
  o: { now?: () => number } = {},
): Router {
  const now = o.now ?? Date.now;
  const queries = analyticsQueries(deps.models, { now });
  const router = Router();

  /** The parsed query, or undefined after answering 400. */
  const apiQuery = (req: Request, res: Response) => {
    const parsed = parseInsightsQuery(req.query, now());
    if (parsed.success) return parsed.data;
    const { detail, errors } = queryErrors(parsed.error.issues);
    sendProblem(res, 400, 'Invalid query', detail, errors);
    return undefined;
  };

  router.get('/admin/api/analytics/summary', access.api, async (req, res) => {
    const q = apiQuery(req, res);
    if (!q) return;
    const [summary, auth, data] = await Promise.all([
      queries.callSummary(q.scope, q.range),
      queries.auth(q.scope, q.range),
      queries.calls(q.scope, q.range),
    ]);
    res.json({ range: rangeView(q), summary, auth, data });
  });

  router.get('/admin/api/analytics/endpoints', access.api, async (req, res) => {
    const q = apiQuery(req, res);
    if (!q) return;
    res.json({ range: rangeView(q), data: await queries.endpoints(q.scope, q.range, q.limit) });
  });

  router.get('/admin/api/analytics/consents', access.api, async (req, res) => {
    const q = apiQuery(req, res);
    if (!q) return;
    const [funnel, data] = await Promise.all([
      queries.consentFunnel(q.scope, q.range),
      queries.consents(q.scope, q.range),
    ]);
    res.json({ range: rangeView(q), funnel, data });
  });

  router.get('/admin/insights', access.page, async (req, res) => {
    const staff = staffOf(res);
    const filters = givenInsightsFilters(req.query);
    const parsed = parseInsightsQuery(req.query, now());
    if (!parsed.success)
      return res
        .status(400)
        .type('html')
        .send(insightsPage({ staff, filters, errors: parsed.error.issues }));
    const { clientId } = parsed.data;
    const [report, recipients] = await Promise.all([
      queries.report(parsed.data.scope, parsed.data.range),
      clientId ? recipientsOf(deps.models, [clientId]) : undefined,
    ]);
    res.type('html').send(insightsPage({ staff, filters, report, recipient: recipients?.get(clientId!) }));
  });

  return router;
}
