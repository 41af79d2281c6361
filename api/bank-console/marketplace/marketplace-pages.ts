// The console's marketplace pages: organizations waiting for review and their details with the
// approve and reject forms, subscriptions with the bank's decisions, applications with their
// OAuth clients, credentials and the Discovery Agent's step history. Forms only for ADMIN.
import type { z } from 'zod';
import { ONBOARDING_STATUSES } from '../../../db/models/organization.js';
import { SUBSCRIPTION_STATUSES } from '../../../db/models/subscription.js';
import { CLIENT_STATUSES, clientIdFor } from '../../../db/models/application.js';
import { html, type Html } from '../../../lib/http/html.js';
import { row, table } from '../../../lib/http/table.js';
import { banner, fmt } from '../../../lib/web/fragments.js';
import { queryErrors } from '../../../lib/web/query.js';
import type { Staff } from '../staff.js';
import {
  ALL,
  MAX_PAGE_SIZE,
  productOf,
  type ApplicationRecord,
  type OrganizationRecord,
  type Page,
  type ProvisioningHistory,
  type SubscriptionRecord,
} from './marketplace-data.js';
import { consolePage } from '../frame-pages.js';

export const VIEW_ONLY = 'Your role (VIEW) can read these pages but not act on them.';

/** Messages after a successful action, kept in the session for the page the redirect leads to. */
export const MARKETPLACE_NOTICES: Record<string, string> = {
  'organization-approve':
    'The organization is approved: its developers may now subscribe and create applications.',
  'organization-reject': 'The organization is rejected; it is told the reason.',
  'subscription-approve': 'The subscription is approved: the organization’s clients get its scopes.',
  'subscription-reject': 'The subscription is rejected.',
  'subscription-suspend': 'The subscription is suspended: the organization’s clients lose its scopes.',
  'subscription-resume': 'The subscription is active again.',
  'client-suspend': 'The client is suspended: its token requests fail until it is enabled.',
  'client-enable': 'The client is enabled: its token requests work again.',
  'client-deprovision': 'The client is deprovisioned: it is deleted at the authorization server.',
  'client-retry': 'The registration was tried again.',
};

const enc = encodeURIComponent;

/** 12345678000195 → 12.345.678/0001-95; 123456789 → 12-3456789. */
function formatTaxId(type: string, taxId: string): string {
  if (type === 'CNPJ' && /^\d{14}$/.test(taxId))
    return taxId.replace(/^(\d{2})(\d{3})(\d{3})(\d{4})(\d{2})$/, '$1.$2.$3/$4-$5');
  if (type === 'EIN' && /^\d{9}$/.test(taxId)) return `${taxId.slice(0, 2)}-${taxId.slice(2)}`;
  return taxId;
}

const statusLabel = (s: string) => s.replace(/_/g, ' ').toLowerCase();

const option = (value: string, label: string, selected: string | undefined) =>
  html`<option value="${value}" ${value === selected ? html`selected` : ''}>${label}</option>`;

const select = (name: string, label: string, options: [string, string][], selected: string | undefined) =>
  html`<div>
    <label for="f-${name}">${label}</label>
    <select id="f-${name}" name="${name}">
      ${options.map(([v, l]) => option(v, l, selected))}
    </select>
  </div>`;

const textField = (name: string, label: string, value: string | undefined) =>
  html`<div>
    <label for="f-${name}">${label}</label>
    <input id="f-${name}" name="${name}" value="${value ?? ''}" />
  </div>`;

const pageSizeField = (given: Record<string, string>) =>
  select(
    'pageSize',
    'Rows per page',
    ['20', '50', String(MAX_PAGE_SIZE)].map((n) => [n, n]),
    given.pageSize ?? '50',
  );

const queryString = (given: Record<string, string>, over: Record<string, string | number> = {}) => {
  const params = new URLSearchParams({
    ...given,
    ...Object.fromEntries(Object.entries(over).map(([k, v]) => [k, String(v)])),
  });
  params.delete('done');
  const s = params.toString();
  return s ? `?${s}` : '';
};

function pager(path: string, given: Record<string, string>, page: number, pages: number) {
  const link = (p: number, label: string, rel: string) =>
    html`<a rel="${rel}" href="${path}${queryString(given, { page: p })}">${label}</a>`;
  return html`<nav class="pages" aria-label="Pages">
    ${page > 1 ? link(page - 1, 'Previous page', 'prev') : ''}
    ${page < pages ? link(page + 1, 'Next page', 'next') : ''}
  </nav>`;
}

const filterError = (errors?: z.core.$ZodIssue[]) =>
  errors?.length ? `Check the filters: ${queryErrors(errors).detail}.` : undefined;

const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}" />`;

const reasonField = (id: string, label: string, required: boolean, value?: string) =>
  html`<label for="${id}">${label}</label>
    <input
      id="${id}"
      name="reason"
      maxlength="500"
      value="${value ?? ''}"
      ${required ? html`required` : ''}
    />`;

const website = (url: string) =>
  /^https:\/\//.test(url) ? html`<a href="${url}" rel="noopener noreferrer">${url}</a>` : url;

const orgLink = (organizationId: string, name: string | undefined) =>
  html`<a href="/admin/organizations/${enc(organizationId)}">${name ?? organizationId}</a>`;

/** What every list page is given: the filters as typed, and the page of results or the query's problems. */
export interface ListView<R> {
  staff: Staff;
  given: Record<string, string>;
  page?: number;
  result?: R;
  errors?: z.core.$ZodIssue[];
  notice?: string;
  error?: string;
}

/** A list page: the filter form, then (once the query is valid) a page of rows and the pager. */
function listPage<T>(
  v: ListView<Page<T>>,
  o: {
    title: string;
    path: string;
    /** What a row is, for the caption ("3 organizations") and the form's label. */
    noun: string;
    filters: Html;
    intro?: Html;
    columns: string[];
    row: (item: T, i: number) => Html;
  },
): string {
  const r = v.result;
  const page = v.page ?? 1;
  const form = html`<form method="get" action="${o.path}" aria-label="Filter ${o.noun}s">
    <div class="filters">${o.filters}</div>
    <button type="submit">Show</button> <a href="${o.path}">Clear filters</a>
  </form>`;
  const results = r
    ? html`${table(
        `${r.total} ${r.total === 1 ? o.noun : `${o.noun}s`}, page ${page} of ${r.pages}`,
        o.columns,
        r.rows.map(o.row),
      )}
      ${pager(o.path, v.given, page, r.pages)}`
    : '';
  return consolePage(
    o.title,
    html`<h1>${o.title}</h1>
      ${banner({ notice: v.notice, error: v.error ?? filterError(v.errors) })} ${o.intro ?? ''} ${form}
      ${results}`,
    v.staff,
  );
}

// ---- Organizations

export type OrganizationListView = ListView<Page<OrganizationRecord>>;

export function organizationListPage(v: OrganizationListView): string {
  return listPage(v, {
    title: 'Organizations',
    path: '/admin/organizations',
    noun: 'organization',
    filters: html`${select(
      'status',
      'Status',
      [
        [ALL, 'Any (waiting for review first)'],
        ...ONBOARDING_STATUSES.map((s): [string, string] => [s, statusLabel(s)]),
      ],
      v.given.status ?? ALL,
    )}
    ${pageSizeField(v.given)}`,
    columns: ['Legal name', 'Status', 'Tax id', 'Standards', 'Website', 'Contacts', 'Submitted'],
    row: (o) =>
      html`<tr>
        <th scope="row">${orgLink(o._id, o.legalName)}</th>
        <td>${statusLabel(o.status)}</td>
        <td>${o.taxIdType} ${formatTaxId(o.taxIdType, o.taxId)}</td>
        <td>${o.standards.join(', ')}</td>
        <td>${website(o.website)}</td>
        <td>${o.contacts.length}</td>
        <td>${fmt(o.submittedAt)}</td>
      </tr>`,
  });
}

export interface OrganizationDetailView {
  staff: Staff;
  org: OrganizationRecord;
  temporalUrl: string;
  taskQueue?: string;
  notice?: string;
  error?: string;
  /** A rejection reason to show again in the form. */
  reason?: string;
}

function reviewForms(v: OrganizationDetailView) {
  if (v.staff.role !== 'ADMIN') return html`<p>${VIEW_ONLY}</p>`;
  if (v.org.status !== 'PENDING_REVIEW')
    return html`<p>The enrolment is ${statusLabel(v.org.status)}: there is nothing to decide.</p>`;
  const base = `/admin/organizations/${enc(v.org._id)}`;
  return html`<div class="actions">
    <form method="post" action="${base}/approve">
      <h3>Approve</h3>
      <p class="hint">Its developers may then subscribe to products and create applications.</p>
      ${hidden('csrf', v.staff.csrf)}
      ${reasonField('approve-reason', 'Note (optional, kept with the decision)', false)}
      <button type="submit">Approve this organization</button>
    </form>
    <form method="post" action="${base}/reject">
      <h3>Reject</h3>
      <p class="hint">The organization is told the reason, and may enrol again.</p>
      ${hidden('csrf', v.staff.csrf)}
      ${reasonField('reject-reason', 'Reason (required, sent to the organization)', true, v.reason)}
      <button type="submit">Reject this organization</button>
    </form>
  </div>`;
}

export function organizationDetailPage(v: OrganizationDetailView): string {
  const o = v.org;
  const id = enc(o._id);
  return consolePage(
    o.legalName,
    html`<h1>${o.legalName}</h1>
      ${banner({ notice: v.notice, error: v.error })}
      <dl>
        <dt>Organization id</dt>
        <dd><code>${o._id}</code></dd>
        <dt>Status</dt>
        <dd>${statusLabel(o.status)}</dd>
        <dt>Tax id</dt>
        <dd>${o.taxIdType} ${formatTaxId(o.taxIdType, o.taxId)}</dd>
        <dt>Standards</dt>
        <dd>${o.standards.join(', ')}</dd>
        <dt>Website</dt>
        <dd>${website(o.website)}</dd>
        <dt>Submitted</dt>
        <dd>${fmt(o.submittedAt)}</dd>
        <dt>Onboarding workflow</dt>
        <dd>
          <a href="${v.temporalUrl}">Open <code>${o.workflowId}</code> in the Temporal UI</a>${
            v.taskQueue ? html` (task queue <code>${v.taskQueue}</code>)` : ''
          }
        </dd>
        <dt>Marketplace</dt>
        <dd>
          <a href="/admin/subscriptions?status=ALL&amp;organizationId=${id}">Its subscriptions</a>,
          <a href="/admin/applications?organizationId=${id}">its applications</a>,
          <a href="/admin/consents?organizationId=${id}">its applications' consents</a>
        </dd>
      </dl>
      ${table(
        'Contacts',
        ['Name', 'Email', 'Role'],
        o.contacts.map((c) => row([c.name, c.email, c.role])),
      )}
      <h2>Review</h2>
      ${
        o.review
          ? html`<dl>
              <dt>Decision</dt>
              <dd>${statusLabel(o.review.decision)}</dd>
              <dt>Reviewer</dt>
              <dd>${o.review.reviewer}</dd>
              <dt>Decided</dt>
              <dd>${fmt(o.review.decidedAt)}</dd>
              <dt>Reason</dt>
              <dd>${o.review.reason ?? '—'}</dd>
            </dl>`
          : html`<p>
              ${o.status === 'EXPIRED' ? 'Nobody decided before the review window closed.' : 'Not decided yet.'}
            </p>`
      }
      <h2>Decide</h2>
      ${reviewForms(v)}`,
    v.staff,
  );
}

// ---- Subscriptions

export type SubscriptionListView = ListView<Page<SubscriptionRecord> & { names: Map<string, string> }>;

/** The forms that apply to one subscription, in its row. */
function decisionForms(v: SubscriptionListView, s: SubscriptionRecord, row: number, what: string) {
  const action = (a: string) => `/admin/subscriptions/${enc(s._id)}/${a}`;
  const common = html`${hidden('csrf', v.staff.csrf)}${hidden('back', queryString(v.given))}`;
  const button = (label: string) =>
    html`<button type="submit" aria-label="${label} ${what}">${label}</button>`;
  switch (s.status) {
    case 'PENDING_APPROVAL':
      return html`<form method="post" action="${action('approve')}">${common}${button('Approve')}</form>
        <form method="post" action="${action('reject')}">
          ${common}${reasonField(`reject-${row}`, 'Reason for rejecting', true)}${button('Reject')}
        </form>`;
    case 'ACTIVE':
      return html`<form method="post" action="${action('suspend')}">
        ${common}${reasonField(`suspend-${row}`, 'Reason for suspending', true)}${button('Suspend')}
      </form>`;
    case 'SUSPENDED':
      return html`<form method="post" action="${action('resume')}">${common}${button('Resume')}</form>`;
    default:
      return '';
  }
}

export function subscriptionListPage(v: SubscriptionListView): string {
  const admin = v.staff.role === 'ADMIN';
  return listPage(v, {
    title: 'Subscriptions',
    path: '/admin/subscriptions',
    noun: 'subscription',
    intro: admin ? undefined : html`<p>${VIEW_ONLY}</p>`,
    filters: html`${select(
      'status',
      'Status',
      [
        ...SUBSCRIPTION_STATUSES.map((s): [string, string] => [s, statusLabel(s)]),
        [ALL, 'Any (waiting for approval first)'],
      ],
      v.given.status ?? 'PENDING_APPROVAL',
    )}
    ${textField('organizationId', 'Organization id', v.given.organizationId)} ${pageSizeField(v.given)}`,
    columns: [
      'Organization',
      'Product',
      'Plan',
      'Status',
      'Requested',
      'Decision',
      ...(admin ? ['Actions'] : []),
    ],
    row: (s, i) => {
      const { productName, planName } = productOf(s.productId, s.planId);
      const orgName = v.result?.names.get(s.organizationId);
      return html`<tr>
        <th scope="row">${orgLink(s.organizationId, orgName)}</th>
        <td>${productName} <code>${s.productId}</code></td>
        <td>${planName}</td>
        <td>${statusLabel(s.status)}</td>
        <td>${s.requestedBy}<br />${fmt(s.requestedAt)}</td>
        <td>
          ${
            s.decision
              ? html`${s.decision.by}<br />${fmt(s.decision.at)}${
                    s.decision.reason ? html`<br />${s.decision.reason}` : ''
                  }`
              : '—'
          }
        </td>
        ${admin ? html`<td>${decisionForms(v, s, i, `${orgName ?? s.organizationId}: ${productName}`)}</td>` : ''}
      </tr>`;
    },
  });
}

// ---- Applications

const credentialsList = (a: ApplicationRecord) =>
  a.credentials.length
    ? html`<ul>
        ${a.credentials.map(
          (k) =>
            html`<li>
              <code>${k.id}</code>${k.subjectDn ? html`<br />${k.subjectDn}` : ''}<br />added
              ${fmt(k.addedAt)}${k.retiresAt ? html`, retires ${fmt(k.retiresAt)}` : ''}
            </li>`,
        )}
      </ul>`
    : 'none';

const lastError = (a: ApplicationRecord) =>
  a.client.lastError?.message
    ? html`${a.client.lastError.step ?? ''}: ${a.client.lastError.message} (${fmt(a.client.lastError.at)})`
    : '—';

export type ApplicationListView = ListView<Page<ApplicationRecord> & { names: Map<string, string> }>;

export function applicationListPage(v: ApplicationListView): string {
  return listPage(v, {
    title: 'Applications',
    path: '/admin/applications',
    noun: 'application',
    filters: html`${select(
      'status',
      'Client status',
      [[ALL, 'Any'], ...CLIENT_STATUSES.map((s): [string, string] => [s, statusLabel(s)])],
      v.given.status ?? ALL,
    )}
    ${select(
      'standard',
      'Standard',
      [
        ['', 'Any'],
        ['OFB', 'OFB'],
        ['FDX', 'FDX'],
      ],
      v.given.standard ?? '',
    )}
    ${textField('organizationId', 'Organization id', v.given.organizationId)} ${pageSizeField(v.given)}`,
    columns: [
      'Application',
      'Organization',
      'Standard',
      'Client id',
      'Client status',
      'Auth method',
      'Credentials',
      'Last error',
    ],
    row: (a) =>
      html`<tr>
        <th scope="row"><a href="/admin/applications/${enc(a._id)}">${a.name}</a></th>
        <td>${orgLink(a.organizationId, v.result?.names.get(a.organizationId))}</td>
        <td>${a.standard}</td>
        <td>${a.client.clientId ? html`<code>${a.client.clientId}</code>` : '—'}</td>
        <td>${statusLabel(a.client.status)}</td>
        <td><code>${a.tokenEndpointAuthMethod}</code></td>
        <td>${credentialsList(a)}</td>
        <td>${lastError(a)}</td>
      </tr>`,
  });
}

export interface ApplicationDetailView {
  staff: Staff;
  app: ApplicationRecord;
  organizationName?: string;
  history: ProvisioningHistory;
  temporalUrl: string;
  notice?: string;
  error?: string;
}

/** Which console actions apply to a client in each status (the workflow has the last word). */
const APP_ACTIONS: Record<string, ('suspend' | 'enable' | 'deprovision' | 'retry')[]> = {
  ACTIVE: ['suspend', 'deprovision'],
  SUSPENDED: ['enable', 'deprovision'],
  FAILED: ['retry', 'deprovision'],
};

function applicationForms(v: ApplicationDetailView) {
  if (v.staff.role !== 'ADMIN') return html`<p>${VIEW_ONLY}</p>`;
  const actions = APP_ACTIONS[v.app.client.status] ?? [];
  if (!actions.length)
    return html`<p>No action applies to a client that is ${statusLabel(v.app.client.status)}.</p>`;
  const base = `/admin/applications/${enc(v.app._id)}`;
  const forms: Record<(typeof actions)[number], Html> = {
    suspend: html`<form method="post" action="${base}/suspend">
      <h3>Suspend</h3>
      <p class="hint">Its token requests fail until it is enabled again; its registration stays.</p>
      ${hidden('csrf', v.staff.csrf)}
      ${reasonField('suspend-reason', 'Reason (required, kept in the history)', true)}
      <button type="submit">Suspend this client</button>
    </form>`,
    enable: html`<form method="post" action="${base}/enable">
      <h3>Enable</h3>
      ${hidden('csrf', v.staff.csrf)} ${reasonField('enable-reason', 'Note (optional)', false)}
      <button type="submit">Enable this client</button>
    </form>`,
    retry: html`<form method="post" action="${base}/retry">
      <h3>Retry the registration</h3>
      ${hidden('csrf', v.staff.csrf)} ${reasonField('retry-reason', 'Note (optional)', false)}
      <button type="submit">Register again</button>
    </form>`,
    deprovision: html`<form method="post" action="${base}/deprovision">
      <h3>Deprovision</h3>
      <p class="hint">Deletes the client at the authorization server for good.</p>
      ${hidden('csrf', v.staff.csrf)}
      ${reasonField('deprovision-reason', 'Reason (required, kept in the history)', true)}
      <button type="submit">Deprovision this client</button>
    </form>`,
  };
  return html`<div class="actions">${actions.map((a) => forms[a])}</div>`;
}

function historyTable(h: ProvisioningHistory) {
  const steps = h.state?.history ?? [];
  return html`${h.note ? html`<p>${h.note}</p>` : ''}
  ${
    h.state
      ? table(
          'Discovery Agent steps',
          ['At', 'Step', 'By', 'Outcome', 'Detail'],
          steps.map((s) => row([fmt(s.at), s.step, s.by, s.outcome, s.detail ?? ''])),
        )
      : ''
  }`;
}

export function applicationDetailPage(v: ApplicationDetailView): string {
  const a = v.app;
  const c = a.client;
  return consolePage(
    `Application ${a.name}`,
    html`<h1>Application ${a.name}</h1>
      ${banner({ notice: v.notice, error: v.error })}
      <dl>
        <dt>Application id</dt>
        <dd><code>${a._id}</code></dd>
        <dt>Organization</dt>
        <dd>${orgLink(a.organizationId, v.organizationName)}</dd>
        <dt>Standard</dt>
        <dd>${a.standard}</dd>
        <dt>Client id</dt>
        <dd>${c.clientId ? html`<code>${c.clientId}</code>` : '—'}</dd>
        <dt>Consents</dt>
        <dd>
          <a href="/admin/consents?clientId=${enc(c.clientId ?? clientIdFor(a._id))}"
            >Its customers' consents</a
          >
        </dd>
        <dt>Client status</dt>
        <dd>${statusLabel(c.status)}</dd>
        <dt>Scopes</dt>
        <dd>${c.scopes?.length ? c.scopes.join(' ') : '—'}</dd>
        <dt>Auth method</dt>
        <dd><code>${a.tokenEndpointAuthMethod}</code></dd>
        <dt>Redirect URIs</dt>
        <dd>${a.redirectUris.map((u, i) => html`${i ? html`<br />` : ''}<code>${u}</code>`)}</dd>
        <dt>Expires</dt>
        <dd>${c.expiresAt ? fmt(c.expiresAt) : 'no expiry date'}</dd>
        <dt>Created</dt>
        <dd>${a.createdBy}, ${fmt(a.createdAt)}</dd>
        <dt>Last error</dt>
        <dd>${lastError(a)}</dd>
        <dt>Provisioning workflow</dt>
        <dd>
          <a href="${v.temporalUrl}">Open <code>${a.workflowId}</code> in the Temporal UI</a>
        </dd>
      </dl>
      ${table(
        'Credentials',
        ['Id (kid or certificate thumbprint)', 'Subject DN', 'Added', 'Retires'],
        a.credentials.map((k) =>
          row([
            html`<code>${k.id}</code>`,
            k.subjectDn ?? '—',
            fmt(k.addedAt),
            k.retiresAt ? fmt(k.retiresAt) : '—',
          ]),
        ),
      )}
      <h2>Provisioning history</h2>
      ${historyTable(v.history)}
      <h2>Actions</h2>
      ${applicationForms(v)}`,
    v.staff,
  );
}
