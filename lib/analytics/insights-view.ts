// The insights pages' shared pieces, for the bank's dashboard (/admin/insights) and the developers'
// consumer insights in the marketplace: summary tables that work without scripts, and charts drawn
// by chart.js. Everything is served by this server (insightsAssetsRouter): chart.js from
// node_modules, and a small initializer that reads the charts' data from a JSON block on the page —
// the CSP forbids inline scripts, and there is no CDN.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { html, type Html } from '../http/html.js';
import { row, table } from '../http/table.js';
import type { Granularity } from './buckets.js';
import type { CallStats, InsightsReport } from './queries.js';

/** Where the assets are served (by insightsAssetsRouter). */
export const INSIGHTS_ASSETS = {
  chartJs: '/assets/chart.js/chart.umd.js',
  script: '/assets/insights/insights-charts.js',
  style: '/assets/insights/insights.css',
} as const;

/** What the charts draw, as the initializer (assets/insights-charts.js) reads it. */
interface InsightsChartData {
  labels: string[];
  calls: number[];
  errors: number[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  endpoints: { labels: string[]; calls: number[]; errors: number[] };
  consents: {
    created: number[];
    authorised: number[];
    rejected: number[];
    revoked: number[];
    expired: number[];
  };
  funnel: { labels: string[]; values: number[] };
}

/** A bucket as people read it: `2026-11-21 09:05` (UTC), or the day alone. */
function bucketText(bucket: string, granularity: Granularity): string {
  const s = bucket.replace('T', ' ');
  return granularity === 'day' ? s.slice(0, 10) : s.slice(0, 16);
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);
const num = (n: number) => n.toLocaleString('en-US');

/** How many endpoints the chart shows (the table lists them all). */
const CHART_ENDPOINTS = 10;

function insightsChartData(report: InsightsReport): InsightsChartData {
  const g = report.range.granularity;
  const top = report.endpoints.slice(0, CHART_ENDPOINTS);
  const f = report.funnel;
  return {
    labels: report.calls.map((b) => bucketText(b.bucket, g)),
    calls: report.calls.map((b) => b.calls),
    errors: report.calls.map((b) => b.errors),
    p50Ms: report.calls.map((b) => b.p50Ms),
    p95Ms: report.calls.map((b) => b.p95Ms),
    endpoints: {
      labels: top.map((e) => `${e.method} ${e.endpoint}`),
      calls: top.map((e) => e.calls),
      errors: top.map((e) => e.errors),
    },
    consents: {
      created: report.consents.map((b) => b.created),
      authorised: report.consents.map((b) => b.authorised),
      rejected: report.consents.map((b) => b.rejected),
      revoked: report.consents.map((b) => b.revoked),
      expired: report.consents.map((b) => b.expired),
    },
    funnel: {
      labels: ['Created', 'Authorised', 'Rejected', 'Revoked', 'Expired'],
      values: [f.created, f.authorised, f.rejected, f.revoked, f.expired],
    },
  };
}

/** JSON inside a <script> element: `<` escaped so nothing in it can close the element. */
const scriptJson = (value: unknown): Html => ({
  __html: JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029'),
});

/** The scripts and style sheet the charts need; insightsCharts includes them unless told not to. */
const insightsAssets = (): Html =>
  html`<link rel="stylesheet" href="${INSIGHTS_ASSETS.style}" />
    <script src="${INSIGHTS_ASSETS.chartJs}" defer></script>
    <script src="${INSIGHTS_ASSETS.script}" defer></script>`;

const canvas = (name: string, description: string) =>
  html`<canvas data-chart="${name}" role="img" aria-label="${description}"
    >${description} Charts need JavaScript; the tables below have the same numbers.</canvas
  >`;

const chart = (name: string, title: string, description: string) =>
  html`<figure>
    <figcaption>${title}</figcaption>
    ${canvas(name, description)}
  </figure>`;

/** A chart across the whole row, in a box whose height the initializer sets (long labels wrap). */
const wideChart = (name: string, title: string, description: string) =>
  html`<figure class="insights-wide">
    <figcaption>${title}</figcaption>
    <div class="insights-chart-box">${canvas(name, description)}</div>
  </figure>`;

/**
 * The charts of a report: calls and errors, latency percentiles, the most called endpoints,
 * consents by status over time and the consent funnel. The data travels in a JSON block the
 * initializer reads; with `assets: false` the page includes insightsAssets() itself (once).
 */
export function insightsCharts(report: InsightsReport, o: { assets?: boolean } = {}): Html {
  const per = report.range.granularity;
  return html`<section class="insights-charts" data-insights-charts aria-label="Charts">
      <script type="application/json">
        ${scriptJson(insightsChartData(report))}
      </script>
      ${chart('calls', `Calls and errors per ${per}`, `Bar chart of calls and errors per ${per}.`)}
      ${chart('latency', `Latency per ${per} (p50, p95)`, `Line chart of the p50 and p95 latency per ${per}.`)}
      ${wideChart('endpoints', 'Most called endpoints', 'Bar chart of the most called endpoints.')}
      ${chart('consents', `Consents by status per ${per}`, `Stacked bar chart of consent transitions per ${per}.`)}
      ${chart('funnel', 'Consent funnel', 'Bar chart of consents created, authorised, rejected, revoked and expired.')}
    </section>
    ${o.assets === false ? '' : insightsAssets()}`;
}

/** The numbers of calls, per endpoint or per bucket alike. */
const CALL_COLUMNS = ['Calls', 'Errors', 'Error rate', 'p50', 'p95'];
const callCells = (c: CallStats) => [
  num(c.calls),
  num(c.errors),
  percent(c.errorRate),
  ms(c.p50Ms),
  ms(c.p95Ms),
];

/** The report as tables: the summary, calls per bucket, every endpoint, consents per bucket. */
export function insightsTables(report: InsightsReport): Html {
  const g = report.range.granularity;
  const s = report.summary;
  const a = report.auth;
  const f = report.funnel;
  const busy = report.calls.filter((b) => b.calls > 0);
  const consentBuckets = report.consents.filter(
    (b) =>
      b.created + b.authorised + b.rejected + b.revoked + b.expired + b.extended + b.held + b.released > 0,
  );
  const period = `${bucketText(report.range.from, g)} to ${bucketText(report.range.to, g)} UTC, per ${g}`;
  const summary: [string, string][] = [
    ['API calls', num(s.calls)],
    ['Errors (status 400 and above)', num(s.errors)],
    ['Error rate', percent(s.calls ? s.errorRate : null)],
    ['Latency p50', ms(s.p50Ms)],
    ['Latency p95', ms(s.p95Ms)],
    ['Average latency', ms(s.avgLatencyMs)],
    ['Bytes sent', num(s.bytes)],
    ['Tokens issued / denied', `${num(a.tokensIssued)} / ${num(a.tokensDenied)}`],
    ['Logins succeeded / failed', `${num(a.loginsSucceeded)} / ${num(a.loginsFailed)}`],
  ];
  const bucketColumn = `${g === 'day' ? 'Day' : 'From'} (UTC)`;
  return html`<table class="insights-summary">
      <caption>
        Summary, ${period}
      </caption>
      <tbody>
        ${summary.map(
          ([label, value]) =>
            html`<tr>
              <th scope="row">${label}</th>
              <td>${value}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${table(
      'Consent funnel',
      ['Created', 'Authorised', 'Authorisation rate', 'Rejected', 'Revoked', 'Expired'],
      [
        row([
          num(f.created),
          num(f.authorised),
          percent(f.authorisationRate),
          num(f.rejected),
          num(f.revoked),
          num(f.expired),
        ]),
      ],
      { className: 'insights-funnel' },
    )}
    ${table(
      `Calls per endpoint (${report.endpoints.length})`,
      ['Method', 'Endpoint', ...CALL_COLUMNS],
      report.endpoints.map((e) => row([e.method, html`<code>${e.endpoint}</code>`, ...callCells(e)])),
      { className: 'insights-endpoints', empty: 'No calls in this period.' },
    )}
    ${table(
      `Calls per ${g} (${g}s without calls left out)`,
      [bucketColumn, ...CALL_COLUMNS],
      busy.map((b) => row([bucketText(b.bucket, g), ...callCells(b)])),
      { className: 'insights-calls', empty: 'No calls in this period.' },
    )}
    ${table(
      `Consents per ${g} (${g}s without transitions left out)`,
      [bucketColumn, 'Created', 'Authorised', 'Rejected', 'Revoked', 'Expired'],
      consentBuckets.map((b) =>
        row([
          bucketText(b.bucket, g),
          num(b.created),
          num(b.authorised),
          num(b.rejected),
          num(b.revoked),
          num(b.expired),
        ]),
      ),
      { className: 'insights-consents', empty: 'No consent transitions in this period.' },
    )}`;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const chartJsDist = path.dirname(createRequire(import.meta.url).resolve('chart.js'));

/** Serves chart.js (from node_modules) and the insights initializer and style sheet. No session needed. */
export function insightsAssetsRouter(): Router {
  const files: Record<string, string> = {
    [INSIGHTS_ASSETS.chartJs]: path.join(chartJsDist, 'chart.umd.js'),
    [`${INSIGHTS_ASSETS.chartJs}.map`]: path.join(chartJsDist, 'chart.umd.js.map'),
    [INSIGHTS_ASSETS.script]: path.join(here, 'assets', 'insights-charts.js'),
    [INSIGHTS_ASSETS.style]: path.join(here, 'assets', 'insights.css'),
  };
  const router = Router();
  for (const [url, file] of Object.entries(files))
    router.get(url, (_req, res, next) =>
      res.sendFile(file, { maxAge: '1h' }, (err) => {
        if (err) next(err);
      }),
    );
  return router;
}
