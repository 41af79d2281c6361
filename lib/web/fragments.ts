// HTML pieces the server-rendered rooms share (bank console, developer portal, self-service):
// the notice and error banners, the email-and-password log-in form, and how a time is shown.
import { html } from '../http/html.js';

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
