// The consent list: the filter form, one page of results, pagination and the CSV link.
import type { z } from 'zod';
import { html } from '../../../lib/http/html.js';
import { banner, fmt } from '../../../lib/web/fragments.js';
import { queryErrors, queryString } from '../../../lib/web/query.js';
import { consolePage } from '../frame-pages.js';
import type { Staff } from '../staff.js';
import { displayStatus } from './display-status.js';
import { customerCell, recipientName } from './party-fragments.js';
import type { Parties } from './parties.js';
import { MAX_PAGE_SIZE, STATUS_FILTERS, type givenFilters } from './query.js';
import type { ConsentRecord } from './search.js';

export interface ListView {
  staff: Staff;
  filters: ReturnType<typeof givenFilters>;
  page: number;
  pageSize: number;
  result?: { rows: ConsentRecord[]; total: number; pages: number; parties: Map<string, Parties> };
  errors?: z.core.$ZodIssue[];
  notice?: string;
  /** Whose consents, by name, when the list is filtered to one recipient or organization. */
  scope?: string;
}

const option = (value: string, label: string, selected: string | undefined) =>
  html`<option value="${value}" ${value === selected ? html`selected` : ''}>${label}</option>`;

const textField = (name: string, label: string, value: string | undefined, type = 'text') =>
  html`<div>
    <label for="f-${name}">${label}</label>
    <input id="f-${name}" name="${name}" type="${type}" value="${value ?? ''}" />
  </div>`;

function filterForm(v: ListView) {
  const f = v.filters;
  return html`<form method="get" action="/admin/consents" aria-label="Filter consents">
    <div class="filters">
      ${textField('consentId', 'Consent id (whole or part)', f.consentId)}
      <div>
        <label for="f-status">Status</label>
        <select id="f-status" name="status">
          ${option('', 'Any', f.status)}
          <optgroup label="Status (OFB and FDX)">
            ${STATUS_FILTERS.slice(0, 3).map((s) => option(s, s, f.status))}
          </optgroup>
          <optgroup label="FDX status">
            ${STATUS_FILTERS.slice(3).map((s) => option(s, s, f.status))}
          </optgroup>
        </select>
      </div>
      <div>
        <label for="f-standard">Standard</label>
        <select id="f-standard" name="standard">
          ${[option('', 'Any', f.standard), option('OFB', 'OFB', f.standard), option('FDX', 'FDX', f.standard)]}
        </select>
      </div>
      ${textField('clientId', 'Recipient (client id)', f.clientId)}
      ${textField('organizationId', 'Recipient organization (id)', f.organizationId)}
      ${textField('customerId', 'Customer id', f.customerId)}
      ${textField('from', 'Created from (UTC)', f.from, 'date')}
      ${textField('to', 'Created to (UTC)', f.to, 'date')}
      <div>
        <label for="f-pageSize">Rows per page</label>
        <select id="f-pageSize" name="pageSize">
          ${[10, 20, 50, MAX_PAGE_SIZE].map((n) => option(String(n), String(n), String(v.pageSize)))}
        </select>
      </div>
    </div>
    <button type="submit">Search</button> <a href="/admin/consents">Clear filters</a>
  </form>`;
}

function resultTable(v: ListView, result: NonNullable<ListView['result']>) {
  const link = (page: number, label: string, rel: string) =>
    html`<a rel="${rel}" href="/admin/consents${queryString(v.filters, { page, pageSize: v.pageSize })}"
      >${label}</a
    >`;
  return html`<p>
      <a href="/admin/consents.csv${queryString(v.filters)}"
        >Download ${result.total === 1 ? 'this consent' : `these ${result.total} consents`} as CSV</a
      >
    </p>
    <table>
      <caption>
        ${result.total} ${result.total === 1 ? 'consent' : 'consents'}, page ${v.page} of ${result.pages}
      </caption>
      <thead>
        <tr>
          <th scope="col">Consent</th>
          <th scope="col">Standard</th>
          <th scope="col">Status</th>
          <th scope="col">On hold</th>
          <th scope="col">Recipient</th>
          <th scope="col">Customer</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        ${result.rows.map((c) => {
          const parties = result.parties.get(c._id)!;
          return html`<tr>
            <th scope="row">
              <a href="/admin/consents/${encodeURIComponent(c._id)}"><code>${c._id}</code></a>
            </th>
            <td>${c.standard}</td>
            <td>${displayStatus(c)}</td>
            <td>${c.onHold ? 'on hold' : ''}</td>
            <td>${recipientName(parties.recipient)}</td>
            <td>${customerCell(parties.customer)}</td>
            <td>${fmt(c.creationDateTime)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    <nav class="pages" aria-label="Pages">
      ${v.page > 1 ? link(v.page - 1, 'Previous page', 'prev') : ''}
      ${v.page < result.pages ? link(v.page + 1, 'Next page', 'next') : ''}
    </nav>`;
}

export function listPage(v: ListView): string {
  const error = v.errors?.length ? `Check the filters: ${queryErrors(v.errors).detail}.` : undefined;
  return consolePage(
    'Consents',
    html`<h1>Consents</h1>
      ${banner({ notice: v.notice, error })} ${v.scope ? html`<p>Consents with ${v.scope}.</p>` : ''}
      ${filterForm(v)} ${v.result ? resultTable(v, v.result) : ''}`,
    v.staff,
  );
}
