// The bank's business-insights dashboard: a form for the period, granularity and client, the
// charts (chart.js, drawn by a local script) and the same numbers as tables, which need no script.
import type { z } from 'zod';
import { insightsBody, textField } from '../../../lib/analytics/insights-page.js';
import type { InsightsReport } from '../../../lib/analytics/queries.js';
import { html } from '../../../lib/http/html.js';
import { queryErrors, queryString } from '../../../lib/web/query.js';
import type { Staff } from '../staff.js';
import { consolePage } from '../frame-pages.js';
import { recipientCell } from '../consents/party-fragments.js';
import type { Recipient } from '../consents/recipients.js';

export interface InsightsPageView {
  staff: Staff;
  /** The form's values as given. */
  filters: Record<string, string>;
  report?: InsightsReport;
  /** The one recipient asked for, by name. */
  recipient?: Recipient;
  errors?: z.core.$ZodIssue[];
}

export function insightsPage(v: InsightsPageView): string {
  const api = queryString(v.filters);
  const body = insightsBody({
    title: 'Business insights',
    of: v.recipient ? html`recipient ${recipientCell(v.recipient)}` : 'every recipient',
    action: '/admin/insights',
    filters: v.filters,
    scopeField: textField('clientId', 'Recipient (client id)', v.filters.clientId, 'Empty: every recipient'),
    problems: v.errors ? queryErrors(v.errors).errors : [],
    report: v.report,
    json: html`<a href="/admin/api/analytics/summary${api}">summary</a>,
      <a href="/admin/api/analytics/endpoints${api}">endpoints</a>,
      <a href="/admin/api/analytics/consents${api}">consents</a>`,
  });
  return consolePage('Business insights', body, v.staff);
}
