// One consent: its terms, its audit trail, a link to its workflow in the Temporal UI, and for
// ADMIN staff the forms that hold, release or revoke it, or revoke every consent of its customer.
import { describePermissions } from '../../../auth/interactions/permissions.js';
import type { FdxConsentTerms } from '../../../workflows/consent-types.js';
import { mayHold, mayRevoke } from '../../../workflows/consent-rules.js';
import { html, type Html } from '../../../lib/http/html.js';
import { banner, fmt } from '../../../lib/web/fragments.js';
import { consolePage } from '../frame-pages.js';
import type { Staff } from '../staff.js';
import { customerText } from './customers.js';
import { displayStatus } from './display-status.js';
import {
  applicationHref,
  customerCell,
  organizationHref,
  recipientCell,
  recipientName,
  secondaryId,
} from './party-fragments.js';
import type { Parties } from './parties.js';
import type { ConsentRecord } from './search.js';

export interface DetailView {
  staff: Staff;
  consent: ConsentRecord;
  parties: Parties;
  temporalUrl: string;
  notice?: string;
  error?: string;
}

const actionForm = (o: {
  action: string;
  csrf: string;
  id: string;
  title: string;
  button: string;
  hint?: string;
  extra?: Html;
}) =>
  html`<form method="post" action="${o.action}">
    <h3>${o.title}</h3>
    ${o.hint ? html`<p class="hint">${o.hint}</p>` : ''}
    <input type="hidden" name="csrf" value="${o.csrf}" />${o.extra ?? ''}
    <label for="${o.id}">Reason (required, kept in the audit trail)</label>
    <input id="${o.id}" name="reason" required maxlength="500" />
    <button type="submit">${o.button}</button>
  </form>`;

function actions(v: DetailView) {
  const c = v.consent;
  if (v.staff.role !== 'ADMIN') return html`<p>Your role (VIEW) can read consents but not act on them.</p>`;
  const base = `/admin/consents/${encodeURIComponent(c._id)}`;
  const csrf = v.staff.csrf;
  const forms: Html[] = [];
  if (mayHold(c, true))
    forms.push(
      actionForm({
        action: `${base}/hold`,
        csrf,
        id: 'hold-reason',
        title: 'Hold',
        button: 'Put on hold',
        hint: 'No data flows while the consent is held; it stays authorised.',
      }),
    );
  if (mayHold(c, false))
    forms.push(
      actionForm({
        action: `${base}/resume`,
        csrf,
        id: 'resume-reason',
        title: 'Resume',
        button: 'Release the hold',
      }),
    );
  if (mayRevoke(c))
    forms.push(
      actionForm({
        action: `${base}/revoke`,
        csrf,
        id: 'revoke-reason',
        title: 'Revoke',
        button: 'Revoke this consent',
        hint: 'Ends it for good (rejected by the bank, INTERNAL_SECURITY_REASON); its tokens stop working.',
      }),
    );
  if (c.customerId)
    forms.push(
      actionForm({
        action: `/admin/customers/${encodeURIComponent(c.customerId)}/revoke-consents`,
        csrf,
        id: 'customer-reason',
        title: 'Revoke every consent of this customer',
        button: 'Revoke all their consents',
        hint: `Every authorised consent of ${customerText(v.parties.customer)}, with every recipient.`,
        extra: html`<input type="hidden" name="consentId" value="${c._id}" />`,
      }),
    );
  return forms.length
    ? html`<div class="actions">${forms}</div>`
    : html`<p>No action applies to an ended consent.</p>`;
}

function fdxTerms(t: FdxConsentTerms) {
  return html`<h2>FDX terms</h2>
    <dl>
      <dt>Duration type</dt>
      <dd>${t.durationType}</dd>
      <dt>Duration period</dt>
      <dd>${t.durationPeriod ? `${t.durationPeriod} days` : '—'}</dd>
      <dt>Lookback period</dt>
      <dd>${t.lookbackPeriod ? `${t.lookbackPeriod} days` : '—'}</dd>
    </dl>
    <table>
      <caption>
        Requested resources
      </caption>
      <thead>
        <tr>
          <th scope="col">Resource type</th>
          <th scope="col">Data clusters</th>
        </tr>
      </thead>
      <tbody>
        ${t.resources.map(
          (r) =>
            html`<tr>
              <td>${r.resourceType}</td>
              <td>${r.dataClusters.join(', ')}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

const enc = encodeURIComponent;

/** The recipient, then where it comes from: its organization and application, or neither. */
function recipientTerms(c: ConsentRecord, { recipient: r }: Parties) {
  const marketplace =
    r.organization && r.application
      ? html`<dt>Recipient organization</dt>
          <dd>
            <a href="${organizationHref(r.organization.id)}">${r.organization.legalName}</a>
            (<a href="/admin/consents?organizationId=${enc(r.organization.id)}">its consents</a>)
          </dd>
          <dt>Application</dt>
          <dd>
            <a href="${applicationHref(r.application.id)}">${r.application.name}</a>
            (<a href="/admin/consents?clientId=${enc(c.clientId)}">its consents</a>)
          </dd>`
      : html`<dt>Registration</dt>
          <dd>
            Outside the marketplace (dynamic client registration) (<a
              href="/admin/consents?clientId=${enc(c.clientId)}"
              >this client's consents</a
            >)
          </dd>`;
  return html`<dt>Recipient</dt>
    <dd>${recipientName(r)}${secondaryId(r.name, r.clientId)}</dd>
    ${marketplace}`;
}

/**
 * Who acted, by name where the actor is this consent's recipient or its customer; any other actor
 * (staff, the bank, a customer the bank has no record of) as recorded.
 */
function actorCell(actor: string, c: ConsentRecord, p: Parties): Html | string {
  const customer = c.customerId ? `customer:${c.customerId}` : undefined;
  const who = p.customer.name;
  if (actor === c.clientId) return recipientCell(p.recipient);
  if (!who || !customer) return actor;
  if (actor === customer) return html`${who} (customer)`;
  if (actor === `${c.clientId} for ${customer}`) return html`${recipientCell(p.recipient)} for ${who}`;
  return actor;
}

export function detailPage(v: DetailView): string {
  const c = v.consent;
  const descriptions = describePermissions(c.permissions);
  // The audit trail in the consent's standard's words, as its status above.
  const inStandard = (status: string) => displayStatus({ ...c, status });
  return consolePage(
    `Consent ${c._id}`,
    html`<h1>Consent <code>${c._id}</code></h1>
      ${banner({ notice: v.notice, error: v.error })}
      <dl>
        <dt>Standard</dt>
        <dd>${c.standard}</dd>
        <dt>Status</dt>
        <dd>
          ${displayStatus(c)}${c.standard === 'FDX' ? ` (${c.status})` : ''}${c.onHold ? ', on hold' : ''}
        </dd>
        ${recipientTerms(c, v.parties)}
        <dt>Customer</dt>
        <dd>
          ${customerCell(v.parties.customer)}${
            c.customerId
              ? html` (<a href="/admin/consents?customerId=${enc(c.customerId)}">their consents</a>)`
              : ''
          }
        </dd>
        <dt>Created</dt>
        <dd>${fmt(c.creationDateTime)}</dd>
        <dt>Status updated</dt>
        <dd>${fmt(c.statusUpdateDateTime)}</dd>
        <dt>Expires</dt>
        <dd>${c.expirationDateTime ? fmt(c.expirationDateTime) : 'no expiry date'}</dd>
        <dt>Workflow</dt>
        <dd><a href="${v.temporalUrl}">Open in the Temporal UI</a></dd>
      </dl>
      ${
        c.rejection
          ? html`<h2>Rejection</h2>
              <dl>
                <dt>Rejected by</dt>
                <dd>${c.rejection.rejectedBy}</dd>
                <dt>Code</dt>
                <dd>${c.rejection.code}</dd>
                <dt>Information</dt>
                <dd>${c.rejection.additionalInformation ?? '—'}</dd>
              </dl>`
          : ''
      }
      <table>
        <caption>
          Permissions
        </caption>
        <thead>
          <tr>
            <th scope="col">Permission</th>
            <th scope="col">What the recipient sees</th>
          </tr>
        </thead>
        <tbody>
          ${c.permissions.map(
            (p, i) =>
              html`<tr>
                <td><code>${p}</code></td>
                <td>${descriptions[i]}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Accounts</h2>
      ${
        c.accountIds?.length
          ? html`<ul>
              ${c.accountIds.map((a) => html`<li><code>${a}</code></li>`)}
            </ul>`
          : html`<p>None shared.</p>`
      }
      ${c.fdx ? fdxTerms(c.fdx as FdxConsentTerms) : ''}
      <table>
        <caption>
          Audit trail
        </caption>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          ${c.audit.map(
            (a) =>
              html`<tr>
                <td>${fmt(a.at)}</td>
                <td>${actorCell(a.actor, c, v.parties)}</td>
                <td>${a.action}</td>
                <td>${a.from ? inStandard(a.from) : '—'}</td>
                <td>${inStandard(a.to)}</td>
                <td>${a.reason ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Actions</h2>
      ${actions(v)}`,
    v.staff,
  );
}
