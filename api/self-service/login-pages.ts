// The customers' log-in and one-time-code forms (the same fields and wording as the bank's login
// pages).
import { oneTimeCodeForm } from '../../auth/interactions/views.js';
import { html } from '../../lib/http/html.js';
import { banner } from '../../lib/web/fragments.js';
import { myPage } from './frame-pages.js';

export function myLoginPage(o: { csrf: string; error?: string; notice?: string }): string {
  return myPage(
    'Log in',
    html`<h1>See and manage the apps you share data with</h1>
      ${banner(o)}
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
      ${banner(o)} ${oneTimeCodeForm({ ...o, action: '/my/login/code' })}`,
  );
}
