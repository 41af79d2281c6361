// The console's page frame: a header with who is logged in and a log-out button, a skip link,
// and the message pages. Plain HTML, no scripts, nothing from outside the server.
import { html, logoutForm, page, type Html } from '../../lib/http/html.js';
import type { Staff } from './staff.js';

const SITE = 'Bank consent console';

export function consolePage(title: string, body: Html, staff?: Staff): string {
  const header = html`<header>
    <p><strong>${SITE}</strong></p>
    ${
      staff
        ? html`<nav aria-label="Console">
              <a href="/admin/consents">Consents</a> <a href="/admin/insights">Insights</a>
              <a href="/admin/organizations">Organizations</a>
              <a href="/admin/subscriptions">Subscriptions</a>
              <a href="/admin/applications">Applications</a>
            </nav>
            <p>${staff.name} (${staff.email}, ${staff.role})</p>
            ${logoutForm('/admin/logout', staff.csrf)}`
        : ''
    }
  </header>`;
  return page(title, body, { site: SITE, header, wide: true });
}

export function messagePage(title: string, message: string, staff?: Staff, back?: string): string {
  return consolePage(
    title,
    html`<h1>${title}</h1>
      <p role="alert">${message}</p>
      ${back ? html`<p><a href="${back}">Back</a></p>` : ''}`,
    staff,
  );
}
