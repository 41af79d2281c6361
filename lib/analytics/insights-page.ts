// The body of an insights page, shared by the bank's dashboard (/admin/insights) and the developers'
// insights in the marketplace: the period form, the query's problems, then charts and tables. Each
// caller frames it in its own layout and adds its own scope field and JSON links.
import { html, type Html } from '../http/html.js';
import type { FieldError } from '../http/problem.js';
import type { Granularity } from './buckets.js';
import { insightsCharts, insightsTables } from './insights-view.js';
import type { InsightsReport } from './queries.js';

export interface InsightsBodyView {
  title: string;
  /** Whose numbers they are, as a sentence part. */
  of: Html | string;
  /** Where the form and its quick links go. */
  action: string;
  /** The form's values as given. */
  filters: Record<string, string>;
  /** The field after the period's: the recipient, or the application. */
  scopeField?: Html;
  problems: FieldError[];
  report?: InsightsReport;
  /** Links to the same numbers as JSON. */
  json: Html;
}

const GRANULARITY_LABELS: Record<Granularity, string> = { minute: 'Minute', hour: 'Hour', day: 'Day' };

export const textField = (name: string, label: string, value: string | undefined, hint: string) =>
  html`<div>
    <label for="i-${name}">${label}</label>
    <input id="i-${name}" name="${name}" value="${value ?? ''}" aria-describedby="i-${name}-hint" />
    <span class="hint" id="i-${name}-hint">${hint}</span>
  </div>`;

function rangeForm(v: InsightsBodyView): Html {
  const f = v.filters;
  const granularity = f.granularity ?? 'hour';
  return html`<form method="get" action="${v.action}" aria-label="Period">
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
      ${v.scopeField ?? ''}
    </div>
    <button type="submit">Show</button>
    <a href="${v.action}?granularity=minute">Last hour</a> ·
    <a href="${v.action}?granularity=hour">Last 24 hours</a> ·
    <a href="${v.action}?granularity=day">Last 30 days</a>
  </form>`;
}

export function insightsBody(v: InsightsBodyView): Html {
  return html`<h1>${v.title}</h1>
    <p>
      API calls, errors and latency at the gateway, consents and tokens of ${v.of}, from the analytics
      roll-ups (updated every minute).
    </p>
    ${rangeForm(v)}
    ${
      v.problems.length
        ? html`<div class="error-banner" role="alert" id="error">
            <p>Check the period:</p>
            <ul>
              ${v.problems.map((p) => html`<li>${p.field} ${p.message}</li>`)}
            </ul>
          </div>`
        : ''
    }
    ${
      v.report
        ? html`${insightsCharts(v.report)} ${insightsTables(v.report)}
            <p class="hint">The same numbers as JSON: ${v.json}.</p>`
        : ''
    }`;
}
