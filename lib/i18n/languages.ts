// The languages of the customers' pages (pt-BR and en) and which one a page speaks: the customer's
// own choice (the language switch, kept in a cookie), else the best match of Accept-Language, else
// the caller's fallback. Shared by the authorization server's pages and self-service.
export const LANGUAGES = ['pt-BR', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The cookie that keeps the customer's choice from the switch, for the whole site. */
export const LANGUAGE_COOKIE = 'lang';

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

const chosenIn = (cookieHeader: string | undefined) =>
  (cookieHeader ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([name]) => name === LANGUAGE_COOKIE)?.[1];

/** The customer's choice (remembered), else Accept-Language's best match, else the fallback. */
export function chooseLanguage(o: {
  cookieHeader?: string | undefined;
  acceptLanguage?: string | undefined;
  fallback: Language;
}): Language {
  const chosen = chosenIn(o.cookieHeader);
  if (isLanguage(chosen)) return chosen;
  return negotiateLanguage(o.acceptLanguage, o.fallback);
}
