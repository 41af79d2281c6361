// The bank's business-insights dashboard: a form for the period, granularity and client, the
// charts (chart.js, drawn by a local script) and the same numbers as tables, which need no script.
import type { z } from 'zod';
import type { Granularity } from '../../lib/analytics/buckets.js';
import { insightsCharts, insightsTables } from '../../lib/analytics/insights-view.js';
import type { InsightsReport } from '../../lib/analytics/queries.js';
import { html } from '../../lib/http/html.js';
import type { Staff } from './access.js';
import { queryErrors, queryString } from './query.js';
import { consolePage } from './views.js';

export interface InsightsPageView {
  staff: Staff;
  /** The form's values as given. */
  filters: Record<string, string>;
  report?: InsightsReport;
  clientId?: string;
  errors?: z.core.$ZodIssue[];
}

const GRANULARITY_LABELS: Record<Granularity, string> = { minute: 'Minute', hour: 'Hour', day: 'Day' };

const textField = (name: string, label: string, value: string | undefined, hint: string) =>
  html`<div>
    <label for="i-${name}">${label}</label>
    <input id="i-${name}" name="${name}" value="${value ?? ''}" aria-describedby="i-${name}-hint" />
    <span class="hint" id="i-${name}-hint">${hint}</span>
  </div>`;

function rangeForm(v: InsightsPageView) {
  const f = v.filters;
  const granularity = f.granularity ?? 'hour';
  return html`<form method="get" action="/admin/insights" aria-label="Period">
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
      ${textField('clientId', 'Recipient (client id)', f.clientId, 'Empty: every recipient')}
    </div>
    <button type="submit">Show</button>
    <a href="/admin/insights?granularity=minute">Last hour</a> ·
    <a href="/admin/insights?granularity=hour">Last 24 hours</a> ·
    <a href="/admin/insights?granularity=day">Last 30 days</a>
  </form>`;
}

export function insightsPage(v: InsightsPageView): string {
  const problems = v.errors ? queryErrors(v.errors).errors : [];
  const api = queryString(v.filters);
  const body = html`<h1>Business insights</h1>
    <p>
      API calls, latency and errors at the gateway, consents and
      tokens${v.clientId ? html` of recipient <code>${v.clientId}</code>` : ' of every recipient'}, from the
      analytics roll-ups (updated every minute).
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
              The same numbers as JSON:
              <a href="/admin/api/analytics/summary${api}">summary</a>,
              <a href="/admin/api/analytics/endpoints${api}">endpoints</a>,
              <a href="/admin/api/analytics/consents${api}">consents</a>.
            </p>`
        : ''
    }`;
  return consolePage('Business insights', body, v.staff);
}
