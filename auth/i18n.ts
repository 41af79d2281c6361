// The languages of the customer's pages at the authorization server (login, one-time code,
// consent, errors): auth's catalogue per language in ./locales. The languages, their negotiation
// from Accept-Language and the i18next set-up are lib/i18n's, shared with self-service.
import { catalogue } from '../lib/i18n/catalogue.js';

export { LANGUAGES, negotiateLanguage, type Language } from '../lib/i18n/languages.js';
export type { Locale } from '../lib/i18n/catalogue.js';

export const locale = catalogue(new URL('./locales/', import.meta.url));
