// The customers' log-in and one-time-code forms (the same fields as the bank's login pages; the
// code form is the authorization server's, in the page's language).
import { oneTimeCodeForm } from '../../auth/interactions/views.js';
import { locale } from '../../auth/i18n.js';
import { html } from '../../lib/http/html.js';
import { banner } from '../../lib/web/fragments.js';
import { myPage } from './frame-pages.js';
import type { MyContext } from './i18n.js';

export function myLoginPage(c: MyContext, o: { csrf: string; error?: string; notice?: string }): string {
  return myPage(
    c,
    c.t('login.title'),
    html`<h1>${c.t('login.heading')}</h1>
      ${banner(o)}
      <form method="post" action="/my/login" autocomplete="off" novalidate>
        <input type="hidden" name="csrf" value="${o.csrf}" />
        <label for="username">${c.t('login.cpf')}</label>
        <input id="username" name="username" inputmode="numeric" autocomplete="username" required />
        <label for="password">${c.t('login.password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">${c.t('login.continue')}</button>
      </form>`,
  );
}

export function myCodePage(c: MyContext, o: { csrf: string; error?: string }): string {
  return myPage(
    c,
    c.t('code.title'),
    html`<h1>${c.t('code.title')}</h1>
      <p>${c.t('code.sent')}</p>
      ${banner(o)} ${oneTimeCodeForm({ ...o, action: '/my/login/code' }, locale(c.lang))}`,
  );
}
