// The console's page frame: a header with who is logged in and a log-out button, a skip link,
// and the message pages. Plain HTML, no scripts, nothing from outside the server.
import { html, logoutForm, page, type Html } from '../../lib/http/html.js';
import type { Staff } from './access.js';

export const SITE = 'Bank consent console';

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

/** The email-and-password log-in form of the console and of the developer marketplace. */
export const emailLoginForm = (o: { action: string; csrf: string; next: string; email?: string }) =>
  html`<form method="post" action="${o.action}" novalidate>
    <input type="hidden" name="csrf" value="${o.csrf}" />
    <input type="hidden" name="next" value="${o.next}" />
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${o.email ?? ''}" />
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required />
    <button type="submit">Log in</button>
  </form>`;

export const banner = (o: { notice?: string; error?: string }) =>
  html`${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}${
    o.error ? html`<p class="error-banner" role="alert" id="error">${o.error}</p>` : ''
  }`;

export const fmt = (d: Date | string | null | undefined) =>
  d
    ? new Date(d)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, ' UTC')
    : '—';
