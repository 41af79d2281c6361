// The customers' pages' frame, in the page's language and the bank's brand: the bank's logo and
// name, the language switch, the customer's name and log-out once logged in, the footer with the
// bank's customer service and legal links; and the message pages.
import { html, page, type Html } from '../../lib/http/html.js';
import { languageSwitch } from '../../lib/i18n/switch.js';
import { brandFooter, footerWords, logoOf } from '../../lib/web/brand.js';
import { myLocale, type MyContext } from './i18n.js';

export interface Me {
  customerId: string;
  name: string;
  csrf: string;
}

const logoutForm = (c: MyContext, csrf: string): Html =>
  html`<form method="post" action="/my/logout">
    <input type="hidden" name="csrf" value="${csrf}" />
    <button type="submit" class="secondary">${c.t('frame.logout')}</button>
  </form>`;

export function myPage(c: MyContext, title: string, body: Html, me?: Me): string {
  const b = c.branding;
  const header = html`<header class="brand">
    <img src="${logoOf(b)}" alt="" />
    <p><strong>${b.name}</strong> — ${c.t('frame.site')}</p>
    ${
      me
        ? html`<nav aria-label="${c.t('frame.nav')}"><a href="/my/consents">${c.t('frame.consents')}</a></nav>
            <p>${me.name}</p>
            ${logoutForm(c, me.csrf)}`
        : ''
    }
    ${
      c.here
        ? languageSwitch({
            lang: c.lang,
            here: c.here,
            label: c.t('language.switch'),
            nameOf: (l) => myLocale(l).t('language.self'),
          })
        : ''
    }
  </header>`;
  return page(title, html`${body} ${brandFooter(b, footerWords(c.t))}`, {
    site: b.name,
    header,
    wide: true,
    lang: c.lang,
    theme: b,
    skipLabel: c.t('frame.skip'),
  });
}

export function messagePage(c: MyContext, title: string, message: string, me?: Me, back?: string): string {
  return myPage(
    c,
    title,
    html`<h1>${title}</h1>
      <p role="alert">${message}</p>
      ${back ? html`<p><a href="${back}">${c.t('errors.back')}</a></p>` : ''}`,
    me,
  );
}
