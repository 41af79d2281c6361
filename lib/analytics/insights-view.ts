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
import type { Granularity } from './buckets.js';
import type { InsightsReport } from './queries.js';

/** Where the assets are served (by insightsAssetsRouter). */
export const INSIGHTS_ASSETS = {
  chartJs: '/assets/chart.js/chart.umd.js',
  script: '/assets/insights/insights-charts.js',
  style: '/assets/insights/insights.css',
} as const;

/** What the charts draw, as the initializer (assets/insights-charts.js) reads it. */
export interface InsightsChartData {
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
export function bucketText(bucket: string, granularity: Granularity): string {
  const s = bucket.replace('T', ' ');
  return granularity === 'day' ? s.slice(0, 10) : s.slice(0, 16);
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);
const num = (n: number) => n.toLocaleString('en-US');

/** How many endpoints the chart shows (the table lists them all). */
const CHART_ENDPOINTS = 10;

export function insightsChartData(report: InsightsReport): InsightsChartData {
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
export const insightsAssets = (): Html =>
  html`<link rel="stylesheet" href="${INSIGHTS_ASSETS.style}" />
    <script src="${INSIGHTS_ASSETS.chartJs}" defer></script>
    <script src="${INSIGHTS_ASSETS.script}" defer></script>`;

const chart = (name: string, title: string, description: string) =>
  html`<figure>
    <figcaption>${title}</figcaption>
    <canvas data-chart="${name}" role="img" aria-label="${description}"
      >${description} Charts need JavaScript; the tables below have the same numbers.</canvas
    >
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
      ${chart('endpoints', 'Most called endpoints', 'Bar chart of the most called endpoints.')}
      ${chart('consents', `Consents by status per ${per}`, `Stacked bar chart of consent transitions per ${per}.`)}
      ${chart('funnel', 'Consent funnel', 'Bar chart of consents created, authorised, rejected, revoked and expired.')}
    </section>
    ${o.assets === false ? '' : insightsAssets()}`;
}

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
  return html`<table class="insights-summary">
      <caption>
        Summary, ${period}
      </caption>
      <tbody>
        <tr>
          <th scope="row">API calls</th>
          <td>${num(s.calls)}</td>
        </tr>
        <tr>
          <th scope="row">Errors (status 400 and above)</th>
          <td>${num(s.errors)}</td>
        </tr>
        <tr>
          <th scope="row">Error rate</th>
          <td>${percent(s.calls ? s.errorRate : null)}</td>
        </tr>
        <tr>
          <th scope="row">Latency p50</th>
          <td>${ms(s.p50Ms)}</td>
        </tr>
        <tr>
          <th scope="row">Latency p95</th>
          <td>${ms(s.p95Ms)}</td>
        </tr>
        <tr>
          <th scope="row">Average latency</th>
          <td>${ms(s.avgLatencyMs)}</td>
        </tr>
        <tr>
          <th scope="row">Bytes sent</th>
          <td>${num(s.bytes)}</td>
        </tr>
        <tr>
          <th scope="row">Tokens issued / denied</th>
          <td>${num(a.tokensIssued)} / ${num(a.tokensDenied)}</td>
        </tr>
        <tr>
          <th scope="row">Logins succeeded / failed</th>
          <td>${num(a.loginsSucceeded)} / ${num(a.loginsFailed)}</td>
        </tr>
      </tbody>
    </table>
    <table class="insights-funnel">
      <caption>
        Consent funnel
      </caption>
      <thead>
        <tr>
          <th scope="col">Created</th>
          <th scope="col">Authorised</th>
          <th scope="col">Authorisation rate</th>
          <th scope="col">Rejected</th>
          <th scope="col">Revoked</th>
          <th scope="col">Expired</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>${num(f.created)}</td>
          <td>${num(f.authorised)}</td>
          <td>${percent(f.authorisationRate)}</td>
          <td>${num(f.rejected)}</td>
          <td>${num(f.revoked)}</td>
          <td>${num(f.expired)}</td>
        </tr>
      </tbody>
    </table>
    <table class="insights-endpoints">
      <caption>
        Calls per endpoint (${report.endpoints.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Method</th>
          <th scope="col">Endpoint</th>
          <th scope="col">Calls</th>
          <th scope="col">Errors</th>
          <th scope="col">Error rate</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
        </tr>
      </thead>
      <tbody>
        ${
          report.endpoints.length
            ? report.endpoints.map(
                (e) =>
                  html`<tr>
                    <td>${e.method}</td>
                    <td><code>${e.endpoint}</code></td>
                    <td>${num(e.calls)}</td>
                    <td>${num(e.errors)}</td>
                    <td>${percent(e.errorRate)}</td>
                    <td>${ms(e.p50Ms)}</td>
                    <td>${ms(e.p95Ms)}</td>
                  </tr>`,
              )
            : html`<tr>
                <td colspan="7">No calls in this period.</td>
              </tr>`
        }
      </tbody>
    </table>
    <table class="insights-calls">
      <caption>
        Calls per ${g} (${g}s without calls left out)
      </caption>
      <thead>
        <tr>
          <th scope="col">${g === 'day' ? 'Day' : 'From'} (UTC)</th>
          <th scope="col">Calls</th>
          <th scope="col">Errors</th>
          <th scope="col">Error rate</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
        </tr>
      </thead>
      <tbody>
        ${
          busy.length
            ? busy.map(
                (b) =>
                  html`<tr>
                    <td>${bucketText(b.bucket, g)}</td>
                    <td>${num(b.calls)}</td>
                    <td>${num(b.errors)}</td>
                    <td>${percent(b.errorRate)}</td>
                    <td>${ms(b.p50Ms)}</td>
                    <td>${ms(b.p95Ms)}</td>
                  </tr>`,
              )
            : html`<tr>
                <td colspan="6">No calls in this period.</td>
              </tr>`
        }
      </tbody>
    </table>
    <table class="insights-consents">
      <caption>
        Consents per ${g} (${g}s without transitions left out)
      </caption>
      <thead>
        <tr>
          <th scope="col">${g === 'day' ? 'Day' : 'From'} (UTC)</th>
          <th scope="col">Created</th>
          <th scope="col">Authorised</th>
          <th scope="col">Rejected</th>
          <th scope="col">Revoked</th>
          <th scope="col">Expired</th>
        </tr>
      </thead>
      <tbody>
        ${
          consentBuckets.length
            ? consentBuckets.map(
                (b) =>
                  html`<tr>
                    <td>${bucketText(b.bucket, g)}</td>
                    <td>${num(b.created)}</td>
                    <td>${num(b.authorised)}</td>
                    <td>${num(b.rejected)}</td>
                    <td>${num(b.revoked)}</td>
                    <td>${num(b.expired)}</td>
                  </tr>`,
              )
            : html`<tr>
                <td colspan="6">No consent transitions in this period.</td>
              </tr>`
        }
      </tbody>
    </table>`;
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
