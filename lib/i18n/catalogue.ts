// One component's messages, one catalogue per language (`<dir>/pt-BR.json`, `<dir>/en.json`), read
// through i18next: each component keeps its own words, all of them speak the same languages.
import { readFileSync } from 'node:fs';
import i18next, { type TFunction } from 'i18next';
import { LANGUAGES, type Language } from './languages.js';

/** What a page needs to speak one language. */
export interface Locale {
  lang: Language;
  t: TFunction;
  /** A day in this language's usual form: dd/mm/aaaa in pt-BR, yyyy-mm-dd in en (the UTC day). */
  date(d: Date): string;
}

/** The locales of the catalogues in `dir` (a directory URL ending in /). */
export function catalogue(dir: URL): (lang: Language) => Locale {
  const read = (language: Language) =>
    JSON.parse(readFileSync(new URL(`${language}.json`, dir), 'utf8')) as object;
  const i18n = i18next.createInstance();
  void i18n.init({
    initAsync: false,
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: read(l) }])),
    supportedLngs: [...LANGUAGES],
    fallbackLng: false,
    // The pages escape every value they interpolate (lib/http/html.ts): the catalogue returns text.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return (lang) => ({
    lang,
    t: i18n.getFixedT(lang),
    // Consent deadlines are instants in UTC; their day is shown as the standard states it.
    date: (d) =>
      lang === 'pt-BR'
        ? new Intl.DateTimeFormat('pt-BR', { timeZone: 'UTC', dateStyle: 'short' }).format(d)
        : d.toISOString().slice(0, 10),
  });
}
