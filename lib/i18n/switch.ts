// The language switch on a customer page: a link to the same page in each other language, each
// named in its own language (`?lang=`, remembered by ./page-language.ts).
import { html, type Html } from '../http/html.js';
import { LANGUAGES, type Language } from './languages.js';

export function languageSwitch(o: {
  lang: Language;
  /** The address that shows this page again. */
  here: string;
  /** The navigation's accessible name, in the page's language. */
  label: string;
  /** A language's name in that language. */
  nameOf: (l: Language) => string;
}): Html {
  const sep = o.here.includes('?') ? '&' : '?';
  return html`<nav class="languages" aria-label="${o.label}">
    ${LANGUAGES.filter((l) => l !== o.lang).map(
      (l) => html`<a href="${o.here}${sep}lang=${l}" hreflang="${l}" lang="${l}">${o.nameOf(l)}</a>`,
    )}
  </nav>`;
}
