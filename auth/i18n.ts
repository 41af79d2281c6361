// The languages of the customer's pages at the authorization server (login, one-time code,
// consent, errors): one catalogue per language in ./locales, read through i18next. Which language a
// page speaks is negotiated here from Accept-Language; the pages add the customer's own choice.
import { readFileSync } from 'node:fs';
import i18next, { type TFunction } from 'i18next';

export const LANGUAGES = ['pt-BR', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const catalogue = (language: Language) =>
  JSON.parse(readFileSync(new URL(`./locales/${language}.json`, import.meta.url), 'utf8')) as object;

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogue(l) }])),
  supportedLngs: [...LANGUAGES],
  fallbackLng: false,
  // The pages escape every value they interpolate (lib/http/html.ts): the catalogue returns text.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** What a page needs to speak one language. */
export interface Locale {
  lang: Language;
  t: TFunction;
  /** A day in this language's usual form: dd/mm/aaaa in pt-BR, yyyy-mm-dd in en. */
  date(d: Date): string;
}

export function locale(lang: Language): Locale {
  return {
    lang,
    t: i18n.getFixedT(lang),
    // Consent deadlines are instants in UTC; their day is shown as the standard states it.
    date: (d) =>
      lang === 'pt-BR'
        ? new Intl.DateTimeFormat('pt-BR', { timeZone: 'UTC', dateStyle: 'short' }).format(d)
        : d.toISOString().slice(0, 10),
  };
}

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** The language of a tag when it is one of ours: any pt-* is pt-BR, any en-* is en. */
function languageOfTag(tag: string): Language | undefined {
  const primary = tag.toLowerCase().split('-')[0];
  if (primary === 'pt') return 'pt-BR';
  if (primary === 'en') return 'en';
  return undefined;
}

/**
 * The best of our languages for an Accept-Language header (RFC 9110 §12.5.4): the highest weight
 * wins, earlier entries on a tie; `*` means any, so the fallback. Without a match, the fallback.
 */
export function negotiateLanguage(header: string | undefined, fallback: Language): Language {
  const ranges = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      // A weight that is not a number (q=abc) leaves the entry out.
      const q = params.map((p) => /^\s*q\s*=(.*)$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q.trim() || NaN), index };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === '*') return fallback;
    const language = languageOfTag(tag);
    if (language) return language;
  }
  return fallback;
}
