// An application's request log: the most recent calls its client made through the gateway — refused
// ones too (401, 403), since the gateway attributes every call whose client it knows — newest first,
// a page at a time, and as CSV. Read from the raw call events (api/gateway/analytics.ts): the route
// template, never the URL's ids; no tokens, no personal data. They last as long as the raw events'
// retention (ANALYTICS_RETENTION_RAW_DAYS), and the log shows at most the last LOG_LIMIT.
import type { RequestHandler, Response } from 'express';
import { html } from '../../../../lib/http/html.js';
import { row, table } from '../../../../lib/http/table.js';
import { csvLine } from '../../../../lib/web/csv.js';
import { MarketplaceError } from '../../errors.js';
import { developerOf } from '../access.js';
import { sendAppNotFound, sendPage } from '../frame-pages.js';
import { ownApplication, type AppRecord, type AppRouteDeps } from './deps.js';

const LOG_LIMIT = 1000;
const LOG_PAGE_SIZE = 50;
const LAST_PAGE = LOG_LIMIT / LOG_PAGE_SIZE;

interface LoggedCall {
  at: Date;
  method?: string;
  endpoint?: string;
  status?: number;
  interactionId?: string;
  latencyMs?: number;
}

const FIELDS = { at: 1, method: 1, endpoint: 1, status: 1, interactionId: 1, latencyMs: 1 } as const;

/** The calls of the application's client, newest first: `limit` of them after skipping `skip`. */
function calls(deps: AppRouteDeps, app: AppRecord, skip: number, limit: number) {
  if (!app.client.clientId) return Promise.resolve([] as LoggedCall[]);
  return deps.models.AnalyticsEvent.find({ type: 'gateway.call', clientId: app.client.clientId }, FIELDS)
    .sort({ at: -1, _id: -1 })
    .skip(skip)
    .limit(limit)
    .lean<LoggedCall[]>();
}

/** The developer's application, or undefined after answering 404. */
async function applicationOf(deps: AppRouteDeps, id: string, res: Response) {
  const developer = developerOf(res);
  try {
    return await ownApplication(deps.models, developer, id);
  } catch (err) {
    if (!(err instanceof MarketplaceError)) throw err;
    sendAppNotFound(res, developer);
    return undefined;
  }
}

/** `?page=` as a page of the log: 1 when absent or not a page number, at most the last. */
const pageOf = (given: unknown) => {
  const n = typeof given === 'string' && /^\d{1,3}$/.test(given) ? Number(given) : 1;
  return Math.min(Math.max(n, 1), LAST_PAGE);
};

/** GET /apps/:id/requests?page=n */
export const requestLog =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const app = await applicationOf(deps, String(req.params.id), res);
    if (!app) return;
    const page = pageOf(req.query.page);
    // One more than a page: whether there is a next one, without counting.
    const found = await calls(deps, app, (page - 1) * LOG_PAGE_SIZE, LOG_PAGE_SIZE + 1);
    const shown = found.slice(0, LOG_PAGE_SIZE);
    const more = found.length > LOG_PAGE_SIZE && page < LAST_PAGE;
    const base = `/apps/${app._id}/requests`;
    sendPage(
      res,
      200,
      `Request log: ${app.name}`,
      html`<h1>Request log: ${app.name}</h1>
        <p>
          The last ${LOG_LIMIT.toLocaleString('en')} calls of its client
          <code>${app.client.clientId ?? '—'}</code> through the gateway, newest first, refused ones included;
          each for as long as the bank keeps its raw call records.
          <a href="${base}.csv" download>Download CSV</a> ·
          <a href="/apps/${app._id}">Back to the application</a>
        </p>
        ${table(
          `Calls, page ${page}`,
          ['Time (UTC)', 'Endpoint', 'Status', 'x-fapi-interaction-id', 'Latency (ms)'],
          shown.map((c) =>
            row([
              new Date(c.at).toISOString(),
              html`<code>${c.method ?? ''} ${c.endpoint ?? ''}</code>`,
              c.status ?? '',
              html`<code>${c.interactionId ?? '—'}</code>`,
              c.latencyMs ?? '',
            ]),
          ),
          { className: 'request-log', empty: app.client.clientId ? 'No calls yet.' : 'No client yet.' },
        )}
        <nav aria-label="Pages of the log">
          ${page > 1 ? html`<a rel="prev" href="${base}?page=${page - 1}">Newer</a>` : ''}
          ${more ? html`<a rel="next" href="${base}?page=${page + 1}">Older</a>` : ''}
        </nav>`,
      developerOf(res),
    );
  };

const CSV_HEADER = ['time', 'method', 'endpoint', 'status', 'x_fapi_interaction_id', 'latency_ms'];

/** GET /apps/:id/requests.csv: the whole log (at most LOG_LIMIT calls). */
export const requestLogCsv =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const app = await applicationOf(deps, String(req.params.id), res);
    if (!app) return;
    const found = await calls(deps, app, 0, LOG_LIMIT);
    res.type('text/csv; charset=utf-8');
    res.attachment(`requests-${app.client.clientId ?? app._id}.csv`);
    res.send(
      [
        csvLine(CSV_HEADER),
        ...found.map((c) =>
          csvLine([
            new Date(c.at).toISOString(),
            c.method,
            c.endpoint,
            c.status,
            c.interactionId,
            c.latencyMs,
          ]),
        ),
      ].join(''),
    );
  };
