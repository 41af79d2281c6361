// The customers' pages: the bank's plain layout, a header with log-out once logged in, and the
// log-in and one-time-code forms (the same fields and wording as the bank's login pages).
import { oneTimeCodeForm } from '../../auth/interactions/views.js';
import { html, logoutForm, page, type Html } from '../../lib/http/html.js';

export interface Me {
  customerId: string;
  name: string;
  csrf: string;
}

export function myPage(title: string, body: Html, me?: Me): string {
  const header = html`<header>
    <p><strong>Your bank — connected apps</strong></p>
    ${
      me
        ? html`<nav aria-label="Self-service"><a href="/my/consents">Your consents</a></nav>
            <p>${me.name}</p>
            ${logoutForm('/my/logout', me.csrf)}`
        : ''
    }
  </header>`;
  return page(title, body, { site: 'Bank', header, wide: true });
}

export const alerts = (o: { notice?: string; error?: string }) =>
  html`${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}${
    o.error ? html`<p class="error-banner" role="alert" id="error">${o.error}</p>` : ''
  }`;

export function messagePage(title: string, message: string, me?: Me, back?: string): string {
  return myPage(
    title,
    html`<h1>${title}</h1>
      <p role="alert">${message}</p>
      ${back ? html`<p><a href="${back}">Back</a></p>` : ''}`,
    me,
  );
}

export function myLoginPage(o: { csrf: string; error?: string; notice?: string }): string {
  return myPage(
    'Log in',
    html`<h1>See and manage the apps you share data with</h1>
      ${alerts(o)}
      <form method="post" action="/my/login" autocomplete="off" novalidate>
        <input type="hidden" name="csrf" value="${o.csrf}" />
        <label for="username">CPF</label>
        <input id="username" name="username" inputmode="numeric" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Continue</button>
      </form>`,
  );
}

export function myCodePage(o: { csrf: string; error?: string }): string {
  return myPage(
    'Confirm it is you',
    html`<h1>Confirm it is you</h1>
      <p>We sent a six-digit code to your registered email address.</p>
      ${alerts(o)} ${oneTimeCodeForm({ ...o, action: '/my/login/code' })}`,
  );
}
