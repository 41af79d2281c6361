// The bank's brand on the customer's pages (the authorization server's and self-service): its logo,
// or a monogram when it has none, and the footer with its support contacts and legal links.
import type { Branding } from '../config.js';
import { html, type Html } from '../http/html.js';

/** A monogram of the bank's initials, when it has no logo: an inline image, nothing fetched. */
function monogram(b: Branding): string {
  const initials = b.name
    .split(/\s+/)
    .filter((w) => /^\p{Lu}/u.test(w))
    .slice(0, 2)
    .map((w) => w[0])
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="${b.colors.primary}"/><text x="20" y="26" font-family="sans-serif" font-size="16" font-weight="700" fill="#fff" text-anchor="middle">${initials || 'B'}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** The logo's address: the bank's own, else its monogram. */
export const logoOf = (b: Branding): string => b.logoUrl ?? monogram(b);

/** The footer's words, in the page's language. */
export interface FooterWords {
  support: string;
  privacy: string;
  terms: string;
}

export function brandFooter(b: Branding, words: FooterWords): Html {
  return html`<footer>
    <p>
      ${words.support}:
      <a href="tel:${b.support.phone.replace(/[^\d+]/g, '')}">${b.support.phone}</a> ·
      <a href="mailto:${b.support.email}">${b.support.email}</a>
    </p>
    <ul>
      <li><a href="${b.support.url}">${words.support}</a></li>
      <li><a href="${b.legal.privacyUrl}">${words.privacy}</a></li>
      <li><a href="${b.legal.termsUrl}">${words.terms}</a></li>
    </ul>
  </footer>`;
}

/** The footer's words from a page's catalogue (`frame.support`, `frame.privacy`, `frame.terms`). */
export const footerWords = (t: (key: string) => string): FooterWords => ({
  support: t('frame.support'),
  privacy: t('frame.privacy'),
  terms: t('frame.terms'),
});
