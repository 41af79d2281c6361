// A consent's parties on the console's pages: the recipient by name, linked to its organization in
// the marketplace section, with its client id secondary; the customer by name and masked documents.
import { html, type Html } from '../../../lib/http/html.js';
import type { CustomerLabel } from './customers.js';
import type { Recipient } from './recipients.js';

const enc = encodeURIComponent;

export const organizationHref = (organizationId: string) => `/admin/organizations/${enc(organizationId)}`;
export const applicationHref = (applicationId: string) => `/admin/applications/${enc(applicationId)}`;

/** The id after a name, smaller; nothing when the name is the id itself. */
export const secondaryId = (name: string, id: string): Html | string =>
  name === id ? '' : html` <span class="hint"><code>${id}</code></span>`;

export const recipientName = (r: Recipient): Html =>
  r.organization
    ? html`<a href="${organizationHref(r.organization.id)}">${r.name}</a>`
    : r.name === r.clientId
      ? html`<code>${r.name}</code>`
      : html`${r.name}`;

/** For a table cell: "Aplicativos Ltda (link) mkt-…". */
export const recipientCell = (r: Recipient): Html =>
  html`${recipientName(r)}${secondaryId(r.name, r.clientId)}`;

/** "Ana Souza CPF ***.982.247-**", the documents smaller. */
export const customerCell = (c: CustomerLabel): Html | string =>
  c.name || c.documents.length
    ? html`${c.name ?? ''}${c.documents.map((d) => html` <span class="hint">${d}</span>`)}`
    : '—';
