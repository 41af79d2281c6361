// The frame of every customer page at the authorization server: the bank's logo and name, the
// language switch, the page, and a footer with the bank's customer service and legal links — in
// the bank's theme (BANK_* settings, lib/config.ts) and the page's language.
import { DEFAULT_BRANDING, type Branding } from '../../lib/config.js';
import { html, page, type Html } from '../../lib/http/html.js';
import type { Request, Response } from 'express';
import { languageSwitch as switchTo } from '../../lib/i18n/switch.js';
import { locale, type Locale } from '../i18n.js';
import { pageLanguage, type Journey } from './language.js';

/** What every page is drawn with: its language, the bank's brand, and where the switch leads. */
export interface PageContext extends Locale {
  branding: Branding;
  /**
   * The address that shows this step again (the interaction's page), for the language switch;
   * without it (no interaction to keep) the switch is left out.
   */
  here?: string;
}

/** A page context without a request: the default brand, in English unless said. */
export const plainContext = (lang: Locale['lang'] = 'en'): PageContext => ({
  ...locale(lang),
  branding: DEFAULT_BRANDING,
});

/** The context of a page answering this request, in the language chosen for it. */
export function pageContext(
  req: Request,
  res: Response,
  o: { branding: Branding; journey?: Journey; here?: string },
): PageContext {
  return {
    ...locale(pageLanguage(req, res, o.journey)),
    branding: o.branding,
    ...(o.here ? { here: o.here } : {}),
  };
}

/** A monogram of the bank's initials, when it has no logo: an inline image, nothing fetched. */
export function monogram(b: Branding): string {
  const initials = b.name
    .split(/\s+/)
    .filter((w) => /^\p{Lu}/u.test(w))
    .slice(0, 2)
    .map((w) => w[0])
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="${b.colors.primary}"/><text x="20" y="26" font-family="sans-serif" font-size="16" font-weight="700" fill="#fff" text-anchor="middle">${initials || 'B'}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

function languageSwitch(c: PageContext): Html | string {
  if (!c.here) return '';
  return switchTo({
    lang: c.lang,
    here: c.here,
    label: c.t('language.switch'),
    nameOf: (l) => locale(l).t('language.self'),
  });
}

export function customerPage(c: PageContext, title: string, body: Html): string {
  const b = c.branding;
  return page(
    title,
    html`<header class="brand">
        <img src="${b.logoUrl ?? monogram(b)}" alt="" /><strong>${b.name}</strong>${languageSwitch(c)}
      </header>
      ${body}
      <footer>
        <p>
          ${c.t('frame.support')}:
          <a href="tel:${b.support.phone.replace(/[^\d+]/g, '')}">${b.support.phone}</a> ·
          <a href="mailto:${b.support.email}">${b.support.email}</a>
        </p>
        <ul>
          <li><a href="${b.support.url}">${c.t('frame.support')}</a></li>
          <li><a href="${b.legal.privacyUrl}">${c.t('frame.privacy')}</a></li>
          <li><a href="${b.legal.termsUrl}">${c.t('frame.terms')}</a></li>
        </ul>
      </footer>`,
    { lang: c.lang, site: b.name, theme: b },
  );
}
