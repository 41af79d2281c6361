// The frame of every customer page at the authorization server: the bank's logo and name, the
// language switch, the page, and a footer with the bank's customer service and legal links — in
// the bank's theme (BANK_* settings, lib/config.ts) and the page's language.
import { DEFAULT_BRANDING, type Branding } from '../../lib/config.js';
import { html, page, type Html } from '../../lib/http/html.js';
import type { Request, Response } from 'express';
import { languageSwitch as switchTo } from '../../lib/i18n/switch.js';
import { brandFooter, footerWords, logoOf } from '../../lib/web/brand.js';
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
        <img src="${logoOf(b)}" alt="" /><strong>${b.name}</strong>${languageSwitch(c)}
      </header>
      ${body} ${brandFooter(b, footerWords(c.t))}`,
    { lang: c.lang, site: b.name, theme: b },
  );
}
